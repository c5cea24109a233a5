"""Writes of the cycles' layer: the lock every write to a region's data in a cycle takes first."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from evaluation.models import EvaluationCycle, Submission
from regions.models import Region


def submission_get_locked(*, region: Region, cycle: EvaluationCycle) -> Submission:
    """Return the region's submission for the cycle, created if missing, locked for this transaction.

    Every write to a region's data in a cycle takes this lock first, so concurrent writers queue here
    and each sees the figures the previous one committed (the optimistic check then refuses stale ones).
    Call inside a transaction.
    """
    try:
        return Submission.objects.select_for_update().get(region=region, cycle=cycle)
    except Submission.DoesNotExist:
        try:
            with transaction.atomic():
                Submission.objects.create(region=region, cycle=cycle)
        except IntegrityError:
            pass  # created meanwhile by a concurrent request
        return Submission.objects.select_for_update().get(region=region, cycle=cycle)
