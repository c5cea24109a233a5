from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("pendientes/", views.pending, name="pending"),
    path("revision/", views.review_queue, name="review_queue"),
    path("nacional/", views.national_current, name="national_current"),
    path("nacional/<int:year>/", views.national_overview, name="national"),
    path("regiones/<str:code>/comparar/", views.compare_cycles, name="compare"),
    path("regiones/<str:code>/<int:year>/tablero/", views.region_dashboard, name="dashboard"),
    path(
        "regiones/<str:code>/<int:year>/tablero.xlsx",
        views.region_dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
    path(
        "regiones/<str:code>/<int:year>/tablero.csv",
        views.region_dashboard_export,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path("nacional/<int:year>.xlsx", views.national_export, {"fmt": "xlsx"}, name="national_xlsx"),
    path("nacional/<int:year>.csv", views.national_export, {"fmt": "csv"}, name="national_csv"),
    path("regiones/<str:code>/<int:year>/informe/", views.region_report, name="report"),
    path("regiones/<str:code>/<int:year>/informe.pdf", views.region_report_pdf, name="report_pdf"),
    path("regiones/<str:code>/<int:year>/revision/", views.submission_review, name="review"),
    path("regiones/<str:code>/<int:year>/enviar/", views.submission_send, name="send"),
    path("regiones/<str:code>/<int:year>/devolver/", views.submission_return, name="return"),
    path("regiones/<str:code>/<int:year>/aprobar/", views.submission_approve, name="approve"),
    path("regiones/<str:code>/<int:year>/reabrir/", views.submission_reopen, name="reopen"),
]
