"""What each region still has to do in the open cycles: the analysts' /pendientes/."""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluation.models import (
    EvaluationCycle,
    Submission,
    SubmissionAction,
    SubmissionStatus,
)
from evaluation.selectors import cycles_open, submission_for
from indicators.models import ImprovementCommitment
from indicators.selectors import (
    awaiting_region,
    cycle_indicators,
    cycle_required_columns,
    indicator_rows,
    submission_problems,
)
from programs.selectors import open_commitments as open_institutional
from regions.selectors import regions_editable_by


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
    institutional_commitments: list = field(default_factory=list)
    observations: list = field(default_factory=list)  # DIPRES's observations awaiting the region's answer

    @property
    def returned_event(self):
        """Return the reviewer's last return or reopening, while the data is back with the analysts."""
        if self.submission.status not in (SubmissionStatus.RETURNED, SubmissionStatus.REOPENED):
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
        return not (
            self.missing or self.needs_analysis or self.problems or self.observations
        ) and self.submission.status in (
            SubmissionStatus.SENT,
            SubmissionStatus.APPROVED,
        )


def pending_for(*, user, cycle: EvaluationCycle) -> list[RegionPending]:
    """Return, for each region the user edits, what is still pending in the cycle.

    A constant number of queries per region (regions are one or two for an analyst).
    """

    pending = []
    for region in regions_editable_by(user).in_year(cycle.year):
        rows = indicator_rows(
            cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle), columns=cycle_required_columns(cycle)
        )
        if not rows:
            continue
        commitments = list(
            ImprovementCommitment.objects.filter(
                indicator__region=region,
                cycle__year__lte=cycle.year,
                cycle__is_illustrative=cycle.is_illustrative,  # a demonstration's commitments stay in it
                status__in=["pendiente", "en_curso"],
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
                problems=submission_problems(region=region, cycle=cycle, rows=rows),
                institutional_commitments=open_institutional(region=region, cycle=cycle),
                observations=awaiting_region(region_ids=[region.pk], cycle_ids=[cycle.pk]),
            )
        )
    return pending


def pending_by_cycle(*, user) -> list[tuple[EvaluationCycle, list[RegionPending]]]:
    """Return what is pending for the user's regions in every open cycle, newest cycle first.

    Opening a new cycle never hides the previous one's open work (a return to answer, a send to make).
    Cycles where the user's regions committed nothing are left out.
    """
    groups = [(cycle, pending_for(user=user, cycle=cycle)) for cycle in cycles_open()]
    return [(cycle, regions) for cycle, regions in groups if regions]
