from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from indicators.views import definitions, observations
from indicators.views import pages as views

app_name = "indicators"
indicator = "regiones/<region:code>/<year:year>/indicadores/<code:indicator>/"
definitions_path = "regiones/<region:code>/<year:year>/definiciones/"
urlpatterns = [
    path("regiones/<region:code>/", views.region_current, name="region_current"),
    path("regiones/<region:code>/<year:year>/", views.region_indicators, name="region"),
    path("regiones/<region:code>/<year:year>/ingreso/", views.entry_start, name="entry_start"),
    path("regiones/<region:code>/<year:year>/ingreso/<id:product>/", views.entry, name="entry"),
    path("regiones/<region:code>/<year:year>/planilla/", views.spreadsheet, name="spreadsheet"),
    path("regiones/<region:code>/<year:year>/planilla.xlsx", views.spreadsheet_download, name="spreadsheet_download"),
    path(
        "regiones/<region:code>/<year:year>/planilla/<id:pk>/aplicar/",
        views.spreadsheet_apply,
        name="spreadsheet_apply",
    ),
    path(definitions_path, definitions.definitions, name="definitions"),
    path(definitions_path + "mision/", definitions.mission_save, name="mission_save"),
    path(definitions_path + "objetivos/", definitions.objective_save, name="objective_add"),
    path(definitions_path + "objetivos/<id:pk>/", definitions.objective_save, name="objective_change"),
    path(definitions_path + "objetivos/<id:pk>/quitar/", definitions.objective_delete, name="objective_delete"),
    path(definitions_path + "objetivos/<id:pk>/ejes/", definitions.objective_axes, name="objective_axes"),
    path(definitions_path + "metas/", definitions.target_save, name="target_add"),
    path(definitions_path + "metas/<id:pk>/", definitions.target_save, name="target_change"),
    path(definitions_path + "metas/<id:pk>/quitar/", definitions.target_delete, name="target_delete"),
    path(
        "regiones/<region:code>/<year:year>/definiciones.xlsx",
        definitions.definitions_export,
        {"fmt": "xlsx"},
        name="definitions_xlsx",
    ),
    path(
        "regiones/<region:code>/<year:year>/definiciones.csv",
        definitions.definitions_export,
        {"fmt": "csv"},
        name="definitions_csv",
    ),
    path(indicator, views.indicator_detail, name="indicator"),
    path(indicator + "historial/", views.indicator_history, name="history"),
    path(indicator + "analisis/", views.result_analysis_save, name="analysis"),
    path(indicator + "analisis/decision/", views.result_analysis_decide, name="analysis_decide"),
    path(indicator + "compromisos/", views.commitment_add, name="commitment_add"),
    path(indicator + "compromisos/<id:pk>/", views.commitment_follow_up, name="commitment_follow_up"),
    path(indicator + "evidencia/", views.evidence_upload, name="evidence_upload"),
    path(indicator + "calculado/<id:pk>/", views.computed_apply, name="computed_apply"),
    path(indicator + "observaciones/", observations.observation_open, name="observation_open"),
    path(indicator + "observaciones/<id:pk>/responder/", observations.observation_reply, name="observation_reply"),
    path(indicator + "observaciones/<id:pk>/resolver/", observations.observation_resolve, name="observation_resolve"),
    path(indicator + "revision-formulacion/", observations.formulation_check, name="formulation_check"),
    path(indicator + "responsable/", observations.responsible_set, name="responsible_set"),
    path(indicator + "evidencia/<id:pk>/", views.evidence_download, name="evidence_download"),
    path(indicator + "evidencia/<id:pk>/retirar/", views.evidence_withdraw, name="evidence_withdraw"),
]
