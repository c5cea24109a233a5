"""What the public portal shows: only published results (evaluation.selectors.published_pairs), decided for
the public in the one place (regions.selectors.can_read_published, sees_internals), whoever asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from evaluation.selectors import cycle_get, is_published, published_pairs
from indicators.models import Indicator, Measurement, ResultAnalysis
from indicators.results import IndicatorResult
from indicators.selectors import cycle_entry_columns
from regions.models import Region
from regions.selectors import can_read_published, region_get
from results.dashboard import ranking
from results.selectors.outcomes import cycle_results, region_result

PUBLIC = AnonymousUser()  # the portal shows everyone what the public reads, signed in or not


@dataclass(frozen=True)
class PublishedCycle:
    cycle: EvaluationCycle
    regions: list[Region]


def published_cycles() -> list[PublishedCycle]:
    """Return the cycles with published results, newest first, each with its published regions in geographic
    order (three queries)."""
    pairs = published_pairs()
    cycles = EvaluationCycle.objects.filter(pk__in={cycle_id for _r, cycle_id in pairs}).order_by("-year")
    regions = {region.pk: region for region in Region.objects.filter(pk__in={r for r, _c in pairs})}
    return [
        PublishedCycle(
            cycle,
            sorted(
                (regions[region_id] for region_id, cycle_id in pairs if cycle_id == cycle.pk),
                key=lambda region: region.order,
            ),
        )
        for cycle in cycles
    ]


def published_region(*, iso_code: str, year: int) -> tuple[Region, EvaluationCycle]:
    """Return the region and the cycle when its results there are published; Http404 otherwise (as for a page
    that does not exist: the portal never says whether there is unpublished data)."""
    region = region_get(iso_code=iso_code)
    cycle = cycle_get(year=year, region=region)
    if not can_read_published(user=PUBLIC, region=region, published=is_published(region=region, cycle=cycle)):
        raise Http404(
            _("No hay resultados publicados de %(region)s en %(year)s.") % {"region": region.name, "year": year}
        )
    return region, cycle


def national(*, year: int) -> tuple[EvaluationCycle, list]:
    """Return the cycle and the ranking of its published regions (Http404 when none is published)."""
    cycle = cycle_get(year=year)
    published = {region_id for region_id, cycle_id in published_pairs() if cycle_id == cycle.pk}
    if not published:
        raise Http404(_("No hay resultados publicados del ciclo %(year)s.") % {"year": year})
    regions = list(Region.objects.filter(pk__in=published))
    return cycle, ranking(cycle_results(cycle=cycle, regions=regions, with_indicators=False))


def region_results(*, region: Region, cycle: EvaluationCycle):
    """Return the region's published result in the cycle (None when it committed no indicators)."""
    return region_result(region=region, cycle=cycle)


@dataclass(frozen=True)
class PublicIndicator:
    indicator: Indicator
    result: IndicatorResult | None
    series: list[tuple[int, str, Measurement | None]]  # the cycle's columns: year, kind, the figure
    analysis: ResultAnalysis | None  # only one the public reads: no external causes, or accepted ones


def indicator(*, region: Region, cycle: EvaluationCycle, code: str, result) -> PublicIndicator:
    """Return what the portal shows of one indicator committed in the published cycle; Http404 otherwise."""
    found = (
        Indicator.objects.filter(region=region, code__iexact=code, weightings__cycle=cycle)
        .select_related("product")
        .prefetch_related("axes")
        .first()
    )
    if found is None:
        raise Http404(_("El indicador no se comprometió en este ciclo."))
    columns = cycle_entry_columns(cycle)
    figures = {
        (m.year, m.kind): m
        for m in Measurement.objects.filter(indicator=found, year__gte=cycle.first_year, year__lte=cycle.year)
    }
    analysis = ResultAnalysis.objects.filter(indicator=found, cycle=cycle).first()
    if analysis is not None and analysis.external_causes and not analysis.external_accepted:
        analysis = None
    item = next((i for i in result.indicators if i.code == found.code), None) if result else None
    return PublicIndicator(
        indicator=found,
        result=item,
        series=[(c.year, c.kind, figures.get((c.year, c.kind))) for c in columns],
        analysis=analysis,
    )
