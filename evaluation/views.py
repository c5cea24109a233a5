"""Pages of the review workflow: sending, returning, approving and reopening, the review of a region;
pendientes; the review queue; dashboards, exports and reports."""

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

# Messages of the workflow's steps carry this tag: pages show them beside the workflow's actions.
WORKFLOW = "workflow"
WORKFLOW_ANCHORS = {"indicators:region": "#envio", "evaluation:review": "#decision"}


def _workflow_step(request: HttpRequest, code: str, year: int, step, done: str, *, back: str) -> HttpResponse:
    """Run one workflow step with the posted comment and go back to the page it was taken from (`back`: the
    region's page or its review page), at the workflow's actions, where its outcome is shown."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            step(user=request.user, region=region, cycle=cycle, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages), extra_tags=WORKFLOW)
        else:
            messages.success(request, done, extra_tags=WORKFLOW)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors), extra_tags=WORKFLOW)
    response = redirect(back, code=region.iso_code, year=cycle.year)
    response["Location"] += WORKFLOW_ANCHORS[back]
    return response


@require_POST
@login_required
def submission_send(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return services.submission_send(**kwargs)

    done = _("Los datos se enviaron a revisión de DIPRES.")
    return _workflow_step(request, code, year, step, done, back="indicators:region")


@require_POST
@login_required
def submission_return(request: HttpRequest, code: str, year: int) -> HttpResponse:
    done = _("Se devolvieron los datos con su comentario.")
    return _workflow_step(request, code, year, services.submission_return, done, back="evaluation:review")


@require_POST
@login_required
def submission_approve(request: HttpRequest, code: str, year: int) -> HttpResponse:
    done = _("Se aprobaron los datos; quedan bloqueados.")
    return _workflow_step(request, code, year, services.submission_approve, done, back="evaluation:review")


@require_POST
@login_required
def submission_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return services.submission_reopen(reason=comment, **kwargs)

    done = _("Se reabrieron los datos para corrección.")
    return _workflow_step(request, code, year, step, done, back="evaluation:review")


@login_required
def submission_review(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """DIPRES's review of a region's data in a cycle: each indicator's result and analysis, the institutional
    compliance and bonus, and the forms to approve, return or reopen, on one page."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    context = {
        "region": region,
        "cycle": cycle,
        "submission": selectors.submission_for(region=region, cycle=cycle),
        **selectors.region_report(region=region, cycle=cycle),
    }
    return render(request, "evaluation/review.html", context)


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """What each of the analyst's regions still lacks in every open cycle, and what DIPRES returned."""
    groups = selectors.pending_by_cycle(user=request.user)
    context = {"groups": groups, "has_cycles": bool(selectors.cycle_current()), "today": timezone.localdate()}
    return render(request, "evaluation/pending.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """DIPRES's queue: every open cycle's submissions, those awaiting review first."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    return render(request, "evaluation/review_queue.html", {"queues": selectors.review_queues()})


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
    cycle = caching.cached(
        "cycle", year, version=version, compute=lambda: selectors.cycle_get(year=year, region=region)
    )

    def body() -> str:
        with reading_from_replica():
            result = selectors.region_result(region=region, cycle=cycle)
            context = {
                "region": region,
                "cycle": cycle,
                "result": result,
                "cards": dashboard.cards(result) if result else [],
                "products": selectors.product_summaries(region=region, cycle=cycle, result=result) if result else [],
                "cycles": selectors.cycles_for_region(region),
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
    cycles = selectors.cycles_for_region(region)  # Ñuble is compared only in the cycles it took part in
    form = CompareForm(request.GET or None, cycles=cycles)
    comparison = None
    if form.is_valid():
        first = selectors.cycle_get(year=form.cleaned_data["a"])
        second = selectors.cycle_get(year=form.cleaned_data["b"])
        comparison = dashboard.compare(
            selectors.region_result(region=region, cycle=first), selectors.region_result(region=region, cycle=second)
        )
    context = {"region": region, "form": form, "comparison": comparison, "cycles": cycles}
    if comparison is not None:
        context["illustrative"] = first.is_illustrative or second.is_illustrative  # the banner in base.html
    return render(request, "evaluation/compare.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _illustrative_note(cycle) -> str:
    """Return the first line of an illustrative cycle's exports («» for any other cycle)."""
    if not cycle.is_illustrative:
        return ""
    return _(
        "Datos ilustrativos: el ciclo %(year)s es una demostración; sus cifras son ejemplos, no datos oficiales."
    ) % {"year": cycle.year}


def _export(request: HttpRequest, tables: list, name: str, fmt: str, *, cycle) -> HttpResponse:
    """Return the tables as one workbook (xlsx) or one table (csv, chosen with ?tabla=), labelled when the
    cycle is illustrative."""
    note = _illustrative_note(cycle)
    if fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(tables, note=note), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    slug = request.GET.get("tabla") or tables[0].slug
    table = next((t for t in tables if t.slug == slug), None)
    if table is None:
        raise Http404(_("No existe la tabla «%(slug)s».") % {"slug": slug})
    response = HttpResponse(exports.to_csv(table, note=note), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.slug}.csv"'
    return response


@login_required
def region_dashboard_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region dashboard's tables as .xlsx (all) or .csv (one)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    result = selectors.region_result(region=region, cycle=cycle)
    if result is None:
        raise Http404(_("La región no tiene indicadores en este ciclo."))
    tables = dashboard.region_tables(result, selectors.product_summaries(region=region, cycle=cycle, result=result))
    return _export(request, tables, f"tablero-{region.iso_code}-{cycle.year}", fmt, cycle=cycle)


@login_required
def national_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The national overview's tables as .xlsx (all) or .csv (one)."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    cycle = selectors.cycle_get(year=year)
    tables = dashboard.national_tables(dashboard.ranking(selectors.cycle_results(cycle=cycle)))
    return _export(request, tables, f"nacional-{cycle.year}", fmt, cycle=cycle)


def _report_context(request: HttpRequest, code: str, year: int) -> dict:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
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
