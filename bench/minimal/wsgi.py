"""WSGI entry point of the benchmark's control (gunicorn bench.minimal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.minimal.settings"  # never the app's, whatever the shell says
application = get_wsgi_application()
