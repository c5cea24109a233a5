"""Keeping each region's stored results current, in the same transaction as the write that changes them.

Every input of a region's result in a cycle (its indicators, their per-cycle weights, figures and analyses, its
products, the cycle's rules, the submission and its events, the region itself) is watched: a save or delete
recomputes the results of exactly the regions and cycles it touches, and raises their versions. Bulk writes,
which send no model signals, announce what they changed through `evaluation.versions.data_changed`.

A change in Coquimbo therefore leaves Biobío's version, and its cached pages, as they were; a change to a
cycle's rules recomputes that cycle, and only it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from evaluation.models import EvaluationCycle, Stage
from evaluation.versions import data_changed
from indicators.models import IndicatorCommitment
from regions.models import Region
from results.compute import compute_cycle_results
from results.models import StoredRegionResult


def refresh(*, cycle: EvaluationCycle, regions: Iterable[Region] | None = None) -> None:
    """Recompute and store the results of `regions` (all the regions of the cycle's year when None) in the
    cycle, raising each one's version. A constant number of queries per call, plus two per region."""
    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    if not region_list:
        return
    computed = {result.region_code: result for result in compute_cycle_results(cycle=cycle, regions=region_list)}
    for region in region_list:
        result = computed.get(region.iso_code)
        data = result.to_json() if result else {}
        values = {
            "has_result": result is not None,
            "indicators": data.pop("indicators", []),
            "summary": data,
        }
        _store(region=region, cycle=cycle, values=values)


def _store(*, region: Region, cycle: EvaluationCycle, values: dict) -> None:
    updated = StoredRegionResult.objects.filter(region=region, cycle=cycle).update(version=F("version") + 1, **values)
    if updated:
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first refresh may have created the row
            StoredRegionResult.objects.create(region=region, cycle=cycle, **values)
    except IntegrityError:
        StoredRegionResult.objects.filter(region=region, cycle=cycle).update(version=F("version") + 1, **values)


def refresh_everything() -> None:
    """Recompute every region's results in every cycle (after loading fixtures or restoring a backup)."""
    for cycle in EvaluationCycle.objects.all():
        refresh(cycle=cycle)


def version_of(*, region_id: int, cycle_id: int) -> int:
    """Return the version of a region's results in a cycle (0 when never computed)."""
    return (
        StoredRegionResult.objects.filter(region_id=region_id, cycle_id=cycle_id)
        .values_list("version", flat=True)
        .first()
        or 0
    )


def cycle_version(*, cycle_id: int) -> int:
    """Return a version of the whole cycle: it rises whenever any region's result in it changes."""
    return StoredRegionResult.objects.filter(cycle_id=cycle_id).aggregate(total=Sum("version"))["total"] or 0


# What each watched change touches: a function of the saved or deleted instance returning
# (region ids or None for every region, cycle ids or None for every open cycle).


def _open_cycles_of_indicators(indicator_ids: Iterable[int]) -> set[int]:
    return set(
        IndicatorCommitment.objects.filter(indicator_id__in=list(indicator_ids))
        .exclude(cycle__stage=Stage.CLOSED)
        .values_list("cycle_id", flat=True)
    )


def _scope_of_indicator(instance) -> tuple[set[int] | None, set[int] | None]:
    return {instance.region_id}, _open_cycles_of_indicators([instance.pk])


def _scope_of_indicator_part(instance) -> tuple[set[int] | None, set[int] | None]:
    indicator = instance.indicator
    cycle_id = getattr(instance, "cycle_id", None)
    return {indicator.region_id}, {cycle_id} if cycle_id else _open_cycles_of_indicators([indicator.pk])


def _scope_of_region_part(instance) -> tuple[set[int] | None, set[int] | None]:
    return {instance.region_id}, None


def _scope_of_budget(instance) -> tuple[set[int] | None, set[int] | None]:
    cycles = set(EvaluationCycle.objects.filter(year=instance.year).values_list("pk", flat=True))
    return {instance.product.region_id}, cycles


def _scope_of_region(instance) -> tuple[set[int] | None, set[int] | None]:
    return {instance.pk}, set(EvaluationCycle.objects.values_list("pk", flat=True))


def _scope_of_cycle(instance) -> tuple[set[int] | None, set[int] | None]:
    return None, {instance.pk}


def _scope_of_submission(instance) -> tuple[set[int] | None, set[int] | None]:
    return {instance.region_id}, {instance.cycle_id}


def _scope_of_event(instance) -> tuple[set[int] | None, set[int] | None]:
    submission = instance.submission
    return {submission.region_id}, {submission.cycle_id}


WATCHED = {
    ("indicators", "Indicator"): _scope_of_indicator,
    ("indicators", "IndicatorCommitment"): _scope_of_indicator_part,
    ("indicators", "Measurement"): _scope_of_indicator_part,
    ("indicators", "Deviation"): _scope_of_indicator_part,
    ("indicators", "StrategicProduct"): _scope_of_region_part,
    ("indicators", "ProductBudget"): _scope_of_budget,
    ("evaluation", "EvaluationCycle"): _scope_of_cycle,
    ("evaluation", "Submission"): _scope_of_submission,
    ("evaluation", "SubmissionEvent"): _scope_of_event,
    ("evaluation", "CycleSnapshot"): _scope_of_submission,
    ("regions", "Region"): _scope_of_region,
}


def refresh_scope(*, region_ids: set[int] | None, cycle_ids: set[int] | None) -> None:
    """Recompute the results of those regions (None: all) in those cycles (None: every open cycle)."""
    cycles = EvaluationCycle.objects.all() if cycle_ids is None else EvaluationCycle.objects.filter(pk__in=cycle_ids)
    if cycle_ids is None:
        cycles = cycles.exclude(stage=Stage.CLOSED)
    regions = None if region_ids is None else list(Region.objects.filter(pk__in=region_ids))
    for cycle in cycles:
        refresh(cycle=cycle, regions=None if regions is None else [r for r in regions if r.exists_in(cycle.year)])


def _on_model_change(sender, instance, raw: bool = False, signal=None, **_kwargs) -> None:
    if raw:  # loaddata: the command that loads fixtures refreshes everything once at its end
        return
    if sender is EvaluationCycle and (signal is post_delete or _kwargs.get("created") or _listed_differently(instance)):
        # Every dashboard lists the cycles (year, illustrative or not): raise every version (one UPDATE).
        StoredRegionResult.objects.update(version=F("version") + 1)
    if signal is post_delete and sender in (EvaluationCycle, Region):
        return  # the rows of a deleted region or cycle go with it (cascade)
    scope = WATCHED[(sender._meta.app_label, sender._meta.object_name)]
    try:
        region_ids, cycle_ids = scope(instance)
    except apps.get_model("regions", "Region").DoesNotExist:
        return  # a cascade delete: the region itself is going, and its stored results with it
    except (
        apps.get_model("indicators", "Indicator").DoesNotExist,
        apps.get_model("evaluation", "Submission").DoesNotExist,
        apps.get_model("indicators", "StrategicProduct").DoesNotExist,
    ):
        return  # the parent is being deleted in the same cascade; its own signal refreshes the scope
    refresh_scope(region_ids=region_ids, cycle_ids=cycle_ids)


def _remember_listing(sender, instance, raw: bool = False, **_kwargs) -> None:
    """Before a cycle is saved, remember how the dashboards list it (year, illustrative), as stored."""
    if not raw and instance.pk:
        instance._pbr_listed_as = (
            EvaluationCycle.objects.filter(pk=instance.pk).values_list("year", "is_illustrative").first()
        )


def _listed_differently(cycle: EvaluationCycle) -> bool:
    return getattr(cycle, "_pbr_listed_as", None) != (cycle.year, cycle.is_illustrative)


def _on_data_changed(sender, *, region_ids=None, cycle_ids=None, indicator_ids=None, **_kwargs) -> None:
    if indicator_ids is not None:
        indicators = apps.get_model("indicators", "Indicator").objects.filter(pk__in=list(indicator_ids))
        region_ids = set(indicators.values_list("region_id", flat=True))
        cycle_ids = _open_cycles_of_indicators(indicator_ids)
        if not cycle_ids:
            return
    refresh_scope(region_ids=region_ids, cycle_ids=cycle_ids)


def connect() -> None:
    """Connect the receivers that keep stored results current (called once, when the apps are ready)."""
    for (app_label, name), _scope in WATCHED.items():
        model = apps.get_model(app_label, name)
        uid = f"pbr.results.{app_label}.{name}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=uid + ".delete")
    pre_save.connect(_remember_listing, sender=EvaluationCycle, dispatch_uid="pbr.results.cycle_listing")
    data_changed.connect(_on_data_changed, dispatch_uid="pbr.results.data_changed")
