"""Keeping the PMG's pages and results current: a new cycle gets its management systems, and a change to a
commitment or a self-assessment raises the region's data version in the cycle (the PMG's compliance is shown
beside the indicators'). Connected in PmgConfig.ready()."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from evaluation.models import EvaluationCycle
from evaluation.versions import raise_versions
from pmg import defaults
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment


def _changed(sender, instance, raw: bool = False, **_kwargs) -> None:
    if raw:
        return
    if isinstance(instance, PmgCommitment):
        # The PMG's compliance is stored with the region's result (it may decide the incentive).
        raise_versions(region_ids={instance.region_id}, cycle_ids={instance.system.cycle_id})
    elif isinstance(instance, SelfAssessment):
        raise_versions(region_ids={instance.region_id}, cycle_ids={instance.cycle_id}, recompute=False)
    elif isinstance(instance, ManagementSystem):
        raise_versions(cycle_ids={instance.cycle_id})


def _give_systems(cycle_id: int) -> None:
    cycle = EvaluationCycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return
    defaults.criteria_create(ExcellenceCriterion)  # a flushed database (a test's) has lost the migration's
    previous = EvaluationCycle.objects.filter(year__lt=cycle.year).order_by("-year").first()
    defaults.systems_create(ManagementSystem, cycle, previous)


def _cycle_created(sender, instance: EvaluationCycle, created: bool, raw: bool = False, **_kwargs) -> None:
    if not created:
        return
    if raw:  # loaded: after the load commits, to a cycle that still has no systems (see programs.signals)
        transaction.on_commit(lambda: _give_systems(instance.pk))
    else:
        _give_systems(instance.pk)


def connect() -> None:
    for model in (PmgCommitment, SelfAssessment):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(_changed, sender=model, dispatch_uid=f"pbr.pmg.{model.__name__}.{name}")
    post_save.connect(_changed, sender=ManagementSystem, dispatch_uid="pbr.pmg.system.save")
    post_save.connect(_cycle_created, sender=EvaluationCycle, dispatch_uid="pbr.pmg.cycle_created")
