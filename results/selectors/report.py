"""What a region's report shows."""

from __future__ import annotations

from django.utils import timezone

from evaluation.models import (
    EvaluationCycle,
)
from indicators.models import ImprovementCommitment, ResultAnalysis, StrategicDefinition
from indicators.selectors import cycle_products
from investments.selectors import propir_summary
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
        "propir": propir_summary(region=region, year=cycle.year),
        "pmg": region_pmg(region=region, cycle=cycle).summary,
        "generated": timezone.localtime(),
    }
