from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from programs import views

app_name = "programs"
evaluation = "regiones/<region:code>/<year:year>/evaluaciones/<id:pk>/"
urlpatterns = [
    path("regiones/<region:code>/<year:year>/evaluaciones/", views.evaluations, name="evaluations"),
    path(
        "regiones/<region:code>/<year:year>/evaluaciones.xlsx", views.evaluations_export, {"fmt": "xlsx"}, name="xlsx"
    ),
    path("regiones/<region:code>/<year:year>/evaluaciones.csv", views.evaluations_export, {"fmt": "csv"}, name="csv"),
    path(evaluation, views.evaluation_detail, name="evaluation"),
    path(evaluation + "informe/", views.report_download, name="report_download"),
    path(evaluation + "compromisos/", views.commitment_add, name="commitment_add"),
    path(evaluation + "compromisos/<id:commitment>/", views.commitment_follow_up, name="commitment_follow_up"),
    path(evaluation + "compromisos/<id:commitment>/corregir/", views.commitment_change, name="commitment_change"),
]
