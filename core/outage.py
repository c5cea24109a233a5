"""Services that fail: the database, its replica, the shared cache. What the app does about each.

Each service has one `Outage` per process: up, or down since a moment, with the next probe due. A failure
seen by a request marks it down and logs one line; while it is down, one request a second (the database) or
every few seconds (the replica, the cache) tries it again, and the first that succeeds marks it up and logs
one line with how long it was gone. No traceback per request, no storm of connection attempts.

What a request sees (docs/deploy.md, «When something fails»):

- database down: 503 with Retry-After and a page rendered without the database (`pbr.middleware.Outages`);
- replica down: the dashboards read from the primary (`core.routers.on_replica`);
- cache down: pages are computed as if nothing were cached (`core.redis_cache.RedisCache`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger("pbr.outage")


class Outage:
    """The state of one service in this process, safe to share between threads."""

    def __init__(self, name: str, retry_seconds: float) -> None:
        self.name, self.retry_seconds = name, retry_seconds
        self._lock = threading.Lock()
        self._since: float | None = None  # time.monotonic() of the first failure, while down
        self._next_probe = 0.0

    @property
    def is_down(self) -> bool:
        return self._since is not None

    def down(self, error: BaseException | str) -> None:
        """Mark the service down (one log line when it was up) and wait `retry_seconds` before the next try."""
        with self._lock:
            now = time.monotonic()
            self._next_probe = now + self.retry_seconds
            if self._since is not None:
                return
            self._since = now
        logger.warning("%s unavailable: %s", self.name, _one_line(error))

    def up(self) -> None:
        """Mark the service up again (one log line with how long it was down, when it was down)."""
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            logger.warning("%s available again after %.1f s", self.name, time.monotonic() - since)

    def should_try(self) -> bool:
        """Whether to use the service now: it is up, or down and its retry is due (one caller gets each retry;
        it must call `up()` or `down()` with what it found)."""
        if self._since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._next_probe:
                return False
            self._next_probe = now + self.retry_seconds
            return True

    def seconds_down(self) -> float:
        since = self._since
        return 0.0 if since is None else time.monotonic() - since


DATABASE = Outage("database", retry_seconds=1.0)
REPLICA = Outage("replica", retry_seconds=5.0)
CACHE = Outage("cache", retry_seconds=5.0)
STORAGE = Outage("evidence storage", retry_seconds=10.0)  # only /salud/ tries it without a person's upload


def _one_line(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return " ".join(str(text).split())[:300]


def database_error_in(error: BaseException | None) -> BaseException | None:
    """Return the database error (OperationalError, InterfaceError) that caused `error`, if one did."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def database_answers(alias: str = DEFAULT_DB_ALIAS) -> tuple[bool, str]:
    """Try a new connection to the database and one query; return whether it answered, and the error."""
    probe = connections[alias].copy()
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, ""
    except Exception as error:  # whatever the driver raises, the database did not answer
        return False, _one_line(error)
    finally:
        with contextlib.suppress(Exception):  # a connection that never opened may fail to close
            probe.close()


def is_database_outage(error: BaseException | None) -> bool:
    """Whether a request that failed with `error` failed because the database is unavailable: it is already
    known to be down, or a new connection to it fails now. A database error on a database that answers (a
    bug, a deadlock) is not an outage: it stays a 500 with its traceback."""
    if DATABASE.is_down:
        return True
    if database_error_in(error) is None and all(
        connection.connection is None or connection.is_usable() for connection in connections.all(initialized_only=True)
    ):
        return False
    answers, reason = database_answers()
    if answers:
        return False
    DATABASE.down(reason)
    return True
