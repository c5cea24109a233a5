"""Query counts of the benchmarked pages, in-process against the benchmark's database."""

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

if __name__ == "__main__":
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench.reviewer"))
    for path in sys.argv[1:]:
        counts = []
        for _ in range(2):  # computed, then served from the cache
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            counts.append(len(queries))
        print(f"{path}\t{status}\t{counts[0]}/{counts[1]}")
