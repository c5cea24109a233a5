"""A region's formulation in a cycle as DIPRES reviews it in Formulación: its committed indicators' way of
measuring, their weights and the cycle's metas, and its definiciones estratégicas; its fingerprint, and whether
DIPRES's review still covers it."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from evaluation.models import EvaluationCycle, FormulationReview
from indicators.models import (
    IndicatorWeighting,
    Measurement,
    MeasurementKind,
    MediumTermTarget,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from indicators.selectors.rows import FIXED_DEFINITION_FIELDS
from regions.models import Region

# What a review covers of each indicator, besides its way of measuring (FIXED_DEFINITION_FIELDS).
REVIEWED_FIELDS = ("code", "name", *FIXED_DEFINITION_FIELDS, "verification_means", "assumptions")

NOT_REVIEWED, REVIEWED, CHANGED = "sin_revisar", "revisada", "cambiada"


@dataclass(frozen=True)
class FormulationState:
    region: Region
    review: FormulationReview | None
    fingerprint: str  # of the formulation as it is now

    @property
    def state(self) -> str:
        if self.review is None:
            return NOT_REVIEWED
        return REVIEWED if self.review.fingerprint == self.fingerprint else CHANGED

    @property
    def is_current(self) -> bool:
        return self.state == REVIEWED


def formulation_fingerprints(*, cycle: EvaluationCycle, region_ids: set[int] | None = None) -> dict[int, str]:
    """Return {region id: the fingerprint of its formulation in the cycle} for the regions that commit
    indicators in it (six queries): any change to a reviewed field, a weight or a meta of the cycle's year, or to
    the region's definiciones estratégicas in the cycle, changes it."""
    weightings = IndicatorWeighting.objects.filter(cycle=cycle).select_related("indicator")
    if region_ids is not None:
        weightings = weightings.filter(indicator__region_id__in=region_ids)
    targets = {
        indicator_id: (str(numerator), str(denominator))
        for indicator_id, numerator, denominator in Measurement.objects.filter(
            indicator__weightings__cycle=cycle, year=cycle.year, kind=MeasurementKind.TARGET
        ).values_list("indicator_id", "numerator", "denominator")
    }
    by_region: dict[int, list] = defaultdict(list)
    for weighting in weightings:
        indicator = weighting.indicator
        by_region[indicator.region_id].append(
            [
                *(str(getattr(indicator, name)) for name in REVIEWED_FIELDS),
                str(weighting.weight),
                weighting.counts_for_incentive,
                targets.get(indicator.pk),
            ]
        )
    definitions = _definitions_parts(cycle=cycle, region_ids=set(by_region))
    prints = {}
    for region_id, rows in by_region.items():
        covered = sorted(rows) if region_id not in definitions else [sorted(rows), definitions[region_id]]
        prints[region_id] = hashlib.sha256(json.dumps(covered, default=str).encode()).hexdigest()
    return prints


def _definitions_parts(*, cycle: EvaluationCycle, region_ids: set[int]) -> dict[int, list]:
    """Return {region id: what a review covers of its definiciones estratégicas in the cycle}: the misión, each
    objective's number and text, the products serving it and its medium-term targets (four queries). The
    axes an objective serves are DIPRES's own decision, not the region's formulation."""
    if not region_ids:
        return {}
    parts: dict[int, list] = defaultdict(lambda: ["definiciones"])
    definitions = StrategicDefinition.objects.filter(cycle=cycle, region_id__in=region_ids)
    for region_id, mission in definitions.values_list("region_id", "mission"):
        parts[region_id].append(["mision", mission])
    objectives = StrategicObjective.objects.filter(definition__cycle=cycle, definition__region_id__in=region_ids)
    for region_id, number, description in objectives.values_list("definition__region_id", "number", "description"):
        parts[region_id].append(["objetivo", number, description])
    links = StrategicProduct.objectives.through.objects.filter(strategicobjective__in=objectives)
    for region_id, number, product in links.values_list(
        "strategicobjective__definition__region_id", "strategicobjective__number", "strategicproduct__number"
    ):
        parts[region_id].append(["producto", number, product])
    targets = MediumTermTarget.objects.filter(objective__in=objectives)
    for region_id, number, code, year, value in targets.values_list(
        "objective__definition__region_id", "objective__number", "indicator__code", "year", "value"
    ):
        parts[region_id].append(["meta", number, code, year, str(value)])
    return {region_id: sorted(items, key=str) for region_id, items in parts.items()}


def formulation_states(*, cycle: EvaluationCycle, region: Region | None = None) -> list[FormulationState]:
    """Return the review state of the formulation of every region that commits indicators in the cycle (or of
    that region only), in the regions' order (four queries)."""
    prints = formulation_fingerprints(cycle=cycle, region_ids=None if region is None else {region.pk})
    reviews = FormulationReview.objects.filter(cycle=cycle, region_id__in=prints).select_related("reviewed_by")
    by_region = {review.region_id: review for review in reviews}
    regions = [region] if region is not None and region.pk in prints else Region.objects.filter(pk__in=prints)
    return [
        FormulationState(each, by_region.get(each.pk), prints[each.pk])
        for each in sorted(regions, key=lambda r: (r.order, r.name))
    ]
