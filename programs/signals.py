"""Keeping evaluations' pages current: a new cycle gets its lists of verdicts, and every change to an
evaluation, a commitment or a list raises the data versions of the pages that show it (no result changes:
evaluations sit beside the indicators' compliance, never in it). Connected in ProgramsConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from evaluation.models import EvaluationCycle, Stage
from evaluation.signals import on_cycle_created
from evaluation.versions import raise_versions
from programs import defaults
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict


def cycles_showing(evaluation: ProgramEvaluation) -> set[int]:
    """Return the cycles whose pages show the evaluation: its own, and every later open one (its commitments
    are followed up there)."""
    later = EvaluationCycle.objects.exclude(stage=Stage.CLOSED).filter(year__gt=evaluation.cycle.year)
    return {evaluation.cycle_id, *later.values_list("pk", flat=True)}


def _changed(sender, instance, raw: bool = False, **_kwargs) -> None:
    if raw:
        return  # loaddata: the loader raises every version once at its end
    if isinstance(instance, EvaluationLine):
        raise_versions(recompute=False)
        return
    if isinstance(instance, Verdict):
        raise_versions(cycle_ids={instance.cycle_id}, recompute=False)
        return
    try:
        evaluation = instance.evaluation if isinstance(instance, InstitutionalCommitment) else instance
        raise_versions(region_ids={evaluation.region_id}, cycle_ids=cycles_showing(evaluation), recompute=False)
    except ProgramEvaluation.DoesNotExist:
        return  # deleted with its evaluation, whose own signal raises the versions


def _give_lists(cycle: EvaluationCycle) -> None:
    """Give a new cycle its verdicts (its predecessor's, or the defaults) and make sure the lines exist (a
    flushed database, a test's, has lost the migration's)."""
    defaults.lines_create(EvaluationLine)
    previous = EvaluationCycle.objects.filter(year__lt=cycle.year).order_by("-year").first()
    defaults.verdicts_create(Verdict, cycle, previous)


def connect() -> None:
    """Connect the receivers (once, when the apps are ready)."""
    for model in (ProgramEvaluation, InstitutionalCommitment):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(_changed, sender=model, dispatch_uid=f"pbr.programs.{model.__name__}.{name}")
    # A line or a verdict in use cannot be deleted (PROTECT), and one in no use shows on no page; a cycle's
    # verdicts go with it, when its versions go too.
    for model in (EvaluationLine, Verdict):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pbr.programs.{model.__name__}.save")
    on_cycle_created(_give_lists, dispatch_uid="pbr.programs.cycle_created")
