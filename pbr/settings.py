"""Settings for pbr, driven by environment variables.

Every value a deployment changes comes from the environment; the defaults are a safe local setup
(SQLite file beside the project, DEBUG off unless asked for).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Return the environment variable as a boolean: 1/true/yes/on are true, anything else false."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated environment variable as a list without empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Under DEBUG (make run) visitors still get the app's own 404 and 500 pages (pbr.middleware.ErrorPages); a
# developer who wants Django's technical pages (traceback, settings, URL patterns) sets DEBUG_PAGES=1 too.
DEBUG_PAGES = DEBUG and env_bool("DEBUG_PAGES", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PBR_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 for local development)."
        )
    # Only for local development and tests: never used when DEBUG is off in production.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "post_office",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pbr.apps.AxesConfig",
    # The project's layers, from the foundation up (docs/architecture.md; enforced by `make lint`).
    "core",
    "regions",
    "evaluation",
    "notifications",
    "indicators",
    "programs",
    "investments",
    "pmg",
    "results",
    "api",
    "pbr.apps.PbrConfig",
]

MIDDLEWARE = [
    # Compresses pages (CSRF tokens are masked per response, which defeats BREACH on them).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under DEBUG, the plain 400/500 page for an exception in a middleware below, never Django's technical one.
    "pbr.middleware.NoTechnicalPages",
    # Before anything that reads the database: 503 at once while it is unavailable (core/outage.py).
    "pbr.middleware.Outages",
    "pbr.middleware.ReadYourWrites",  # with a replica: a person's reads go to the primary just after they write
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pbr.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Under DEBUG, the app's 404 (with its reason) and 500 pages for what a view raised or no address matched.
    "pbr.middleware.ErrorPages",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    # Django's ModelBackend, reading the logged-in user from the cache when it is shared (pbr/auth_cache.py).
    "pbr.auth_cache.CachedModelBackend",
]
# Sign-in with an OpenID Connect provider (pbr/oidc.py), on when OIDC_RP_CLIENT_ID is set: the provider's verified
# e-mail maps to an existing account; none is created. OIDC_PROVIDER_NAME names the button («ClaveÚnica»).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "ClaveÚnica")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/cuenta/ingresar/?oidc=fallo"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("pbr.oidc.StateIdentityBackend")
# Login throttling: after 5 failed attempts for a username from an address, 15 minutes' wait.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# Content-Security-Policy: scripts only from our own static files (no inline script anywhere); styles
# also inline, because Bootstrap and plotly.js set them from their scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "pbr.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "regions.context_processors.role",
                "notifications.context_processors.bell",
            ],
            "builtins": [
                "core.templatetags.chile",
                "evaluation.templatetags.cycle_labels",
                "indicators.templatetags.indicator_labels",
            ],
        },
    },
]

WSGI_APPLICATION = "pbr.wsgi.application"

# SQLite file by default; PostgreSQL (or any database) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica for the dashboards (see core/routers.py); data entry always uses the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
# After a write, that person's dashboards read the primary for this long (the replica's lag is far below it;
# docs/deploy.md has it measured).
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "10"))
REPLICA_STICKY_COOKIE = "pbr_wrote"
# A database that does not answer fails a connection in DB_CONNECT_TIMEOUT seconds, not the system's minutes:
# the request then gets the outage page (pbr.middleware.Outages), the dashboards the primary (core.routers).
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
# While the database is unavailable, pages answer 503 and ask to be tried again after this many seconds.
OUTAGE_RETRY_AFTER = int(os.environ.get("OUTAGE_RETRY_AFTER", "5"))
HEALTH_PATH = "/salud/"
STORAGE_CHECK_SECONDS = int(os.environ.get("STORAGE_CHECK_SECONDS", "10"))  # /salud/ writes a file at most this often

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep the file locked in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers take the lock when their transaction begins, so concurrent saves queue instead of
    # failing half-way, and the optimistic version check sees the previous writer's figures.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Spanish (Chile) first; English second. Our own source strings are written in Spanish.
LANGUAGE_CODE = "es-cl"
# Each language is named in itself, so a person finds their own whatever the page's language.
LANGUAGES = [("es-cl", "Español (Chile)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The public portal: its pages are the same for everyone, in the language their address names (?lang=en).
PUBLIC_PATH = "/publico/"
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "300"))  # seconds a proxy or browser may keep a page
TIME_ZONE = "America/Santiago"
USE_I18N = True
USE_TZ = True
# Off: years and codes must never read «2.012». Quantities are grouped by the `num` and `pct` filters.
USE_THOUSAND_SEPARATOR = False
# Chilean number format (1.078 and 71,4) instead of Django's generic Spanish one.
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Evidence on the local disk, each file stored whole or not at all (core/storage.py).
    "default": {"BACKEND": "core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("PBR_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence on S3-compatible storage when a bucket is configured (several app servers share it),
# else on the local disk. Either way it is served only through the app, to who may see the region.
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Uploaded evidence lives outside static/ and is never served by the static files server.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages carry Bootstrap's alert names: an error is «danger» (Bootstrap has no «alert-error»). The admin
# styles «danger» like its own errors (templates/admin/base_site.html).
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The header allows preloading; submitting the domain to the browsers' list is a separate, deliberate act.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a proxy (nginx) that terminates TLS and says so in this header.
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to standard output; LOG_FORMAT=json gives one JSON object per line for a log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
        }
    },
    # A refused request (403) on one line (method, path, person, reason), without its traceback; 500s keep theirs.
    "filters": {"forbidden_on_one_line": {"()": "pbr.log_filters.ForbiddenOnOneLine"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own records reach the console through the root only: its default console handler (under DEBUG)
    # wrote each of them a second time. WeasyPrint reports every rendering step at INFO.
    # django-post-office reports every run of its queue at INFO; its failures come at ERROR, with the mail.
    "loggers": {
        "django": {"handlers": []},
        "django.request": {"filters": ["forbidden_on_one_line"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

CACHES = {
    "default": {
        "BACKEND": "core.redis_cache.RedisCache"
        if os.environ.get("REDIS_URL")
        else "django.core.cache.backends.locmem.LocMemCache",
        **({"LOCATION": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {}),
    }
}
if os.environ.get("REDIS_URL"):
    # A Redis that does not answer costs a request at most this long before the page is computed without it
    # (core/redis_cache.py); then it is not asked again for a few seconds.
    _redis_timeout = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout}
# Whether every process sees the same cache (Redis). Only then may a page view read the session, the user
# and their access from it with no query: a logout, a password change or a deactivation removes or renews
# the entry in the shared cache, while with a per-process LocMemCache the other gunicorn workers would keep
# serving their own copy (a session surviving its logout there). So without Redis, sessions stay in the
# database (one query per logged-in request) and the user and their access are read from it each request.
# The shared cache then holds sessions and user rows (password hashes included): keep Redis as private
# as the database.
CACHE_IS_SHARED = bool(os.environ.get("REDIS_URL"))
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if CACHE_IS_SHARED else "django.contrib.sessions.backends.db"
)

# Evidence (medios de verificación): the largest file accepted.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 2**20)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Reverting from an admin history page would write a model's old values with a plain save(), around the
# services' checks (lock, versions, validation): changes go through the services only.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Mail (notifications, reminders). EMAIL_URL names the server, e.g. submission://user:pass@smtp.example.cl:587 or
# smtp://relay.interno:25; or set Django's EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS. Without either, mails are written as files to MAIL_DIR (correos/), one file a mail
# (core/mail.py), whatever DEBUG says: nothing leaves by surprise, and what the outbox records as sent is there.
# EMAIL_URL=console:// writes them to the terminal instead.
MAIL_DIR = Path(os.environ.get("MAIL_DIR", BASE_DIR / "correos"))
if os.environ.get("EMAIL_URL"):
    vars().update(dj_email_url.parse(os.environ["EMAIL_URL"]))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "core.mail.EmailBackend"
    EMAIL_FILE_PATH = MAIL_DIR
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PbR GORE <no-responder@pbr.example.cl>")
# The address mails link to (the site as its users reach it), never taken from a request's Host header: cron
# has none, and a client can forge it. `make run` sets it from its HOST and PORT.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# django-post-office keeps every mail in an outbox with its log; a mail that fails is tried again by
# `manage.py send_reminders` (run it from cron) every RETRY_INTERVAL, up to MAX_RETRIES times.
POST_OFFICE = {
    "MAX_RETRIES": int(os.environ.get("MAIL_MAX_RETRIES", "5")),
    "RETRY_INTERVAL": datetime.timedelta(minutes=int(os.environ.get("MAIL_RETRY_MINUTES", "15"))),
    "LOG_LEVEL": 2,  # every attempt, sent or failed
}
# Reminders (`manage.py send_reminders`): daily digests go from this hour on (local time); a commitment is
# announced when it falls due within this many days, and again when overdue.
DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))
COMMITMENT_NOTICE_DAYS = int(os.environ.get("COMMITMENT_NOTICE_DAYS", "7"))
# What a cached page's own parts (core.caching) depend on besides who the person is: the bell's count, which is
# kept on the user row read for each request (regions.selectors; cached with it when the cache is shared).
PBR_SHELL_VARIANTS = ["notifications.selectors.shell_variant"]
PBR_USER_ANNOTATIONS = ["notifications.selectors.unread_annotate"]

# The REST API (/api/v1/, api/): sessions for the pages' own people (CSRF enforced), tokens for programs;
# anyone reads published results; throttled per address (anonymous) and per person; pages of 100 (up to 1000).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadAnyoneWriteSignedIn"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.CSVRenderer",
    ],  # no browsable HTML: its inline scripts break the CSP; /api/v1/docs/ is the page to try the API from
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "api.schema.Schema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
    },
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")) or None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pbr API",
    "DESCRIPTION": (
        "Presupuesto por Resultados de los Gobiernos Regionales: regiones, ciclos, definiciones estratégicas, "
        "indicadores (Formulario H), valores, resultados y cumplimiento, evaluaciones e iniciativas de inversión. "
        "Sin credenciales se leen los resultados publicados (aprobados por DIPRES o de ciclos cerrados)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
