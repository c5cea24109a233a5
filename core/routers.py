"""Database routing: the dashboards may read from a PostgreSQL replica; everything else uses the primary.

A replica is configured with DATABASE_REPLICA_URL. Only code running inside `reading_from_replica()`
(the dashboards and the national overview, which tolerate a replica's lag of a few seconds) reads from
it; data entry, review and every write always use the primary, so a person sees what they just saved.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings

_use_replica = contextvars.ContextVar("pbr_use_replica", default=False)


@contextlib.contextmanager
def reading_from_replica():
    """Route the reads made inside the block to the replica, when one is configured."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Sends reads inside `reading_from_replica()` to the "replica" alias; all else to "default"."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and "replica" in settings.DATABASES:
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
