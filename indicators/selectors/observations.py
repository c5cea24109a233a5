"""Reads of DIPRES's observations on indicators and of the formulation checklist, shaped for the indicator's
page, the entry grid, the review page and the pendientes (a constant number of queries each)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from evaluation.models import EvaluationCycle
from indicators.models import FormulationCheck, Indicator, Observation, ObservationMessage
from indicators.vocabulary import CheckItem, ObservationStatus
from regions.models import Region


def indicator_observations(*, indicator: Indicator, cycle: EvaluationCycle) -> list[Observation]:
    """Return the indicator's observations in the cycle with their messages and authors, unresolved first
    (two queries)."""
    messages = ObservationMessage.objects.select_related("author").order_by("created_at", "pk")
    observations = (
        Observation.objects.filter(indicator=indicator, cycle=cycle)
        .select_related("opened_by", "resolved_by")
        .prefetch_related(Prefetch("messages", queryset=messages))
    )
    return sorted(observations, key=lambda o: (not o.is_open, o.opened_at, o.pk))


def open_observations(*, region: Region, cycle: EvaluationCycle) -> dict[int, list[Observation]]:
    """Return {indicator id: its unresolved observations} of the region in the cycle (one query)."""
    found: dict[int, list[Observation]] = defaultdict(list)
    unresolved = Observation.objects.filter(indicator__region=region, cycle=cycle).exclude(
        status=ObservationStatus.RESOLVED
    )
    for observation in unresolved.select_related("indicator").order_by("indicator__code", "opened_at"):
        found[observation.indicator_id].append(observation)
    return dict(found)


def awaiting_region(*, region_ids, cycle_ids) -> list[Observation]:
    """Return the unresolved observations that await the regions' answer (abiertas) in those cycles (one
    query): the pendientes of their analysts."""
    return list(
        Observation.objects.filter(
            indicator__region_id__in=list(region_ids), cycle_id__in=list(cycle_ids), status=ObservationStatus.OPEN
        )
        .select_related("indicator__region", "cycle")
        .order_by("cycle__year", "indicator__region__order", "indicator__code")
    )


@dataclass
class Checklist:
    """An indicator's formulation checklist in a cycle: each point's state (None: not yet reviewed)."""

    states: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> list[tuple[CheckItem, str | None]]:
        return [(item, self.states.get(item.value)) for item in CheckItem]

    @property
    def done(self) -> int:
        return len(self.states)


def formulation_checklists(*, region: Region, cycle: EvaluationCycle) -> dict[int, Checklist]:
    """Return {indicator id: its checklist} for the region's indicators in the cycle (one query)."""
    lists: dict[int, Checklist] = defaultdict(Checklist)
    for check in FormulationCheck.objects.filter(indicator__region=region, cycle=cycle):
        lists[check.indicator_id].states[check.item] = check.state
    return dict(lists)


def observation_get(*, indicator: Indicator, cycle: EvaluationCycle, pk: int) -> Observation | None:
    """Return the indicator's observation with that id in the cycle; None for any other id."""
    return (
        Observation.objects.filter(pk=pk, indicator=indicator, cycle=cycle)
        .select_related("indicator__region", "cycle")
        .first()
    )


def indicator_codes(*, region: Region, cycle: EvaluationCycle) -> dict[int, str]:
    """Return {indicator id: code} of the region's indicators committed in the cycle (one query)."""
    return dict(Indicator.objects.filter(region=region, weightings__cycle=cycle).values_list("pk", "code"))
