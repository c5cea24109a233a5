"""Each region's results in a cycle (compliance, bonus, counts, completeness), read from the stored results."""

from __future__ import annotations

from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from evaluation.models import (
    EvaluationCycle,
)
from evaluation.versions import raise_versions
from regions.models import Region
from results.summary import RegionResult


def cycle_results(*, cycle: EvaluationCycle, regions=None, with_indicators: bool = True) -> list[RegionResult]:
    """Return a RegionResult per region with indicators in the cycle (all regions, or those given), in
    geographic order, read from the stored results (one query; one row per region). Without
    `with_indicators` only the summaries are read (the national view).

    Regions whose results were never stored (fixtures loaded raw) are computed and stored first, with a version.
    """
    regions = (
        Region.objects.in_year(cycle.year)
        if regions is None
        else Region.objects.filter(pk__in=[region.pk for region in regions])
    )
    rows = _stored_rows(cycle, regions, with_indicators)
    missing = [region_id for region_id, row in rows if row is None]
    if missing:  # never stored (fixtures loaded raw): raise their versions, which stores their results
        with transaction.atomic():
            raise_versions(region_ids=missing, cycle_ids=[cycle.pk])
        rows = _stored_rows(cycle, regions, with_indicators)
    today = timezone.localdate()
    results = []
    for _region_id, row in rows:
        if row is None or not row["has_result"]:
            continue
        result = RegionResult.from_stored(
            row["summary"], row.get("indicators"), row.get("indicator_keys") if with_indicators else None
        )
        if result.sent_on_time is None and cycle.data_deadline is not None and today > cycle.data_deadline:
            result.sent_on_time = False  # not sent, and the deadline passed since the result was stored
        results.append(result)
    return results


def _stored_rows(cycle: EvaluationCycle, regions, with_indicators: bool) -> list[tuple[int, dict | None]]:
    """Return [(region id, its stored row's values or None)] in the regions' order, in one query. The
    indicators' results come as JSON text, parsed only if a page reads one (most pages draw them from cache)."""
    rows = regions.annotate(stored=FilteredRelation("stored_results", condition=Q(stored_results__cycle=cycle)))
    columns = ["has_result", "summary"]
    if with_indicators:
        columns += ["indicator_keys", "indicators"]
    rows = rows.values_list(
        "pk",
        "stored__id",
        "stored__has_result",
        "stored__summary",
        *(["stored__indicator_keys", "stored__indicators"] if with_indicators else []),
    )
    return [(pk, None if stored is None else dict(zip(columns, values, strict=True))) for pk, stored, *values in rows]


def region_result(*, region, cycle: EvaluationCycle):
    """Return the region's RegionResult in the cycle, or None when it has no indicators there."""
    results = cycle_results(cycle=cycle, regions=[region])
    return results[0] if results else None
