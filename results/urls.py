from django.urls import path

import core.converters  # noqa: F401 - registers the path converters below (year, id, region, code)
from results.views import axes, budget, dashboards, reports, stages, workflow

app_name = "results"
urlpatterns = [
    path("pendientes/", workflow.pending, name="pending"),
    path("ciclos/<year:year>/etapa/", stages.cycle_stage, name="stage"),
    path(
        "regiones/<region:code>/<year:year>/formulacion/revision/",
        stages.formulation_review,
        name="formulation_review",
    ),
    path("ejes/", axes.axes_current, name="axes_current"),
    path("ejes/<year:year>/", axes.axes, name="axes"),
    path("ejes/<year:year>/nuevo/", axes.axis_create, name="axis_create"),
    path("ejes/<year:year>/<slug:code>/", axes.axis, name="axis"),
    path("ejes/<year:year>/<slug:code>/editar/", axes.axis_change, name="axis_change"),
    path("ejes/<year:year>/<slug:code>.xlsx", axes.axis_export, {"fmt": "xlsx"}, name="axis_xlsx"),
    path("ejes/<year:year>/<slug:code>.csv", axes.axis_export, {"fmt": "csv"}, name="axis_csv"),
    path("revision/", workflow.review_queue, name="review_queue"),
    path("nacional/", dashboards.national_current, name="national_current"),
    path("nacional/<year:year>/", dashboards.national_overview, name="national"),
    path("regiones/<region:code>/comparar/", dashboards.compare_cycles, name="compare"),
    path("regiones/<region:code>/<year:year>/tablero/", dashboards.region_dashboard, name="dashboard"),
    path("regiones/<region:code>/<year:year>/presupuesto/", budget.budget, name="budget"),
    path("regiones/<region:code>/<year:year>/presupuesto.xlsx", budget.budget_export, name="budget_xlsx"),
    path(
        "regiones/<region:code>/<year:year>/tablero.xlsx",
        dashboards.region_dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_xlsx",
    ),
    path(
        "regiones/<region:code>/<year:year>/tablero.csv",
        dashboards.region_dashboard_export,
        {"fmt": "csv"},
        name="dashboard_csv",
    ),
    path("nacional/<year:year>.xlsx", dashboards.national_export, {"fmt": "xlsx"}, name="national_xlsx"),
    path("nacional/<year:year>.csv", dashboards.national_export, {"fmt": "csv"}, name="national_csv"),
    path("regiones/<region:code>/<year:year>/informe/", reports.region_report, name="report"),
    path("regiones/<region:code>/<year:year>/informe.pdf", reports.region_report_pdf, name="report_pdf"),
    path("regiones/<region:code>/<year:year>/revision/", workflow.submission_review, name="review"),
    path("regiones/<region:code>/<year:year>/enviar/", workflow.submission_send, name="send"),
    path("regiones/<region:code>/<year:year>/devolver/", workflow.submission_return, name="return"),
    path("regiones/<region:code>/<year:year>/aprobar/", workflow.submission_approve, name="approve"),
    path("regiones/<region:code>/<year:year>/reabrir/", workflow.submission_reopen, name="reopen"),
]
