"""Versions of each region's data in each cycle, raised in the writing transaction, and the signal that tells
the layers above which regions and cycles changed.

Every change to what a region's pages show in a cycle raises that region's version in that cycle: model saves
through the receivers in evaluation/signals.py and indicators/signals.py, bulk writes by calling
`raise_versions` themselves. Cached pages are keyed by these versions, so a change in Coquimbo leaves
Biobío's cached pages in place, and a change to a cycle's rules touches only that cycle.

`versions_raised` is sent for each cycle, inside the same transaction: results/store.py recomputes the stored
results of those regions there (unless the change cannot alter a result: `recompute=False`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Max, Sum, Value
from django.db.models.functions import Greatest
from django.dispatch import Signal

from evaluation.models import EvaluationCycle, RegionDataVersion, Stage
from regions.models import Region

# Sent with cycle (an EvaluationCycle), region_ids (a list) and recompute (bool).
versions_raised = Signal()


def raise_versions(
    *, region_ids: Iterable[int] | None = None, cycle_ids: Iterable[int] | None = None, recompute: bool = True
) -> None:
    """Raise the versions of those regions (None: every region of the cycle's year) in those cycles (None: every
    open cycle), creating the missing ones; then send `versions_raised`. Call inside the writing transaction."""
    cycles = EvaluationCycle.objects.all()
    cycles = cycles.exclude(stage=Stage.CLOSED) if cycle_ids is None else cycles.filter(pk__in=list(cycle_ids))
    wanted = None if region_ids is None else set(region_ids)
    for cycle in cycles:
        regions = Region.objects.in_year(cycle.year)
        ids = [pk for pk in regions.values_list("pk", flat=True) if wanted is None or pk in wanted]
        if not ids:
            continue
        existing = RegionDataVersion.objects.filter(cycle=cycle, region_id__in=ids)
        present = set(existing.values_list("region_id", flat=True))
        now = _clock()
        existing.update(value=Greatest(F("value") + 1, Value(now)))
        RegionDataVersion.objects.bulk_create(
            [RegionDataVersion(region_id=pk, cycle=cycle, value=now) for pk in ids if pk not in present],
            ignore_conflicts=True,
        )
        versions_raised.send(sender=RegionDataVersion, cycle=cycle, region_ids=ids, recompute=recompute)


def _clock() -> int:
    """Return microseconds since the epoch: versions follow the clock, so a database recreated or restored
    never reuses a version a shared cache still holds pages for."""
    return time.time_ns() // 1000


def raise_everything() -> None:
    """Raise every region's version in every cycle, closed ones too (after loading fixtures or a backup)."""
    raise_versions(cycle_ids=EvaluationCycle.objects.values_list("pk", flat=True))


@dataclass(frozen=True)
class Stamp:
    """What a cached page is keyed by: the region (None for a whole cycle), the cycle and the version; with
    the region and the cycle themselves when the stamp's query read them."""

    region_id: int | None
    cycle_id: int
    version: int
    loaded_region: Region | None = None
    loaded_cycle: EvaluationCycle | None = None

    def region(self) -> Region:
        return self.loaded_region or Region.objects.get(pk=self.region_id)

    def cycle(self) -> EvaluationCycle:
        return self.loaded_cycle or EvaluationCycle.objects.get(pk=self.cycle_id)


def region_stamp(*, iso_code: str, year: int) -> Stamp | None:
    """Return the stamp of a region's data in the cycle of that year, with the region and the cycle (one
    query); None when there is none (no such region or cycle, or the region did not exist that year)."""
    row = (
        RegionDataVersion.objects.filter(region__iso_code=iso_code.upper(), cycle__year=year)
        .select_related("region", "cycle")
        .first()
    )
    return None if row is None else Stamp(row.region_id, row.cycle_id, row.value, row.region, row.cycle)


def cycle_stamp(*, year: int) -> Stamp | None:
    """Return a stamp of the whole cycle of that year (one query): its version rises whenever any region's
    does. None when the cycle has no versions."""
    row = RegionDataVersion.objects.filter(cycle__year=year).aggregate(cycle_id=Max("cycle_id"), total=Sum("value"))
    return None if row["cycle_id"] is None else Stamp(None, row["cycle_id"], row["total"])
