"""Database routing: the dashboards may read from a PostgreSQL replica; everything else uses the primary.

A replica is configured with DATABASE_REPLICA_URL. Only what runs inside `on_replica()` (the dashboards and
the national overview, which tolerate a replica's lag) reads from it; data entry, review and every write use
the primary. Two exceptions send those reads to the primary too:

- read-your-writes: for REPLICA_STICKY_SECONDS after a person's last write (a cookie the middleware sets,
  `pbr.middleware.ReadYourWrites`), their dashboards read the primary, so they see what they just saved even
  when the replica lags (docs/deploy.md has the lag measured);
- a replica that does not answer: the block is run again on the primary, the failure is logged once and the
  replica is left alone for a few seconds (core.outage.REPLICA), then tried again.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from core.outage import REPLICA

_use_replica = contextvars.ContextVar("pbr_use_replica", default=False)
_primary_only = contextvars.ContextVar("pbr_primary_only", default=False)
T = TypeVar("T")


def replica_configured() -> bool:
    return "replica" in settings.DATABASES


@contextlib.contextmanager
def reading_from_replica():
    """Route the reads made inside the block to the replica, when one is configured (no fallback: prefer
    `on_replica`, which runs the block again on the primary when the replica fails)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


@contextlib.contextmanager
def primary_only():
    """Route every read inside the block to the primary, `on_replica` included (read-your-writes)."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


def on_replica(compute: Callable[[], T]) -> T:
    """Return compute() with its reads made on the replica, or on the primary when there is none, when the
    person wrote a moment ago, or when the replica fails (then compute() runs again, on the primary: it must
    only read)."""
    if not replica_configured() or _primary_only.get() or not REPLICA.should_try():
        return compute()
    recovering = REPLICA.is_down
    token = _use_replica.set(True)
    try:
        value = compute()
    except (OperationalError, InterfaceError) as error:
        replica = connections["replica"]
        if replica.connection is not None and replica.is_usable():
            raise  # the replica answers: the error is not its failure
        REPLICA.down(error)
        replica.close_if_unusable_or_obsolete()
    else:
        if recovering:
            REPLICA.up()
        return value
    finally:
        _use_replica.reset(token)
    return compute()


class ReplicaRouter:
    """Sends reads inside `on_replica()` to the "replica" alias; all else to "default"."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and not _primary_only.get() and replica_configured():
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
