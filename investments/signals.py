"""Keeping the PROPIR's pages current: a change to an initiative (saved one by one: the admin, a shell) raises
the data versions of the region's cycles whose window covers its year; bulk saves raise them in the service.
Connected in InvestmentsConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from evaluation.models import EvaluationCycle, Stage
from evaluation.signals import on_cycle_created
from evaluation.versions import raise_versions
from investments import defaults
from investments.models import InvestmentInitiative, MideplanResult


def cycles_covering(year: int) -> set[int]:
    """Return the open cycles whose window (first year … year) covers that year."""
    return {
        cycle.pk
        for cycle in EvaluationCycle.objects.exclude(stage=Stage.CLOSED).filter(year__gte=year)
        if cycle.first_year <= year
    }


def initiatives_changed(*, region_id: int, year: int) -> None:
    """Raise the versions of the pages that show the region's PROPIR of that year (call in the transaction)."""
    cycles = cycles_covering(year)
    if cycles:
        raise_versions(region_ids={region_id}, cycle_ids=cycles, recompute=False)


def _changed(sender, instance, raw: bool = False, **_kwargs) -> None:
    if raw:
        return
    if isinstance(instance, MideplanResult):
        raise_versions(recompute=False)
    else:
        initiatives_changed(region_id=instance.region_id, year=instance.year)


def _give_results(_cycle: EvaluationCycle) -> None:
    """Make sure MIDEPLAN's results exist when a cycle is created (a flushed database, a test's, has lost the
    migration's)."""
    defaults.results_create(MideplanResult)


def connect() -> None:
    """Connect the receivers (once, when the apps are ready)."""
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_changed, sender=InvestmentInitiative, dispatch_uid=f"pbr.investments.initiative.{name}")
    post_save.connect(_changed, sender=MideplanResult, dispatch_uid="pbr.investments.result.save")
    on_cycle_created(_give_results, dispatch_uid="pbr.investments.cycle_created")
