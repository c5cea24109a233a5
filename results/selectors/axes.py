"""The Delivery Unit's priority axes across regions: each axis with the indicators that serve it (linked to it
directly, or through the objetivos estratégicos their product serves in the cycle) and their results."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, PriorityAxis, StrategicObjective
from indicators.results import results_with_codes
from regions.selectors import regions_visible_to
from results.selectors.outcomes import cycle_results


def _links(*, cycle: EvaluationCycle, regions) -> set[tuple[int, int, int]]:
    """Return (axis id, indicator id, region id) for every indicator committed in the cycle in those regions
    that serves an axis, directly or through its product's objectives in the cycle (two queries, the regions'
    committed indicators as a subquery: no list of ids however many there are)."""
    committed = Indicator.objects.filter(region__in=regions, weightings__cycle=cycle).values("pk")
    direct = Indicator.axes.through.objects.filter(indicator__in=committed).values_list(
        "priorityaxis_id", "indicator_id", "indicator__region_id"
    )
    through = StrategicObjective.axes.through.objects.filter(
        strategicobjective__definition__cycle=cycle, strategicobjective__products__indicators__in=committed
    ).values_list(
        "priorityaxis_id",
        "strategicobjective__products__indicators",
        "strategicobjective__products__indicators__region_id",
    )
    return set(direct) | set(through)


def axes_overview(*, cycle: EvaluationCycle, user) -> list[tuple[PriorityAxis, int, int]]:
    """Return each active axis with how many indicators serve it in the cycle and in how many regions, among
    the regions the person may see."""
    links = _links(cycle=cycle, regions=regions_visible_to(user).in_year(cycle.year))
    return [
        (
            axis,
            len({pk for axis_id, pk, _region in links if axis_id == axis.pk}),
            len({region for axis_id, _pk, region in links if axis_id == axis.pk}),
        )
        for axis in PriorityAxis.objects.filter(is_active=True)
    ]


@dataclass
class AxisRegion:
    """A region's indicators serving an axis in a cycle, with their results (IndicatorResult)."""

    region_name: str
    region_code: str
    indicators: list = field(default_factory=list)


def axis_detail(*, code: str, cycle: EvaluationCycle, user) -> tuple[PriorityAxis, list[AxisRegion]]:
    """Return the axis and, per region the person may see, its indicators serving it with their results."""
    axis = PriorityAxis.objects.filter(code=code).first()
    if axis is None:
        raise Http404(_("No existe el eje «%(code)s».") % {"code": code})
    regions = list(regions_visible_to(user).in_year(cycle.year))
    links = [(pk, region) for axis_id, pk, region in _links(cycle=cycle, regions=regions) if axis_id == axis.pk]
    codes: dict[int, set[str]] = {}
    for code_, region_id in Indicator.objects.filter(pk__in=[pk for pk, _r in links]).values_list("code", "region_id"):
        codes.setdefault(region_id, set()).add(code_)
    shown = [region for region in regions if region.pk in codes]
    results = {r.region_code: r for r in cycle_results(cycle=cycle, regions=shown)} if shown else {}
    found = []
    for region in sorted(shown, key=lambda r: r.name):
        result = results.get(region.iso_code)
        items = list(results_with_codes(result.indicators, codes[region.pk])) if result else []
        found.append(AxisRegion(region.name, region.iso_code, items))
    return axis, found


def committed_indicators(*, cycle: EvaluationCycle, ids: list[str]) -> list[Indicator]:
    """Return the indicators with those ids that the cycle commits (others, and non-numbers, are dropped)."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    return list(Indicator.objects.filter(pk__in=wanted, weightings__cycle=cycle).distinct())


def linkable_indicators(*, cycle: EvaluationCycle, axis: PriorityAxis) -> list[tuple[Indicator, bool]]:
    """Return every indicator the cycle commits, by region and code, and whether it serves the axis directly
    (two queries)."""
    linked = set(axis.indicators.values_list("pk", flat=True))
    indicators = (
        Indicator.objects.filter(weightings__cycle=cycle).select_related("region").order_by("region__order", "code")
    )
    return [(indicator, indicator.pk in linked) for indicator in indicators.distinct()]
