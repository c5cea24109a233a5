from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from pmg import views

app_name = "pmg"
urlpatterns = [
    path("regiones/<region:code>/<year:year>/pmg/", views.pmg, name="pmg"),
    path("regiones/<region:code>/<year:year>/pmg/<id:pk>/validar/", views.validate, name="validate"),
    path("regiones/<region:code>/<year:year>/pmg.xlsx", views.pmg_export, {"fmt": "xlsx"}, name="xlsx"),
    path("regiones/<region:code>/<year:year>/pmg.csv", views.pmg_export, {"fmt": "csv"}, name="csv"),
]
