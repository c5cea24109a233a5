"""Versions of each region's data in each cycle, raised in the writing transaction, and the signal that tells
the layers above which regions and cycles changed.

Every change to what a region's pages show in a cycle raises that region's version in that cycle: model saves
through the receivers in evaluation/signals.py and indicators/signals.py, bulk writes by calling
`raise_versions` themselves. Cached pages are keyed by these versions, so a change in Coquimbo leaves
Biobío's cached pages in place, and a change to a cycle's rules touches only that cycle.

`versions_raised` is sent for each cycle, inside the same transaction: results/store.py recomputes the stored
results of those regions there (unless the change cannot alter a result: `recompute=False`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.dispatch import Signal

from evaluation.models import EvaluationCycle, RegionDataVersion, Stage
from regions.models import Region

# Sent with cycle (an EvaluationCycle), region_ids (a list) and recompute (bool).
versions_raised = Signal()
_trial = contextvars.ContextVar("pbr_trial_write", default=False)


@contextlib.contextmanager
def trial_write():
    """Mark a write that is always rolled back (a spreadsheet's dry run): it raises no version and nothing is
    recomputed for it, since nothing of it will remain."""
    token = _trial.set(True)
    try:
        yield
    finally:
        _trial.reset(token)


def raise_versions(
    *,
    region_ids: Iterable[int] | None = None,
    cycle_ids: Iterable[int] | None = None,
    recompute: bool = True,
    instruments: bool = True,
) -> None:
    """Raise the versions of those regions (None: every region of the cycle's year) in those cycles (None: every
    open cycle), creating the missing ones; then send `versions_raised`. Call inside the writing transaction.
    Inside `trial_write()`, nothing: the write will be rolled back.

    `instruments=False` says the change cannot alter what the instruments beside the indicators show
    (evaluations, PROPIR, PMG: an indicator's figures, say): their version stays, and so do their cached
    sections of the dashboards. When in doubt, leave it True: a needless raise costs a redraw, a missing one
    shows stale data."""
    if _trial.get():
        return
    cycles = EvaluationCycle.objects.all()
    cycles = cycles.exclude(stage=Stage.CLOSED) if cycle_ids is None else cycles.filter(pk__in=list(cycle_ids))
    wanted = None if region_ids is None else set(region_ids)
    for cycle in cycles:
        regions = Region.objects.in_year(cycle.year)
        ids = [pk for pk in regions.values_list("pk", flat=True) if wanted is None or pk in wanted]
        if not ids:
            continue
        existing = RegionDataVersion.objects.filter(cycle=cycle, region_id__in=ids)
        present = set(existing.values_list("region_id", flat=True))
        now = _clock()
        raised = {"value": Greatest(F("value") + 1, Value(now))}
        if instruments:
            raised["instruments"] = Greatest(F("instruments") + 1, Value(now))
        existing.update(**raised)
        RegionDataVersion.objects.bulk_create(
            [
                RegionDataVersion(region_id=pk, cycle=cycle, value=now, instruments=now)
                for pk in ids
                if pk not in present
            ],
            ignore_conflicts=True,
        )
        versions_raised.send(sender=RegionDataVersion, cycle=cycle, region_ids=ids, recompute=recompute)


def _clock() -> int:
    """Return microseconds since the epoch: versions follow the clock, so a database recreated or restored
    never reuses a version a shared cache still holds pages for."""
    return time.time_ns() // 1000


def raise_everything() -> None:
    """Raise every region's version in every cycle, closed ones too (after loading fixtures or a backup)."""
    raise_versions(cycle_ids=EvaluationCycle.objects.values_list("pk", flat=True))


@dataclass(frozen=True)
class Stamp:
    """What a cached page is keyed by: the region (None for a whole cycle), the cycle and the version; and what
    its sections on the instruments beside the indicators are keyed by (`instruments`)."""

    region_id: int | None
    cycle_id: int
    version: int
    instruments: int

    def region(self) -> Region:
        return Region.objects.get(pk=self.region_id)


def region_stamp(*, iso_code: str, year: int) -> Stamp | None:
    """Return the stamp of a region's data in the cycle of that year (one query); None when there is none (no
    such region or cycle, or the region did not exist that year).

    Asked on every view of a cached page, so it is one prepared statement, not an ORM query built each time
    (compiling the query cost more than running it)."""
    row = _fetch_one(_region_stamp_sql(), [iso_code.upper(), year])
    return Stamp(*row) if row else None


def cycle_stamp(*, year: int) -> Stamp | None:
    """Return a stamp of the whole cycle of that year (one query): its version rises whenever any region's
    does. None when the cycle has no versions."""
    row = _fetch_one(_cycle_stamp_sql(), [year])
    return None if row is None or row[0] is None else Stamp(None, row[0], int(row[1]), int(row[2]))


def all_version() -> int | None:
    """Return a version of every region's data in every cycle (one query): it rises with any change, a
    publication among them. None when there are no versions."""
    row = _fetch_one(_all_version_sql(), [])
    return None if row is None or row[0] is None else int(row[0]) * 1_000_003 + int(row[1])


def _fetch_one(sql: str, params: list) -> tuple | None:
    connection = connections[router.db_for_read(RegionDataVersion)]  # the replica inside on_replica()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@functools.cache
def _region_stamp_sql() -> str:
    version, region, cycle = (m._meta.db_table for m in (RegionDataVersion, Region, EvaluationCycle))
    return (
        f'SELECT v.region_id, v.cycle_id, v.value, v.instruments FROM "{version}" v '  # noqa: S608  (table names from the models)
        f'JOIN "{region}" r ON r.id = v.region_id JOIN "{cycle}" c ON c.id = v.cycle_id '
        "WHERE r.iso_code = %s AND c.year = %s"
    )


@functools.cache
def _cycle_stamp_sql() -> str:
    version, cycle = (m._meta.db_table for m in (RegionDataVersion, EvaluationCycle))
    return (
        f'SELECT MAX(v.cycle_id), SUM(v.value), SUM(v.instruments) FROM "{version}" v '  # noqa: S608  (table names from the models)
        f'JOIN "{cycle}" c ON c.id = v.cycle_id WHERE c.year = %s'
    )


@functools.cache
def _all_version_sql() -> str:
    return f'SELECT SUM(v.value), SUM(v.instruments) FROM "{RegionDataVersion._meta.db_table}" v'  # noqa: S608
