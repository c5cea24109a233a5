"""`make bench`: the app under gunicorn on PostgreSQL with scale data, measured in one run beside a control.

The control is a minimal Django page (bench/minimal/: one query of 50 rows, one template, no middleware)
served by gunicorn exactly as the app is (2 sync workers each), on another port. The run reports:

- throughput with wrk on loopback as ratios to the control: /salud/, a region dashboard and the national
  view served from the cache, a region page and a data-entry grid, with each page's query count;
- sequential latencies as multiples of the control's: a dashboard recomputed after a figure changes in its
  region, the same dashboard after a change in another region (it should come from the cache), the national
  view recomputed after a change, and that last one again on a database with 4× the indicators per region;
- what a dashboard transfers, a mixed load of 32 clients, and a bulk import of 50.000 figures;
- last, the fault runs (bench/fault.py): PostgreSQL restarted during a mixed load, with the errors clients saw
  (no 500s allowed) and the seconds until full service; then Redis stopped for a few seconds during another,
  with each page's latency before, during and after.

The table is printed at the end and kept in bench/results/bench.md.

Changes go through the app's own write path: a POST of the entry grid's form with one figure changed, as a
browser sends it. The app uses a shared Redis cache (a database of the local Redis, flushed at start), as
production does. Numbers depend on the machine; the ratios are what the targets speak of.

Environment: BENCH_SECONDS (wrk run per page, default 10), LOAD_SECONDS (mixed load, default 3×BENCH_SECONDS),
BENCH_SAMPLES (sequential requests per latency, default 15), BENCH_PORT (default 8765, the control on the
next port), BENCH_DATABASE (default pbr_bench, and <name>_x4), BENCH_REDIS (default redis://127.0.0.1:6379)
and BENCH_REDIS_DB (default 12, and the next one for the 4× database); the fault run's are in bench/fault.py.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python")
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
MINIMAL_PORT = PORT + 1
WORKERS = 2
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", str(3 * DURATION)))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "15"))
DB = os.environ.get("BENCH_DATABASE", "pbr_bench")
DB_X4 = f"{DB}_x4"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379").rstrip("/")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))
INDICATORS, INDICATORS_X4 = 40, 160
GUNICORN_FLAGS = ("-w", str(WORKERS), "-k", "sync", "--log-level", "warning")  # the same for the app and the control

DASHBOARD = "/regiones/CL-AN/2012/tablero/"
NATIONAL = "/nacional/2012/"
PUBLIC_NATIONAL = "/publico/2012/"  # the public portal's, read without signing in
REGION_PAGE = "/regiones/CL-BI/2012/"
ENTRY = "/regiones/CL-AN/2012/ingreso/1/"
ENTRY_START = "/regiones/{code}/2012/ingreso/"  # redirects to the region's first product
SAME_REGION, OTHER_REGION = "CL-AN", "CL-CO"

# Targets (issue 10): ratios of throughput to the control, multiples of its sequential latency.
CACHED_RATIO = 0.5
PAGE_RATIO = 0.25
RECOMPUTED_DASHBOARD = 5.0
RECOMPUTED_NATIONAL = 3.0
FROM_CACHE = 1.5  # a dashboard "served from the cache" is within this multiple of its cached latency
FLAT = 1.25  # the national view's cost at 4× the indicators, over its cost at the scale data
FIRST_VISIT_KB, REPEAT_VISIT_KB = 1536, 100
IMPORT_SECONDS = 20

CHANGES = 4 * SAMPLES  # distinct values a changed figure takes: more than one region's measurements use
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret, for wrk's requests
BEGAN = time.monotonic()


def base_env(database: str) -> dict[str, str]:
    """Return the environment of the app's processes on that database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pbr.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "STATIC_ROOT": str(RESULTS / "static"),
        "LOG_LEVEL": "WARNING",
    }


def app_env(database: str, redis_db: int) -> dict[str, str]:
    """Return the app's environment on that database with the shared cache in that Redis database."""
    return {**base_env(database), "REDIS_URL": f"{REDIS}/{redis_db}"}


ENV = app_env(DB, REDIS_DB)
ENV_X4 = app_env(DB_X4, REDIS_DB + 1)


def say(message: str) -> None:
    """Print a progress line with the time since the start."""
    print(f"[{time.monotonic() - BEGAN:5.0f} s] {message}", flush=True)


def run(*args: str, env: dict[str, str] = ENV, capture: bool = False) -> str:
    """Run a command in the project; on failure, exit showing what it printed."""
    result = subprocess.run(args, cwd=ROOT, env=env, text=True, capture_output=True)
    if result.returncode:
        output = result.stdout[-3000:] + result.stderr[-3000:]
        raise SystemExit(f"failed ({result.returncode}): {' '.join(args)}\n{output}")
    return result.stdout if capture else ""


def psql(sql: str) -> None:
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql)


def redis_flush(redis_db: int) -> None:
    """Empty that Redis database, or exit saying Redis does not answer."""
    url = f"{REDIS}/{redis_db}"
    for command in ("ping", "flushdb"):
        result = subprocess.run(["redis-cli", "-u", url, command], text=True, capture_output=True)
        if result.returncode or result.stdout.strip() not in {"PONG", "OK"}:
            raise SystemExit(f"Redis at {url} does not answer ({command}): {result.stdout}{result.stderr}")


# HTTP, as a browser and as wrk speak it.


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes
    seconds: float

    @property
    def text(self) -> str:
        compressed = self.headers.get("Content-Encoding") == "gzip"
        return (gzip.decompress(self.raw) if compressed else self.raw).decode()


@dataclass
class Visitor:
    """A browser on one port: keeps the cookies it is given and those the app sets."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict[str, str] | None = None, encoding: str = "gzip") -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            return self.exchange(connection, method, path, form, encoding)
        finally:
            connection.close()

    def exchange(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        encoding: str = "gzip",
    ) -> Response:
        """Return the response to the request sent on that connection, keeping the cookies it sets."""
        headers = {"Accept-Encoding": encoding}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        seconds = time.perf_counter() - began
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0":  # how Django deletes a cookie
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value
        return Response(response.status, response.headers, raw, seconds)

    def get_ok(self, path: str) -> Response:
        """GET the path and exit unless it answers 200 (a redirect to the login page would measure nothing)."""
        response = self.request("GET", path)
        if response.status != 200:
            where = response.headers.get("Location", "")
            raise SystemExit(f"GET {path} on port {self.port}: {response.status} {where}\n{response.text[:2000]}")
        return response


def session_cookie(session: str) -> dict[str, str]:
    return {"sessionid": session}


def wrk(port: int, path: str, session: str | None) -> float:
    """Return the requests per second wrk gets from the path (2 threads × 8 connections, gzip accepted)."""
    command = ["wrk", "-t2", "-c8", f"-d{DURATION}s", "-H", "Accept-Encoding: gzip"]
    if session:
        command += ["-H", f"Cookie: sessionid={session}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], check=True, text=True, capture_output=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


# Servers.


@dataclass
class Server:
    """gunicorn serving a WSGI module on a port, in its own process group, logging to bench/results/."""

    name: str
    module: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = None

    def start(self, ready_path: str) -> None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise SystemExit(f"port {self.port} is already in use: set BENCH_PORT (the control takes the next)")
        log = (RESULTS / f"{self.name}.log").open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), self.module, *GUNICORN_FLAGS, "-b", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if Visitor(self.port).request("GET", ready_path).status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer on port {self.port} within 60 s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return (RESULTS / f"{self.name}.log").read_text()[-3000:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


# Changing a figure through the entry grid, as a person does.


class FormReader(HTMLParser):
    """Collects each <form>'s inputs (name → value) as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and values.get("name"):
            kind = (values.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in values:
                return
            self.current[values["name"]] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def entry_form(html: str) -> dict[str, str]:
    """Return the fields of the entry grid's form on the page."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if "drawn_in" in form:
            return form
    raise SystemExit("no entry grid form (with its drawn_in field) on the entry page")


def changeable_cell(form: dict[str, str]) -> tuple[str, Decimal]:
    """Return the prefix of the first cell whose whole numerator can go up by CHANGES, and that numerator."""
    for name in form:
        match = re.fullmatch(r"(c\d+_\d+_\w+)_o", name)
        if not match or form[name].count(";") != 1:
            continue
        numerator, denominator = form[name].split(";")
        try:
            number = Decimal(numerator)
            total = Decimal(denominator) if denominator else None
        except InvalidOperation:
            continue
        if number == number.to_integral_value() and (total is None or number + CHANGES <= total):
            return match.group(1), number
    raise SystemExit("the entry grid holds no whole figure that can change by one")


class FigureEditor:
    """Changes one figure of a region through its entry grid: the form as the app drew it, one numerator
    changed to a value it has not had in this run (base + 1, base + 2, … base + CHANGES, then again), so that
    nothing of the new state is in any cache, posted with the page's own CSRF token; then the redirect
    followed, as a browser does. Checks each save took."""

    def __init__(self, port: int, session: str, region: str) -> None:
        self.visitor = Visitor(port, session_cookie(session))
        start = self.visitor.request("GET", ENTRY_START.format(code=region))
        if start.status != 302:
            raise SystemExit(f"{ENTRY_START.format(code=region)}: expected a redirect to a product, got {start.status}")
        self.path = urllib.parse.urlsplit(start.headers["Location"]).path
        self.form = entry_form(self.visitor.get_ok(self.path).text)
        self.cell, self.base = changeable_cell(self.form)
        self.expected: Decimal | None = None
        self.step = 0

    def change(self) -> None:
        numerator = Decimal(self.form[f"{self.cell}_o"].split(";")[0])
        if self.expected is not None and numerator != self.expected:
            raise SystemExit(f"POST {self.path}: the figure {self.cell} reads {numerator}, not {self.expected}")
        self.step = self.step % CHANGES + 1
        self.expected = self.base + self.step
        posted = {**self.form, f"{self.cell}_n": str(int(self.expected))}
        saved = self.visitor.request("POST", self.path, form=posted)
        if saved.status != 302:
            raise SystemExit(f"POST {self.path}: {saved.status}, not a redirect after saving\n{saved.text[:3000]}")
        self.form = entry_form(self.visitor.get_ok(self.path).text)


# Measurements.


class Stopwatch:
    """Sequential latencies, each page request followed by one of the control page, so that the control's
    median is taken over the same moments as the pages' (the machine's load drifts during a run)."""

    def __init__(self) -> None:
        self.visitor = Visitor(MINIMAL_PORT)
        self.control: list[float] = []

    def median_ms(self, visitor: Visitor, path: str, before: Callable[[], None] | None = None) -> float:
        """Return the median latency, in ms, of SAMPLES sequential GETs of the path, each after `before()`."""
        samples = []
        for _ in range(SAMPLES):
            if before:
                before()
            samples.append(visitor.get_ok(path).seconds * 1000)
            self.control.append(self.visitor.get_ok("/").seconds * 1000)
        return statistics.median(samples)

    @property
    def control_ms(self) -> float:
        """Return the control page's median latency so far, in ms."""
        return statistics.median(self.control)


def transfer(visitor: Visitor, path: str) -> tuple[int, int, list[str]]:
    """Return (first visit bytes, repeat visit bytes, static assets without a long cache)."""
    page = visitor.request("GET", path, encoding="br, gzip")
    first, uncached = len(page.raw), []
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
        response = visitor.request("GET", asset, encoding="br, gzip")
        first += len(response.raw)
        cache_control = response.headers.get("Cache-Control", "")
        if "immutable" not in cache_control and "max-age=315360000" not in cache_control:
            uncached.append(asset)
    return first, len(page.raw), uncached


@dataclass
class MixedLoad:
    requests: int
    rate: float
    p50: str
    p99: str
    errors: int
    socket_errors: str


def mixed_load(admin_session: str) -> MixedLoad:
    """32 concurrent clients for LOAD_SECONDS across the login page, two dashboards, the national view and
    data entry (the grid's page and saving it unchanged), with p50 and p99 latency and the error count."""
    visitor = Visitor(PORT, session_cookie(admin_session))
    fields = {**entry_form(visitor.get_ok(ENTRY).text), "csrfmiddlewaretoken": CSRF}
    body = urllib.parse.urlencode(fields)
    cookie = f"sessionid={admin_session}; csrftoken={CSRF}"
    script = RESULTS / "mixed.lua"
    headers = f'{{["Cookie"] = "{cookie}", ["Accept-Encoding"] = "gzip"}}'
    script.write_text(
        f"""
local requests = {{
  wrk.format("GET", "/cuenta/ingresar/", {{}}),
  wrk.format("GET", "{DASHBOARD}", {headers}),
  wrk.format("GET", "/regiones/CL-CO/2012/tablero/", {headers}),
  wrk.format("GET", "{NATIONAL}", {headers}),
  wrk.format("GET", "{ENTRY}", {headers}),
  wrk.format("POST", "{ENTRY}", {{["Cookie"] = "{cookie}", ["Content-Type"] = "application/x-www-form-urlencoded"}},
             "{body}"),
}}
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
"""
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{LOAD_SECONDS}s", "--latency", "-s", str(script), f"http://127.0.0.1:{PORT}"],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return MixedLoad(
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1),
        p99=re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1),
        errors=int(errors.group(1)) if errors else 0,
        socket_errors=socket.group(1) if socket else "",
    )


# Setting up.


@dataclass
class Seeded:
    summary: str
    admin: str
    reviewer: str
    analyst: str

    def committed(self, region: str) -> str:
        """Return the region's committed indicators in 2012 as seed.py counted them ("?" if it did not)."""
        found = re.search(rf"{region} (\d+)", self.summary)
        return found.group(1) if found else "?"


def seed(env: dict[str, str], indicators: int) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "bench/seed.py"],
        cwd=ROOT,
        env={**env, "BENCH_INDICATORS": str(indicators)},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def seeded(process: subprocess.Popen) -> Seeded:
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"bench/seed.py failed:\n{out[-2000:]}{err[-3000:]}")
    lines = out.strip().splitlines()
    return Seeded(lines[0], *lines[-3:])


def prepare() -> tuple[Seeded, Seeded]:
    """Create both databases (scale data, and 4× the indicators per region) and empty both caches."""
    redis_flush(REDIS_DB)
    redis_flush(REDIS_DB + 1)
    for database in (DB, DB_X4):
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    say(f"database {DB}: migrate and load the document")
    run(PY, "manage.py", "migrate", "-v0")
    run(PY, "manage.py", "load_document", "-v0")
    psql(f"CREATE DATABASE {DB_X4} TEMPLATE {DB}")
    say(f"scale data: {INDICATORS} indicators per region in {DB}, {INDICATORS_X4} in {DB_X4}")
    processes = seed(ENV, INDICATORS), seed(ENV_X4, INDICATORS_X4)
    run(PY, "manage.py", "collectstatic", "--no-input", "-v0")
    return seeded(processes[0]), seeded(processes[1])


def query_counts(data: Seeded) -> dict[str, str]:
    """Return each page's queries, computed/cached, measured before any server warms the cache."""
    out = run(
        PY,
        "bench/queries.py",
        "--as",
        "bench.reviewer",
        "/salud/",
        DASHBOARD,
        NATIONAL,
        REGION_PAGE,
        "--as",
        "bench.analyst.norte",
        ENTRY,
        "--as",
        "-",
        PUBLIC_NATIONAL,
        capture=True,
    )
    counts = {}
    for line in out.splitlines():
        path, status, count = line.split("\t")
        if status != "200":
            raise SystemExit(f"bench/queries.py: {path} answered {status}")
        counts[path] = count
    return counts


# Reporting.


@dataclass
class Row:
    page: str
    value: str
    target: str = ""
    met: bool | None = None

    @property
    def mark(self) -> str:
        return "" if self.met is None else ("✓" if self.met else "✗")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # tables of their own, after the rows

    def add(self, page: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.rows.append(Row(page, value, target, met))
        print(f"  {page:62} {value:>34} {target:>16} {Row(page, value, target, met).mark}", flush=True)

    def section(self, title: str, table: list[str]) -> None:
        """Add a titled markdown table after the rows, printing it now."""
        self.sections.append("\n".join([title, "", *table]))
        print("\n" + self.sections[-1] + "\n", flush=True)

    def markdown(self) -> str:
        lines = ["| page | ratio / multiple | target | met |", "|---|---|---|---|"]
        lines += [f"| {row.page} | {row.value} | {row.target} | {row.mark} |" for row in self.rows]
        return "\n".join(lines)

    def summary(self, setup: str) -> str:
        """Return the setup, the table and the verdict, as printed at the end and kept in bench/results/."""
        missed = [row.page for row in self.rows if row.met is False]
        verdict = "below target: " + "; ".join(missed) if missed else "all targets met"
        return "\n\n".join([setup, self.markdown(), *self.sections, verdict]) + "\n"

    def save(self, name: str, setup: str) -> Path:
        """Write the summary to bench/results/<name>.md and return that path."""
        path = RESULTS / f"{name}.md"
        path.write_text(self.summary(setup))
        return path


def entry_size(data: Seeded) -> str:
    """Return how many indicators and cells the benchmarked entry grid holds."""
    form = entry_form(Visitor(PORT, session_cookie(data.analyst)).get_ok(ENTRY).text)
    cells = [name for name in form if re.fullmatch(r"c\d+_\d+_\w+_o", name)]
    return f"{len({name.split('_')[0] for name in cells})} indicators, {len(cells)} cells"


def throughput(report: Report, data: Seeded, counts: dict[str, str]) -> None:
    """wrk on each page; ratios to the control's throughput measured just before and just after it (the mean)."""
    pages = [
        ("/salud/", "/salud/", data.reviewer, None),
        (
            f"region dashboard, cached (Antofagasta, {data.committed('CL-AN')} indicators)",
            DASHBOARD,
            data.reviewer,
            CACHED_RATIO,
        ),
        ("national view, cached", NATIONAL, data.reviewer, CACHED_RATIO),
        ("public national view, anonymous, cached (12 regions)", PUBLIC_NATIONAL, None, CACHED_RATIO),
        (f"region page (Biobío, {data.committed('CL-BI')} indicators)", REGION_PAGE, data.reviewer, PAGE_RATIO),
        (f"data-entry grid (Antofagasta, product 1: {entry_size(data)})", ENTRY, data.analyst, PAGE_RATIO),
    ]
    for _label, path, session, _target in pages:  # warm up, and make sure each page answers 200
        Visitor(PORT, session_cookie(session) if session else {}).get_ok(path)
    for _ in range(20):
        Visitor(MINIMAL_PORT).get_ok("/")
    say(
        f"throughput, wrk 2 threads × 8 connections × {DURATION} s per page, the control before and after each "
        "(queries: computed/cached)"
    )
    controls = [wrk(MINIMAL_PORT, "/", None)]
    rates = {}
    for _label, path, session, _target in pages:
        rates[path] = wrk(PORT, path, session)
        controls.append(wrk(MINIMAL_PORT, "/", None))
    spread = max(controls) / min(controls)
    report.add(
        "minimal Django page (control)",
        f"1.00 ({statistics.median(controls):.0f} req/s, runs {min(controls):.0f}–{max(controls):.0f})",
    )
    for index, (label, path, _session, target) in enumerate(pages):
        ratio = rates[path] / ((controls[index] + controls[index + 1]) / 2)  # the control runs beside it
        value = f"{ratio:.2f} ({rates[path]:.0f} req/s, {counts[path]} queries)"
        if target is None:
            report.add(label, value)
        else:
            report.add(label, value, f"≥ {target}", ratio >= target)
    if spread > 1.25:
        print(f"  warning: the control's throughput varied {spread:.1f}× during the run: the machine is busy")


def latencies(report: Report, data: Seeded, stopwatch: Stopwatch) -> float:
    """Sequential latencies as multiples of the control's; returns the national view's recomputed, in ms."""
    say(f"sequential latencies, median of {SAMPLES} requests each (after a change where it says so)")
    reviewer = Visitor(PORT, session_cookie(data.reviewer))
    here = FigureEditor(PORT, data.analyst, SAME_REGION)
    elsewhere = FigureEditor(PORT, data.analyst, OTHER_REGION)
    for editor in (here, elsewhere):
        print(f"  changes: POST {editor.path}, numerator of {editor.cell} from {editor.base} to {editor.base + 1}, +2…")
    reviewer.get_ok(DASHBOARD)
    cached = stopwatch.median_ms(reviewer, DASHBOARD)
    reviewer.get_ok(NATIONAL)
    national_cached = stopwatch.median_ms(reviewer, NATIONAL)
    same = stopwatch.median_ms(reviewer, DASHBOARD, before=here.change)
    reviewer.get_ok(DASHBOARD)
    other = stopwatch.median_ms(reviewer, DASHBOARD, before=elsewhere.change)
    national = stopwatch.median_ms(reviewer, NATIONAL, before=here.change)
    control = stopwatch.control_ms
    report.add("minimal Django page (control), latency", f"1× ({control:.1f} ms)")
    report.add("region dashboard, cached, latency", f"{cached / control:.1f}× ({cached:.1f} ms)")
    report.add("national view, cached, latency", f"{national_cached / control:.1f}× ({national_cached:.1f} ms)")
    report.add(
        "region dashboard recomputed after a change in its region",
        f"{same / control:.1f}× ({same:.0f} ms)",
        f"≤ {RECOMPUTED_DASHBOARD:g}×",
        same <= RECOMPUTED_DASHBOARD * control,
    )
    report.add(
        "region dashboard after a change in another region",
        f"{other / control:.1f}× ({other:.1f} ms; {other / cached:.1f}× cached)",
        f"cached (≤ {FROM_CACHE:g}× cached)",
        other <= FROM_CACHE * cached,
    )
    report.add(
        "national view recomputed after a change",
        f"{national / control:.1f}× ({national:.0f} ms)",
        f"≤ {RECOMPUTED_NATIONAL:g}×",
        national <= RECOMPUTED_NATIONAL * control,
    )
    return national


def national_at_4x(report: Report, data: Seeded, stopwatch: Stopwatch, national: float) -> None:
    """The national view recomputed after a change on the database with 4× the indicators per region."""
    say(f"national view on {DB_X4} ({INDICATORS_X4} indicators per region)")
    server = Server("app-x4", "pbr.wsgi", PORT, ENV_X4)
    try:
        server.start("/salud/")
        reviewer = Visitor(PORT, session_cookie(data.reviewer))
        reviewer.get_ok(NATIONAL)
        editor = FigureEditor(PORT, data.analyst, SAME_REGION)
        large = stopwatch.median_ms(reviewer, NATIONAL, before=editor.change)
    finally:
        server.stop()
    report.add(
        f"national view recomputed, {INDICATORS_X4} indicators per region",
        f"{large / national:.2f}× the {INDICATORS}-indicator cost ({large:.0f} vs {national:.0f} ms; "
        f"{large / stopwatch.control_ms:.1f}× control)",
        f"flat (≤ {FLAT:g}×)",
        large <= FLAT * national,
    )


def transfer_row(report: Report, data: Seeded) -> None:
    first, repeat, uncached = transfer(Visitor(PORT, session_cookie(data.reviewer)), DASHBOARD)
    report.add(
        "region dashboard transfer, first / repeat visit",
        f"{first / 1024:.0f} KB / {repeat / 1024:.0f} KB",
        f"≤ {FIRST_VISIT_KB} / ≤ {REPEAT_VISIT_KB} KB",
        first <= FIRST_VISIT_KB * 1024 and repeat <= REPEAT_VISIT_KB * 1024,
    )
    if uncached:
        print("  static files without a long cache header:", ", ".join(uncached))


def mixed_row(report: Report, data: Seeded) -> None:
    say(f"mixed load: 32 clients × {LOAD_SECONDS} s (login page, 2 dashboards, national, entry page, entry save)")
    load = mixed_load(data.admin)
    socket = f", socket errors {load.socket_errors}" if load.socket_errors else ""
    report.add(
        f"mixed load, 32 clients × {LOAD_SECONDS} s",
        f"p50 {load.p50}, p99 {load.p99}, {load.rate:.0f} req/s, {load.errors} errors{socket}",
        "0 errors",
        load.errors == 0 and not load.socket_errors,
    )


def bulk_import_row(report: Report) -> None:
    say("bulk import: preparing a Formulario H of 50.000 figures")
    figures, path = run(PY, "bench/bulk_file.py", capture=True).strip().splitlines()[-1].split("\t")
    began = time.monotonic()
    run(PY, "manage.py", "import_formulario_h", path, "--user", "bench.analyst", "--apply", capture=True)
    seconds = time.monotonic() - began
    report.add(
        f"bulk import of {int(figures)} figures (command)",
        f"{seconds:.1f} s",
        f"≤ {IMPORT_SECONDS} s",
        seconds <= IMPORT_SECONDS,
    )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it when root)")
    if not shutil.which("redis-cli"):
        raise SystemExit("redis-cli is not installed: the bench uses the local Redis as the shared cache")
    RESULTS.mkdir(exist_ok=True)
    data, data_x4 = prepare()
    print(f"  {DB}: {data.summary}\n  {DB_X4}: {data_x4.summary}")
    counts = query_counts(data)
    setup = (
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start); gunicorn {WORKERS} sync workers "
        f"for the app and for the control; wrk on loopback; cache: Redis {REDIS}/{REDIS_DB}, flushed at start "
        f"({REDIS}/{REDIS_DB + 1} for {DB_X4})"
    )
    print(f"\n{setup}\n")
    report = Report()
    app = Server("app", "pbr.wsgi", PORT, ENV)
    minimal_env = {**base_env(DB), "DJANGO_SETTINGS_MODULE": "bench.minimal.settings"}
    minimal = Server("minimal", "bench.minimal.wsgi", MINIMAL_PORT, minimal_env)
    try:
        say(f"starting gunicorn: the app on port {PORT}, the minimal page on {MINIMAL_PORT}")
        minimal.start("/")
        app.start("/salud/")
        Visitor(MINIMAL_PORT).get_ok("/")
        throughput(report, data, counts)
        stopwatch = Stopwatch()
        national = latencies(report, data, stopwatch)
        transfer_row(report, data)
        mixed_row(report, data)
        app.stop()
        national_at_4x(report, data_x4, stopwatch, national)
    finally:
        app.stop()
        minimal.stop()
    bulk_import_row(report)
    # Here, not at the top: bench/fault.py imports this module, which must be whole by then.
    import fault

    fault.fault_rows(report, data)
    setup = f"{setup}; load average {os.getloadavg()[0]:.1f} at the end"
    print(f"\n{report.summary(setup)}")
    say(f"done: {report.save('bench', setup).relative_to(ROOT)}")


if __name__ == "__main__":
    sys.modules.setdefault("run", sys.modules[__name__])  # bench/fault.py imports this one, not a second copy
    sys.exit(main())
