"""Query counts of the benchmarked pages, in-process against the benchmark's database.

Usage: queries.py --as USERNAME PATH [PATH ...] [--as USERNAME PATH ...] (USERNAME «-»: without signing in).
Prints, per path, its status and the
queries of a first request and of a second one (computed, then served from the cache when the page caches):
run it before the servers warm the shared cache, or the first count is a cached one too.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbr.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def counts(client: Client, path: str) -> tuple[int, list[int]]:
    """Return the status of the path and the query count of two requests in a row."""
    found = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        found.append(len(queries))
    return status, found


if __name__ == "__main__":
    client = None
    arguments = iter(sys.argv[1:])
    for argument in arguments:
        if argument == "--as":
            client = Client(HTTP_HOST="127.0.0.1")
            username = next(arguments)
            if username != "-":
                client.force_login(get_user_model().objects.get(username=username))
            continue
        if client is None:
            raise SystemExit("queries.py: say --as USERNAME before the paths")
        status, (first, second) = counts(client, argument)
        print(f"{argument}\t{status}\t{first}/{second}")
