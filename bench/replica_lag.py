"""How far the streaming replica of `make replica` trails the primary: the time from a commit on the primary
to its replay on the replica, idle and under a write load, for docs/deploy.md (read-your-writes window).

Usage: .venv/bin/python bench/replica_lag.py [samples]   (PRIMARY_PORT 5432, REPLICA_PORT 5433)
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

import psycopg2

PRIMARY = {"host": "127.0.0.1", "port": int(os.environ.get("PRIMARY_PORT", "5432")), "user": "postgres"}
REPLICA = {**PRIMARY, "port": int(os.environ.get("REPLICA_PORT", "5433"))}


def connect(where: dict):
    connection = psycopg2.connect(dbname="postgres", **where)
    connection.autocommit = True
    return connection


def lags(samples: int) -> list[float]:
    primary, replica = connect(PRIMARY).cursor(), connect(REPLICA).cursor()
    found = []
    for value in range(samples):
        primary.execute("UPDATE pbr_lag SET x = %s RETURNING pg_current_wal_lsn()", [value])
        (lsn,) = primary.fetchone()
        started = time.perf_counter()
        while True:
            replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if replica.fetchone()[0]:
                break
        found.append(time.perf_counter() - started)
    return found


def load(stop: threading.Event) -> None:
    """Writes as fast as one connection can: 20 rows a transaction, a large part of a figures' save."""
    cursor = connect(PRIMARY).cursor()
    while not stop.is_set():
        cursor.execute("INSERT INTO pbr_lag_load SELECT g, repeat('x', 200) FROM generate_series(1, 20) g")


def report(name: str, found: list[float]) -> None:
    ms = sorted(1000 * value for value in found)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"{name:<28} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   max {ms[-1]:6.2f} ms")


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    setup = connect(PRIMARY).cursor()
    setup.execute("CREATE TABLE IF NOT EXISTS pbr_lag (x int); TRUNCATE pbr_lag; INSERT INTO pbr_lag VALUES (0)")
    setup.execute("CREATE UNLOGGED TABLE IF NOT EXISTS pbr_lag_load (n int, t text)")
    setup.execute("DROP TABLE pbr_lag_load; CREATE TABLE pbr_lag_load (n int, t text)")
    report("idle", lags(samples))
    stop = threading.Event()
    writers = [threading.Thread(target=load, args=(stop,)) for _ in range(4)]
    for writer in writers:
        writer.start()
    try:
        report("4 writers on the primary", lags(samples))
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        setup.execute("DROP TABLE pbr_lag; DROP TABLE pbr_lag_load")


if __name__ == "__main__":
    main()
