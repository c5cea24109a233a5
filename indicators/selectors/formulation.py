"""A region's formulation in a cycle as DIPRES reviews it in Formulación: its committed indicators' way of
measuring, their weights and the cycle's metas; its fingerprint, and whether DIPRES's review still covers it."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from evaluation.models import EvaluationCycle, FormulationReview
from indicators.models import IndicatorWeighting, Measurement, MeasurementKind
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
    indicators in it (two queries): any change to a reviewed field, a weight or a meta of the cycle's year
    changes it."""
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
    return {
        region_id: hashlib.sha256(json.dumps(sorted(rows), default=str).encode()).hexdigest()
        for region_id, rows in by_region.items()
    }


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
