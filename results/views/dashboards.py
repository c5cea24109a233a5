"""The dashboards: a region's results in a cycle, the national overview, two cycles compared, and their
tables as spreadsheets."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core import caching, exports
from core.routers import on_replica
from evaluation import selectors, versions
from evaluation.models import EvaluationCycle
from indicators.results import result_keys
from investments import selectors as investment_selectors
from pmg import selectors as pmg_selectors
from programs import exports as program_exports
from programs import selectors as program_selectors
from regions.selectors import authorize_view, can_review, region_get_for_user, user_role
from results import dashboard, store
from results.forms import CompareForm
from results.selectors import outcomes


@login_required
def region_dashboard(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A region's results in a cycle: compliance and bonus, each indicator's achievement, trend and chart.

    Served from the cache while the version of this region's data in this cycle stays the same: one small
    query finds the version, and the cache the region, the cycle and the rendered body, stored compressed and
    sent without compressing it again (the permission is checked on every request). A change in another
    region leaves this page's version, and its cache, alone.
    """

    def read() -> tuple[selectors.RegionInCycle, caching.Fragment]:
        page = selectors.region_in_cycle(iso_code=code, year=year, authorize=authorize_view, user=request.user)
        region, cycle = page.region, page.cycle
        if page.stamp is None:  # no versions yet: nothing to key a cache by
            return page, _region_body(region, cycle, page.cycles, instruments=None)
        return page, caching.cached(
            "region-body",
            region.pk,
            cycle.pk,
            version=page.stamp.version,
            compute=lambda: _region_body(region, cycle, page.cycles, instruments=page.stamp.instruments),
        )

    # The version and the body from the same database (the replica, or else the primary): never newer than the data.
    page, fragment = on_replica(read)
    region, cycle = page.region, page.cycle
    context = {"region": region, "cycle": cycle}
    shell_key = None if page.stamp is None else (*_shown(region, cycle), user_role(request.user))
    return caching.fragment_response(request, "results/region_dashboard.html", context, fragment, shell_key=shell_key)


def _shown(region, cycle) -> tuple:
    """Return what the dashboards' own parts show of the region and the cycle: their cached parts are keyed by
    it, not by the data's version, so a change of figures leaves them cached."""
    region_shown = (region.pk, region.iso_code, region.name, region.government_name) if region else ()
    return (*region_shown, cycle.pk, cycle.year, cycle.stage, cycle.is_illustrative)


def _listing(cycles: list) -> tuple:
    """Return what a page shows of the cycles it links to."""
    return tuple((cycle.pk, cycle.year, cycle.is_illustrative) for cycle in cycles)


REGION_SLOTS = ("kpis", "rows", "dimensions", "products", "charts", "evaluations", "propir", "pmg")


def _region_body(region, cycle, cycles: list, *, instruments: int | None) -> caching.Fragment:
    """Return the dashboard's body: its skeleton (rendered once per state of the region, the cycle and the
    cycles it links to) filled with what the result decides. After a change only the summary's cards and
    tables are rendered again, with the few indicators whose result changed; the sections on the instruments
    (evaluations, PROPIR, PMG) only when their own version (`instruments`, None: not cached) rose."""
    result = outcomes.region_result(region=region, cycle=cycle)
    shown = {
        "has_result": result is not None,
        "frozen": bool(result and result.frozen),
        "has_charts": bool(result and len(result.indicators)),
    }
    skeleton = caching.cached_skeleton(
        "region-skeleton",
        caching.row_of(region),
        caching.row_of(cycle),
        _listing(cycles),
        *shown.values(),
        template="results/_region_dashboard_body.html",
        context={"region": region, "cycle": cycle, "cycles": cycles, **shown},
        slots=REGION_SLOTS,
    )
    instruments = _instrument_sections(region, cycle, instruments)
    if result is None:
        return skeleton.fill({**dict.fromkeys(REGION_SLOTS, ""), **instruments})
    rows, charts = _card_chunks(result, region, cycle)
    return skeleton.fill(
        {
            **instruments,
            "kpis": render_to_string(
                "results/_kpi_cards.html", {"result": result, "cycle": cycle, "col": "col-md-4", "h": "h2"}
            ),
            "rows": rows,
            "dimensions": render_to_string("results/_dimension_rows.html", {"result": result}),
            # Keyed by the products' own values (their repr): they change far less often than the figures.
            "products": caching.cached(
                "product-rows",
                result.products,
                version=0,
                compute=lambda: render_to_string("results/_product_rows.html", {"products": result.products}),
            ),
            "charts": charts,
        }
    )


def _instrument_sections(region, cycle, version: int | None) -> dict[str, str]:
    """Return the dashboard's sections on the instruments beside the indicators, as HTML by slot: drawn once
    per version of the instruments' data in the region and cycle (a figure's change leaves it alone)."""

    def draw() -> dict[str, str]:
        return {
            "evaluations": _evaluations_html(region, cycle),
            "propir": _propir_html(region, cycle),
            "pmg": _pmg_html(region, cycle),
        }

    if version is None:
        return draw()
    return caching.cached("region-instruments", *_shown(region, cycle), version=version, compute=draw)


def _evaluations_html(region, cycle) -> str:
    """Return the dashboard's table of the region's evaluations in the cycle and their commitments' state."""
    shown = program_selectors.region_evaluations(region=region, cycle=cycle, today=timezone.localdate())
    context = {"shown": shown, "region": region, "cycle": cycle, "links": True}
    return render_to_string("programs/_evaluation_table.html", context)


def _propir_html(region, cycle) -> str:
    """Return the dashboard's summary of the region's PROPIR of the cycle's year, or of the latest year of the
    cycle's window with one (the year's list is drawn up as the year goes)."""
    summary = investment_selectors.propir_summary_latest(region=region, first_year=cycle.first_year, year=cycle.year)
    return render_to_string("investments/_summary.html", {"summary": summary, "cycle": cycle})


def _pmg_html(region, cycle) -> str:
    """Return the dashboard's line on the region's PMG in the cycle."""
    summary = pmg_selectors.region_pmg(region=region, cycle=cycle).summary
    return render_to_string("pmg/_summary.html", {"summary": summary, "cycle": cycle})


@dataclass(frozen=True)
class RenderedCard:
    row: str
    chart: str


CARDS_PER_CHUNK = 8


def _card_chunks(result, region, cycle) -> tuple[caching.Fragment, caching.Fragment]:
    """Return the indicators' table rows and charts as compressed fragments, in chunks of CARDS_PER_CHUNK
    indicators each compressed once per state of its indicators' results: after a change, the chunk that
    holds a changed indicator is compressed again, the others are spliced as stored."""

    def key(index: int, stored: str) -> str:
        # The stored result carries the digest of its data; what else the row and chart show is added here.
        data = stored or store.digest(result.indicators[index].to_json())  # a closed cycle's snapshot has none
        return f"{data}:{region.iso_code}:{cycle.year}:{cycle.is_all_or_nothing}"

    keys = [(code, key(index, stored)) for index, (code, stored) in enumerate(result_keys(result.indicators))]
    chunks = {str(start): keys[start : start + CARDS_PER_CHUNK] for start in range(0, len(keys), CARDS_PER_CHUNK)}

    def compress(missing: list[str]) -> dict[str, tuple[caching.Fragment, caching.Fragment]]:
        cards = _rendered_cards(result, region, cycle, [pair for start in missing for pair in chunks[start]])
        compressed = {}
        for start in missing:
            drawn = [cards[code] for code, _key in chunks[start]]
            rows, charts = "".join(card.row for card in drawn), "".join(card.chart for card in drawn)
            compressed[start] = (caching.Fragment.of(rows), caching.Fragment.of(charts))
        return compressed

    stored = caching.cached_many(
        "card-chunk", {start: tuple(key for _code, key in pairs) for start, pairs in chunks.items()}, compress
    )
    ordered = [stored[start] for start in chunks]
    return caching.Fragment.compose(rows for rows, _ in ordered), caching.Fragment.compose(c for _, c in ordered)


def _rendered_cards(result, region, cycle, keys: list[tuple[str, str]]) -> dict[str, RenderedCard]:
    """Return {code: its table row and chart as HTML} for those (code, key) pairs, rendered once per state of
    the indicator's result (one cache read for all of them)."""

    def render(codes: list[str]) -> dict[str, RenderedCard]:
        drawn = {}
        for card in dashboard.cards(result, codes=set(codes)):
            context = {"card": card, "item": card.item, "region": region, "cycle": cycle}
            drawn[card.item.code] = RenderedCard(
                render_to_string("results/_achievement_row.html", context),
                render_to_string("results/_series_card.html", context),
            )
        return drawn

    return caching.cached_many("card", {code: (key,) for code, key in keys}, render)


@dataclass(frozen=True)
class RenderedRegionRow:
    ranking: str
    heat: str


def _rendered_ranking_rows(ranking, cycle) -> list[RenderedRegionRow]:
    """Return each region's ranking and heat-map rows as HTML, rendered once per state of its result and rank:
    after a change in one region, only its rows (and those whose rank moved) are drawn again."""

    def digest(row) -> str:
        # The stored summary carries the digest of its data; what else the rows show is added here.
        result = row.result
        data = result.digest or store.digest(result.to_json())
        return f"{data}:{result.sent_on_time}:{row.position}:{cycle.year}"

    def render(codes: list[str]) -> dict[str, RenderedRegionRow]:
        drawn = {}
        for row in ranking:
            if row.result.region_code in codes:
                context = {"row": row, "cycle": cycle}
                drawn[row.result.region_code] = RenderedRegionRow(
                    render_to_string("results/_ranking_row.html", context),
                    render_to_string("results/_heat_row.html", context),
                )
        return drawn

    keys = {row.result.region_code: (digest(row),) for row in ranking}
    rendered = caching.cached_many("national-row", keys, render)
    return [rendered[row.result.region_code] for row in ranking]


@login_required
def national_overview(request: HttpRequest, year: int) -> HttpResponse:
    """Every region in a cycle: ranking by compliance, heat map by dimensión, counts and completeness.

    Computed from one stored summary per region; cached while no region's data in the cycle changes.
    """
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))

    def read() -> tuple[versions.Stamp | None, EvaluationCycle, caching.Fragment]:
        stamp = versions.cycle_stamp(year=year)
        if stamp is None:
            cycle = selectors.cycle_get(year=year)
            return stamp, cycle, _national_body(cycle, list(selectors.cycles_all()), instruments=None)
        cycles = selectors.cycles_at(stamp)
        cycle = next(cycle for cycle in cycles if cycle.pk == stamp.cycle_id)
        return (
            stamp,
            cycle,
            caching.cached(
                "national-body",
                cycle.pk,
                version=stamp.version,
                compute=lambda: _national_body(cycle, cycles, instruments=stamp.instruments),
            ),
        )

    stamp, cycle, fragment = on_replica(read)  # the version and the body from the same database
    deadline = selectors.cycle_deadline(cycle)  # read with the cycles (no query while they are cached)
    shell_key = None if stamp is None else (*_shown(None, cycle), deadline, user_role(request.user))
    context = {"cycle": cycle, "deadline": deadline}
    return caching.fragment_response(request, "results/national.html", context, fragment, shell_key=shell_key)


def _national_body(cycle, cycles: list, *, instruments: int | None) -> caching.Fragment:
    """Return the national overview's body: its skeleton (rendered once per state of the cycles) filled with
    each region's rows, drawn again only for the regions whose result or rank changed, and the instruments'
    tables, drawn again only when their version (`instruments`, None: not cached) rose."""
    ranking = dashboard.ranking(outcomes.cycle_results(cycle=cycle, with_indicators=False))
    skeleton = caching.cached_skeleton(
        "national-skeleton",
        caching.row_of(cycle),
        _listing(cycles),
        bool(ranking),
        template="results/_national_body.html",
        context={"cycle": cycle, "cycles": cycles, "dimensions": dashboard.DIMENSIONS, "has_ranking": bool(ranking)},
        slots=("ranking", "heat", "evaluations", "propir", "pmg"),
    )
    rows = _rendered_ranking_rows(ranking, cycle)
    return skeleton.fill(
        {
            "ranking": "".join(row.ranking for row in rows),
            "heat": "".join(row.heat for row in rows),
            **_national_instruments(cycle, ranking, instruments),
        }
    )


def _national_instruments(cycle, ranking: list, version: int | None) -> dict[str, str]:
    """Return the national view's tables on the instruments (evaluations, PROPIR, PMG per region) as HTML by
    slot: drawn once per version of the instruments' data in the cycle and set of regions it lists."""

    def draw() -> dict[str, str]:
        summary = program_selectors.cycle_summary(cycle=cycle, today=timezone.localdate())
        propir = investment_selectors.cycle_propir(cycle=cycle)
        pmg = pmg_selectors.cycle_pmg(cycle=cycle)
        return {
            "evaluations": render_to_string(
                "results/_national_evaluations.html",
                {"rows": dashboard.evaluation_rows(ranking, summary), "cycle": cycle},
            ),
            "propir": render_to_string(
                "results/_national_propir.html", {"rows": dashboard.regions_with(ranking, propir), "cycle": cycle}
            ),
            "pmg": render_to_string(
                "results/_national_pmg.html", {"rows": dashboard.regions_with(ranking, pmg), "cycle": cycle}
            ),
        }

    if version is None:
        return draw()
    listed = tuple(sorted((row.result.region_code, row.result.region_name) for row in ranking))
    return caching.cached("national-instruments", *_shown(None, cycle), listed, version=version, compute=draw)


@login_required
def national_current(request: HttpRequest) -> HttpResponse:
    """Redirect to the national overview of the current cycle."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    cycle = selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("results:national", year=cycle.year)


@login_required
def compare_cycles(request: HttpRequest, code: str) -> HttpResponse:
    """A region's results in two cycles side by side (?a=2012&b=2013)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycles = selectors.cycles_for_region(region)  # Ñuble is compared only in the cycles it took part in
    form = CompareForm(request.GET or None, cycles=cycles)
    comparison = None
    if form.is_valid():
        first = selectors.cycle_get(year=form.cleaned_data["a"])
        second = selectors.cycle_get(year=form.cleaned_data["b"])
        comparison = dashboard.compare(
            outcomes.region_result(region=region, cycle=first), outcomes.region_result(region=region, cycle=second)
        )
    context = {"region": region, "form": form, "comparison": comparison, "cycles": cycles}
    if comparison is not None:
        context["illustrative"] = first.is_illustrative or second.is_illustrative  # the banner in base.html
    return render(request, "results/compare.html", context)


def illustrative_note(cycle) -> str:
    """Return the first line of an illustrative cycle's exports («» for any other cycle)."""
    if not cycle.is_illustrative:
        return ""
    return _(
        "Datos ilustrativos: el ciclo %(year)s es una demostración; sus cifras son ejemplos, no datos oficiales."
    ) % {"year": cycle.year}


def _export(request: HttpRequest, tables: list, name: str, fmt: str, *, cycle) -> HttpResponse:
    """Return the tables as one workbook (xlsx) or one table (csv, chosen with ?tabla=), labelled when the
    cycle is illustrative."""
    return exports.download(tables, name=name, fmt=fmt, slug=request.GET.get("tabla"), note=illustrative_note(cycle))


@login_required
def region_dashboard_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region dashboard's tables as .xlsx (all) or .csv (one)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    result = outcomes.region_result(region=region, cycle=cycle)
    if result is None:
        raise Http404(_("La región no tiene indicadores en este ciclo."))
    shown = program_selectors.region_evaluations(region=region, cycle=cycle, today=timezone.localdate())
    tables = dashboard.region_tables(result) + program_exports.evaluation_tables(shown)
    return _export(request, tables, f"tablero-{region.iso_code}-{cycle.year}", fmt, cycle=cycle)


@login_required
def national_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The national overview's tables as .xlsx (all) or .csv (one)."""
    if not can_review(request.user):
        raise PermissionDenied(_("La vista nacional es para DIPRES."))
    cycle = selectors.cycle_get(year=year)
    ranking = dashboard.ranking(outcomes.cycle_results(cycle=cycle))
    summary = program_selectors.cycle_summary(cycle=cycle, today=timezone.localdate())
    propir = dashboard.regions_with(ranking, investment_selectors.cycle_propir(cycle=cycle))
    pmg = dashboard.regions_with(ranking, pmg_selectors.cycle_pmg(cycle=cycle))
    tables = dashboard.national_tables(ranking, dashboard.evaluation_rows(ranking, summary), propir, pmg)
    return _export(request, tables, f"nacional-{cycle.year}", fmt, cycle=cycle)
