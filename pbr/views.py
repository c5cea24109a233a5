"""Project-level views."""

import secrets
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache

from core import outage
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications import views as notification_views
from pbr import oidc
from pbr.middleware import error_page, unavailable


class Login(auth_views.LoginView):
    """The login page: a local account, or the identity provider when one is configured (pbr/oidc.py). Signed
    in, the pages speak the language the person chose (notifications.views.language_at_sign_in)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        return notification_views.language_at_sign_in(self.request, super().form_valid(form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_provider"] = settings.OIDC_PROVIDER_NAME if oidc.enabled() else None
        context["oidc_failed"] = self.request.GET.get("oidc") == "fallo"
        return context


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """What answers and what does not, for a load balancer and an operator (JSON, never cached).

    Each check is timed: the database (one query; 503 when it fails: the app cannot serve), the replica when
    one is configured (with its replay lag), the cache and the evidence storage (a small file written and
    removed). A failing replica, cache or storage leaves the status 200 with "degraded": pages are still
    served (from the primary, computed instead of cached) and only uploads would fail.
    """
    checks = {"database": _check(_database_check, outage.DATABASE)}
    if "replica" in settings.DATABASES:
        checks["replica"] = _check(_replica_check, outage.REPLICA)
    checks["cache"] = _check(_cache_check)  # the Redis cache logs its own failures (core/redis_cache.py)
    checks["storage"] = _check(_storage_check, outage.STORAGE)
    if not checks["database"]["ok"]:
        status = "unavailable"
    elif all(check["ok"] for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    response = JsonResponse({"status": status, "checks": checks}, status=503 if status == "unavailable" else 200)
    if status == "unavailable":
        response.headers["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
        response._has_been_logged = True  # the outage is logged once, by core.outage
    return response


def _check(run: Callable[[], dict], state: outage.Outage | None = None) -> dict:
    started = time.perf_counter()
    try:
        found = {"ok": True, **run()}
    except Exception as error:  # whatever failed, the check reports it
        found = {"ok": False, "error": type(error).__name__}  # the details (hosts, paths) go to the log only
        if state is not None:
            state.down(error)  # logged once, when the service goes
    else:
        if state is not None:
            state.up()
    found["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return found


def _database_check() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def _replica_check() -> dict:
    replica = connections["replica"]
    with replica.cursor() as cursor:
        if replica.vendor != "postgresql":
            cursor.execute("SELECT 1")
            return {}
        # The replay lag: none when it has replayed all it received, else the age of the last replayed commit;
        # unknown (null) until it streams again after a restart.
        cursor.execute(
            "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() IS NULL THEN NULL "
            "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        standby, lag = cursor.fetchone()
    return {"standby": standby, "lag_seconds": None if lag is None else float(lag)}


def _cache_check() -> dict:
    key = f"pbr:health:{secrets.token_hex(8)}"
    backend = caches["default"]
    check = getattr(backend, "check", None)
    if check is not None:  # the Redis cache: a real round trip, which raises when Redis does not answer
        check()
    else:
        backend.set(key, 1, 10)
        if backend.get(key) != 1:
            raise RuntimeError("the cache did not keep a value")
        backend.delete(key)
    return {"shared": settings.CACHE_IS_SHARED}


def _storage_check() -> dict:
    """Write and remove a small file; a success is trusted for STORAGE_CHECK_SECONDS (a write is flushed to
    disk, or a request to S3: too slow for every poll of a load balancer)."""
    now = time.monotonic()
    if now - _storage_checked[0] < settings.STORAGE_CHECK_SECONDS:
        return {"checked_seconds_ago": round(now - _storage_checked[0], 1)}
    name = default_storage.save(f"salud/{secrets.token_hex(8)}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    _storage_checked[0] = now
    return {"checked_seconds_ago": 0}


_storage_checked = [float("-inf")]  # when the storage last passed its check, in this process


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the outage page when the request failed because the database is unavailable, else the
    error page (templates/500.html; for the API its JSON error), its traceback logged by Django."""
    if outage.is_database_outage(sys.exc_info()[1]):
        return unavailable(request)
    return error_page(request)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; a signed-in person's choice is kept as theirs: the pages take it at each
    sign-in (notifications.views.language_at_sign_in) and their mails follow it unless they set the mails'
    apart, which the next page says when it changed."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        changed = notification_services.language_save(user=request.user, language=language)
        if changed and not notification_selectors.person_languages(request.user).mail_apart:
            with translation.override(language):
                messages.info(
                    request,
                    _(
                        "Sus correos también le llegarán en %(language)s. Puede elegirles otro idioma en sus "
                        "preferencias de notificación."
                    )
                    % {"language": dict(settings.LANGUAGES)[language]},
                )
    return response
