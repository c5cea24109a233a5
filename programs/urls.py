from django.urls import path

from programs import views

app_name = "programs"
evaluation = "regiones/<str:code>/<int:year>/evaluaciones/<int:pk>/"
urlpatterns = [
    path("regiones/<str:code>/<int:year>/evaluaciones/", views.evaluations, name="evaluations"),
    path("regiones/<str:code>/<int:year>/evaluaciones.xlsx", views.evaluations_export, {"fmt": "xlsx"}, name="xlsx"),
    path("regiones/<str:code>/<int:year>/evaluaciones.csv", views.evaluations_export, {"fmt": "csv"}, name="csv"),
    path(evaluation, views.evaluation_detail, name="evaluation"),
    path(evaluation + "informe/", views.report_download, name="report_download"),
    path(evaluation + "compromisos/", views.commitment_add, name="commitment_add"),
    path(evaluation + "compromisos/<int:commitment>/", views.commitment_follow_up, name="commitment_follow_up"),
    path(evaluation + "compromisos/<int:commitment>/corregir/", views.commitment_change, name="commitment_change"),
]
