from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("regiones/<str:code>/", views.region_current, name="region_current"),
    path("regiones/<str:code>/<int:year>/", views.region_indicators, name="region"),
]
