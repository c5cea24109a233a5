"""Reads of evaluation cycles."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import (
    EvaluationCycle,
    Stage,
    Submission,
    SubmissionEvent,
)


def cycles_all() -> QuerySet[EvaluationCycle]:
    """Return every cycle, newest first."""
    return EvaluationCycle.objects.order_by("-year")


def cycle_current() -> EvaluationCycle | None:
    """Return the cycle pages open on: the newest open cycle where some region committed indicators, else the
    newest open one, else the newest closed one; None when there are none.

    A cycle just created (no weightings yet) does not hide the one everyone is working on.
    """
    open_cycles = EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year")
    return (
        open_cycles.filter(weightings__isnull=False).first()
        or open_cycles.first()
        or EvaluationCycle.objects.order_by("-year").first()
    )


def cycles_for_region(region) -> list[EvaluationCycle]:
    """Return the cycles of the years the region existed in, newest first (Ñuble's start in 2018)."""
    return [cycle for cycle in cycles_all() if region.exists_in(cycle.year)]


def cycles_open() -> list[EvaluationCycle]:
    """Return the cycles that are not closed, newest first: the ones with work still to do."""
    return list(EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year"))


def cycle_get(*, year: int, region=None) -> EvaluationCycle:
    """Return the cycle of that budget year; raises Http404 when there is none, or when `region` did not
    exist in that year (Ñuble has no 2012 cycle)."""
    try:
        cycle = EvaluationCycle.objects.get(year=year)
    except EvaluationCycle.DoesNotExist:
        raise Http404(_("No existe el ciclo %(year)s.") % {"year": year}) from None
    if region is not None and not region.exists_in(year):
        raise Http404(
            _("La región de %(region)s no existía en %(year)s: no tiene ciclo %(year)s.")
            % {"region": region.name, "year": year}
        )
    return cycle


def cycle_from_query(value: str | None, *, regions=None) -> EvaluationCycle | None:
    """Return the cycle a page's «?ciclo=» asks for; when absent or unknown, the newest open cycle where one of
    `regions` (the person's) committed indicators, else the current one."""
    if value and value.isdigit():
        chosen = EvaluationCycle.objects.filter(year=int(value)).first()
        if chosen is not None:
            return chosen
    if regions is not None:
        own = (
            EvaluationCycle.objects.exclude(stage=Stage.CLOSED)
            .filter(weightings__indicator__region__in=regions)
            .order_by("-year")
            .first()
        )
        if own is not None:
            return own
    return cycle_current()


def submission_for(*, region, cycle: EvaluationCycle) -> Submission:
    """Return the region's submission for the cycle with its events; an unsaved borrador when there is none."""
    submission = (
        Submission.objects.filter(region=region, cycle=cycle)
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor"), to_attr="prefetched_events")
        )
        .first()
    )
    if submission is None:
        submission = Submission(region=region, cycle=cycle)
        submission.prefetched_events = []
    return submission
