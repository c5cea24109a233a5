"""Reads of evaluation cycles."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage


def cycles_all() -> QuerySet[EvaluationCycle]:
    """Return every cycle, newest first."""
    return EvaluationCycle.objects.order_by("-year")


def cycle_current() -> EvaluationCycle | None:
    """Return the newest cycle that is not closed, else the newest closed one; None when there are none."""
    return (
        EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year").first()
        or EvaluationCycle.objects.order_by("-year").first()
    )


def cycle_get(*, year: int) -> EvaluationCycle:
    """Return the cycle of that budget year; raises Http404 when there is none."""
    try:
        return EvaluationCycle.objects.get(year=year)
    except EvaluationCycle.DoesNotExist:
        raise Http404(_("No existe el ciclo %(year)s.") % {"year": year}) from None
