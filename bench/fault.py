"""`make bench`'s fault run: PostgreSQL restarted in the middle of a mixed load, and what the clients saw.

FAULT_CLIENTS clients (default 8: Python threads, each on kept-alive connections with logged-in sessions)
load the app under gunicorn for FAULT_SECONDS (default 20). Two of them save a figure through the entry grid
as bench/run.py does (the form as drawn, one numerator changed, posted, the redirect followed) and read it
back; the others cycle through a region dashboard, the national view, a region page, a data-entry grid and
/salud/. FAULT_RESTART_AT seconds in (default 5), PostgreSQL is restarted (`pg_ctlcluster … restart`, fast
mode); the load goes on at least 5 s after the restart returns. Every response is recorded with its time.

Reported: the responses by status (200, 302, 503, 500, other) with connection errors apart; 500s, which must
be none (a database outage is answered with 503); the 503s carrying Retry-After; how long the restart command
took; the downtime as clients saw it (first to last 503); and the seconds to full service, from the restart's
start to the last failure after which every response succeeded. A failure is any answer but the one the
request expects (200 for a page, 302 for a save) and any connection error.

Restarting PostgreSQL stops every database on this machine: the run waits while a pytest runs here (checked
every 10 s for up to 10 minutes, before the load and again just before the restart) and leaves PostgreSQL
running.

Run by bench/run.py at its end. Alone, `.venv/bin/python bench/fault.py` reuses the benchmark's database
(created as run.py creates it when missing) with new sessions, and writes bench/results/fault.md.
"""

from __future__ import annotations

import csv
import http.client
import math
import os
import re
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import run as bench

SECONDS = int(os.environ.get("FAULT_SECONDS", "20"))
CLIENTS = int(os.environ.get("FAULT_CLIENTS", "8"))
RESTART_AT = float(os.environ.get("FAULT_RESTART_AT", "5"))
WRITER_REGIONS = (bench.SAME_REGION, bench.OTHER_REGION)  # one writer per grid: their saves never conflict
TAIL = 5  # seconds of load at least after the restart returns, to see the service come back
TIMEOUT = 30  # a client's wait for an answer; longer counts as a connection error
PYTEST_POLL, PYTEST_PATIENCE = 10, 600
READS = (  # (label, path, whose session)
    ("region dashboard", bench.DASHBOARD, "reviewer"),
    ("national view", bench.NATIONAL, "reviewer"),
    ("region page", bench.REGION_PAGE, "reviewer"),
    ("entry grid", bench.ENTRY, "analyst"),
    ("/salud/", "/salud/", "reviewer"),
)
STATUSES = ("200", "302", "503", "500", "other", "connection error")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Interrupt|Exit)\w*)(?::|$)")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ ([A-Z]+) ([\w.]+):")  # pbr.settings' plain format
GUNICORN_RECORD = re.compile(r"\] \[(ERROR|CRITICAL|WARNING)\] ")


# What the clients saw.


@dataclass(frozen=True)
class Outcome:
    """One request as its client saw it, in seconds since the load began; status None: no answer (see error)."""

    label: str
    began: float
    ended: float
    expected: int
    status: int | None = None
    retry_after: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == self.expected

    @property
    def kind(self) -> str:
        """Return the status as the report counts it: one of STATUSES."""
        if self.status is None:
            return "connection error"
        return str(self.status) if str(self.status) in STATUSES else "other"


@dataclass(frozen=True)
class Restart:
    """The restart command, in seconds since the load began, and when PostgreSQL (polled with pg_isready meanwhile)
    first refused connections and accepted them again (None: not seen)."""

    began: float
    ended: float
    refused: float | None
    accepted: float | None
    returncode: int
    output: str


@dataclass
class Load:
    """The clients' shared record: one clock started with the load, every outcome, the saves read back."""

    start: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    saves: int = 0
    lost: list[str] = field(default_factory=list)
    restart: Restart | None = None

    def now(self) -> float:
        return time.monotonic() - self.start


class Client:
    """A browser on one kept-alive connection (http.client opens it again when the server closes it), each of
    whose requests is recorded in the load."""

    def __init__(self, load: Load, cookies: dict[str, str]) -> None:
        self.load = load
        self.visitor = bench.Visitor(bench.PORT, dict(cookies))
        self.connection = http.client.HTTPConnection("127.0.0.1", bench.PORT, timeout=TIMEOUT)

    def call(
        self, label: str, method: str, path: str, expected: int, form: dict[str, str] | None = None
    ) -> bench.Response | None:
        """Return the response, or None when none came (the connection failed, or TIMEOUT passed)."""
        began = self.load.now()
        try:
            response = self.visitor.exchange(self.connection, method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.load.outcomes.append(Outcome(label, began, self.load.now(), expected, error=type(error).__name__))
            return None
        retry_after = "Retry-After" in response.headers
        self.load.outcomes.append(Outcome(label, began, self.load.now(), expected, response.status, retry_after))
        return response


def grid_form(response: bench.Response | None) -> dict[str, str] | None:
    """Return the entry grid's fields on a 200 answer; None for no answer, an error page or a page without it."""
    if response is None or response.status != 200:
        return None
    reader = bench.FormReader()
    reader.feed(response.text)
    return next((form for form in reader.forms if "drawn_in" in form), None)


def reader(load: Load, first: int, sessions: dict[str, str]) -> None:
    """Reads the READS pages in turn, starting at the first-th, until the load stops."""
    clients = {role: Client(load, bench.session_cookie(key)) for role, key in sessions.items()}
    turn = first
    while not load.stop.is_set():
        label, path, role = READS[turn % len(READS)]
        clients[role].call(label, "GET", path, 200)
        turn += 1


@dataclass(frozen=True)
class Grid:
    """A region's entry grid as its writer uses it: the page, the figure it changes, the analyst's cookies."""

    path: str
    cell: str
    cookies: dict[str, str]


def toggled_cell(form: dict[str, str]) -> str:
    """Return the prefix of the first cell whose numerator is whole and can move within its pair {2k, 2k + 1}."""
    for name, value in form.items():
        match = re.fullmatch(r"(c\d+_\d+_\w+)_o", name)
        if not match or value.count(";") != 1:
            continue
        numerator, denominator = value.split(";")
        try:
            number = Decimal(numerator)
            total = Decimal(denominator) if denominator else None
        except InvalidOperation:
            continue
        if number == number.to_integral_value() and (number % 2 or total is None or number + 1 <= total):
            return match.group(1)
    raise SystemExit("the entry grid holds no whole figure that can change by one")


def grid(session: str, region: str) -> Grid:
    """Return the region's first entry grid, as the analyst with that session reaches it."""
    visitor = bench.Visitor(bench.PORT, bench.session_cookie(session))
    start = visitor.request("GET", bench.ENTRY_START.format(code=region))
    if start.status != 302:
        raise SystemExit(
            f"{bench.ENTRY_START.format(code=region)}: expected a redirect to a product, got {start.status}"
        )
    path = urllib.parse.urlsplit(start.headers["Location"]).path
    return Grid(path, toggled_cell(bench.entry_form(visitor.get_ok(path).text)), visitor.cookies)


def writer(load: Load, grid: Grid) -> None:
    """Saves the grid's figure until the load stops, following each redirect and reading the figure back; after
    a failure, draws the grid again before saving."""
    client = Client(load, grid.cookies)
    form = None
    while not load.stop.is_set():
        if form is None:
            form = grid_form(client.call("entry grid", "GET", grid.path, 200))
            continue
        # Between 2k and 2k + 1: each save changes the figure, and runs on a reused database never drift it.
        current = Decimal(form[f"{grid.cell}_o"].split(";")[0])
        value = current + 1 if current % 2 == 0 else current - 1
        saved = client.call("entry save", "POST", grid.path, 302, form={**form, f"{grid.cell}_n": str(int(value))})
        if saved is None or saved.status != 302:
            form = None
            continue
        load.saves += 1
        form = grid_form(client.call("entry grid", "GET", grid.path, 200))
        if form is not None and Decimal(form[f"{grid.cell}_o"].split(";")[0]) != value:
            load.lost.append(f"{grid.path} {grid.cell}: saved {value}, reads {form[f'{grid.cell}_o']}")


# PostgreSQL, and whoever else needs it.


def cluster() -> tuple[str, str]:
    """Return the version and name of the PostgreSQL cluster on port 5432, as pg_lsclusters lists it."""
    listing = subprocess.run(["pg_lsclusters", "--no-header"], text=True, capture_output=True, check=True).stdout
    for line in listing.splitlines():
        version, name, port, *_ = line.split()
        if port == "5432":
            return version, name
    raise SystemExit(f"no PostgreSQL cluster on port 5432:\n{listing}")


def postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def ensure_postgres() -> None:
    """Start the cluster when it does not accept connections; exit if it still does not after 30 s."""
    if postgres_ready():
        return
    version, name = cluster()
    bench.say(f"PostgreSQL does not answer: starting {version}/{name}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"])
    deadline = time.monotonic() + 30
    while not postgres_ready():
        if time.monotonic() > deadline:
            raise SystemExit("PostgreSQL does not accept connections on 127.0.0.1:5432 after starting it")
        time.sleep(0.5)


def restart_postgres(load: Load) -> Restart:
    """Restart the cluster (fast mode: sessions are cut, transactions rolled back), polling it meanwhile, and
    return once it accepts connections again (or 60 s after the command returned)."""
    version, name = cluster()
    polls: list[tuple[float, bool]] = []
    polled = threading.Event()

    def poll() -> None:
        while not polled.is_set():
            polls.append((load.now(), postgres_ready()))

    poller = threading.Thread(target=poll)
    began = load.now()
    poller.start()
    try:
        done = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", version, name, "restart"],
            text=True,
            capture_output=True,
            timeout=120,
        )
        ended = load.now()
        while not (polls and polls[-1][1]) and load.now() < ended + 60:
            time.sleep(0.05)
    finally:
        polled.set()
        poller.join()
    refused = next((moment for moment, ready in polls if not ready), None)
    accepted = next((moment for moment, ready in polls if ready and refused is not None and moment > refused), None)
    return Restart(began, ended, refused, accepted, done.returncode, (done.stdout + done.stderr).strip())


def pytest_runs() -> list[str]:
    """Return the command lines of the pytest processes running on this machine."""
    listing = subprocess.run(["ps", "-eo", "pid=,args="], text=True, capture_output=True, check=True).stdout
    return [line.strip() for line in listing.splitlines() if "pytest" in line]


@dataclass
class Waits:
    """How long the run waited for pytest, and the loads it abandoned because one started."""

    seconds: float = 0
    times: int = 0
    abandoned: int = 0

    def __str__(self) -> str:
        return f"{self.seconds:.0f} s (waits: {self.times}; loads abandoned before the restart: {self.abandoned})"


def quiet(deadline: float, waits: Waits) -> bool:
    """Wait while a pytest runs, checking every PYTEST_POLL s until the deadline; return whether none runs."""
    runs = pytest_runs()
    if not runs:
        return True
    began = time.monotonic()
    bench.say(f"pytest is running, waiting (every {PYTEST_POLL} s) before restarting PostgreSQL: {runs[0][:150]}")
    while runs and time.monotonic() < deadline:
        time.sleep(PYTEST_POLL)
        runs = pytest_runs()
    waits.seconds += time.monotonic() - began
    waits.times += 1
    return not runs


# The run.


def loaded(data: bench.Seeded, grids: list[Grid], waits: Waits) -> Load | None:
    """Return the load with the restart in it; None when a pytest started before the restart (none was made)."""
    load = Load()
    sessions = {"reviewer": data.reviewer, "analyst": data.analyst}
    readers = CLIENTS - len(grids)
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [pool.submit(writer, load, grid) for grid in grids]
        clients += [pool.submit(reader, load, index, sessions) for index in range(readers)]
        try:
            time.sleep(max(0.0, RESTART_AT - load.now()))
            if pytest_runs():
                bench.say("a pytest started: load abandoned before the restart")
                waits.abandoned += 1
                return None
            bench.say("restarting PostgreSQL")
            load.restart = restart_postgres(load)
            time.sleep(max(0.0, max(SECONDS, load.restart.ended + TAIL) - load.now()))
        finally:
            load.stop.set()
        for client in clients:
            client.result()  # a client's own failure ends the run here
    return load


def full_service(outcomes: list[Outcome], since: float) -> tuple[float | None, Outcome | None]:
    """Return the seconds from `since` to the end of the last failure after which every response succeeded, and
    that failure; (0, None) when nothing failed after `since`; (None, the failure) when nothing succeeded after."""
    ordered = sorted(outcomes, key=lambda outcome: outcome.ended)
    failures = [outcome for outcome in ordered if not outcome.ok and outcome.ended >= since]
    if not failures:
        return 0.0, None
    last = failures[-1]
    if not any(outcome.ok for outcome in ordered if outcome.ended > last.ended):
        return None, last
    return last.ended - since, last


def logged(name: str) -> str:
    """Return what the server's log holds: its tracebacks, the exception lines in them, and its records by
    level and logger (the app's, as pbr.settings formats them, and gunicorn's)."""
    log = (bench.RESULTS / f"{name}.log").read_text()
    lines = log.splitlines()
    exceptions = Counter(match.group(1) for line in lines if (match := EXCEPTION_LINE.match(line)))
    records = Counter(" ".join(match.groups()) for line in lines if (match := LOG_RECORD.match(line)))
    records += Counter(f"gunicorn {match.group(1)}" for line in lines if (match := GUNICORN_RECORD.search(line)))
    parts = [f"{log.count('Traceback (most recent call last)')} tracebacks"]
    parts += [f"{kind} ×{count}" for kind, count in records.most_common()]
    if exceptions:
        parts.append("exception lines: " + ", ".join(f"{kind} ×{count}" for kind, count in exceptions.most_common()))
    return f"bench/results/{name}.log: " + "; ".join(parts)


def timeline(outcomes: list[Outcome], since: float) -> str:
    """Return the responses ended in each second around `since`, the failures among them in brackets."""
    seconds: Counter[int] = Counter()
    failures: Counter[int] = Counter()
    for outcome in outcomes:
        second = math.floor(outcome.ended - since)
        seconds[second] += 1
        failures[second] += not outcome.ok
    shown = range(-2, max(seconds) + 1)
    return ", ".join(
        f"{second:+d}: {seconds[second]}" + (f" [{failures[second]}]" if failures[second] else "") for second in shown
    )


def keep(outcomes: list[Outcome], restart: Restart) -> Path:
    """Write every response to bench/results/fault-responses.csv, times from the restart's start; return it."""
    path = bench.RESULTS / "fault-responses.csv"
    with path.open("w", newline="") as file:
        rows = csv.writer(file)
        rows.writerow(["page", "began", "ended", "expected", "status", "retry_after", "error"])
        for outcome in sorted(outcomes, key=lambda outcome: outcome.began):
            rows.writerow(
                [
                    outcome.label,
                    f"{outcome.began - restart.began:.3f}",
                    f"{outcome.ended - restart.began:.3f}",
                    outcome.expected,
                    outcome.status or "",
                    int(outcome.retry_after),
                    outcome.error,
                ]
            )
    return path


def fault_rows(report: bench.Report, data: bench.Seeded) -> None:
    """The fault run, added to the report: the app under gunicorn on the benchmark's database, its pages warmed
    up, then the mixed load with PostgreSQL restarted in it."""
    version, name = cluster()
    bench.say(
        f"fault run: {CLIENTS} clients × {SECONDS} s, PostgreSQL {version}/{name} restarted {RESTART_AT:g} s in "
        f"({len(WRITER_REGIONS)} clients saving figures)"
    )
    server = bench.Server("app-fault", "pbr.wsgi", bench.PORT, bench.ENV)
    waits = Waits()
    load = None
    try:
        server.start("/salud/")
        for _label, path, role in READS:
            bench.Visitor(bench.PORT, bench.session_cookie(getattr(data, role))).get_ok(path)
        grids = [grid(data.analyst, region) for region in WRITER_REGIONS]
        deadline = time.monotonic() + PYTEST_PATIENCE
        while load is None and quiet(deadline, waits):
            load = loaded(data, grids, waits)
    finally:
        server.stop()
        ensure_postgres()
    if waits.times or waits.abandoned:
        report.add("fault: waited for pytest (no restart while one runs)", str(waits))
    if load is None:
        report.add("fault run", f"not run: a pytest ran for {PYTEST_PATIENCE // 60} min", "run", False)
        return
    add_rows(report, load)
    print(f"  responses [failures] per second from the restart's start: {timeline(load.outcomes, load.restart.began)}")
    print(f"  {logged(server.name)}")
    print(f"  every response: {keep(load.outcomes, load.restart).relative_to(bench.ROOT)}")


def add_rows(report: bench.Report, load: Load) -> None:
    outcomes, restart = load.outcomes, load.restart
    counts = Counter(outcome.kind for outcome in outcomes)
    seconds = max(outcome.ended for outcome in outcomes)
    report.add(
        f"fault: mixed load, {CLIENTS} clients × {seconds:.0f} s, PostgreSQL restarted {restart.began:.1f} s in",
        f"{len(outcomes)} responses: " + ", ".join(f"{kind} {counts[kind]}" for kind in STATUSES),
    )
    errors = counts["500"]
    report.add("fault: HTTP 500s", str(errors), "0", errors == 0)
    if errors:
        print(f"  FAIL: {errors} responses were 500s: a database outage must be answered with 503")
    unavailable = sorted((outcome for outcome in outcomes if outcome.status == 503), key=lambda o: o.ended)
    with_retry = sum(outcome.retry_after for outcome in unavailable)
    report.add("fault: 503s carrying Retry-After", f"{with_retry} of {len(unavailable)}")
    if restart.returncode:
        report.add("fault: restart command", f"failed ({restart.returncode}): {restart.output[:200]}", "", False)
    if restart.refused is None:
        polled = "never seen refusing connections"
    elif restart.accepted is None:
        polled = f"refusing connections from {restart.refused - restart.began:+.1f} s, still 60 s after the command"
    else:
        polled = (
            f"refused connections from {restart.refused - restart.began:+.1f} s "
            f"to {restart.accepted - restart.began:+.1f} s"
        )
    report.add("fault: restart command (pg_ctlcluster, fast mode)", f"{restart.ended - restart.began:.1f} s; {polled}")
    if unavailable:
        first, last = unavailable[0].ended - restart.began, unavailable[-1].ended - restart.began
        report.add(
            "fault: downtime seen by clients (first to last 503)",
            f"{last - first:.1f} s (from {first:+.1f} s to {last:+.1f} s of the restart's start)",
        )
    else:
        report.add("fault: downtime seen by clients (first to last 503)", "no 503s")
    recovered, failure = full_service(outcomes, restart.began)
    what = f" (the last failure: {failure.label}, {failure.status or failure.error})" if failure else ""
    if recovered is None:
        report.add(
            "fault: seconds to full service (from the restart's start)",
            f"not back by the end of the load{what}",
            "back",
            False,
        )
    else:
        report.add("fault: seconds to full service (from the restart's start)", f"{recovered:.1f} s{what}")
    report.add(
        "fault: saves acknowledged (302) and read back",
        f"{load.saves} saves, {len(load.lost)} not read back",
        "all read back",
        not load.lost,
    )
    for lost in load.lost[:5]:
        print(f"  not read back: {lost}")
    early = [outcome for outcome in outcomes if not outcome.ok and outcome.ended < restart.began]
    if early:
        print(f"  {len(early)} failures before the restart, the first: {early[0]}")
    failed = Counter(f"{outcome.label} {outcome.status or outcome.error}" for outcome in outcomes if not outcome.ok)
    if failed:
        print("  failures by page: " + ", ".join(f"{kind} ×{count}" for kind, count in failed.most_common()))


# Alone.


def prepared() -> bench.Seeded:
    """Return the benchmark database's sessions: the database reused when it exists (migrated), else created as
    bench/run.py creates it; the shared cache flushed, the static files collected."""
    bench.redis_flush(bench.REDIS_DB)
    query = f"SELECT 1 FROM pg_database WHERE datname = '{bench.DB}'"
    exists = bench.run("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", query, capture=True).strip() == "1"
    if not exists:
        bench.psql(f"CREATE DATABASE {bench.DB}")
    bench.say(f"database {bench.DB}: {'reused' if exists else 'created'}, migrate")
    bench.run(bench.PY, "manage.py", "migrate", "-v0")
    if not exists:
        bench.say("load the document")
        bench.run(bench.PY, "manage.py", "load_document", "-v0")
    bench.say(f"scale data ({bench.INDICATORS} indicators per region) and sessions")
    data = bench.seeded(bench.seed(bench.ENV, bench.INDICATORS))
    bench.run(bench.PY, "manage.py", "collectstatic", "--no-input", "-v0")
    return data


def main() -> None:
    bench.RESULTS.mkdir(exist_ok=True)
    ensure_postgres()
    data = prepared()
    print(f"  {bench.DB}: {data.summary}")
    setup = (
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start); gunicorn {bench.WORKERS} sync "
        f"workers; {CLIENTS} clients in Python threads; cache: Redis {bench.REDIS}/{bench.REDIS_DB}"
    )
    print(f"\n{setup}\n")
    report = bench.Report()
    fault_rows(report, data)
    setup = f"{setup}; load average {os.getloadavg()[0]:.1f} at the end"
    print(f"\n{report.summary(setup)}")
    bench.say(f"done: {report.save('fault', setup).relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main()
