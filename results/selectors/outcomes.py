"""Each region's results in a cycle (compliance, bonus, counts, completeness), read from the stored results."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from evaluation.models import (
    EvaluationCycle,
)
from evaluation.versions import raise_versions
from regions.models import Region
from results.models import StoredRegionResult
from results.summary import RegionResult


def cycle_results(*, cycle: EvaluationCycle, regions=None, with_indicators: bool = True) -> list[RegionResult]:
    """Return a RegionResult per region with indicators in the cycle (all regions, or those given), in
    geographic order, read from the stored results (one query; one row per region). Without
    `with_indicators` only the summaries are read (the national view).

    Regions whose results were never stored (fixtures loaded raw) are computed and stored first, with a version.
    """
    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    stored = StoredRegionResult.objects.filter(cycle=cycle, region__in=region_list)
    if not with_indicators:
        stored = stored.defer("indicators")
    rows = {row.region_id: row for row in stored}
    missing = [region for region in region_list if region.pk not in rows]
    if missing:  # never stored (fixtures loaded raw): raise their versions, which stores their results
        with transaction.atomic():
            raise_versions(region_ids=[region.pk for region in missing], cycle_ids=[cycle.pk])
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
