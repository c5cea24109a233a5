from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from investments import views

app_name = "investments"
propir = "regiones/<region:code>/<year:year>/propir/"
urlpatterns = [
    path(propir, views.propir, name="propir"),
    path(propir + "iniciativas/<id:pk>/", views.initiative, name="initiative"),
    path(propir + "planilla/", views.spreadsheet, name="spreadsheet"),
    path(propir + "planilla/<id:pk>/", views.preview, name="preview"),
    path("regiones/<region:code>/<year:year>/propir.xlsx", views.propir_export, {"fmt": "xlsx"}, name="xlsx"),
    path("regiones/<region:code>/<year:year>/propir.csv", views.propir_export, {"fmt": "csv"}, name="csv"),
]
