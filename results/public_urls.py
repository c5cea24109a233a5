"""The public portal's addresses (/publico/): published results, read without signing in."""

from django.urls import path

from results.views import public

app_name = "public"
region = "regiones/<str:code>/<int:year>/"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:year>/", public.national, name="national"),
    path("<int:year>.csv", public.national_export, {"fmt": "csv"}, name="national_csv"),
    path("<int:year>.xlsx", public.national_export, {"fmt": "xlsx"}, name="national_xlsx"),
    path(region, public.region, name="region"),
    path("regiones/<str:code>/<int:year>.csv", public.region_export, {"fmt": "csv"}, name="region_csv"),
    path("regiones/<str:code>/<int:year>.xlsx", public.region_export, {"fmt": "xlsx"}, name="region_xlsx"),
    path(region + "informe/", public.region_report, name="report"),
    path("regiones/<str:code>/<int:year>/informe.pdf", public.region_report_pdf, name="report_pdf"),
    path(region + "indicadores/<str:indicator>/", public.indicator, name="indicator"),
]
