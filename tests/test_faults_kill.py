"""A worker killed while saving figures (SIGKILL, no chance to clean up) leaves nothing partial: the grid's save
and a spreadsheet's apply are all or nothing, on SQLite and on PostgreSQL.

A real process (tests/faults_child.py) runs the services against this test's database, stops after the first
statement that writes figure rows, or after its last statement before COMMIT, and is killed there. The database
must then be exactly as before, every table of it; and the same save, left to finish, stores every figure with
its history, raises the region's data version and recomputes its stored result, all in one committed
transaction (so a save that stored nothing, or split its writes over two transactions, fails here).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from evaluation.models import EvaluationCycle, RegionDataVersion
from indicators import selectors, services
from indicators.models import ImportLog, Measurement
from indicators.vocabulary import ImportStatus
from tests.faults_child import COMMIT, FIRST_FIGURE

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
D = Decimal
YEAR = 2012
# Two figures the save changes and two it adds: the rows go in over more than one statement, and the kill at
# the first figure lands between them.
GRID = [
    ("CO-01", 2010, "efectivo", "261", "281"),
    ("CO-01", 2011, "efectivo", "249", "263"),
    ("CO-01", 2012, "meta", "251", "262"),
    ("CO-01", 2012, "efectivo", "240", "262"),
]
SHEET = [
    ("CO-01", 2009, "efectivo", "243", "263"),
    ("CO-01", 2011, "estimado", "248", "263"),
    ("CO-01", 2011, "efectivo", "250", "263"),
    ("CO-01", 2012, "efectivo", "241", "262"),
]
WAIT = 60  # seconds: the worker needs one or two to start and save


def database() -> dict[str, list[tuple]]:
    """Return every table's rows, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def stored(figures) -> dict[tuple[int, str], tuple[Decimal, Decimal, int]]:
    """Return the CO-01 figures the plan touches as stored: (numerator, denominator, version)."""
    keys = {(year, kind) for _code, year, kind, _n, _d in figures}
    return {
        (m.year, m.kind): (m.numerator, m.denominator, m.version)
        for m in Measurement.objects.filter(indicator__code="CO-01")
        if (m.year, m.kind) in keys
    }


def data_version(region) -> int:
    return RegionDataVersion.objects.get(region=region, cycle__year=YEAR).value


@contextlib.contextmanager
def worker(plan: dict, tmp_path) -> Iterator[tuple[subprocess.Popen, IO[str]]]:
    """Run the worker on this test's database (the settings name another one: the child is told which); kill it
    on the way out if it still runs."""
    with open(tmp_path / "worker.err", "w+") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults_child", connection.settings_dict["NAME"], json.dumps(plan)],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "pbr.test_settings"},
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        with child:  # closes its stdout and waits for it
            try:
                yield child, errors
            finally:
                if child.poll() is None:
                    child.kill()


def report(child: subprocess.Popen, word: str, errors: IO[str]) -> dict:
    """Return the JSON the worker printed after `word`, read as it comes (the worker then waits, alive)."""
    output = b""
    deadline = time.monotonic() + WAIT
    while (left := deadline - time.monotonic()) > 0 and select.select([child.stdout], [], [], left)[0]:
        chunk = os.read(child.stdout.fileno(), 65536)
        if not chunk:
            break  # the worker ended without reporting
        output += chunk
        for line in output.decode().splitlines(keepends=True):
            if line.startswith(word + " ") and line.endswith("\n"):
                return json.loads(line.removeprefix(word + " "))
    child.kill()
    child.wait()
    errors.seek(0)
    pytest.fail(f"The worker did not report {word}.\nstdout: {output.decode()}\nstderr: {errors.read()}")


def until_session_ends(backend: int) -> None:
    """Wait for PostgreSQL to end the killed worker's session (and roll back its transaction)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)
    pytest.fail(f"PostgreSQL kept the killed worker's session {backend}.")


def kill_during(plan: dict, tmp_path) -> dict:
    """Run the worker until it stops where the plan says, SIGKILL it there, and return what it reported."""
    with worker(plan, tmp_path) as (child, errors):
        stopped = report(child, "STOPPED", errors)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=WAIT) == -signal.SIGKILL
    if stopped["backend"] is not None:
        until_session_ends(stopped["backend"])
    return stopped


def run_to_the_end(plan: dict, tmp_path) -> dict:
    with worker(plan, tmp_path) as (child, errors):
        saved = report(child, "SAVED", errors)
        assert child.wait(timeout=WAIT) == 0
    return saved


def assert_killed_then_saved(plan: dict, figures, *, region, tmp_path) -> None:
    """Kill the plan's save where it says: nothing of it remains. Run it again to the end: all of it is stored."""
    before = database()
    old = stored(figures)
    version = data_version(region)

    stopped = kill_during(plan, tmp_path)

    if plan["stop"] == FIRST_FIGURE:  # killed between the figures' writes
        assert 0 < stopped["written"] < len(figures), stopped
    else:  # killed with every figure written, before COMMIT
        assert stopped["written"] == len(figures), stopped
    assert changed_tables(before, database()) == []
    assert stored(figures) == old

    history = Measurement.history.filter(indicator__code="CO-01").count()
    saved = run_to_the_end({**plan, "stop": None}, tmp_path)

    assert saved == {"saved": len(figures), "written": len(figures), "transactions": 1}
    now = stored(figures)
    for _code, year, kind, numerator, denominator in figures:
        previous = old.get((year, kind), (None, None, 0))[2]
        assert now[year, kind] == (D(numerator), D(denominator), previous + 1)
    assert Measurement.history.filter(indicator__code="CO-01").count() == history + len(figures)
    records = Measurement.history.filter(indicator__code="CO-01").order_by("-history_id")[: len(figures)]
    assert {record.history_user.username for record in records} == {plan["user"]}
    assert data_version(region) > version
    changed = set(changed_tables(before, database()))
    assert {
        "indicators.Measurement",
        "indicators.HistoricalMeasurement",
        "evaluation.RegionDataVersion",
        "results.StoredRegionResult",
    } <= changed, changed


@pytest.mark.parametrize("stop", [FIRST_FIGURE, COMMIT])
def test_a_killed_grid_save_leaves_nothing_and_the_same_save_stores_everything(stop, camila, coquimbo, tmp_path):
    plan = {"save": "grid", "user": "camila", "region": "CL-CO", "cycle": YEAR, "figures": GRID, "stop": stop}

    assert_killed_then_saved(plan, GRID, region=coquimbo, tmp_path=tmp_path)


def previewed_import(*, user, region, figures) -> ImportLog:
    """Return the preview of the region's Formulario H, downloaded and filled in with the figures."""
    cycle = EvaluationCycle.objects.get(year=YEAR)
    workbook = openpyxl.load_workbook(io.BytesIO(selectors.template_workbook(region=region, cycle=cycle)))
    sheet = workbook["Formulario H"]
    column = {cell.value: cell.column_letter for cell in sheet[3]}
    for code, year, kind, numerator, denominator in figures:
        assert sheet["A5"].value == code
        sheet[f"{column[f'{year}|{kind}|n']}5"] = int(numerator)
        sheet[f"{column[f'{year}|{kind}|d']}5"] = int(denominator)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("formulario.xlsx", buffer.getvalue())
    log = services.spreadsheet_preview(user=user, region=region, cycle=cycle, upload=upload)
    assert (log.status, log.errors, len(log.changes)) == (ImportStatus.PREVIEW, [], len(figures))
    return log


@pytest.mark.parametrize("stop", [FIRST_FIGURE, COMMIT])
def test_a_killed_spreadsheet_apply_leaves_nothing_and_the_same_apply_stores_everything(
    stop, camila, coquimbo, tmp_path
):
    log = previewed_import(user=camila, region=coquimbo, figures=SHEET)
    plan = {"save": "spreadsheet", "user": "camila", "log": log.pk, "figures": SHEET, "stop": stop}

    assert_killed_then_saved(plan, SHEET, region=coquimbo, tmp_path=tmp_path)

    log.refresh_from_db()
    assert (log.status, log.applied) == (ImportStatus.APPLIED, len(SHEET))
