"""The public portal (/publico/): anyone, without signing in, reads the published results — the national
view, each region's results and report (HTML, PDF, CSV, xlsx), each indicator's series. What is published and
what the public never reads is decided in results.selectors.public (through regions.selectors).

Every page is the same for everyone: it reads no session and sets no cookie, its language is in its address
(?lang=en; pbr.middleware), and it is sent with Cache-Control: public, an ETag drawn from the version of the
data it shows (evaluation.versions) and Vary on nothing that differs per person; a repeated request answers
304 after one query. The body is cached per version, so a page under load is drawn once per change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import caching, exports, pdf
from evaluation import versions
from results import dashboard
from results.selectors import public, report
from results.views.dashboards import illustrative_note

# The pages' code and templates: a new release changes every ETag, so no cache keeps a page of the old one.
_RELEASE = hashlib.blake2b(
    b"".join(
        path.read_bytes()
        for path in sorted(
            [Path(__file__), Path(report.__file__), *Path(settings.BASE_DIR, "templates", "public").glob("*.html")]
        )
    ),
    digest_size=6,
).hexdigest()


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_TYPE}


def _lang_query() -> str:
    """Return what the portal's links carry so that the next page keeps the language ('' for Spanish)."""
    language = get_language() or ""
    return "" if language == settings.LANGUAGE_CODE else f"?lang={language}"


def _cached(
    request: HttpRequest,
    name: str,
    parts: tuple,
    version: int | None,
    body: Callable[[], bytes | str],
    *,
    content_type: str = "text/html; charset=utf-8",
    filename: str | None = None,
) -> HttpResponse:
    """Answer with the page `body()` draws, publicly cacheable: 304 when the client holds this version, the body
    from the cache while the version stays (`version` None: drawn each time, with no ETag)."""
    etag = None
    if version is not None:
        etag = quote_etag(f"{name}-{'-'.join(map(str, parts))}-{version}-{get_language()}-{_RELEASE}")
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            return response
        content = caching.cached(f"public-{name}", *parts, _RELEASE, version=version, compute=body)
    else:
        content = body()
    response = HttpResponse(content, content_type=content_type)
    if etag:
        response["ETag"] = etag
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
    return response


def _region_version(code: str, year: int) -> int | None:
    stamp = versions.region_stamp(iso_code=code, year=year)
    return None if stamp is None else stamp.version * 1_000_003 + stamp.instruments


def _cycle_version(year: int) -> int | None:
    stamp = versions.cycle_stamp(year=year)
    return None if stamp is None else stamp.version * 1_000_003 + stamp.instruments


def _page(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "lang_query": _lang_query()})


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The cycles with published results and their regions."""
    version = versions.all_version()

    def body() -> str:
        return _page("public/index.html", {"cycles": public.published_cycles()})

    return _cached(request, "index", (), version, body)


@require_safe
def national(request: HttpRequest, year: int) -> HttpResponse:
    """The published regions of a cycle, ranked by the compliance that decides their incentive."""

    def body() -> str:
        cycle, ranking = public.national(year=year)
        return _page("public/national.html", {"cycle": cycle, "ranking": ranking})

    return _cached(request, "national", (year,), _cycle_version(year), body)


@require_safe
def national_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    def body() -> bytes:
        cycle, ranking = public.national(year=year)
        tables = dashboard.national_tables(ranking)
        note = illustrative_note(cycle)
        return exports.download(tables, name="x", fmt=fmt, slug=request.GET.get("tabla"), note=note).content

    return _cached(
        request,
        f"national-{fmt}",
        (year, request.GET.get("tabla", "")),
        _cycle_version(year),
        body,
        content_type=CONTENT_TYPES[fmt],
        filename=f"resultados-{year}.{fmt}",
    )


@require_safe
def region(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A region's published results: compliance, incentive, each indicator's result."""

    def body() -> str:
        region, cycle = public.published_region(iso_code=code, year=year)
        result = public.region_results(region=region, cycle=cycle)
        return _page("public/region.html", {"region": region, "cycle": cycle, "result": result})

    return _cached(request, "region", (code.upper(), year), _region_version(code, year), body)


@require_safe
def region_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    def body() -> bytes:
        region, cycle = public.published_region(iso_code=code, year=year)
        result = public.region_results(region=region, cycle=cycle)
        if result is None:
            raise Http404(_("La región no tiene indicadores en este ciclo."))
        return exports.download(
            dashboard.region_tables(result), name="x", fmt=fmt, slug=request.GET.get("tabla")
        ).content

    return _cached(
        request,
        f"region-{fmt}",
        (code.upper(), year, request.GET.get("tabla", "")),
        _region_version(code, year),
        body,
        content_type=CONTENT_TYPES[fmt],
        filename=f"resultados-{code.upper()}-{year}.{fmt}",
    )


@require_safe
def indicator(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """One indicator: its Formulario H (without the person responsible), its series in the cycle, its result
    and the analysis of it when the public reads it."""

    def body() -> str:
        region, cycle = public.published_region(iso_code=code, year=year)
        result = public.region_results(region=region, cycle=cycle)
        shown = public.indicator(region=region, cycle=cycle, code=indicator, result=result)
        return _page("public/indicator.html", {"region": region, "cycle": cycle, "shown": shown})

    return _cached(request, "indicator", (code.upper(), year, indicator.upper()), _region_version(code, year), body)


def _report_context(code: str, year: int) -> dict:
    region, cycle = public.published_region(iso_code=code, year=year)
    context = report.region_report(region=region, cycle=cycle)
    context["analyses"] = {
        code: analysis
        for code, analysis in context["analyses"].items()
        if not analysis.external_causes or analysis.external_accepted
    }
    return {"region": region, "cycle": cycle, **context, "public": True, "lang_query": _lang_query()}


@require_safe
def region_report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's report for the budget law, as the pages show it, without what the public never reads."""

    def body() -> str:
        return render_to_string("results/report.html", {**_report_context(code, year), "screen": True})

    return _cached(request, "report", (code.upper(), year), _region_version(code, year), body)


@require_safe
def region_report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def body() -> bytes:
        return pdf.html_to_pdf(
            render_to_string("results/report.html", {**_report_context(code, year), "screen": False})
        )

    return _cached(
        request,
        "report-pdf",
        (code.upper(), year),
        _region_version(code, year),
        body,
        content_type="application/pdf",
        filename=f"informe-{code.upper()}-{year}.pdf",
    )
