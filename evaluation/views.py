"""Pages of the review workflow: sending, returning, approving and reopening; pendientes; the review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import caching, dashboard, exports, reports, selectors, services
from evaluation.forms import CompareForm
from indicators.forms import ReasonForm
from pbr.routers import reading_from_replica
from regions.selectors import authorize_view, can_review, region_get, region_get_for_user


def _workflow_step(request: HttpRequest, code: str, year: int, step, done: str) -> HttpResponse:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("indicators:region", code=region.iso_code, year=cycle.year)
    comment = form.cleaned_data["comment"]
    try:
        step(user=request.user, region=region, cycle=cycle, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("indicators:region", code=region.iso_code, year=cycle.year)


@require_POST
@login_required
def submission_send(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return services.submission_send(**kwargs)

    return _workflow_step(request, code, year, step, _("Los datos se enviaron a revisión de DIPRES."))


@require_POST
@login_required
def submission_return(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _workflow_step(
        request, code, year, services.submission_return, _("Se devolvieron los datos con su comentario.")
    )


@require_POST
@login_required
def submission_approve(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _workflow_step(
        request, code, year, services.submission_approve, _("Se aprobaron los datos; quedan bloqueados.")
    )


@require_POST
@login_required
def submission_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return services.submission_reopen(reason=comment, **kwargs)

    return _workflow_step(request, code, year, step, _("Se reabrieron los datos para corrección."))


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """What each of the analyst's regions still lacks in the current cycle, and what DIPRES returned."""
    cycle = selectors.cycle_current()
    regions = selectors.pending_for(user=request.user, cycle=cycle) if cycle else []
    context = {"cycle": cycle, "regions": regions, "today": timezone.localdate()}
    return render(request, "evaluation/pending.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """DIPRES's queue: every region's submission in the current cycle, those awaiting review first."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    cycle = selectors.cycle_current()
    submissions = selectors.review_queue(cycle=cycle) if cycle else []
    return render(request, "evaluation/review_queue.html", {"cycle": cycle, "submissions": submissions})


@login_required
def region_dashboard(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A region's results in a cycle: compliance and bonus, each indicator's achievement, trend and chart.

    Served from the cache while the data version stays the same: one small query then finds the region,
    the cycle and the rendered body (the permission is checked on every request).
    """
    with reading_from_replica():  # the version and the body from the same database: never newer than the data
        version = caching.data_version()
    region = caching.cached("region", code.upper(), version=version, compute=lambda: region_get(iso_code=code))
    authorize_view(user=request.user, region=region)
    cycle = caching.cached("cycle", year, version=version, compute=lambda: selectors.cycle_get(year=year))

    def body() -> str:
        with reading_from_replica():
            result = selectors.region_result(region=region, cycle=cycle)
            context = {
                "region": region,
                "cycle": cycle,
                "result": result,
                "cards": dashboard.cards(result) if result else [],
                "products": selectors.product_summaries(region=region, result=result) if result else [],
                "cycles": list(selectors.cycles_all()),
            }
        return render_to_string("evaluation/_region_dashboard_body.html", context, request)

    # Our own template's autoescaped output, cached as rendered.
    content = mark_safe(caching.cached("region-body", region.pk, cycle.year, version=version, compute=body))  # noqa: S308
    return render(request, "evaluation/region_dashboard.html", {"region": region, "cycle": cycle, "body": content})


@login_required
def national_overview(request: HttpRequest, year: int) -> HttpResponse:
    """Every region in a cycle: ranking by compliance, heat map by dimensión, counts and completeness."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    with reading_from_replica():
        version = caching.data_version()
    cycle = caching.cached("cycle", year, version=version, compute=lambda: selectors.cycle_get(year=year))

    def body() -> str:
        with reading_from_replica():
            results = selectors.cycle_results(cycle=cycle)
            context = {
                "cycle": cycle,
                "ranking": dashboard.ranking(results),
                "dimensions": dashboard.DIMENSIONS,
                "cycles": list(selectors.cycles_all()),
            }
        return render_to_string("evaluation/_national_body.html", context, request)

    content = mark_safe(caching.cached("national-body", cycle.year, version=version, compute=body))  # noqa: S308
    return render(request, "evaluation/national.html", {"cycle": cycle, "body": content})


@login_required
def national_current(request: HttpRequest) -> HttpResponse:
    """Redirect to the national overview of the current cycle."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    cycle = selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("evaluation:national", year=cycle.year)


@login_required
def compare_cycles(request: HttpRequest, code: str) -> HttpResponse:
    """A region's results in two cycles side by side (?a=2012&b=2013)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycles = list(selectors.cycles_all())
    years = [c.year for c in cycles]
    form = CompareForm(request.GET or None, years=years)
    comparison = None
    if form.is_valid():
        first = selectors.cycle_get(year=form.cleaned_data["a"])
        second = selectors.cycle_get(year=form.cleaned_data["b"])
        comparison = dashboard.compare(
            selectors.region_result(region=region, cycle=first), selectors.region_result(region=region, cycle=second)
        )
    context = {"region": region, "form": form, "comparison": comparison, "cycles": cycles}
    return render(request, "evaluation/compare.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(request: HttpRequest, tables: list, name: str, fmt: str) -> HttpResponse:
    """Return the tables as one workbook (xlsx) or one table (csv, chosen with ?tabla=)."""
    if fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(tables), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    slug = request.GET.get("tabla") or tables[0].slug
    table = next((t for t in tables if t.slug == slug), None)
    if table is None:
        raise Http404(_("No existe la tabla «%(slug)s».") % {"slug": slug})
    response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.slug}.csv"'
    return response


@login_required
def region_dashboard_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region dashboard's tables as .xlsx (all) or .csv (one)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year)
    result = selectors.region_result(region=region, cycle=cycle)
    if result is None:
        raise Http404(_("La región no tiene indicadores en este ciclo."))
    tables = dashboard.region_tables(result, selectors.product_summaries(region=region, result=result))
    return _export(request, tables, f"tablero-{region.iso_code}-{cycle.year}", fmt)


@login_required
def national_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The national overview's tables as .xlsx (all) or .csv (one)."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    cycle = selectors.cycle_get(year=year)
    tables = dashboard.national_tables(dashboard.ranking(selectors.cycle_results(cycle=cycle)))
    return _export(request, tables, f"nacional-{cycle.year}", fmt)


def _report_context(request: HttpRequest, code: str, year: int) -> dict:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year)
    return {"region": region, "cycle": cycle, **selectors.region_report(region=region, cycle=cycle)}


@login_required
def region_report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's report in the shape of the DIPRES annex, printable (print CSS)."""
    return render(request, "evaluation/report.html", {**_report_context(request, code, year), "screen": True})


@login_required
def region_report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The same report as a PDF (WeasyPrint)."""
    context = _report_context(request, code, year)
    html = render_to_string("evaluation/report.html", {**context, "screen": False}, request)
    response = HttpResponse(reports.pdf(html), content_type="application/pdf")
    region, cycle = context["region"], context["cycle"]
    response["Content-Disposition"] = f'attachment; filename="informe-{region.iso_code}-{cycle.year}.pdf"'
    return response
