"""A worker for tests/test_faults_kill.py: saves figures through the services in its own process and database
connection, and can stop in the middle of the save to wait there for the SIGKILL that ends it.

    python -m tests.faults_child <database name> <plan as JSON>

The plan says what to save («grid»: `measurements_save` with these figures; «spreadsheet»: `spreadsheet_apply`
of a previewed import), by whom, and where to stop: «first-figure» (right after the first statement that
writes figure rows), «commit» (every statement run, COMMIT not yet sent) or none (run to the end). Stopped,
it prints `STOPPED {json}` on stdout, with how many of the plan's figures its own, uncommitted, transaction
holds, and sleeps; left to run, it prints `SAVED {json}` (with how many committed transactions wrote something)
and exits. The hooks live here only: the services run as in production.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from decimal import Decimal

import django
from django.conf import settings

FIRST_FIGURE, COMMIT = "first-figure", "commit"
PATIENCE = 120  # seconds a stopped worker waits for its SIGKILL before it gives up, without committing


def main(database: str, plan: dict) -> None:
    settings.DATABASES["default"]["NAME"] = database  # the parent test's database, not the settings' own
    django.setup()
    # Imported only now: the models load once django.setup() has run, with the database name set above.
    from django.contrib.auth import get_user_model
    from django.db import connection

    from evaluation.models import EvaluationCycle
    from indicators import services
    from indicators.models import ImportLog, Indicator, Measurement
    from regions.models import Region

    figures = [(code, year, kind, _decimal(n), _decimal(d)) for code, year, kind, n, d in plan["figures"]]

    def written() -> int:
        """How many of the plan's figures hold their new value, as this connection sees them."""
        stored = {
            (m.indicator.code, m.year, m.kind): (m.numerator, m.denominator)
            for m in Measurement.objects.filter(indicator__code__in={f[0] for f in figures}).select_related("indicator")
        }
        return sum(stored.get((code, year, kind)) == (n, d) for code, year, kind, n, d in figures)

    def stop() -> None:
        backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
        print("STOPPED " + json.dumps({"written": written(), "backend": backend}), flush=True)
        time.sleep(PATIENCE)
        os._exit(3)  # never return into the save: nothing of it may be committed

    table = connection.ops.quote_name(Measurement._meta.db_table)
    stopped = False

    def after_first_figure(execute, sql, params, many, context):
        nonlocal stopped
        result = execute(sql, params, many, context)
        if not stopped and sql.startswith((f"INSERT INTO {table}", f"UPDATE {table}")):
            stopped = True
            stop()
        return result

    # Transactions that wrote and were committed: an autocommitted statement is one by itself.
    transactions, writing = 0, False

    def count_writes(execute, sql, params, many, context):
        nonlocal transactions, writing
        result = execute(sql, params, many, context)
        if sql.startswith(("INSERT ", "UPDATE ", "DELETE ")):
            if connection.get_autocommit():
                transactions += 1
            elif not writing:
                transactions, writing = transactions + 1, True
        return result

    commit, rollback = connection.commit, connection.rollback

    def committing():  # the COMMIT at the end of an outermost atomic block
        nonlocal writing
        if plan["stop"] == COMMIT and not connection.get_autocommit():
            stop()
        commit()
        writing = False

    def rolling_back():
        nonlocal transactions, writing
        rollback()
        transactions, writing = transactions - writing, False

    connection.commit, connection.rollback = committing, rolling_back

    user = get_user_model().objects.get(username=plan["user"])
    with (
        connection.execute_wrapper(count_writes),
        connection.execute_wrapper(after_first_figure) if plan["stop"] == FIRST_FIGURE else contextlib.nullcontext(),
    ):
        if plan["save"] == "grid":
            cycle = EvaluationCycle.objects.get(year=plan["cycle"])
            indicators = {i.code: i for i in Indicator.objects.filter(code__in={f[0] for f in figures})}
            versions = {
                (m.indicator_id, m.year, m.kind): m.version
                for m in Measurement.objects.filter(indicator__in=indicators.values())
            }
            cells = [
                services.CellInput(
                    indicator=indicators[code],
                    year=year,
                    kind=kind,
                    numerator=n,
                    denominator=d,
                    version=versions.get((indicators[code].pk, year, kind), 0),
                )
                for code, year, kind, n, d in figures
            ]
            saved = services.measurements_save(
                user=user, region=Region.objects.get(iso_code=plan["region"]), cycle=cycle, cells=cells
            )
        else:
            saved = services.spreadsheet_apply(user=user, log=ImportLog.objects.get(pk=plan["log"])).applied
    print("SAVED " + json.dumps({"saved": saved, "written": written(), "transactions": transactions}), flush=True)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
