"""`make bench`'s fault runs: PostgreSQL restarted, then Redis stopped, in a mixed load, and what clients saw.

Each phase loads the app under gunicorn for FAULT_SECONDS (default 20) with FAULT_CLIENTS clients (default 8:
Python threads, each on kept-alive connections with logged-in sessions). Two of them save a figure through the
entry grid as bench/run.py does (the form as drawn, one numerator changed, posted, the redirect followed) and
read it back; the others cycle through a region dashboard, the national view, a region page, a data-entry grid
and /salud/. Every response is recorded with its time.

- The database phase: FAULT_RESTART_AT seconds in (default 5), PostgreSQL is restarted (`pg_ctlcluster …
  restart`, fast mode); the load goes on at least 5 s after the restart returns. Reported: the responses by
  status (200, 302, 503, 500, other) with connection errors apart; 500s, which must be none (a database outage
  is answered with 503); the 503s carrying Retry-After; how long the restart command took; the downtime as
  clients saw it (first to last 503); and the seconds to full service, from the restart's start to the last
  failure after which every response succeeded. A failure is any answer but the one the request expects (200
  for a page, 302 for a save) and any connection error.
- The cache phase: FAULT_CACHE_STOP_AT seconds in (default 5), the Redis of the shared cache (BENCH_REDIS, on
  this machine) is stopped (`redis-cli shutdown nosave`) and FAULT_CACHE_DOWN seconds later (default 8) started
  again as the Makefile's `redis` target does (`redis-server --daemonize yes`, with the settings it ran with),
  then awaited with `redis-cli ping`; the load goes on at least 10 s after it answers. Reported: the responses
  by status and the failures, which must be none (the app computes what it would have read from the cache);
  the /salud/ answers saying «degraded»; the saves read back; the gunicorn log (no tracebacks); and each page's
  latency (median and p90) before the stop, while Redis is down, in the first 5 s after it answers (the app asks
  a failed Redis again only every 5 s: core/outage.py) and after those.

Both stop services every client on this machine uses: the run waits while a pytest runs here (checked every
10 s for up to 10 minutes, before the load and again just before the fault), and leaves PostgreSQL and Redis
running whatever happens.

Run by bench/run.py at its end, both phases. Alone, `.venv/bin/python bench/fault.py [--database] [--cache]`
(both when neither is given) reuses the benchmark's database (created as run.py creates it when missing) with
new sessions, and writes bench/results/fault.md (fault-database.md or fault-cache.md for one phase).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import math
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import run as bench

SECONDS = int(os.environ.get("FAULT_SECONDS", "20"))
CLIENTS = int(os.environ.get("FAULT_CLIENTS", "8"))
RESTART_AT = float(os.environ.get("FAULT_RESTART_AT", "5"))
WRITER_REGIONS = (bench.SAME_REGION, bench.OTHER_REGION)  # one writer per grid: their saves never conflict
CACHE_STOP_AT = float(os.environ.get("FAULT_CACHE_STOP_AT", "5"))
CACHE_DOWN = float(os.environ.get("FAULT_CACHE_DOWN", "8"))
CACHE_RETRY = 5  # core.outage.CACHE: after a failure, a process asks Redis again only this long after
PHASES = ("database", "cache")
TAIL = 5  # seconds of load at least after the service returns (for the cache: after CACHE_RETRY too)
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
REDIS_HOST = urllib.parse.urlsplit(bench.REDIS).hostname or "127.0.0.1"
REDIS_PORT = urllib.parse.urlsplit(bench.REDIS).port or 6379
REDIS_CLI = ("redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT))
REDIS_SETTINGS = ("port", "bind", "dir", "logfile", "save", "appendonly")  # kept across the restart
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
    health: str = ""  # /salud/'s verdict: "ok", "degraded" or "unavailable"

    @property
    def ms(self) -> float:
        return (self.ended - self.began) * 1000

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


@dataclass(frozen=True)
class RedisStop:
    """Redis stopped and started again, in seconds since the load began: the shutdown command, when Redis (asked
    with `redis-cli ping`) first did not answer, the start command, and when it answered again (None: not seen
    within 10 s); what the commands that failed printed."""

    began: float
    silent: float | None
    started: float
    back: float | None
    problems: str


@dataclass
class Load:
    """The clients' shared record: one clock started with the load, every outcome, the saves read back."""

    start: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    saves: int = 0
    lost: list[str] = field(default_factory=list)
    restart: Restart | None = None
    redis: RedisStop | None = None

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
        ended = self.load.now()
        retry_after = "Retry-After" in response.headers
        health = ""
        if path == "/salud/" and response.headers.get("Content-Type", "").startswith("application/json"):
            health = json.loads(response.text).get("status", "")
        self.load.outcomes.append(Outcome(label, began, ended, expected, response.status, retry_after, "", health))
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


# PostgreSQL.


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


# Redis.


def redis_answers() -> bool:
    return subprocess.run([*REDIS_CLI, "ping"], text=True, capture_output=True).stdout.strip() == "PONG"


def until(condition: Callable[[], bool], seconds: float) -> bool:
    """Return whether the condition held within `seconds`, asked every 50 ms."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def redis_settings() -> list[str]:
    """Return the running Redis's REDIS_SETTINGS as redis-server's arguments; none when it refuses CONFIG GET.

    Started plainly, as the Makefile does, Redis would listen on every interface, log nowhere and save snapshots
    in the working directory: this one is started again as it was."""
    arguments = []
    for name in REDIS_SETTINGS:
        done = subprocess.run([*REDIS_CLI, "--raw", "config", "get", name], text=True, capture_output=True)
        lines = done.stdout.split("\n")
        if done.returncode or len(lines) < 2 or lines[0] != name:
            return []
        values = (lines[1].split() or [""]) if name in {"bind", "save"} else [lines[1]]  # save "": none
        arguments += [f"--{name}", *values]
    return arguments


def start_redis(settings: list[str]) -> subprocess.CompletedProcess:
    """Start Redis as the Makefile's `redis` target does, with those settings; return once it has forked."""
    return subprocess.run(
        ["redis-server", "--daemonize", "yes", *settings], cwd=bench.ROOT, text=True, capture_output=True, timeout=30
    )


def ensure_redis(settings: list[str]) -> None:
    """Start Redis when it does not answer, with those settings, else with none; exit if it still does not answer
    10 s after each start."""
    for arguments in [settings, []] if settings else [[]]:
        if redis_answers():
            return
        bench.say(
            f"Redis does not answer: starting it ({' '.join(['redis-server', '--daemonize', 'yes', *arguments])})"
        )
        start_redis(arguments)
        if until(redis_answers, 10):
            return
    raise SystemExit(f"Redis does not answer on {REDIS_HOST}:{REDIS_PORT} after starting it")


def stop_redis(load: Load, settings: list[str]) -> RedisStop:
    """Stop Redis (nothing saved: it comes back empty, as it is run), start it again CACHE_DOWN s later with those
    settings, and return once it answers (or 10 s after it was started)."""
    began = load.now()
    shutdown = subprocess.run([*REDIS_CLI, "shutdown", "nosave"], text=True, capture_output=True, timeout=30)
    silent = load.now() if until(lambda: not redis_answers(), 10) else None
    time.sleep(max(0.0, began + CACHE_DOWN - load.now()))
    bench.say("starting Redis again")
    started = load.now()
    start = start_redis(settings)
    back = load.now() if until(redis_answers, 10) else None
    problems = "; ".join(
        f"{' '.join(done.args)} ({done.returncode}): {(done.stdout + done.stderr).strip()[:200]}"
        for done in (shutdown, start)
        if done.returncode
    )
    return RedisStop(began, silent, started, back, problems)


# Whoever else uses them.


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
        return f"{self.seconds:.0f} s (waits: {self.times}; loads abandoned before the fault: {self.abandoned})"


def quiet(deadline: float, waits: Waits, doing: str) -> bool:
    """Wait while a pytest runs, checking every PYTEST_POLL s until the deadline; return whether none runs."""
    runs = pytest_runs()
    if not runs:
        return True
    began = time.monotonic()
    bench.say(f"pytest is running, waiting (every {PYTEST_POLL} s) before {doing}: {runs[0][:150]}")
    while runs and time.monotonic() < deadline:
        time.sleep(PYTEST_POLL)
        runs = pytest_runs()
    waits.seconds += time.monotonic() - began
    waits.times += 1
    return not runs


# The runs.


@dataclass(frozen=True)
class Fault:
    """What a phase does in the middle of the load, `at` seconds in: `make(load)` does it, records it in the load
    and returns when the load may end (seconds since it began); `doing` names it ("restarting PostgreSQL")."""

    doing: str
    at: float
    make: Callable[[Load], float]


def loaded(data: bench.Seeded, grids: list[Grid], waits: Waits, fault: Fault) -> Load | None:
    """Return the load with the fault in it; None when a pytest started before the fault (none was made)."""
    load = Load()
    sessions = {"reviewer": data.reviewer, "analyst": data.analyst}
    readers = CLIENTS - len(grids)
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [pool.submit(writer, load, grid) for grid in grids]
        clients += [pool.submit(reader, load, index, sessions) for index in range(readers)]
        try:
            time.sleep(max(0.0, fault.at - load.now()))
            if pytest_runs():
                bench.say(f"a pytest started: load abandoned before {fault.doing}")
                waits.abandoned += 1
                return None
            bench.say(fault.doing)
            time.sleep(max(0.0, fault.make(load) - load.now()))
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


def logged(name: str) -> tuple[int, str]:
    """Return the tracebacks in the server's log, and what it holds: their count, the exception lines in them,
    and its records by level and logger (the app's, as pbr.settings formats them, and gunicorn's)."""
    log = (bench.RESULTS / f"{name}.log").read_text()
    lines = log.splitlines()
    exceptions = Counter(match.group(1) for line in lines if (match := EXCEPTION_LINE.match(line)))
    records = Counter(" ".join(match.groups()) for line in lines if (match := LOG_RECORD.match(line)))
    records += Counter(f"gunicorn {match.group(1)}" for line in lines if (match := GUNICORN_RECORD.search(line)))
    tracebacks = log.count("Traceback (most recent call last)")
    parts = [f"{tracebacks} tracebacks"]
    parts += [f"{kind} ×{count}" for kind, count in records.most_common()]
    if exceptions:
        parts.append("exception lines: " + ", ".join(f"{kind} ×{count}" for kind, count in exceptions.most_common()))
    return tracebacks, f"bench/results/{name}.log: " + "; ".join(parts)


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


def slowness(outcomes: list[Outcome], since: float) -> str:
    """Return the median latency, in ms, of the successful responses ended in each second around `since`."""
    seconds: dict[int, list[float]] = {}
    for outcome in outcomes:
        if outcome.ok:
            seconds.setdefault(math.floor(outcome.ended - since), []).append(outcome.ms)
    shown = range(-2, max(seconds) + 1)
    return ", ".join(f"{second:+d}: {statistics.median(seconds.get(second, [math.nan])):.0f}" for second in shown)


def keep(outcomes: list[Outcome], since: float, name: str) -> Path:
    """Write every response to bench/results/<name>.csv, times from `since`; return that path."""
    path = bench.RESULTS / f"{name}.csv"
    with path.open("w", newline="") as file:
        rows = csv.writer(file)
        rows.writerow(["page", "began", "ended", "expected", "status", "retry_after", "error", "health"])
        for outcome in sorted(outcomes, key=lambda outcome: outcome.began):
            rows.writerow(
                [
                    outcome.label,
                    f"{outcome.began - since:.3f}",
                    f"{outcome.ended - since:.3f}",
                    outcome.expected,
                    outcome.status or "",
                    int(outcome.retry_after),
                    outcome.error,
                    outcome.health,
                ]
            )
    return path


def fault_rows(report: bench.Report, data: bench.Seeded, phases: Sequence[str] = PHASES) -> None:
    """The fault runs added to the report, each with a load of its own: PostgreSQL restarted, then Redis stopped."""
    if "database" in phases:
        database_rows(report, data)
    if "cache" in phases:
        cache_rows(report, data)


def faulted(name: str, data: bench.Seeded, fault: Fault) -> tuple[Load | None, Waits]:
    """Return the load with the fault in it (None: a pytest ran all along) and the waits for pytest: the app under
    gunicorn on the benchmark's database (logging to bench/results/<name>.log), its pages warmed up."""
    server = bench.Server(name, "pbr.wsgi", bench.PORT, bench.ENV)
    waits = Waits()
    load = None
    try:
        server.start("/salud/")
        for _label, path, role in READS:
            bench.Visitor(bench.PORT, bench.session_cookie(getattr(data, role))).get_ok(path)
        grids = [grid(data.analyst, region) for region in WRITER_REGIONS]
        deadline = time.monotonic() + PYTEST_PATIENCE
        while load is None and quiet(deadline, waits, fault.doing):
            load = loaded(data, grids, waits, fault)
    finally:
        server.stop()
    return load, waits


def waited(report: bench.Report, phase: str, load: Load | None, waits: Waits) -> bool:
    """Add the waits for pytest to the report, if any; return whether the phase ran."""
    if waits.times or waits.abandoned:
        report.add(f"{phase}: waited for pytest (no fault while one runs)", str(waits))
    if load is None:
        report.add(f"{phase} run", f"not run: a pytest ran for {PYTEST_PATIENCE // 60} min", "run", False)
    return load is not None


def database_rows(report: bench.Report, data: bench.Seeded) -> None:
    """The database phase: the mixed load with PostgreSQL restarted in it."""
    version, name = cluster()
    bench.say(
        f"fault run: {CLIENTS} clients × {SECONDS} s, PostgreSQL {version}/{name} restarted {RESTART_AT:g} s in "
        f"({len(WRITER_REGIONS)} clients saving figures)"
    )

    def restarted(load: Load) -> float:
        load.restart = restart_postgres(load)
        return max(SECONDS, load.restart.ended + TAIL)

    try:
        load, waits = faulted("app-fault", data, Fault("restarting PostgreSQL", RESTART_AT, restarted))
    finally:
        ensure_postgres()
    if not waited(report, "fault", load, waits):
        return
    database_report(report, load)
    print(f"  responses [failures] per second from the restart's start: {timeline(load.outcomes, load.restart.began)}")
    print(f"  {logged('app-fault')[1]}")
    print(f"  every response: {keep(load.outcomes, load.restart.began, 'fault-responses').relative_to(bench.ROOT)}")


def _responses(report, prefix: str, outcomes: list[Outcome], fault: str, why: str) -> None:
    """Add a phase's first rows: its responses by status, and its 500s, which must be none."""
    counts = Counter(outcome.kind for outcome in outcomes)
    seconds = max(outcome.ended for outcome in outcomes)
    report.add(
        f"{prefix}: mixed load, {CLIENTS} clients × {seconds:.0f} s, {fault}",
        f"{len(outcomes)} responses: " + ", ".join(f"{kind} {counts[kind]}" for kind in STATUSES),
    )
    errors = counts["500"]
    report.add(f"{prefix}: HTTP 500s", str(errors), "0", errors == 0)
    if errors:
        print(f"  FAIL: {errors} responses were 500s: {why}")


def database_report(report: bench.Report, load: Load) -> None:
    """The database phase's rows: the responses, the 500s, the 503s, the restart, the downtime and the saves."""
    outcomes, restart = load.outcomes, load.restart
    _responses(
        report,
        "fault",
        outcomes,
        f"PostgreSQL restarted {restart.began:.1f} s in",
        "a database outage must be answered with 503",
    )
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


def cache_rows(report: bench.Report, data: bench.Seeded) -> None:
    """The cache phase: the mixed load with Redis stopped in it, and each page's latency around the stop."""
    if REDIS_HOST not in {"127.0.0.1", "localhost", "::1"}:
        report.add("cache fault run", f"not run: Redis at {bench.REDIS} is not on this machine", "run", False)
        return
    settings = redis_settings()
    bench.say(
        f"cache fault run: {CLIENTS} clients × {SECONDS} s, Redis {REDIS_HOST}:{REDIS_PORT} stopped "
        f"{CACHE_STOP_AT:g} s in for {CACHE_DOWN:g} s ({len(WRITER_REGIONS)} clients saving figures)"
    )
    if not settings:
        print("  Redis refuses CONFIG GET: it is started again with redis-server's defaults")

    def stopped(load: Load) -> float:
        load.redis = stop_redis(load, settings)
        back = load.redis.started if load.redis.back is None else load.redis.back
        return max(SECONDS, back + CACHE_RETRY + TAIL)

    doing = f"stopping Redis ({' '.join(REDIS_CLI)} shutdown nosave) for {CACHE_DOWN:g} s"
    try:
        load, waits = faulted("app-fault-cache", data, Fault(doing, CACHE_STOP_AT, stopped))
    finally:
        ensure_redis(settings)
    if not waited(report, "cache fault", load, waits):
        return
    cache_report(report, load)
    tracebacks, log = logged("app-fault-cache")
    report.add("cache fault: tracebacks in the gunicorn log", str(tracebacks), "0", tracebacks == 0)
    print(f"  {log}")
    print(f"  responses [failures] per second from the stop: {timeline(load.outcomes, load.redis.began)}")
    print(f"  median ms per second from the stop: {slowness(load.outcomes, load.redis.began)}")
    print(f"  every response: {keep(load.outcomes, load.redis.began, 'fault-cache-responses').relative_to(bench.ROOT)}")
    latency_table(report, load)


def cache_report(report: bench.Report, load: Load) -> None:
    """The cache phase's rows: the responses, the 500s and other failures, the stop, /salud/ and the saves."""
    outcomes, stop = load.outcomes, load.redis
    seconds = max(outcome.ended for outcome in outcomes)
    _responses(
        report,
        "cache fault",
        outcomes,
        f"Redis stopped {stop.began:.1f} s in for {stop.started - stop.began:.1f} s",
        "without Redis, pages must be computed instead",
    )
    failed = [outcome for outcome in outcomes if not outcome.ok]
    report.add("cache fault: failures (any answer but 200, 302 for a save)", str(len(failed)), "0", not failed)
    if failed:
        print(f"  the first failure: {min(failed, key=lambda outcome: outcome.ended)}")
        by_page = Counter(f"{outcome.label} {outcome.status or outcome.error}" for outcome in failed)
        print("  failures by page: " + ", ".join(f"{kind} ×{count}" for kind, count in by_page.most_common()))
    silent = (
        "still answering 10 s after it" if stop.silent is None else f"silent from {stop.silent - stop.began:+.1f} s"
    )
    answering = "not answering 10 s after" if stop.back is None else f"answering from {stop.back - stop.began:+.1f} s"
    report.add(
        "cache fault: Redis stopped (shutdown nosave), started again (redis-server --daemonize yes)",
        f"{silent}; started at {stop.started - stop.began:+.1f} s, {answering} (from the stop)",
        "back",
        stop.back is not None and stop.silent is not None and not stop.problems,
    )
    if stop.problems:
        print(f"  Redis commands that failed: {stop.problems}")
    health = [outcome for outcome in outcomes if outcome.health]
    down = [outcome for outcome in health if during(outcome, *window(stop, seconds, "down"))]
    back = math.inf if stop.back is None else stop.back
    up = [outcome for outcome in health if outcome.ended <= stop.began or outcome.began >= back]
    report.add(
        "cache fault: /salud/ answering «degraded»",
        f"{sum(outcome.health == 'degraded' for outcome in down)} of {len(down)} while Redis was down, "
        f"{sum(outcome.health == 'degraded' for outcome in up)} of {len(up)} while it answered",
    )
    report.add(
        "cache fault: saves acknowledged (302) and read back",
        f"{load.saves} saves, {len(load.lost)} not read back",
        "all read back",
        not load.lost,
    )
    for lost in load.lost[:5]:
        print(f"  not read back: {lost}")


WINDOWS = ("before", "down", "returning", "back")


def window(stop: RedisStop, end: float, name: str) -> tuple[float, float]:
    """Return the window of the load, in seconds since it began: before the stop, while Redis did not answer,
    the first CACHE_RETRY s after it answered again (until every process has asked it again) and after those."""
    silent = stop.began if stop.silent is None else stop.silent
    back = stop.started if stop.back is None else stop.back
    return {
        "before": (0.0, stop.began),
        "down": (silent, stop.started),
        "returning": (back, back + CACHE_RETRY),
        "back": (back + CACHE_RETRY, end),
    }[name]


def during(outcome: Outcome, start: float, end: float) -> bool:
    """Whether the request was made and answered within the window."""
    return start <= outcome.began and outcome.ended <= end


def spread(milliseconds: list[float]) -> str:
    """Return "median / p90 (count)" of the latencies, in ms; a dash for none."""
    if not milliseconds:
        return "–"
    p90 = statistics.quantiles(milliseconds, n=10, method="inclusive")[8] if len(milliseconds) > 1 else milliseconds[0]
    return f"{statistics.median(milliseconds):.0f} / {p90:.0f} ({len(milliseconds)})"


def latency_table(report: bench.Report, load: Load) -> None:
    """Each page's latency, successful responses only, by when it was asked for: a table of its own."""
    stop, end = load.redis, max(outcome.ended for outcome in load.outcomes)
    spans = {name: window(stop, end, name) for name in WINDOWS}
    titles = {
        "before": "before the stop",
        "down": "Redis down",
        "returning": f"back, first {CACHE_RETRY} s",
        "back": f"back, after {CACHE_RETRY} s",
    }
    header = " | ".join(f"{titles[name]} ({spans[name][0]:.0f}–{spans[name][1]:.0f} s)" for name in WINDOWS)
    lines = [f"| page | {header} | down ÷ before (medians) |", "|---|" + "---|" * (len(WINDOWS) + 1)]
    labels = [label for label, _path, _role in READS] + ["entry save", "all pages"]
    for label in labels:
        answered = [outcome for outcome in load.outcomes if outcome.ok and label in {outcome.label, "all pages"}]
        cells = {name: [outcome.ms for outcome in answered if during(outcome, *spans[name])] for name in WINDOWS}
        ratio = "–"
        if cells["before"] and cells["down"]:
            ratio = f"{statistics.median(cells['down']) / statistics.median(cells['before']):.1f}×"
        lines.append(f"| {label} | " + " | ".join(spread(cells[name]) for name in WINDOWS) + f" | {ratio} |")
    report.section(
        "Cache fault: latency by page in ms, median / p90 (responses), by when the request was made and answered "
        "(seconds since the load began)",
        lines,
    )


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
    parser = argparse.ArgumentParser(description="The fault runs of `make bench`, on the benchmark's database.")
    parser.add_argument("--database", action="store_true", help="PostgreSQL restarted in a mixed load")
    parser.add_argument("--cache", action="store_true", help="Redis stopped in a mixed load")
    arguments = parser.parse_args()
    phases = [phase for phase in PHASES if getattr(arguments, phase)] or list(PHASES)
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
    fault_rows(report, data, phases)
    setup = f"{setup}; load average {os.getloadavg()[0]:.1f} at the end"
    print(f"\n{report.summary(setup)}")
    name = "fault" if len(phases) == len(PHASES) else f"fault-{phases[0]}"
    bench.say(f"done: {report.save(name, setup).relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main()
