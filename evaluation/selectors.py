"""Reads of evaluation cycles."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from core import caching
from evaluation import versions
from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    Stage,
    StageDeadline,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)
from regions.models import Region
from regions.selectors import region_get


def cycles_all() -> QuerySet[EvaluationCycle]:
    """Return every cycle, newest first, each with the deadline of its current stage (cycle_deadline)."""
    return _with_stage_deadline(EvaluationCycle.objects.order_by("-year"))


def _with_stage_deadline(cycles: QuerySet[EvaluationCycle]) -> QuerySet[EvaluationCycle]:
    current = StageDeadline.objects.filter(cycle=OuterRef("pk"), stage=OuterRef("stage")).values("due_date")[:1]
    return cycles.annotate(stage_due_date=Subquery(current))


def cycle_deadline(cycle: EvaluationCycle) -> datetime.date | None:
    """Return the date by which the regions owe what the cycle's current stage asks (their data sent to DIPRES):
    the stage's deadline (admin → the cycle → plazos de las etapas), else the cycle's data deadline; None
    without either. The reminders count from it and «a tiempo» is judged by it. No query for a cycle read by
    cycles_all or cycles_open, one otherwise."""
    if hasattr(cycle, "stage_due_date"):
        due = cycle.stage_due_date
    else:
        due = StageDeadline.objects.filter(cycle=cycle, stage=cycle.stage).values_list("due_date", flat=True).first()
    return due or cycle.data_deadline


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
    return list(_with_stage_deadline(EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year")))


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


@dataclass(frozen=True)
class RegionInCycle:
    """A region's page in a cycle: the region, the cycle, the cycles the region took part in (newest first) and
    the stamp its cached parts are keyed by (None when the region's versions were never raised)."""

    region: Region
    cycle: EvaluationCycle
    cycles: list[EvaluationCycle]
    stamp: versions.Stamp | None


def region_in_cycle(*, iso_code: str, year: int, authorize: Callable[..., Region], user) -> RegionInCycle:
    """Return the region of that code in the cycle of that year, checked by `authorize(user=, region=)` (the
    person may see it, or change its data). One query when the region's data version exists, and none more
    while it stays: the region and the cycles then come from the cache. Else the plain lookups, which also say
    why there is no such page (Http404: unknown region, no cycle, a region that did not exist that year).

    Call it inside `on_replica()` when the page's data is read there: the stamp must come from the
    database the data does."""
    stamp = versions.region_stamp(iso_code=iso_code, year=year)
    if stamp is None:
        region = authorize(user=user, region=region_get(iso_code=iso_code))
        return RegionInCycle(region, cycle_get(year=year, region=region), cycles_for_region(region), None)
    region = authorize(
        user=user, region=caching.cached("region", stamp.region_id, version=stamp.version, compute=stamp.region)
    )
    cycles = cycles_at(stamp)
    cycle = next(cycle for cycle in cycles if cycle.pk == stamp.cycle_id)
    return RegionInCycle(region, cycle, [other for other in cycles if region.exists_in(other.year)], stamp)


def cycles_at(stamp: versions.Stamp) -> list[EvaluationCycle]:
    """Return every cycle, newest first, as they were at the stamp's version: a page's own cycle and the cycles
    it links to, in one query when the version moved and none while it stays (a change to a cycle raises its
    versions; a new, removed or renamed one raises every version)."""
    return caching.cached(
        "cycles", stamp.cycle_id, stamp.region_id, version=stamp.version, compute=lambda: list(cycles_all())
    )


# What is published: read by anyone, signed in or not (regions.selectors.can_read_published decides who reads).


def published_pairs() -> set[tuple[int, int]]:
    """Return {(region id, cycle id)} of the published results: the region's data approved by DIPRES, or frozen
    when its cycle closed (CycleSnapshot). Reopened data is no longer published until it is approved again
    (two queries)."""
    approved = Submission.objects.filter(status=SubmissionStatus.APPROVED).exclude(cycle__stage=Stage.CLOSED)
    frozen = CycleSnapshot.objects.filter(cycle__stage=Stage.CLOSED)
    return set(approved.values_list("region_id", "cycle_id")) | set(frozen.values_list("region_id", "cycle_id"))


def is_published(*, region, cycle: EvaluationCycle) -> bool:
    """Return whether the region's results in the cycle are published (one query)."""
    if cycle.is_closed:
        return CycleSnapshot.objects.filter(region=region, cycle=cycle).exists()
    return Submission.objects.filter(region=region, cycle=cycle, status=SubmissionStatus.APPROVED).exists()
