"""The dashboards read against the document: a 2012 efectivo entered for its indicators gives the
achievement, classification, compliance and bonus shown; a closed cycle stays as it was frozen; queries
do not grow with the data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import CycleSnapshot, EvaluationCycle
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorWeighting, Measurement, ProductBudget, StrategicProduct
from results.services import workflow as services
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db
D = Decimal


def enter_2012_actual(user, code, numerator, denominator=None):
    indicator = Indicator.objects.get(code=code)
    cycle = EvaluationCycle.objects.get(year=2012)
    current = Measurement.objects.filter(indicator=indicator, year=2012, kind="efectivo").first()
    cell = indicator_services.CellInput(
        indicator=indicator,
        year=2012,
        kind="efectivo",
        numerator=D(numerator),
        denominator=None if denominator is None else D(denominator),
        version=current.version if current else 0,
    )
    indicator_services.measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell])


def dashboard(client, code="CL-CO", year=2012):
    return soup(client.get(reverse("results:dashboard", kwargs={"code": code, "year": year})))


def achievement_cells(page, code):
    row = page.select_one(f'#achievements tr[data-indicator="{code}"]')
    shown = {kind: text(row.select_one(f'[data-kind="{kind}"]')) for kind in ("actual", "target", "percent")}
    shown["classification"] = text(row.select_one('[data-kind="classification"] .badge'))
    return shown


def test_before_the_2012_efectivo_achievement_is_pending_not_zero(client, daniela):
    client.force_login(daniela)
    page = dashboard(client)
    assert achievement_cells(page, "CO-01") == {
        "actual": "—",
        "target": "95 %",
        "percent": "—",
        "classification": "pendiente",
    }
    assert text(page.select_one('[data-kpi="compliance"]')) == "0,00 %"
    assert "Provisional: 1 indicador aún sin efectivo" in text(page.select_one("[data-provisional]"))


@pytest.mark.parametrize(
    ("numerator", "percent", "classification", "compliance", "bonus"),
    [
        ("960", "100,00 %", "cumplido", "100,00 %", "7,6 %"),
        ("912", "95,00 %", "cumplido", "100,00 %", "7,6 %"),  # 91,2 % of a 96 % meta: the edge
        ("911.9", "94,99 %", "parcialmente cumplido", "0,00 %", "0,0 %"),
        ("768", "80,00 %", "parcialmente cumplido", "0,00 %", "0,0 %"),
        ("767.9", "79,99 %", "no cumplido", "0,00 %", "0,0 %"),
        ("1000", "104,17 %", "cumplido", "100,00 %", "7,6 %"),  # uncapped, as DIPRES reports
    ],
)
def test_biobio_2012_efectivo_against_the_document_meta(
    client, bruno, daniela, numerator, percent, classification, compliance, bonus
):
    enter_2012_actual(bruno, "BI-01", numerator, "1000")
    client.force_login(daniela)
    page = dashboard(client, "CL-BI")
    shown = achievement_cells(page, "BI-01")
    assert shown["target"] == "96 %"
    assert shown["percent"] == percent
    assert shown["classification"] == classification
    assert text(page.select_one('[data-kpi="compliance"]')) == compliance
    assert text(page.select_one('[data-kpi="bonus"]')) == bonus


def test_coquimbo_2012_efectivo_meeting_its_meta(client, camila):
    enter_2012_actual(camila, "CO-01", "250", "262")
    client.force_login(camila)
    page = dashboard(client)
    assert achievement_cells(page, "CO-01") == {
        "actual": "95 %",
        "target": "95 %",
        "percent": "100,00 %",
        "classification": "cumplido",
    }
    row = page.select_one('#achievements tr[data-indicator="CO-01"]')
    assert text(row.select_one('[data-kind="trend"]')) == "↑ mejora"  # 93 % in 2010 → 95 % in 2012


ANTOFAGASTA_MET = {  # code: (numerator, denominator) meeting the 2012 meta
    "AN-01": ("55100", "56200"),
    "AN-02": ("60", "66"),
    "AN-03": ("108", "130"),
    "AN-04": ("1800", "75"),
    "AN-05": ("4800", "59900"),
    "AN-06": ("150", "182"),
    "AN-07": ("30", "32"),
    "AN-08": ("5", None),
}
MISSED = {"AN-01": ("10000", "56200"), "AN-04": ("7500", "75"), "AN-07": ("1", "32")}


@pytest.mark.parametrize(
    ("missed", "compliance", "bonus", "share"),
    [
        ((), "100,00 %", "7,6 %", "100 %"),
        (("AN-04",), "90,00 %", "7,6 %", "100 %"),  # 90 %: full bonus
        (("AN-01", "AN-04"), "75,00 %", "3,8 %", "50 %"),  # 75 %: half bonus
        (("AN-01", "AN-04", "AN-07"), "65,00 %", "0,0 %", "0 %"),
    ],
)
def test_antofagasta_weighted_compliance_and_bonus(client, ana, daniela, missed, compliance, bonus, share):
    for code, (numerator, denominator) in ANTOFAGASTA_MET.items():
        numerator, denominator = MISSED[code] if code in missed else (numerator, denominator)
        enter_2012_actual(ana, code, numerator, denominator)
    client.force_login(daniela)
    page = dashboard(client, "CL-AN")
    assert text(page.select_one('[data-kpi="compliance"]')) == compliance
    assert text(page.select_one('[data-kpi="bonus"]')) == bonus
    assert share in text(page.select_one('[data-kpi="bonus"]').parent)
    national = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    assert text(national.select_one('#ranking tr[data-region="CL-AN"] [data-kind="compliance"]')).startswith(compliance)


def test_accepted_external_causes_take_the_indicator_out_of_the_score(client, ana, daniela, antofagasta):
    for code, (numerator, denominator) in ANTOFAGASTA_MET.items():
        enter_2012_actual(ana, code, *(MISSED.get(code) if code == "AN-04" else (numerator, denominator)))
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator_services.result_analysis_save(
        user=ana,
        indicator=Indicator.objects.get(code="AN-04"),
        cycle=cycle,
        causes="Paro de funcionarios del SII",
        external_causes=True,
        overachievement_justification="",
    )
    indicator_services.result_analysis_save(
        user=ana,
        indicator=Indicator.objects.get(code="AN-08"),
        cycle=cycle,
        causes="",
        external_causes=False,
        overachievement_justification="",
    )
    services.submission_send(user=ana, region=antofagasta, cycle=cycle)
    client.force_login(daniela)
    assert text(dashboard(client, "CL-AN").select_one('[data-kpi="compliance"]')) == "90,00 %"
    client.post(
        reverse("indicators:analysis_decide", kwargs={"code": "CL-AN", "year": 2012, "indicator": "AN-04"}),
        {"accepted": "1"},
    )
    page = dashboard(client, "CL-AN")
    assert text(page.select_one('[data-kpi="compliance"]')) == "100,00 %"
    assert "excluido: causas externas" in text(page.select_one('tr[data-indicator="AN-04"]'))


def test_indicators_not_counting_for_the_incentive_are_left_out(client, camila, daniela):
    enter_2012_actual(camila, "CO-01", "100", "262")
    for weighting in IndicatorWeighting.objects.filter(indicator__code="CO-01"):
        weighting.counts_for_incentive = False
        weighting.save()
    client.force_login(daniela)
    page = dashboard(client)
    assert text(page.select_one('[data-kpi="compliance"]')) == "—"
    assert "no cuenta" in text(page.select_one('tr[data-indicator="CO-01"]'))


def test_budget_beside_the_products(client, daniela):
    product = StrategicProduct.objects.get(region__iso_code="CL-AN", number=1)
    product.output_unit = "proyectos"
    product.save()
    ProductBudget.objects.create(product=product, year=2012, allocated=D(56200), executed=D(54000), output=D(8))
    client.force_login(daniela)
    row = dashboard(client, "CL-AN").select_one('#by-product tr[data-product="1"]')
    assert cells(row, "td") == ["5 (0/3/2)", "0 / 0", "56.200", "54.000", "96,1 %", "6.750,0 por proyectos"]


def test_each_chart_has_its_figure_and_its_table(client, daniela):
    import json

    client.force_login(daniela)
    page = dashboard(client, "CL-BI")
    figure = json.loads(page.select_one("#chart-BI-01").string)
    assert figure["data"][0]["x"] == [2008, 2009, 2010]
    assert figure["data"][0]["y"] == [82, 94, 95]
    assert figure["data"][-1]["y"] == [96]  # the meta, marked
    table = page.select_one('[data-chart-table="BI-01"]')
    assert cells(table, "tbody td")[:3] == ["2008", "Efectivo", "82 %"]
    assert page.select_one('script[src$="plotly-basic.min.js"]') is not None


def test_national_overview_ranks_and_heats(client, camila, bruno, daniela):
    enter_2012_actual(camila, "CO-01", "250", "262")  # cumplido
    enter_2012_actual(bruno, "BI-01", "700", "1000")  # 72,92 %: no cumplido
    client.force_login(daniela)
    page = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    ranking = [
        (tr["data-region"], text(tr.select_one('[data-kind="compliance"]'))) for tr in page.select("#ranking tbody tr")
    ]
    assert ranking == [  # at 0 %, Biobío reported its efectivo; Antofagasta's score is provisional (none yet)
        ("CL-CO", "100,00 %"),
        ("CL-BI", "0,00 %"),
        ("CL-AN", "0,00 % provisional"),
    ]
    legend = text(page.select_one("#ranking-legend"))
    assert "Pendientes: indicadores que aún no se pueden evaluar porque les falta el efectivo 2012" in legend
    assert "Llega a 100 % solo cuando no queda ningún indicador pendiente" in legend
    heat = page.select_one('#heatmap tr[data-region="CL-CO"] [data-dimension="calidad"]')
    assert (text(heat), heat["class"]) == ("100 %", ["heat-4"])
    heat = page.select_one('#heatmap tr[data-region="CL-BI"] [data-dimension="calidad"]')
    assert (text(heat), heat["class"]) == ("0 %", ["heat-1"])
    completeness = page.select_one('#ranking tr[data-region="CL-CO"] [data-kind="completeness"]')
    assert text(completeness) == "100 %"


def test_closing_a_cycle_freezes_its_results(client, camila, ana, daniela):
    enter_2012_actual(camila, "CO-01", "250", "262")
    cycle = EvaluationCycle.objects.get(year=2012)
    assert services.cycle_close(user=ana, cycle=cycle) == 3
    assert CycleSnapshot.objects.filter(cycle=cycle).count() == 3
    # Later edits, even by an admin, never change the closed evaluation.
    Measurement.objects.filter(indicator__code="CO-01", year=2012, kind="efectivo").update(numerator=D(10))
    IndicatorWeighting.objects.filter(indicator__code="CO-01").update(weight=D(1))
    client.force_login(daniela)
    page = dashboard(client)
    assert page.select_one("[data-frozen]") is not None
    assert achievement_cells(page, "CO-01")["percent"] == "100,00 %"
    assert text(page.select_one('[data-kpi="compliance"]')) == "100,00 %"
    with pytest.raises(Exception, match="ya está cerrado"):
        services.cycle_close(user=ana, cycle=EvaluationCycle.objects.get(year=2012))


def test_only_admins_close_cycles(daniela):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cycle_close(user=daniela, cycle=EvaluationCycle.objects.get(year=2012))


def test_closing_from_the_admin(client, ana):
    client.force_login(ana)
    cycle = EvaluationCycle.objects.get(year=2012)
    response = client.post(
        reverse("admin:evaluation_evaluationcycle_changelist"),
        {"action": "close_cycles", "_selected_action": [cycle.pk]},
        follow=True,
    )
    assert "Ciclo 2012 cerrado: resultados de 3 regiones congelados." in text(soup(response))
    assert EvaluationCycle.objects.get(pk=cycle.pk).is_closed


def test_compare_two_cycles(client, camila, daniela):
    enter_2012_actual(camila, "CO-01", "250", "262")
    cycle_2013 = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=Indicator.objects.get(code="CO-01"), cycle=cycle_2013, weight=D(100))
    client.force_login(daniela)
    page = soup(client.get(reverse("results:compare", kwargs={"code": "CL-CO"}), {"a": 2012, "b": 2013}))
    assert cells(page.select_one('#comparison tr[data-row="compliance"]'), "td") == ["100,00 %", "pendiente"]
    row = cells(page.select_one('#comparison tr[data-indicator="CO-01"]'), "td")
    assert row == ["100,00 % cumplido", "— pendiente"]
    same = soup(client.get(reverse("results:compare", kwargs={"code": "CL-CO"}), {"a": 2012, "b": 2012}))
    assert "Elija dos ciclos distintos." in text(same)


def grow(cycle, regions, indicators_per_region):
    from tests.indicators.test_views import grow_region

    for region in regions:
        grow_region(region, cycle, products=2, indicators_per_product=indicators_per_region // 2)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_data(client, daniela, coquimbo, biobio):
    cycle = EvaluationCycle.objects.get(year=2012)
    client.force_login(daniela)
    urls = [
        reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012}),
        reverse("results:national", kwargs={"year": 2012}),
    ]
    small = [count_queries(client, url) for url in urls]  # computed and cached
    cached = [count_queries(client, url) for url in urls]  # served from the cache
    grow(cycle, [coquimbo, biobio], 8)  # every change bumps the data version: computed again
    large = [count_queries(client, url) for url in urls]
    assert small == large
    assert cached == [count_queries(client, url) for url in urls]
    # Drawn again, results are read as stored: the region's row (the national view: one query for every
    # region's summary), the cycles (the page's own and those it links to) and the region itself; and the
    # evaluations (the region's, with their commitments when it has some; the national view: one query), the
    # PROPIR's summary (one query each; the region's a second one for the latest year with a list, since the
    # cycle's year has none yet) and the PMG (the cycle's systems, the region's commitments).
    assert small[0] == cached[0] + 8
    assert small[1] == cached[1] + 5


def test_a_figure_leaves_the_instruments_sections_cached_and_an_instrument_draws_them_again(
    client, camila, daniela, coquimbo
):
    from pmg import services as pmg_services
    from pmg.models import ManagementSystem

    client.force_login(daniela)
    urls = [
        reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012}),
        reverse("results:national", kwargs={"year": 2012}),
    ]
    drawn = [count_queries(client, url) for url in urls]
    cached = [count_queries(client, url) for url in urls]
    enter_2012_actual(camila, "CO-01", "250", "262")
    # Drawn again after a figure: the stored results only (the region's row, the cycles, the region; the
    # national view: every region's summary and the cycles), never the evaluations, the PROPIR or the PMG.
    assert [count_queries(client, url) for url in urls] == [cached[0] + 3, cached[1] + 2]
    assert drawn[0] > cached[0] + 3
    assert drawn[1] > cached[1] + 2
    system = ManagementSystem.objects.get(cycle__year=2012, code="oirs")
    pmg_services.pmg_commitments_save(
        user=camila,
        region=coquimbo,
        cycle=EvaluationCycle.objects.get(year=2012),
        rows=[pmg_services.CommitmentInput(system, 3, 3, 0)],
    )
    page = dashboard(client)
    assert "0 cumplidos de 0 validados (1 comprometidos)" in text(page.select_one(".pmg-summary"))
    national = soup(client.get(urls[1]))
    assert cells(national, "#national-pmg tr[data-region='CL-CO'] td")[:2] == ["1", "0"]


def test_cached_dashboards_follow_every_change(client, camila, ana, daniela):
    client.force_login(daniela)
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "pendiente"
    national = reverse("results:national", kwargs={"year": 2012})
    client.get(national)
    enter_2012_actual(camila, "CO-01", "250", "262")  # through the service
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "cumplido"
    page = soup(client.get(national))
    assert text(page.select_one('#ranking tr[data-region="CL-CO"] [data-kind="compliance"]')) == "100,00 %"
    measurement = Measurement.objects.get(indicator__code="CO-01", year=2012, kind="efectivo")
    measurement.numerator = D(200)
    measurement.save()  # a plain save (a data migration, a shell) still refreshes the dashboards
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "parcialmente cumplido"
    IndicatorWeighting.objects.get(indicator__code="CO-01").save()
    assert client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})).status_code == 200


@pytest.mark.parametrize(
    ("actual", "percent", "classification", "compliance"),
    [
        # AN-04 is descendente with a meta of 24 días: cumplimiento = meta / efectivo, exactly 94,995 % and 79,995 %.
        (("480000", "18999"), "95,00 %", "cumplido", "100,00 %"),
        (("480000", "15999"), "80,00 %", "parcialmente cumplido", "90,00 %"),
    ],
)
def test_descending_achievement_at_the_half_cent_edge_on_the_dashboard(
    client, ana, daniela, actual, percent, classification, compliance
):
    for code, figures in ANTOFAGASTA_MET.items():
        enter_2012_actual(ana, code, *(actual if code == "AN-04" else figures))
    client.force_login(daniela)
    page = dashboard(client, "CL-AN")
    shown = achievement_cells(page, "AN-04")
    assert (shown["percent"], shown["classification"]) == (percent, classification)
    assert text(page.select_one('[data-kpi="compliance"]')) == compliance


def test_charts_round_as_the_tables_do(client, daniela):
    """AN-04's 2010 efectivo is 2.106 / 72 = 29,25 días: both the chart and its table read 29,3."""
    import json

    client.force_login(daniela)
    page = dashboard(client, "CL-AN")
    figure = json.loads(page.select_one("#chart-AN-04").string)
    assert figure["data"][0]["y"] == [42, 35, 29.3]
    table = page.select_one('[data-chart-table="AN-04"]')
    assert cells(table, "tbody td")[6:9] == ["2010", "Efectivo", "29,3"]


def test_trend_and_ambition_follow_a_descending_sentido(client, daniela):
    """AN-04 (días, descendente): efectivos 42 → 35 → 29,3 and a meta of 24,0. Falling is improving; the
    falling line projects 16,3 for 2012, so a meta above it is the lax side, and the flag says so."""
    client.force_login(daniela)
    row = dashboard(client, "CL-AN").select_one('#achievements tr[data-indicator="AN-04"]')
    assert text(row.select_one('[data-kind="trend"]')) == "↓ mejora"
    flags = row.select('[data-kind="ambition"] [data-flag]')
    assert [flag["data-flag"] for flag in flags] == ["meta_bajo_tendencia"]
    explanation = text(flags[0])
    assert "meta menos exigente que la tendencia" in explanation
    assert "proyecta 16,3; la meta (24,0) queda sobre esa línea" in explanation
    assert "descendente, menos es mejor" in explanation


@pytest.mark.parametrize(
    ("trend", "descending", "label"),
    [
        ("mejora", False, "↑ mejora"),
        ("mejora", True, "↓ mejora"),
        ("empeora", False, "↓ empeora"),
        ("empeora", True, "↑ empeora"),
        ("estable", True, "→ estable"),
        (None, True, "—"),
    ],
)
def test_trend_label_arrow_shows_the_values_word_the_sentido(trend, descending, label):
    from types import SimpleNamespace

    from indicators.templatetags.indicator_labels import trend_label

    assert trend_label(SimpleNamespace(trend=trend, is_descending=descending)) == label


def test_pendientes_and_completeness_agree(client, camila, daniela):
    """Coquimbo has every figure of its form but the 2012 efectivo: 1 pendiente, so not 100 % entered."""
    client.force_login(daniela)
    page = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    row = page.select_one('#ranking tr[data-region="CL-CO"]')
    assert text(row.select("td")[6]) == "1"  # pendientes
    assert text(row.select_one('[data-kind="completeness"]')) == "83 %"  # 5 of 6 figures: efectivo 2012 missing
    enter_2012_actual(camila, "CO-01", "250", "262")
    page = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    row = page.select_one('#ranking tr[data-region="CL-CO"]')
    assert (text(row.select("td")[6]), text(row.select_one('[data-kind="completeness"]'))) == ("0", "100 %")


def test_a_partial_result_says_why_it_earns_nothing(client, bruno, daniela):
    enter_2012_actual(bruno, "BI-01", "800", "1000")  # 83,33 % of the meta: parcialmente cumplido
    client.force_login(daniela)
    row = dashboard(client, "CL-BI").select_one('#achievements tr[data-indicator="BI-01"]')
    reason = row.select_one("[data-zero-reason]")
    assert text(reason) == "Suma 0 de su ponderación: con «todo o nada» solo los cumplidos suman."
    cycle = EvaluationCycle.objects.get(year=2012)
    cycle.weighting = "proporcional"
    cycle.save()
    row = dashboard(client, "CL-BI").select_one('#achievements tr[data-indicator="BI-01"]')
    assert row.select_one("[data-zero-reason]") is None


def test_the_summary_counts_indicators_by_classification(client, bruno, daniela):
    enter_2012_actual(bruno, "BI-01", "800", "1000")  # parcialmente cumplido
    client.force_login(daniela)
    for url in ("results:dashboard", "results:review"):
        page = soup(client.get(reverse(url, kwargs={"code": "CL-BI", "year": 2012})))
        counts = text(page.select_one('[data-kpi="counts"]'))
        assert counts == "cumplido 0 parcialmente cumplido 1 no cumplido 0 pendiente 0"
