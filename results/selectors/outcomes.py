"""Each region's results in a cycle (compliance, bonus, counts, completeness), read from the stored results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Sum
from django.utils import timezone

from evaluation.models import (
    EvaluationCycle,
)
from regions.models import Region
from results.models import StoredRegionResult
from results.store import refresh as _refresh
from results.summary import RegionResult


def cycle_results(*, cycle: EvaluationCycle, regions=None, with_indicators: bool = True) -> list[RegionResult]:
    """Return a RegionResult per region with indicators in the cycle (all regions, or those given), in
    geographic order, read from the stored results (one query; one row per region). Without
    `with_indicators` only the summaries are read (the national view).

    Regions whose results were never stored (fixtures loaded raw) are computed and stored first.
    """
    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    stored = StoredRegionResult.objects.filter(cycle=cycle, region__in=region_list)
    if not with_indicators:
        stored = stored.defer("indicators")
    rows = {row.region_id: row for row in stored}
    missing = [region for region in region_list if region.pk not in rows]
    if missing:
        _refresh(cycle=cycle, regions=missing)
        rows.update((row.region_id, row) for row in StoredRegionResult.objects.filter(cycle=cycle, region__in=missing))
    today = timezone.localdate()
    results = []
    for region in region_list:
        row = rows.get(region.pk)
        if row is None or not row.has_result:
            continue
        result = RegionResult.from_stored(row.summary, row.indicators if with_indicators else None)
        if result.sent_on_time is None and cycle.data_deadline is not None and today > cycle.data_deadline:
            result.sent_on_time = False  # not sent, and the deadline passed since the result was stored
        results.append(result)
    return results


def region_result(*, region, cycle: EvaluationCycle):
    """Return the region's RegionResult in the cycle, or None when it has no indicators there."""
    results = cycle_results(cycle=cycle, regions=[region])
    return results[0] if results else None


@dataclass(frozen=True)
class Stamp:
    """The ids and version of stored results a cached page is keyed by."""

    region_id: int | None
    cycle_id: int
    version: int

    def region(self) -> Region:
        return Region.objects.get(pk=self.region_id)

    def cycle(self) -> EvaluationCycle:
        return EvaluationCycle.objects.get(pk=self.cycle_id)


def result_stamp(*, iso_code: str, year: int) -> Stamp | None:
    """Return the stamp of a region's stored results in the cycle of that year (one query); None when there
    are none (no such region or cycle, the region did not exist that year, or nothing stored yet)."""
    row = (
        StoredRegionResult.objects.filter(region__iso_code=iso_code.upper(), cycle__year=year)
        .values_list("region_id", "cycle_id", "version")
        .first()
    )
    return Stamp(*row) if row else None


def cycle_stamp(*, year: int) -> Stamp | None:
    """Return a stamp of every region's stored results in the cycle of that year (one query): its version
    rises whenever any of them changes. None when nothing is stored for the cycle."""
    row = StoredRegionResult.objects.filter(cycle__year=year).aggregate(
        cycle_id=Max("cycle_id"), version=Sum("version")
    )
    return None if row["cycle_id"] is None else Stamp(None, row["cycle_id"], row["version"])
