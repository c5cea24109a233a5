from django.urls import path

from pmg import views

app_name = "pmg"
urlpatterns = [
    path("regiones/<str:code>/<int:year>/pmg/", views.pmg, name="pmg"),
    path("regiones/<str:code>/<int:year>/pmg/<int:pk>/validar/", views.validate, name="validate"),
    path("regiones/<str:code>/<int:year>/pmg.xlsx", views.pmg_export, {"fmt": "xlsx"}, name="xlsx"),
    path("regiones/<str:code>/<int:year>/pmg.csv", views.pmg_export, {"fmt": "csv"}, name="csv"),
]
