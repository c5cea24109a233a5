"""Request middleware of the project."""

import time

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import get_template
from django.urls import Resolver404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views import defaults

from core import outage, routers

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class SpanishFirstLocaleMiddleware(LocaleMiddleware):
    """Activates Spanish (Chile) unless the person chose another language with the language switcher.

    The browser's Accept-Language is ignored on purpose: the product speaks es-CL first, and many
    government workstations ship with an English browser.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if is_public(request):  # the portal's pages say their language in the address: caches keep one copy each
            chosen = request.GET.get("lang")
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        """Name the page's language; the page varies with the language cookie, never with Accept-Language.

        LocaleMiddleware's own answer looks for a language in the path (no URL carries one here) and
        would make HTTP caches keep one copy per browser language for nothing.
        """
        if not is_public(request):
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def is_public(request) -> bool:
    """Return whether the request is for the public portal, whose pages are the same for everyone."""
    return request.path_info.startswith(settings.PUBLIC_PATH)


class Outages:
    """Answers 503 while the database is unavailable, without touching it, and notices when it is back.

    A request that fails because the database went away (a view, a template or another middleware raising
    OperationalError, or the session store failing after it) is answered by `unavailable()` through
    `process_exception` and the project's handler500; the outage is logged once (core.outage). While it
    lasts, requests are answered here at once, except one a second, which tries the database again: the
    first that reaches it ends the outage. /salud/ always goes through, to report what is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if outage.DATABASE.is_down and request.path_info != settings.HEALTH_PATH:
            if not outage.DATABASE.should_try():
                return unavailable(request)
            answers, reason = outage.database_answers()
            if not answers:
                outage.DATABASE.down(reason)
                return unavailable(request)
            outage.DATABASE.up()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if outage.is_database_outage(exception):
            return unavailable(request)
        return None


def unavailable(request) -> HttpResponse:
    """The 503 answer to a request made while the database is unavailable: a page (or, for the API, JSON)
    that needs neither the database nor the session, in the person's language, with Retry-After."""
    retry = settings.OUTAGE_RETRY_AFTER
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"detail": gettext("Servicio no disponible por un momento; intente de nuevo."), "retry_after": retry},
                status=503,
            )
        else:
            response = HttpResponse(
                get_template("503.html").render({"retry": retry, "saving": request.method not in SAFE_METHODS}),
                status=503,
            )
        response.headers["Content-Language"] = translation.get_language()
    response.headers["Retry-After"] = str(retry)
    response.headers["Cache-Control"] = "no-store"
    # Answered before the middleware that adds these to every page: the page has no script, frames nothing.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response._has_been_logged = True  # the outage is logged once (core.outage), not each request it refused
    return response


class ReadYourWrites:
    """After a person writes, their reads go to the primary for REPLICA_STICKY_SECONDS (core/routers.py).

    A write is any request with an unsafe method; it leaves a cookie saying until when. The cookie only chooses
    which copy of the same data a page reads, so nothing needs to be trusted in it. Without a replica, nothing
    is done and no cookie set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not routers.replica_configured():
            return self.get_response(request)
        try:
            until = float(request.COOKIES.get(settings.REPLICA_STICKY_COOKIE, "0"))
        except ValueError:
            until = 0.0
        if until > time.time():
            with routers.primary_only():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(
                settings.REPLICA_STICKY_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def technical_pages_hidden() -> bool:
    """Whether Django's technical error pages (the traceback, the settings, the URL patterns) are replaced by
    the app's own: under DEBUG (`make run`) unless a developer turned DEBUG_PAGES on; without DEBUG Django shows
    the app's pages itself (handler404, handler500)."""
    return settings.DEBUG and not settings.DEBUG_PAGES


def error_page(request, *, status: int = 500) -> HttpResponse:
    """The answer to a request that failed: the error page (templates/500.html), or for the API its JSON
    error {"detail", "code": "server_error"}; for a bad request (400) Django's plain page. Never the exception,
    the traceback or the settings (those go to the log)."""
    if status == 400:
        response = defaults.bad_request(request, exception=None)
    elif request.path_info.startswith("/api/"):
        detail = gettext("Ocurrió un error inesperado; intente de nuevo en unos minutos.")
        response = JsonResponse({"detail": detail, "code": "server_error"}, status=500)
    else:
        response = defaults.server_error(request)
    response._pbr_error_page = True
    return response


def not_found_page(request, exception: Http404) -> HttpResponse:
    """The 404 page (templates/404.html) with the exception's reason («No existe el ciclo 2031.»); an address
    that matches no page (Resolver404) gets the general words."""
    response = defaults.page_not_found(request, exception)
    response._pbr_error_page = True
    return response


class NoTechnicalPages:
    """Under DEBUG (`make run`), a request that an exception in a middleware ended (a Host not allowed, a body
    too large) gets the app's plain 400 or 500 page instead of Django's technical one, which would show the
    traceback and the settings to whoever asked. Near the top, above the middleware that may raise; the pages
    of views are ErrorPages' (at the bottom)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not technical_pages_hidden() or getattr(response, "_pbr_error_page", False):
            return response
        page = self.instead(request, response)
        if page is None:
            return response
        # Logged (with its traceback) when Django turned the exception into a response: not a second time.
        page._has_been_logged = getattr(response, "_has_been_logged", False)
        return page

    def instead(self, request, response) -> HttpResponse | None:
        # While still inside the middleware, only a response Django made from an exception is already logged.
        if response.status_code in (400, 500) and getattr(response, "_has_been_logged", False):
            return error_page(request, status=response.status_code)
        return None


class ErrorPages(NoTechnicalPages):
    """Under DEBUG (`make run`), the app's own 404 and 500 pages, as in production (Django's technical ones
    only with DEBUG_PAGES=1): a view's Http404 is templates/404.html with its reason; an address that matches no
    page, the same page with the general words; a failure, which Django has logged with its traceback, the 500
    page or the API's JSON error. Last but axes, so the page still gets every page's cookies and headers."""

    def process_exception(self, request, exception):
        if technical_pages_hidden() and isinstance(exception, Http404):
            return not_found_page(request, exception)
        return None

    def instead(self, request, response) -> HttpResponse | None:
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return not_found_page(request, Resolver404({"path": request.path_info}))
        if response.status_code == 500:
            return error_page(request)
        return super().instead(request, response)
