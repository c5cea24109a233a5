"""Caching of the dashboards' rendered bodies, keyed by the data version (see DataVersion).

Computing a region's results and rendering dozens of charts costs tens of milliseconds; reading one
counter costs one small query. The cache itself may be per process (the default LocMemCache) or shared
(Redis, memcached, configured through CACHE_URL): the version lives in the database, so every process
sees a change as soon as it commits.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from evaluation.models import DataVersion

TIMEOUT = 24 * 60 * 60


def data_version() -> int:
    """Return the current data version (one query)."""
    return DataVersion.objects.values_list("value", flat=True).first() or 0


def bump_data_version(**_signal_kwargs) -> None:
    """Increase the data version; every cached dashboard body is stale from the commit on."""
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def cached(kind: str, *parts: object, version: int, compute):
    """Return the cached value for (kind, parts) at the data version, language and day, or compute it
    with `compute()` and cache it. The day is in the key because "late" and "on time" depend on it."""
    key = ":".join(["pbr", kind, *map(str, parts), get_language() or "", str(timezone.localdate()), str(version)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def connect_invalidation() -> None:
    """Bump the data version on every save or delete of what the dashboards show (admin edits included).

    Bulk writes (queryset.update, bulk_create) send no signals: their callers call bump_data_version().
    """
    from django.apps import apps

    watched = [
        ("indicators", "Indicator"),
        ("indicators", "IndicatorCommitment"),
        ("indicators", "Measurement"),
        ("indicators", "Deviation"),
        ("indicators", "StrategicProduct"),
        ("indicators", "ProductBudget"),
        ("evaluation", "EvaluationCycle"),
        ("evaluation", "Submission"),
        ("evaluation", "SubmissionEvent"),
        ("evaluation", "CycleSnapshot"),
        ("regions", "Region"),
    ]
    for app_label, name in watched:
        model = apps.get_model(app_label, name)
        uid = f"pbr.data_version.{app_label}.{name}"
        post_save.connect(bump_data_version, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=uid + ".delete")
