"""A real streaming replica (issue 14): dashboards read from it, a writer reads their own writes, and a stopped
replica leaves the dashboards on the primary with no error.

Needs the replica `make replica` makes (a second PostgreSQL cluster on 5433 streaming from 5432):
`make test-postgres` sets PBR_TEST_REPLICA_URL when it could make it. The test database is created on the
primary and streams to the replica like any other; the tests point the "replica" alias at it there.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
import types

import dj_database_url
import psycopg2
import pytest
from django.db import connections
from django.test import Client

from tests.html import soup, text
from tests.indicators.test_entry import entry_url, post
from tests.test_faults import DASHBOARD, outage_lines, request_errors

REPLICA_URL = os.environ.get("PBR_TEST_REPLICA_URL", "")
pytestmark = [
    pytest.mark.replica,
    pytest.mark.faults,
    pytest.mark.skipif(not REPLICA_URL, reason="no streaming replica (make replica; needs root and PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]
CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect", sorted(os.listdir("/etc/postgresql"))[-1], "replica"]


class Replica:
    def __init__(self) -> None:
        parsed = dj_database_url.parse(REPLICA_URL)
        self.host, self.port = parsed["HOST"], parsed["PORT"]

    def sql(self, statement: str):
        name = connections["default"].settings_dict["NAME"]
        with psycopg2.connect(host=self.host, port=self.port, user="postgres", dbname=name) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchone()

    def caught_up(self, timeout: float = 10) -> float:
        """Wait until the replica has replayed all the primary wrote; return how long it took."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (lsn,) = cursor.fetchone()
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0]:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise AssertionError(f"the replica did not replay {lsn} in {timeout} s")

    def stop(self) -> None:
        subprocess.run([*CLUSTER, "stop", "-m", "fast"], check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run([*CLUSTER, "start"], check=True, capture_output=True)
        for _ in range(100):
            try:
                self.sql("SELECT 1")
                return
            except psycopg2.OperationalError:
                time.sleep(0.1)
        raise AssertionError("the replica did not start again")


@pytest.fixture
def replica(fresh_outages, django_db_blocker):
    """The "replica" alias, as DATABASE_REPLICA_URL configures it, on the test database's copy on the replica."""
    found = Replica()
    found.caught_up()
    connections.settings["replica"] = {
        **connections["default"].settings_dict,
        "HOST": found.host,
        "PORT": found.port,
        "TEST": {"MIRROR": None},
    }
    # Django's test cases and pytest-django refuse connections to an alias the test did not declare, and
    # declaring this one would have the test case flush it (it is read-only): it connects as outside tests.
    alias = connections["replica"]
    alias.ensure_connection = types.MethodType(django_db_blocker._real_ensure_connection, alias)
    yield found
    connections["replica"].close()
    del connections.settings["replica"]
    del connections._connections.replica
    if found.sql("SELECT pg_is_wal_replay_paused()")[0]:
        found.sql("SELECT pg_wal_replay_resume()")


def indicator_row(client: Client, code: str = "CO-01") -> str:
    page = soup(client.get(DASHBOARD))
    return next(text(row) for row in page.select("tr") if code in text(row))


def test_dashboards_read_the_replica_and_a_writer_reads_their_own_writes(replica, camila, daniela):
    reviewer, writer = Client(), Client()
    reviewer.force_login(daniela)
    writer.force_login(camila)
    before = indicator_row(reviewer)
    assert connections["replica"].connection is not None  # the dashboard read there

    replica.sql("SELECT pg_wal_replay_pause()")  # the replica falls behind: what is written now is not on it
    saved = post(
        writer, entry_url(), {("CO-01", 2012, "efectivo", "n"): "4321", ("CO-01", 2012, "efectivo", "d"): "5000"}
    )
    assert saved.status_code == 302
    assert "pbr_wrote" in saved.cookies  # the writer's reads go to the primary for a while
    after = indicator_row(writer)
    assert after != before
    assert re.search(r"\b86\s%", after)
    assert not re.search(r"\b86\s%", before)
    assert indicator_row(reviewer) == before  # the reviewer's dashboard comes from the replica, still behind

    replica.sql("SELECT pg_wal_replay_resume()")
    replica.caught_up()
    assert indicator_row(reviewer) == after


def test_a_stopped_replica_leaves_the_dashboards_on_the_primary(replica, daniela, caplog):
    reviewer = Client()
    reviewer.force_login(daniela)
    before = indicator_row(reviewer)
    caplog.set_level(logging.INFO)
    replica.stop()
    try:
        assert indicator_row(reviewer) == before
        assert reviewer.get("/nacional/2012/").status_code == 200
        health = reviewer.get("/salud/").json()
        assert (health["status"], health["checks"]["replica"]["ok"]) == ("degraded", False)
        assert len(outage_lines(caplog, "replica unavailable")) == 1
        assert request_errors(caplog) == []
    finally:
        replica.start()
    assert indicator_row(reviewer) == before
    assert len(outage_lines(caplog, "replica available again after")) == 1
    assert reviewer.get("/salud/").json()["checks"]["replica"]["ok"] is True


def test_the_replica_replays_a_save_within_the_sticky_window(replica, camila, settings):
    """What read-your-writes relies on: the replica replays a save well within REPLICA_STICKY_SECONDS."""
    writer = Client()
    writer.force_login(camila)
    lags = []
    for value in ("4100", "4200", "4300"):
        saved = post(
            writer, entry_url(), {("CO-01", 2012, "efectivo", "n"): value, ("CO-01", 2012, "efectivo", "d"): "5000"}
        )
        assert saved.status_code == 302
        lags.append(replica.caught_up())
    assert max(lags) < settings.REPLICA_STICKY_SECONDS / 10
