"""Raising the data versions when the cycles' layer changes: a cycle (its rules, stage, listing), a submission
and its events, a snapshot, a region. Connected in EvaluationConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save

from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    FormulationReview,
    RegionDataVersion,
    StageDeadline,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)
from evaluation.versions import raise_versions
from regions.models import Region


def _remember_listing(sender, instance: EvaluationCycle, raw: bool = False, **_kwargs) -> None:
    """Before a cycle is saved, remember how pages list it (year, illustrative or not), as stored."""
    if not raw and instance.pk:
        instance._pbr_listed_as = (
            EvaluationCycle.objects.filter(pk=instance.pk).values_list("year", "is_illustrative").first()
        )


def _cycle_changed(sender, instance: EvaluationCycle, raw: bool = False, signal=None, created=False, **_kw) -> None:
    if raw:
        return  # loaddata: load_document raises every version once at its end
    listed_as = getattr(instance, "_pbr_listed_as", None)
    if signal is post_delete or created or listed_as != (instance.year, instance.is_illustrative):
        # Every region's pages list the cycles: a new, removed or renamed cycle changes them all (one UPDATE).
        RegionDataVersion.objects.update(value=F("value") + 1)  # raise_versions then moves them past the clock
    if signal is not post_delete:
        raise_versions(cycle_ids=[instance.pk])  # its rules or stage: every region's results in it


def _submission_changed(sender, instance, raw: bool = False, signal=None, created=False, **_kwargs) -> None:
    if raw:
        return
    if sender is Submission and created and instance.status == SubmissionStatus.DRAFT:
        return  # the lock a first write creates: a region without a submission already reads as borrador
    if sender is SubmissionEvent:
        try:
            instance = instance.submission
        except Submission.DoesNotExist:
            return  # deleted with its submission, whose own signal raises the version
    if sender is FormulationReview:  # shown on the region's page only: no result, no instrument changes
        if signal is post_delete:
            return  # deleted only with its cycle (the admin shows reviews read-only), whose versions go too
        raise_versions(
            region_ids=[instance.region_id], cycle_ids=[instance.cycle_id], recompute=False, instruments=False
        )
        return
    raise_versions(region_ids=[instance.region_id], cycle_ids=[instance.cycle_id])


def _deadline_changed(sender, instance: StageDeadline, raw: bool = False, signal=None, **_kwargs) -> None:
    """A stage's deadline decides whether each region of the cycle sent «a tiempo» (the stored results)."""
    if raw:
        return
    cycle_ids = [instance.cycle_id]
    if signal is post_delete:
        # Perhaps deleted with its cycle, whose rows are still going: raised once the deletion commits (a
        # cycle gone by then has nothing left to raise).
        transaction.on_commit(lambda: _raise_atomically(cycle_ids))
        return
    raise_versions(cycle_ids=cycle_ids, instruments=False)


def _raise_atomically(cycle_ids: list[int]) -> None:
    with transaction.atomic():
        raise_versions(cycle_ids=cycle_ids, instruments=False)


def _region_changed(sender, instance: Region, raw: bool = False, signal=None, **_kwargs) -> None:
    if raw or signal is post_delete:
        return  # a deleted region's versions go with it
    raise_versions(region_ids=[instance.pk], cycle_ids=EvaluationCycle.objects.values_list("pk", flat=True))


def connect() -> None:
    """Connect the receivers (once, when the apps are ready)."""
    pre_save.connect(_remember_listing, sender=EvaluationCycle, dispatch_uid="pbr.versions.cycle.pre")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_cycle_changed, sender=EvaluationCycle, dispatch_uid=f"pbr.versions.cycle.{name}")
        signal.connect(_region_changed, sender=Region, dispatch_uid=f"pbr.versions.region.{name}")
        signal.connect(_deadline_changed, sender=StageDeadline, dispatch_uid=f"pbr.versions.deadline.{name}")
        for model in (Submission, SubmissionEvent, CycleSnapshot, FormulationReview):
            signal.connect(_submission_changed, sender=model, dispatch_uid=f"pbr.versions.{model.__name__}.{name}")


def on_cycle_created(give: Callable[[EvaluationCycle], None], *, dispatch_uid: str) -> None:
    """Call `give(cycle)` for every new cycle, to give it what a layer above keeps per cycle (its lists, its
    systems). A cycle loaded with loaddata (raw) gets it once the load commits, and only what it still lacks:
    a restored backup carries those rows after its cycles, the document's fixture none. `give` must create
    only what is missing, and must not assume the cycle still exists."""

    def created(sender, instance: EvaluationCycle, created: bool, raw: bool = False, **_kwargs) -> None:
        if not created:
            return
        if raw:
            transaction.on_commit(lambda: _give_if_present(give, instance.pk))
        else:
            give(instance)

    post_save.connect(created, sender=EvaluationCycle, dispatch_uid=dispatch_uid, weak=False)


def _give_if_present(give: Callable[[EvaluationCycle], None], cycle_id: int) -> None:
    cycle = EvaluationCycle.objects.filter(pk=cycle_id).first()
    if cycle is not None:
        give(cycle)
