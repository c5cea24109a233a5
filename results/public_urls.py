"""The public portal's addresses (/publico/): published results, read without signing in."""

from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from results.views import public

app_name = "public"
region = "regiones/<region:code>/<year:year>/"
urlpatterns = [
    path("", public.index, name="index"),
    path("<year:year>/", public.national, name="national"),
    path("<year:year>.csv", public.national_export, {"fmt": "csv"}, name="national_csv"),
    path("<year:year>.xlsx", public.national_export, {"fmt": "xlsx"}, name="national_xlsx"),
    path(region, public.region, name="region"),
    path("regiones/<region:code>/<year:year>.csv", public.region_export, {"fmt": "csv"}, name="region_csv"),
    path("regiones/<region:code>/<year:year>.xlsx", public.region_export, {"fmt": "xlsx"}, name="region_xlsx"),
    path(region + "informe/", public.region_report, name="report"),
    path("regiones/<region:code>/<year:year>/informe.pdf", public.region_report_pdf, name="report_pdf"),
    path(region + "indicadores/<code:indicator>/", public.indicator, name="indicator"),
]
