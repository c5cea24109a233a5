"""Deployment settings: replica routing, shared storage and cache, structured logs, the health endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from core.routers import ReplicaRouter, primary_only, reading_from_replica
from regions.models import Region


def settings_with(**env) -> dict:
    """Return a few settings as the production settings module computes them from this environment."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'dbs': sorted(s.DATABASES), 'storage': s.STORAGES['default']['BACKEND'],"
        "'cache': s.CACHES['default']['BACKEND'], 'formatter': s.LOGGING['handlers']['console']['formatter']}))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "pbr.settings", "DEBUG": "1", **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_run_on_one_machine():
    assert settings_with() == {
        "dbs": ["default"],
        "storage": "core.storage.AtomicFileSystemStorage",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "formatter": "plain",
    }


def test_production_services_are_configured_from_the_environment():
    configured = settings_with(
        DATABASE_URL="postgres://pbr@db-primary:5432/pbr",
        DATABASE_REPLICA_URL="postgres://pbr@db-replica:5432/pbr",
        S3_BUCKET="pbr-evidencia",
        REDIS_URL="redis://cache:6379/1",
        LOG_FORMAT="json",
    )
    assert configured == {
        "dbs": ["default", "replica"],
        "storage": "storages.backends.s3.S3Storage",
        "cache": "core.redis_cache.RedisCache",
        "formatter": "json",
    }


def test_only_dashboard_reads_go_to_the_replica(monkeypatch):
    from types import SimpleNamespace

    import core.routers

    monkeypatch.setattr(core.routers, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))
    router = ReplicaRouter()
    assert router.db_for_read(Region) == "default"
    with reading_from_replica():
        assert router.db_for_read(Region) == "replica"
        assert router.db_for_write(Region) == "default"
    assert router.db_for_read(Region) == "default"
    assert router.allow_migrate("replica", "regions") is False
    with reading_from_replica(), primary_only():
        assert router.db_for_read(Region) == "default"  # read-your-writes
    monkeypatch.setattr(core.routers, "settings", SimpleNamespace(DATABASES={"default": {}}))
    with reading_from_replica():
        assert router.db_for_read(Region) == "default"  # no replica configured


def test_json_logs():
    code = "import logging, django; django.setup(); logging.getLogger('pbr').warning('hola %s', 'Coquimbo')"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "pbr.settings", "DEBUG": "1", "LOG_FORMAT": "json"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "pbr", "hola Coquimbo")
    assert "time" in line


@pytest.mark.django_db
def test_health_endpoint(client):
    """/salud/ says what answers, for a load balancer: each service with its time, never cached."""
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}  # no replica configured here
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["cache"]["shared"] is settings.CACHE_IS_SHARED


def test_the_redis_cache_reuses_one_client_per_pool():
    """Django's Redis cache builds a client per operation; ours keeps one per connection pool."""
    from core.redis_cache import RedisCacheClient

    client = RedisCacheClient(["redis://127.0.0.1:6379/15"])
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b")  # one server: one pool


@pytest.mark.django_db
def test_without_a_replica_no_read_your_writes_cookie_is_set(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert settings.REPLICA_STICKY_COOKIE not in response.cookies
