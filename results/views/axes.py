"""The Delivery Unit's priority axes: the catalogue with how many indicators serve each axis in a cycle, and
a page per axis with every region's indicators serving it and their results (the regions the person sees)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import exports
from core.exports import Table
from core.numbers import round_half_up
from evaluation import selectors as cycle_selectors
from evaluation.templatetags.cycle_labels import classification_label
from regions.selectors import Role, user_role
from results.selectors import axes as selectors


def _cycle(request: HttpRequest, year: int):
    if user_role(request.user) == Role.NONE:
        raise PermissionDenied(_("No tiene acceso a ninguna región."))
    return cycle_selectors.cycle_get(year=year)


@login_required
def axes_current(request: HttpRequest) -> HttpResponse:
    """Redirect to the axes of the current cycle."""
    if user_role(request.user) == Role.NONE:
        raise PermissionDenied(_("No tiene acceso a ninguna región."))
    cycle = cycle_selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("results:axes", year=cycle.year)


@login_required
def axes(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    context = {
        "cycle": cycle,
        "cycles": cycle_selectors.cycles_all(),
        "axes": selectors.axes_overview(cycle=cycle, user=request.user),
    }
    return render(request, "results/axes.html", context)


@login_required
def axis(request: HttpRequest, year: int, code: str) -> HttpResponse:
    cycle = _cycle(request, year)
    found, regions = selectors.axis_detail(code=code, cycle=cycle, user=request.user)
    context = {"cycle": cycle, "axis": found, "regions": regions, "cycles": cycle_selectors.cycles_all()}
    return render(request, "results/axis.html", context)


@login_required
def axis_export(request: HttpRequest, year: int, code: str, fmt: str) -> HttpResponse:
    """An axis's indicators across the regions the person sees, with their results, as .xlsx or .csv."""
    cycle = _cycle(request, year)
    found, regions = selectors.axis_detail(code=code, cycle=cycle, user=request.user)
    table = Table(
        "eje",
        found.label[:31],
        [_("Región"), _("Código"), _("Indicador"), _("Efectivo"), _("Meta"), _("Cumplimiento (%)"), _("Estado")],
        [
            [
                region.region_name,
                item.code,
                item.name,
                None if item.actual is None else round_half_up(item.actual, item.decimals),
                None if item.target is None else round_half_up(item.target, item.decimals),
                None if item.percent is None else round_half_up(item.percent, 2),
                classification_label(item.classification),
            ]
            for region in regions
            for item in region.indicators
        ],
    )
    return exports.download([table], name=f"eje-{found.code}-{cycle.year}", fmt=fmt)
