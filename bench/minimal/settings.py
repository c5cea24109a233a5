"""Settings of the benchmark's control: the smallest Django page that still reads the database and renders a
template (bench/minimal/views.py), served by gunicorn exactly as the app is, on the app's database.

No installed apps and no middleware at all: no session, auth, CSRF, messages or compression.
"""

import os
from pathlib import Path

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.minimal.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
# The same connection settings as the app's (pbr/settings.py): persistent connections, health checks.
DATABASES = {
    "default": dj_database_url.config(
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
USE_TZ = True
