"""Settings for the test suite: the production settings with plain static storage and a fast hasher."""

import os

os.environ.setdefault("PBR_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("PBR_PLAIN_STATIC", "1")
os.environ.setdefault("SECURE_COOKIES", "0")  # the test client and the live server speak plain HTTP
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from pbr.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / f".test-media{os.environ.get('PBR_TEST_DB', '')}"  # noqa: F405
# Serve static files from the app folders, as in development, without a collectstatic first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent connections then lock as in production.
    # PBR_TEST_DB names the file, so that two suites run side by side (two work trees, two people) apart.
    _name = os.environ.get("PBR_TEST_DB", "")
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db{'-' + _name if _name else ''}.sqlite3")}  # noqa: F405

# Close each request's connection when it ends: the live server's and the race test's threads must not
# keep sessions open, or PostgreSQL refuses to drop the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
