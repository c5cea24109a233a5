"""Each region's results in a cycle (compliance, bonus, counts, completeness), read from the stored results."""

from __future__ import annotations

import functools
import json

from django.db import connections, router, transaction
from django.db.models import FilteredRelation, Q
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
    region_ids = None if regions is None else tuple(region.pk for region in regions)
    rows = _stored_rows(cycle, region_ids, with_indicators)
    missing = [region_id for region_id, row in rows if row is None]
    if missing:  # never stored (fixtures loaded raw): raise their versions, which stores their results
        with transaction.atomic():
            raise_versions(region_ids=missing, cycle_ids=[cycle.pk])
        rows = _stored_rows(cycle, region_ids, with_indicators)
    today = timezone.localdate()
    results = []
    for _region_id, row in rows:
        if row is None or not row["has_result"]:
            continue
        result = RegionResult.from_stored(
            row["summary"], row.get("indicators"), row.get("indicator_keys"), row.get("products")
        )
        if result.sent_on_time is None and result.deadline and today.isoformat() > result.deadline:
            result.sent_on_time = False  # never sent, and the deadline passed since the result was stored
        results.append(result)
    return results


_JSON_COLUMNS = ("summary", "indicator_keys", "products")


def _stored_rows(
    cycle: EvaluationCycle, region_ids: tuple | None, with_indicators: bool
) -> list[tuple[int, dict | None]]:
    """Return [(region id, its stored row's values or None)] in the regions' order, in one query. The
    indicators' results come as JSON text, parsed only if a page reads one (most pages draw them from cache).

    Read on every dashboard drawn again, so the query is built once per cycle and regions and then run as
    compiled (building it cost more than running it)."""
    connection = connections[router.db_for_read(StoredRegionResult)]  # the replica inside reading_from_replica()
    columns = ("has_result", "summary", "indicator_keys", "indicators", "products")[: 5 if with_indicators else 2]
    sql, params = _stored_rows_sql(connection.alias, cycle.pk, cycle.year, region_ids, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for pk, stored, *values in fetched:
        row = None
        if stored is not None:
            row = dict(zip(columns, values, strict=True))
            for column in _JSON_COLUMNS:
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
        rows.append((pk, row))
    return rows


@functools.lru_cache(maxsize=1024)
def _stored_rows_sql(alias: str, cycle_id: int, year: int, region_ids: tuple | None, columns: tuple) -> tuple:
    regions = Region.objects.using(alias)
    regions = regions.in_year(year) if region_ids is None else regions.filter(pk__in=region_ids)
    query = regions.annotate(
        stored=FilteredRelation("stored_results", condition=Q(stored_results__cycle_id=cycle_id))
    ).values_list("pk", "stored__id", *(f"stored__{column}" for column in columns))
    return query.query.get_compiler(alias).as_sql()


def region_result(*, region, cycle: EvaluationCycle):
    """Return the region's RegionResult in the cycle, or None when it has no indicators there."""
    results = cycle_results(cycle=cycle, regions=[region])
    return results[0] if results else None
