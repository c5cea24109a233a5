"""What a person (or a program with a token, or anyone without signing in) reads through the API.

Two kinds of rows are readable: everything of the regions the person may see (regions.selectors), and the
published results of every region (evaluation.selectors.published_pairs: the region's data approved, or its
cycle closed). Published rows never carry what the public does not read (regions.selectors.sees_internals):
people's names, evidence, causes DIPRES has not accepted."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from evaluation.models import EvaluationCycle
from evaluation.selectors import published_pairs
from indicators.models import (
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    ResultAnalysis,
    StrategicDefinition,
    StrategicProduct,
)
from indicators.selectors import cycle_entry_columns
from investments.models import InvestmentInitiative
from programs.models import ProgramEvaluation
from regions.models import Region
from regions.selectors import can_read_published, regions_visible_to, sees_internals


@dataclass(frozen=True)
class Readable:
    """What the person reads: the regions they see whole, and the published (region, cycle) pairs of the rest."""

    region_ids: frozenset[int]
    published: frozenset[tuple[int, int]]  # only pairs of regions outside region_ids
    cycles: dict[int, EvaluationCycle]  # the cycles of the published pairs, by id

    def sees_internals(self, region_id: int) -> bool:
        return region_id in self.region_ids

    def published_cycles(self) -> dict[int, list[int]]:
        """Return {cycle id: [region ids published in it]} (regions the person does not see whole)."""
        by_cycle: dict[int, list[int]] = {}
        for region_id, cycle_id in sorted(self.published):
            by_cycle.setdefault(cycle_id, []).append(region_id)
        return by_cycle

    def pair_q(self, *, region: str, cycle: str) -> Q:
        """Return the condition «whole region, or a published pair» on rows with those region and cycle ids."""
        q = Q(**{f"{region}__in": self.region_ids})
        for cycle_id, region_ids in self.published_cycles().items():
            q |= Q(**{f"{cycle}": cycle_id, f"{region}__in": region_ids})
        return q


def readable(user: AbstractBaseUser | AnonymousUser) -> Readable:
    """Return what the person reads (three queries at most: their regions, the published pairs, their cycles)."""
    region_ids = frozenset(regions_visible_to(user).values_list("pk", flat=True))
    regions = {region.pk: region for region in Region.objects.exclude(pk__in=region_ids)}
    published = frozenset(
        (region_id, cycle_id)
        for region_id, cycle_id in published_pairs()
        if region_id in regions
        and can_read_published(user=user, region=regions[region_id], published=True)
        and not sees_internals(user=user, region=regions[region_id])
    )
    cycle_ids = {cycle_id for _region_id, cycle_id in published}
    cycles = {cycle.pk: cycle for cycle in EvaluationCycle.objects.filter(pk__in=cycle_ids)} if cycle_ids else {}
    return Readable(region_ids=region_ids, published=published, cycles=cycles)


def _any(conditions: list[Q]) -> Q:
    return functools.reduce(operator.or_, conditions, Q(pk__in=[]))


def indicators(readable: Readable) -> QuerySet[Indicator]:
    """Return the indicators the person reads: every indicator of their regions, and those committed in a
    published cycle of the others."""
    published = IndicatorWeighting.objects.filter(readable.pair_q(region="indicator__region_id", cycle="cycle_id"))
    return Indicator.objects.filter(
        Q(region_id__in=readable.region_ids) | Q(pk__in=published.values("indicator_id"))
    ).select_related("region", "product")


def figures(readable: Readable) -> QuerySet[Measurement]:
    """Return the figures the person reads: every figure of their regions' indicators; of the others, the
    columns a published cycle shows (efectivos of its window, the estimate, the meta) of the indicators
    committed in it. A figure a later, unpublished cycle adds (the efectivo of t, entered in t+1) stays
    unpublished until that cycle is."""
    conditions = [Q(indicator__region_id__in=readable.region_ids)]
    for cycle_id, region_ids in readable.published_cycles().items():
        cycle = readable.cycles[cycle_id]
        committed = IndicatorWeighting.objects.filter(cycle_id=cycle_id, indicator__region_id__in=region_ids)
        columns = _any([Q(year=column.year, kind=column.kind) for column in cycle_entry_columns(cycle)])
        conditions.append(Q(indicator_id__in=committed.values("indicator_id")) & columns)
    return Measurement.objects.filter(_any(conditions)).select_related("indicator__region")


def products(readable: Readable) -> QuerySet[StrategicProduct]:
    """Return the products the person reads: their regions', and the others' with an indicator committed in a
    published cycle."""
    published = IndicatorWeighting.objects.filter(readable.pair_q(region="indicator__region_id", cycle="cycle_id"))
    committed = Indicator.objects.filter(pk__in=published.values("indicator_id")).values("product_id")
    return StrategicProduct.objects.filter(Q(region_id__in=readable.region_ids) | Q(pk__in=committed)).select_related(
        "region"
    )


def definitions(readable: Readable) -> QuerySet[StrategicDefinition]:
    return StrategicDefinition.objects.filter(readable.pair_q(region="region_id", cycle="cycle_id")).select_related(
        "region", "cycle"
    )


def analyses(readable: Readable) -> QuerySet[ResultAnalysis]:
    """Return the analyses of results the person reads: their regions' all; of published cycles, those that
    claim no external causes or whose external causes DIPRES accepted."""
    mine = Q(indicator__region_id__in=readable.region_ids)
    published = readable.pair_q(region="indicator__region_id", cycle="cycle_id") & ~mine
    accepted_or_internal = Q(external_causes=False) | Q(external_accepted=True)
    return ResultAnalysis.objects.filter(mine | (published & accepted_or_internal)).select_related(
        "indicator__region", "cycle"
    )


def commitments(readable: Readable) -> QuerySet[ImprovementCommitment]:
    return ImprovementCommitment.objects.filter(
        readable.pair_q(region="indicator__region_id", cycle="cycle_id")
    ).select_related("indicator__region", "cycle")


def evaluations(readable: Readable) -> QuerySet[ProgramEvaluation]:
    return (
        ProgramEvaluation.objects.filter(readable.pair_q(region="region_id", cycle="cycle_id"))
        .select_related("region", "cycle", "line", "verdict")
        .prefetch_related("commitments")
    )


def initiatives(readable: Readable) -> QuerySet[InvestmentInitiative]:
    """Return the PROPIR initiatives the person reads: their regions' all; the others' of the years whose
    cycle is published for the region."""
    conditions = [Q(region_id__in=readable.region_ids)]
    for cycle_id, region_ids in readable.published_cycles().items():
        conditions.append(Q(year=readable.cycles[cycle_id].year, region_id__in=region_ids))
    return InvestmentInitiative.objects.filter(_any(conditions)).select_related("region", "result")
