"""The control's only page."""

from django.urls import path

from bench.minimal.views import page

urlpatterns = [path("", page)]
