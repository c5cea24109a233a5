from django.urls import path

from results.views import axes, budget, dashboards, reports, stages, workflow

app_name = "results"
urlpatterns = [
    path("pendientes/", workflow.pending, name="pending"),
    path("ciclos/<int:year>/etapa/", stages.cycle_stage, name="stage"),
    path(
        "regiones/<str:code>/<int:year>/formulacion/revision/",
        stages.formulation_review,
        name="formulation_review",
    ),
    path("ejes/", axes.axes_current, name="axes_current"),
    path("ejes/<int:year>/", axes.axes, name="axes"),
    path("ejes/<int:year>/nuevo/", axes.axis_create, name="axis_create"),
    path("ejes/<int:year>/<slug:code>/", axes.axis, name="axis"),
    path("ejes/<int:year>/<slug:code>/editar/", axes.axis_change, name="axis_change"),
    path("ejes/<int:year>/<slug:code>.xlsx", axes.axis_export, {"fmt": "xlsx"}, name="axis_xlsx"),
    path("ejes/<int:year>/<slug:code>.csv", axes.axis_export, {"fmt": "csv"}, name="axis_csv"),
    path("revision/", workflow.review_queue, name="review_queue"),
    path("nacional/", dashboards.national_current, name="national_current"),
    path("nacional/<int:year>/", dashboards.national_overview, name="national"),
    path("regiones/<str:code>/comparar/", dashboards.compare_cycles, name="compare"),
    path("regiones/<str:code>/<int:year>/tablero/", dashboards.region_dashboard, name="dashboard"),
    path("regiones/<str:code>/<int:year>/presupuesto/", budget.budget, name="budget"),
    path("regiones/<str:code>/<int:year>/presupuesto.xlsx", budget.budget_export, name="budget_xlsx"),
    path(
        "regiones/<str:code>/<int:year>/tablero.xlsx",
        dashboards.region_dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
    path(
        "regiones/<str:code>/<int:year>/tablero.csv",
        dashboards.region_dashboard_export,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path("nacional/<int:year>.xlsx", dashboards.national_export, {"fmt": "xlsx"}, name="national_xlsx"),
    path("nacional/<int:year>.csv", dashboards.national_export, {"fmt": "csv"}, name="national_csv"),
    path("regiones/<str:code>/<int:year>/informe/", reports.region_report, name="report"),
    path("regiones/<str:code>/<int:year>/informe.pdf", reports.region_report_pdf, name="report_pdf"),
    path("regiones/<str:code>/<int:year>/revision/", workflow.submission_review, name="review"),
    path("regiones/<str:code>/<int:year>/enviar/", workflow.submission_send, name="send"),
    path("regiones/<str:code>/<int:year>/devolver/", workflow.submission_return, name="return"),
    path("regiones/<str:code>/<int:year>/aprobar/", workflow.submission_approve, name="approve"),
    path("regiones/<str:code>/<int:year>/reabrir/", workflow.submission_reopen, name="reopen"),
]
