"""DIPRES's review queue: every open cycle's submissions, those awaiting review first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from evaluation.models import (
    EvaluationCycle,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)
from evaluation.selectors import cycles_open
from indicators.models import IndicatorWeighting
from regions.models import Region


@dataclass
class CycleQueue:
    """The review queue of one open cycle: submissions awaiting review first; regions not yet started."""

    cycle: EvaluationCycle
    submissions: list[Submission]
    not_started: list

    @property
    def awaiting(self) -> int:
        return sum(submission.status == SubmissionStatus.SENT for submission in self.submissions)


def review_queues() -> list[CycleQueue]:
    """Return the review queue of every open cycle, those with submissions awaiting review first.

    Regions that committed indicators in a cycle but never saved anything are listed as not started.
    """

    queues = []
    for cycle in cycles_open():
        submissions = review_queue(cycle=cycle)
        started = {submission.region_id for submission in submissions}
        committed = set(
            IndicatorWeighting.objects.filter(cycle=cycle).values_list("indicator__region_id", flat=True).distinct()
        )
        not_started = list(Region.objects.in_year(cycle.year).filter(pk__in=committed - started))
        if submissions or not_started:
            queues.append(CycleQueue(cycle, submissions, not_started))
    return sorted(queues, key=lambda queue: (-queue.awaiting, -queue.cycle.year))


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
    return sorted(submissions, key=lambda s: (order.get(s.status, 1), s.region.order))
