"""Faults the app survives (issue 14): the database going away, the shared cache failing, a full or read-only
disk during an upload. (A worker killed mid-save: test_faults_kill.py; a real replica: test_replica.py.)"""

from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from decimal import Decimal

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse

from core import outage
from indicators.models import Evidence, Measurement
from tests.html import soup, text
from tests.indicators.test_entry import entry_url, post

DASHBOARD = "/regiones/CL-CO/2012/tablero/"
pytestmark = pytest.mark.faults


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def outage_lines(caplog, service: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pbr.outage" and r.getMessage().startswith(service)]


def request_errors(caplog) -> list[str]:
    """What Django logged about failed requests (a traceback or a line per request)."""
    return [r.getMessage() for r in caplog.records if r.name == "django.request" and r.levelno >= logging.WARNING]


# The database goes away: new connections fail as they do when the server is down or unreachable.


class Database:
    def __init__(self) -> None:
        self.connection = connections["default"]
        self.saved = dict(self.connection.settings_dict)

    def stop(self) -> None:
        self.connection.close()
        if self.connection.vendor == "postgresql":
            self.connection.settings_dict["PORT"] = free_port()  # nothing listens there: refused
        else:
            self.connection.settings_dict["NAME"] = "/nonexistent/pbr/db.sqlite3"  # unable to open

    def start(self) -> None:
        self.connection.close()
        self.connection.settings_dict.update(self.saved)


@pytest.fixture
def database(fresh_outages):
    database = Database()
    yield database
    database.start()


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_down_every_page_answers_503_and_then_recovers(client, camila, database, caplog):
    client.force_login(camila)
    assert client.get(DASHBOARD).status_code == 200
    caplog.set_level(logging.INFO)
    database.stop()

    response = client.get(DASHBOARD)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    page = soup(response, 503)
    assert page.h1.get_text(strip=True) == "Servicio no disponible por un momento"
    assert "Los datos ya guardados están a salvo." in text(page)
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == "15"
    # Everywhere, whatever would have read the database first: the session, the user, a form, the API.
    assert client.get(entry_url()).status_code == 503
    assert Client().get(DASHBOARD).status_code == 503  # anonymous: the login redirect would read nothing, yet
    saving = client.post(entry_url(), {"anything": "1"})
    assert saving.status_code == 503
    assert "puede que no se hayan guardado" in text(soup(saving, 503))
    assert not soup(saving, 503).select('meta[http-equiv="refresh"]')  # a form sent is not sent again by itself
    api = client.get("/api/v1/regions/")
    assert (api.status_code, api["Content-Type"], api["Retry-After"]) == (503, "application/json", "5")
    assert "intente de nuevo" in api.json()["detail"]
    client.cookies["django_language"] = "en"
    english = soup(client.get(DASHBOARD), 503)
    assert english.h1.get_text(strip=True) == "Service unavailable for a moment"
    assert english.html["lang"] == "en"
    del client.cookies["django_language"]

    health = client.get("/salud/")
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    assert health.json()["checks"]["database"]["ok"] is False
    assert health.json()["checks"]["cache"]["ok"] is True

    # One line for the whole outage, no traceback nor line per request (nor per health check).
    assert len(outage_lines(caplog, "database unavailable")) == 1
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING and r.name != "pbr.outage"] == []

    database.start()
    assert client.get(DASHBOARD).status_code == 200
    assert client.get("/salud/").json()["status"] == "ok"
    assert len(outage_lines(caplog, "database available again after")) == 1
    assert request_errors(caplog) == []


@pytest.mark.django_db(transaction=True)
def test_a_database_error_while_the_database_answers_is_no_outage(database):
    """A bug or a conflict on a database that answers stays an error, with its traceback: never hidden as 503."""
    assert not outage.is_database_outage(OperationalError("no such column: x"))
    assert not outage.DATABASE.is_down
    database.stop()
    assert outage.is_database_outage(OperationalError("server closed the connection unexpectedly"))
    assert outage.DATABASE.is_down


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "")[:8] != "postgres", reason="PostgreSQL: a server to cut off")
def test_a_connection_cut_mid_request_is_an_outage_for_that_request(client, camila, database, caplog):
    """The server ends the request's own connection (as a restart does), and a new one is refused."""
    client.force_login(camila)
    client.get(DASHBOARD)
    caplog.set_level(logging.INFO)
    connection = connections["default"]
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with connections["default"].copy().cursor() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.settings_dict["PORT"] = free_port()
    connection.health_check_enabled = False  # reuse the cut connection, as a request already under way does
    assert outage.is_database_outage(None) is True
    assert request_errors(caplog) == []


# The shared cache fails: Redis stopped, or hung.


class RedisServer:
    """A real Redis server (Debian's redis-server) of the test's own, on a free port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.client = redis.Redis(port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self.client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def keys(self) -> int:
        return self.client.dbsize()


@pytest.fixture
def redis_server(settings, fresh_outages):
    """The app's cache on a real Redis, as production runs it (REDIS_URL): sessions, people and pages in it."""
    if shutil.which("redis-server") is None:
        pytest.skip("Debian's redis-server is not installed (make test installs it when root)")
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CACHE_IS_SHARED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield server
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGCONT)
        server.stop()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_are_computed_and_saves_work(client, camila, redis_server, caplog):
    from core import caching

    client.force_login(camila)
    assert client.get(DASHBOARD).status_code == 200
    assert redis_server.keys() > 0  # the session, the person, the page's parts
    caplog.set_level(logging.INFO)

    redis_server.stop()
    caching._local.clear()  # nothing of this process's own copy either: every part is computed again
    assert client.get(DASHBOARD).status_code == 200
    response = post(
        client, entry_url(), {("CO-01", 2012, "efectivo", "n"): "4321", ("CO-01", 2012, "efectivo", "d"): "5000"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get(indicator__code="CO-01", year=2012, kind="efectivo").numerator == Decimal(4321)
    assert client.get(response["Location"]).status_code == 200
    assert client.get(DASHBOARD).status_code == 200
    assert client.get("/salud/").json()["status"] == "degraded"
    assert client.get("/salud/").json()["checks"]["cache"]["ok"] is False
    assert len(outage_lines(caplog, "cache unavailable")) == 1
    assert request_errors(caplog) == []

    redis_server.start()
    assert client.get(DASHBOARD).status_code == 200
    assert len(outage_lines(caplog, "cache available again after")) == 1
    assert redis_server.keys() > 0  # in use again
    assert client.get("/salud/").json()["status"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_logout_while_redis_hangs_is_not_undone_when_it_answers_again(client, camila, redis_server, monkeypatch):
    """The session's removal from Redis is lost while it hangs; when it answers again the cache is emptied
    before use, so the old session cookie opens nothing."""
    monkeypatch.setattr(outage.CACHE, "retry_seconds", 60)  # while it hangs, one timeout, not one per operation
    client.force_login(camila)
    assert client.get(DASHBOARD).status_code == 200
    cookie = client.cookies["sessionid"].value

    os.kill(redis_server.process.pid, signal.SIGSTOP)  # hung: connections time out
    assert client.post(reverse("logout")).status_code == 302
    os.kill(redis_server.process.pid, signal.SIGCONT)
    assert redis_server.keys() > 0  # the session is still in Redis: its removal was lost

    monkeypatch.setattr(outage.CACHE, "retry_seconds", 0)
    thief = Client()
    thief.cookies["sessionid"] = cookie
    response = thief.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The disk fills up, or the evidence folder cannot be written, during an upload.

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n" + b"%" + b"x" * (96 * 1024) + b"\n%%EOF\n"


@pytest.fixture
def small_disk(settings):
    """The evidence folder on its own 256 KB file system (a tmpfs): real ENOSPC and EROFS."""
    folder = settings.MEDIA_ROOT
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root): {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def upload(client):
    url = reverse("indicators:evidence_upload", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"})
    return client.post(url, {"year": "2010", "file": SimpleUploadedFile("informe.pdf", PDF)})


def files_in(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.mark.django_db
def test_a_full_disk_during_an_upload_leaves_no_file_and_no_record(client, camila, small_disk, caplog):
    (small_disk / "relleno").write_bytes(b"0" * 192 * 1024)  # the 96 KB file starts, then meets the limit
    client.force_login(camila)
    response = upload(client)
    assert response.status_code == 400  # the page again, the message beside the file field
    field = soup(response, 400).select_one(".invalid-feedback")
    assert "El servidor no pudo guardar el archivo (no queda espacio en el disco); no se registró nada." in text(field)
    assert Evidence.objects.count() == 0
    assert files_in(small_disk) == ["relleno"]  # no partial file, no temporary one
    assert any("evidence not stored" in r.getMessage() for r in caplog.records)

    (small_disk / "relleno").unlink()  # space again: the same upload is stored
    assert upload(client).status_code == 302
    stored = Evidence.objects.get()
    assert files_in(small_disk) == [stored.file.name]
    assert (small_disk / stored.file.name).read_bytes() == PDF


@pytest.mark.django_db
def test_a_read_only_evidence_folder_leaves_no_record(client, camila, small_disk, settings):
    settings.STORAGE_CHECK_SECONDS = 0
    assert client.get("/salud/").json()["checks"]["storage"]["ok"] is True
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    health = client.get("/salud/")
    assert (health.status_code, health.json()["status"]) == (200, "degraded")  # pages still served
    assert health.json()["checks"]["storage"] == {
        "ok": False,
        "error": "OSError",
        "ms": health.json()["checks"]["storage"]["ms"],
    }
    client.force_login(camila)
    response = upload(client)
    assert response.status_code == 400
    assert "la carpeta de archivos no admite escritura" in text(soup(response, 400))
    assert Evidence.objects.count() == 0
    assert files_in(small_disk) == []


@pytest.mark.django_db
def test_a_file_whose_row_is_not_saved_is_removed(client, camila, settings, monkeypatch):
    """The row fails after the file was written (its insert made to raise, as when the database goes away then):
    the file goes too."""
    from indicators.services import evidence as evidence_services

    def refuse(self, *args, **kwargs):
        raise OperationalError("the database went away at the insert")

    monkeypatch.setattr(evidence_services.Evidence, "save", refuse)
    client.force_login(camila)
    with pytest.raises(OperationalError):
        upload(client)
    assert Evidence.objects.count() == 0
    assert files_in(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_the_evidence_audit_finds_and_removes_orphans_and_reports_lost_files(client, camila, settings):
    """What a process killed between a file and its row leaves, and what a storage loses, `evidence_audit` finds."""
    client.force_login(camila)
    assert upload(client).status_code == 302
    kept = Evidence.objects.get()
    orphan = settings.MEDIA_ROOT / "evidencia" / "CL-CO" / "CO-01" / "2010" / "huerfano"
    orphan.write_bytes(PDF)
    recent = orphan.with_name("subiendo")
    recent.write_bytes(PDF)
    an_hour_ago = time.time() - 2 * 3600
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    lost = Evidence.objects.create(
        indicator=kept.indicator,
        year=2011,
        original_name="perdido.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=camila,
        file="evidencia/CL-CO/CO-01/2011/perdido",
    )

    out, err = io.StringIO(), io.StringIO()
    call_command("evidence_audit", stdout=out, stderr=err)
    assert "huérfano: evidencia/CL-CO/CO-01/2010/huerfano" in out.getvalue()
    assert "subiendo" not in out.getvalue()  # younger than an hour: an upload may be under way
    assert f"falta el archivo de un registro: {lost.file.name}" in err.getvalue()
    assert orphan.exists()  # only listed

    call_command("evidence_audit", "--delete-orphans", stdout=io.StringIO(), stderr=io.StringIO())
    assert not orphan.exists()
    assert recent.exists()
    assert (settings.MEDIA_ROOT / kept.file.name).exists()
