"""How a write tells the layers above that data their results are computed from has changed.

Model saves and deletes are signals of their own. Bulk writes (`bulk_create`, `bulk_update`, `update`) send
none: their callers send `data_changed` once, inside the writing transaction, naming what changed. `results`
receives both and recomputes the stored results of exactly those regions and cycles (results/store.py),
raising their versions, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

# Sent with any of: indicator_ids (the indicators whose figures changed), region_ids, cycle_ids; nothing at all
# means everything may have changed (a restored backup).
data_changed = Signal()


def announce_change(
    *,
    indicator_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    cycle_ids: Iterable[int] | None = None,
    sender: object = None,
) -> None:
    """Tell the layers above that these data changed (call inside the writing transaction)."""
    data_changed.send(
        sender=sender,
        indicator_ids=None if indicator_ids is None else set(indicator_ids),
        region_ids=None if region_ids is None else set(region_ids),
        cycle_ids=None if cycle_ids is None else set(cycle_ids),
    )
