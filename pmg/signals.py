"""Keeping the PMG's pages and results current: a new cycle gets its management systems, and a change to a
commitment or a self-assessment raises the region's data version in the cycle (the PMG's compliance is shown
beside the indicators'). Connected in PmgConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from evaluation.models import EvaluationCycle
from evaluation.signals import on_cycle_created
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


def _give_systems(cycle: EvaluationCycle) -> None:
    """Give a new cycle its PMG systems (its predecessor's, or the defaults) and make sure the excellence
    model's criteria exist (a flushed database, a test's, has lost the migration's)."""
    defaults.criteria_create(ExcellenceCriterion)
    previous = EvaluationCycle.objects.filter(year__lt=cycle.year).order_by("-year").first()
    defaults.systems_create(ManagementSystem, cycle, previous)


def connect() -> None:
    for model in (PmgCommitment, SelfAssessment):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(_changed, sender=model, dispatch_uid=f"pbr.pmg.{model.__name__}.{name}")
    post_save.connect(_changed, sender=ManagementSystem, dispatch_uid="pbr.pmg.system.save")
    on_cycle_created(_give_systems, dispatch_uid="pbr.pmg.cycle_created")
