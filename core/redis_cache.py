"""Django's Redis cache, reusing one client per connection pool, and serving on when Redis does not answer.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache operation, and each builds its
table of response callbacks (about 0.2 ms): on a page that reads a session, a user and a fragment, most of a
cached page's cost. A Redis client is safe to share (its pool hands out connections), so one per pool is kept.

Everything the cache holds can be computed again or read from the database (sessions are kept there too:
`cached_db`). So when Redis fails, an operation answers as a miss (a read finds nothing, a write is dropped),
the failure is logged once (core.outage.CACHE), and for the next few seconds Redis is not even asked; then one
request tries it again. Pages are computed instead of cached: slower, never an error.

A write dropped while Redis was away may have been an invalidation (a logout, a deactivated person, a changed
access): when Redis answers again after this process dropped one, the process empties the cache before using
it, so nothing it failed to remove is served. (Other processes resume at once; a Redis that restarted kept
nothing, which is how it is run: docs/deploy.md.)
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.outage import CACHE

FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
# What each client operation answers when Redis does not: a miss; and whether it writes.
_MISSED = object()  # get: the caller's default
_FALLBACKS = {
    "get": (_MISSED, False),
    "get_many": ({}, False),
    "has_key": (False, False),
    "add": (False, True),
    "set": (None, True),
    "set_many": (None, True),
    "touch": (False, True),
    "delete": (False, True),
    "delete_many": (None, True),
    "incr": (ValueError, True),  # Django's answer for a key not in the cache
    "clear": (False, True),
}

_dropped_writes = threading.Event()  # in this process, since Redis last answered


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class _Tolerant:
    """The client's operations, each answering as a miss when Redis fails or is known to be down."""

    def __init__(self, client: RedisCacheClient) -> None:
        self._client = client

    def __getattr__(self, name: str):
        operation = getattr(self._client, name)
        if name not in _FALLBACKS:
            return operation
        fallback, writes = _FALLBACKS[name]

        def call(*args, **kwargs):
            if self._available():
                try:
                    return operation(*args, **kwargs)
                except FAILURES as error:
                    CACHE.down(error)
            if writes:
                _dropped_writes.set()
            if fallback is ValueError:
                raise ValueError("Key not found (the cache is unavailable).")
            if fallback is _MISSED:
                return args[1] if len(args) > 1 else kwargs.get("default")
            return fallback

        return call

    def _available(self) -> bool:
        if not CACHE.should_try():
            return False
        if CACHE.is_down:  # the retry
            try:
                self.recover()
            except FAILURES as error:
                CACHE.down(error)
                return False
            CACHE.up()
        return True

    def recover(self) -> None:
        """A round trip to Redis, then the cache emptied if this process dropped a write while it was away."""
        self._client.get_client(write=True).ping()
        if _dropped_writes.is_set():
            self._client.clear()
            _dropped_writes.clear()


class RedisCache(DjangoRedisCache):
    """django.core.cache.backends.redis.RedisCache with RedisCacheClient above, answering as a miss while
    Redis does not answer."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def _cache(self) -> _Tolerant:
        tolerant = self.__dict__.get("_tolerant")
        if tolerant is None:
            tolerant = self.__dict__["_tolerant"] = _Tolerant(self._class(self._servers, **self._options))
        return tolerant

    def check(self) -> None:
        """A round trip to Redis, raising when it does not answer (the health check)."""
        try:
            self._cache.recover()
        except FAILURES as error:
            CACHE.down(error)
            raise
        CACHE.up()
