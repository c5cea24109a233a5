"""Keeping each region's stored results current, in the same transaction as the write that changes them.

Every write that can alter a region's result in a cycle raises that region's data version in the cycle
(evaluation/versions.py: model signals in evaluation/signals.py and indicators/signals.py, bulk writes
directly). `versions_raised` is sent inside the writing transaction; here it recomputes the results of exactly
those regions in that cycle and stores them. A change in Coquimbo leaves Biobío's stored results, and its
cached pages, as they were; a change to a cycle's rules recomputes that cycle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from evaluation.models import EvaluationCycle
from evaluation.versions import versions_raised
from regions.models import Region
from results.compute import compute_cycle_results
from results.models import StoredRegionResult


def refresh(*, cycle: EvaluationCycle, regions: Iterable[Region] | None = None) -> None:
    """Recompute and store the results of `regions` (all the regions of the cycle's year when None) in the
    cycle. A constant number of queries to compute, plus one or two per region to store."""
    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    if not region_list:
        return
    computed = {result.region_code: result for result in compute_cycle_results(cycle=cycle, regions=region_list)}
    for region in region_list:
        result = computed.get(region.iso_code)
        data = result.to_json() if result else {}
        indicators = data.pop("indicators", [])
        products = data.pop("products", [])
        for item in indicators:
            item["digest"] = digest({key: value for key, value in item.items() if key != "digest"})
        if data:
            data["digest"] = digest({key: value for key, value in data.items() if key != "digest"})
        keys = [[item["code"], item["digest"]] for item in indicators]
        values = {
            "has_result": result is not None,
            "indicators": json.dumps(indicators, separators=(",", ":")),
            "indicator_keys": keys,
            "products": products,
            "summary": data,
        }
        if StoredRegionResult.objects.filter(region=region, cycle=cycle).update(**values):
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent first refresh may have created the row
                StoredRegionResult.objects.create(region=region, cycle=cycle, **values)
        except IntegrityError:
            StoredRegionResult.objects.filter(region=region, cycle=cycle).update(**values)


def digest(data: dict) -> str:
    """Return a short digest of a result's JSON data: what pages key the drawing of that result by."""
    return hashlib.blake2b(json.dumps(data, sort_keys=True).encode(), digest_size=16).hexdigest()


def _on_versions_raised(sender, *, cycle: EvaluationCycle, region_ids: list[int], recompute: bool, **_kwargs) -> None:
    if recompute:
        refresh(cycle=cycle, regions=Region.objects.filter(pk__in=region_ids).order_by("order"))


def connect() -> None:
    """Connect the receiver that keeps stored results current (once, when the apps are ready)."""
    versions_raised.connect(_on_versions_raised, dispatch_uid="pbr.results.store")
