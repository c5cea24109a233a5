"""`make bench`: the app under gunicorn on PostgreSQL with scale data, measured with wrk on loopback.

Prints each page's throughput as a ratio to a control page measured in the same run (one small query,
one small template), its query count, and what a dashboard transfers on a first and a repeat visit.
Numbers depend on the machine; the ratios are what the targets speak of.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_SECONDS", "10")
DB = os.environ.get("BENCH_DATABASE", "pbr_bench")
PAGES = [
    ("control (/salud/)", "/salud/", None),
    ("region dashboard (Antofagasta, 48 indicators)", "/regiones/CL-AN/2012/tablero/", 0.5),
    ("national overview (16 regions)", "/nacional/2012/", 0.33),
]

ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_COOKIES": "0",
    "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
    "STATIC_ROOT": str(ROOT / "bench" / "results" / "static"),
    "LOG_LEVEL": "WARNING",
}


def run(*args: str, capture: bool = False) -> str:
    result = subprocess.run(args, cwd=ROOT, env=ENV, check=True, text=True, capture_output=capture)
    return result.stdout if capture else ""


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True, env=ENV)


def wrk(path: str, session: str) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{DURATION}s",
            "-H",
            f"Cookie: sessionid={session}",
            "-H",
            "Accept-Encoding: gzip",
            BASE + path,
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def fetch(path: str, session: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(
        BASE + path, headers={"Cookie": f"sessionid={session}", "Accept-Encoding": "br, gzip"}
    )
    with urllib.request.urlopen(request) as response:
        return response.read(), dict(response.headers)


def transfer(path: str, session: str) -> tuple[int, int, list[str]]:
    """Return (first visit bytes, repeat visit bytes, static assets without long cache)."""
    body, headers = fetch(path, session)
    page_bytes = len(body)
    html = gzip.decompress(body).decode() if headers.get("Content-Encoding") == "gzip" else body.decode()
    first, uncached = page_bytes, []
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        data, asset_headers = fetch(asset, session)
        first += len(data)
        if "immutable" not in asset_headers.get("Cache-Control", "") and "max-age=315360000" not in asset_headers.get(
            "Cache-Control", ""
        ):
            uncached.append(asset)
    return first, page_bytes, uncached


CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret


def mixed_load(admin_session: str) -> None:
    """32 concurrent clients for LOAD_SECONDS across the login page, dashboards, the national overview and
    data entry (the grid's page and saving it), with p50 and p99 latency and the error count."""
    entry = "/regiones/CL-AN/2012/ingreso/1/"
    html = gzip.decompress(fetch(entry, admin_session)[0]).decode()
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="([^"]+)" value="([^"]*)"', html))
    fields.update(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields["csrfmiddlewaretoken"] = CSRF
    body = urllib.parse.urlencode(fields)
    cookie = f"sessionid={admin_session}; csrftoken={CSRF}"
    script = ROOT / "bench" / "results" / "mixed.lua"
    script.write_text(
        f"""
local requests = {{
  wrk.format("GET", "/cuenta/ingresar/", {{}}),
  wrk.format("GET", "/regiones/CL-AN/2012/tablero/", {{["Cookie"] = "{cookie}", ["Accept-Encoding"] = "gzip"}}),
  wrk.format("GET", "/regiones/CL-CO/2012/tablero/", {{["Cookie"] = "{cookie}", ["Accept-Encoding"] = "gzip"}}),
  wrk.format("GET", "/nacional/2012/", {{["Cookie"] = "{cookie}", ["Accept-Encoding"] = "gzip"}}),
  wrk.format("GET", "{entry}", {{["Cookie"] = "{cookie}", ["Accept-Encoding"] = "gzip"}}),
  wrk.format("POST", "{entry}", {{["Cookie"] = "{cookie}", ["Content-Type"] = "application/x-www-form-urlencoded"}},
             "{body}"),
}}
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
"""
    )
    seconds = os.environ.get("LOAD_SECONDS", "60")
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", str(script), BASE],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    total = re.search(r"(\d+) requests in", out).group(1)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    print(
        f"\nmixed load, 32 clients × {seconds} s (login page, 2 dashboards, national, entry page, entry save): "
        f"{total} requests, {rate} req/s, p50 {p50}, p99 {p99}, "
        f"errors {errors.group(1) if errors else 0}{' · socket ' + socket.group(1) if socket else ''}"
    )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it when root)")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    run(PY, "manage.py", "migrate", "-v0")
    run(PY, "manage.py", "load_document", "-v0")
    seeded = run(PY, "bench/seed.py", capture=True).strip().splitlines()
    print(seeded[0])
    admin_session, session = seeded[-2], seeded[-1]
    run(PY, "manage.py", "collectstatic", "--no-input", "-v0")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "pbr.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                fetch("/salud/", session)
                break
            except OSError:
                time.sleep(0.5)
        for _label, path, _target in PAGES:  # warm up
            fetch(path, session)
        queries = {
            line.split("\t")[0]: line.split("\t")[2]
            for line in run(PY, "bench/queries.py", *[p for _l, p, _t in PAGES], capture=True).splitlines()
        }
        throughput = {path: wrk(path, session) for _label, path, _target in PAGES}
        control = throughput["/salud/"]
        print(
            f"\nmachine: {os.cpu_count()} cores; gunicorn 3 sync workers; wrk 2 threads × 8 connections × {DURATION} s"
        )
        print(f"{'page':50} {'req/s':>8} {'ratio':>6} {'target':>7} {'queries (computed/cached)':>26}")
        failed = []
        for label, path, target in PAGES:
            ratio = throughput[path] / control
            mark = "" if target is None else (f"≥{target}" + (" ✓" if ratio >= target else " ✗"))
            if target is not None and ratio < target:
                failed.append(label)
            print(f"{label:50} {throughput[path]:8.1f} {ratio:6.2f} {mark:>7} {queries[path]:>26}")
        first, repeat, uncached = transfer("/regiones/CL-AN/2012/tablero/", session)
        print(
            f"\nregion dashboard transfer: first visit {first / 1024:.0f} KB (target ≤ 1536), "
            f"repeat visit {repeat / 1024:.0f} KB (target ≤ 100; static files cached)"
        )
        if uncached:
            print("static files without a long cache header:", ", ".join(uncached))
        mixed_load(admin_session)
        figures, path = run(PY, "bench/bulk_file.py", capture=True).strip().splitlines()[-1].split("\t")
        began = time.monotonic()
        run(PY, "manage.py", "import_formulario_h", path, "--user", "bench.analyst", "--apply", capture=True)
        seconds = time.monotonic() - began
        mark = "✓" if seconds <= 20 else "✗"
        print(
            f"bulk import of {int(figures)} figures from one spreadsheet (command, PostgreSQL): "
            f"{seconds:.1f} s (target ≤ 20 s) {mark}"
        )
        if seconds > 20:
            failed.append("bulk import")
        if failed:
            print("below target:", ", ".join(failed))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
