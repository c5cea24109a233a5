from django.urls import path

from investments import views

app_name = "investments"
propir = "regiones/<str:code>/<int:year>/propir/"
urlpatterns = [
    path(propir, views.propir, name="propir"),
    path(propir + "iniciativas/<int:pk>/", views.initiative, name="initiative"),
    path(propir + "planilla/", views.spreadsheet, name="spreadsheet"),
    path(propir + "planilla/<int:pk>/", views.preview, name="preview"),
    path("regiones/<str:code>/<int:year>/propir.xlsx", views.propir_export, {"fmt": "xlsx"}, name="xlsx"),
    path("regiones/<str:code>/<int:year>/propir.csv", views.propir_export, {"fmt": "csv"}, name="csv"),
]
