"""What a region's report shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from evaluation.models import (
    EvaluationCycle,
)
from indicators import calculations
from indicators.models import ImprovementCommitment, MediumTermTarget, ResultAnalysis, StrategicDefinition
from indicators.results import results_with_codes
from indicators.selectors import cycle_products
from investments.selectors import propir_summary_latest
from pmg.selectors import region_pmg
from programs.selectors import region_evaluations
from results.selectors.outcomes import region_result


def region_report(*, region, cycle: EvaluationCycle) -> dict:
    """Return what the region's report shows: strategic definitions, products, results, the analysis of
    each result, the improvement commitments, and the evaluations with their commitments. A constant number
    of queries."""

    result = region_result(region=region, cycle=cycle)
    definition = (
        StrategicDefinition.objects.filter(region=region, cycle=cycle).prefetch_related("objectives__axes").first()
    )
    analyses = {
        a.indicator.code: a
        for a in ResultAnalysis.objects.filter(indicator__region=region, cycle=cycle).select_related("indicator")
    }
    commitments = list(
        ImprovementCommitment.objects.filter(
            indicator__region=region, cycle__year__lte=cycle.year, cycle__is_illustrative=cycle.is_illustrative
        )
        .select_related("indicator", "cycle")
        .order_by("indicator__code", "due_date")
    )
    return {
        "result": result,
        "definition": definition,
        "products": list(cycle_products(region=region, cycle=cycle)),
        "analyses": analyses,
        "commitments": commitments,
        "evaluations": region_evaluations(region=region, cycle=cycle, today=timezone.localdate()),
        "propir": propir_summary_latest(region=region, first_year=cycle.first_year, year=cycle.year),
        "pmg": region_pmg(region=region, cycle=cycle).summary,
        "medium_term": medium_term(region=region, cycle=cycle, result=result),
        "generated": timezone.localtime(),
    }


@dataclass(frozen=True)
class MediumTermLine:
    """A medium-term target in the report, with the cycle's meta and where the path to the target stands."""

    target: MediumTermTarget
    meta: Decimal | None
    path: Decimal | None
    consistent: bool | None


def medium_term(*, region, cycle: EvaluationCycle, result) -> list[MediumTermLine]:
    """Return the region's medium-term targets beyond the cycle, each checked against the cycle's meta with
    the efectivos of the stored result (one query)."""
    targets = list(
        MediumTermTarget.objects.filter(indicator__region=region, year__gt=cycle.year)
        .select_related("indicator", "objective")
        .order_by("indicator__code", "year")
    )
    items = (
        {item.code: item for item in results_with_codes(result.indicators, {t.indicator.code for t in targets})}
        if result
        else {}
    )
    lines = []
    for target in targets:
        item = items.get(target.indicator.code)
        actuals = sorted(
            (year, value)
            for year, kind, value in (item.series if item else [])
            if kind == "efectivo" and year < cycle.year and value is not None
        )
        path = calculations.medium_term_path(actuals[-1] if actuals else None, (target.year, target.value), cycle.year)
        meta = item.target if item else None
        consistent = (
            None
            if meta is None or path is None
            else calculations.meta_on_the_way(meta, path, descending=item.is_descending)
        )
        lines.append(MediumTermLine(target, meta, path, consistent))
    return lines
