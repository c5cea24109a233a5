"""Reads of evaluation cycles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionAction, SubmissionEvent, SubmissionStatus


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


@dataclass
class RegionPending:
    """What an analyst still has to do for one region in a cycle."""

    region: object
    cycle: EvaluationCycle
    submission: Submission
    missing: list  # IndicatorRow with missing figures
    needs_analysis: list  # IndicatorRow missing causes or justification
    open_commitments: list
    problems: list[str]

    @property
    def returned_event(self):
        """Return the reviewer's last return or reopening, while the data is back with the analysts."""
        if self.submission.status != SubmissionStatus.RETURNED:
            return None
        return next(
            (
                e
                for e in self.submission.prefetched_events
                if e.action in (SubmissionAction.RETURN, SubmissionAction.REOPEN)
            ),
            None,
        )

    @property
    def ready_to_send(self) -> bool:
        """Return whether nothing blocks sending and the data is still with the analysts."""
        return self.submission.is_editable and not self.problems

    @property
    def is_clear(self) -> bool:
        return not (self.missing or self.needs_analysis or self.problems) and self.submission.status in (
            SubmissionStatus.SENT,
            SubmissionStatus.APPROVED,
        )


def pending_for(*, user, cycle: EvaluationCycle) -> list[RegionPending]:
    """Return, for each region the user edits, what is still pending in the cycle.

    A constant number of queries per region (regions are one or two for an analyst).
    """
    from indicators.models import ImprovementCommitment
    from indicators.selectors import cycle_indicators, indicator_rows, submission_problems
    from regions.selectors import regions_editable_by

    pending = []
    for region in regions_editable_by(user):
        rows = indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle))
        if not rows:
            continue
        commitments = list(
            ImprovementCommitment.objects.filter(
                indicator__region=region, cycle__year__lte=cycle.year, status__in=["pendiente", "en_curso"]
            )
            .select_related("indicator", "cycle")
            .order_by("due_date")
        )
        pending.append(
            RegionPending(
                region=region,
                cycle=cycle,
                submission=submission_for(region=region, cycle=cycle),
                missing=[row for row in rows if row.missing],
                needs_analysis=[row for row in rows if row.needs_causes or row.needs_justification],
                open_commitments=commitments,
                problems=submission_problems(region=region, cycle=cycle),
            )
        )
    return pending


def review_queue(*, cycle: EvaluationCycle) -> list[Submission]:
    """Return the cycle's submissions, those waiting for review first, then by region."""
    order = {
        SubmissionStatus.SENT: 0,
        SubmissionStatus.RETURNED: 1,
        SubmissionStatus.DRAFT: 2,
        SubmissionStatus.APPROVED: 3,
    }
    submissions = list(
        Submission.objects.filter(cycle=cycle)
        .select_related("region")
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor"), to_attr="prefetched_events")
        )
    )
    return sorted(submissions, key=lambda s: (order[s.status], s.region.order))
