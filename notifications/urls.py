from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notificaciones/", views.notification_list, name="list"),
    path("notificaciones/<id:pk>/abrir/", views.notification_open, name="open"),
    path("notificaciones/leidas/", views.notifications_read_all, name="read_all"),
    path("notificaciones/preferencias/", views.preferences, name="preferences"),
]
