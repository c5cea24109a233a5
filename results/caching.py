"""Caching of the dashboards' rendered bodies, keyed by the version of the results they show (results/store.py).

Rendering dozens of charts costs milliseconds; reading one version costs one small query. The cache may be
per process (the default LocMemCache) or shared (Redis, with REDIS_URL): the version lives in the database,
beside the stored results, so every process sees a change as soon as it commits. Each region and cycle has
its own version: a change in Coquimbo leaves Biobío's cached pages in place.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

TIMEOUT = 24 * 60 * 60


def cached(kind: str, *parts: object, version: int, compute):
    """Return the cached value for (kind, parts) at the data version, language and day, or compute it
    with `compute()` and cache it. The day is in the key because "late" and "on time" depend on it."""
    key = ":".join(["pbr", kind, *map(str, parts), get_language() or "", str(timezone.localdate()), str(version)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
