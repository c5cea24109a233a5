from django.urls import path

from pmg import views

app_name = "pmg"
urlpatterns = [
    path("regiones/<str:code>/<int:year>/pmg/", views.pmg, name="pmg"),
    path("regiones/<str:code>/<int:year>/pmg/<int:pk>/validar/", views.validate, name="validate"),
]
