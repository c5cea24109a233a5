"""The region page shows the document's tables exactly, to whom it may, in constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, IndicatorWeighting, Measurement, StrategicProduct
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db


def region_url(code, year=2012):
    return reverse("indicators:region", kwargs={"code": code, "year": year})


def figures(page, code, kind):
    return cells(page.select_one(f'tbody[data-indicator="{code}"]'), f'td[data-kind="{kind}"]')


def test_reviewer_reads_coquimbo_exactly_as_the_document(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-CO")))
    headers = cells(page.select_one('table[data-product="1"] thead'), "th")
    assert headers == ["Indicador", "2008", "2009", "2010", "2011 Estimado", "2012 Meta"]
    assert figures(page, "CO-01", "value") == ["71 %", "92 %", "93 %", "94 %", "95 %"]
    assert figures(page, "CO-01", "numerator") == ["152", "242", "262", "247", "250"]
    assert figures(page, "CO-01", "denominator") == ["214", "263", "281", "263", "262"]
    block = text(page.select_one('tbody[data-indicator="CO-01"]'))
    assert "Porcentaje de respuestas oportunas (máximo cuatro días corridos)" in block
    assert "Nº total de consultas realizadas en el buzón ciudadano" in block
    assert "Calidad/Producto" in block
    assert "Servicios de Información y Comunicación a la Comunidad Regional" in text(page)


def test_reviewer_reads_biobio_exactly_as_the_document(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-BI")))
    assert figures(page, "BI-01", "value") == ["82 %", "94 %", "95 %", "100 %", "96 %"]
    assert figures(page, "BI-01", "numerator") == ["761", "1.078", "1.045", "1.020", "960"]
    assert figures(page, "BI-01", "denominator") == ["928", "1.142", "1.095", "1.020", "1.000"]
    assert "Institucional" in text(page.select_one('table[data-product="0"] caption'))


def test_antofagasta_table_by_product_and_control_scope(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-AN")))
    table = page.select_one("#scope-table")
    rows = {row["data-product"]: cells(row, "td") for row in table.select("tbody tr")}
    assert rows == {
        "1": ["1", "5", "0", "3", "2"],
        "2": ["2", "2", "0", "2", "0"],
        "3": ["3", "0", "0", "0", "0"],
        "4": ["4", "1", "0", "1", "0"],
    }
    assert "Administración financiera de la inversión del Gobierno Regional" in text(table)
    assert "Implementar la Agenda de Internacionalización y Cooperación Transfronteriza" in text(table)
    assert cells(table.select_one('tr[data-row="total"]'), "td") == ["8", "0", "6", "2"]
    assert cells(table.select_one('tr[data-row="share"]'), "td") == ["100 %", "0 %", "75 %", "25 %"]


def test_antofagasta_indicators_are_labelled_illustrative(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-AN")))
    assert "Datos ilustrativos" in text(page)
    badges = page.select("tbody[data-indicator] .badge")
    assert [text(badge) for badge in badges] == ["ilustrativo"] * 8


def test_decimal_values_use_the_chilean_decimal_comma(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-AN")))
    # AN-04: 2106 days / 72 agreements = 29,25 → shown with the indicator's one decimal.
    assert figures(page, "AN-04", "value")[2] == "29,3"
    assert figures(page, "AN-01", "numerator")[0] == "41.230"


def test_count_indicator_has_no_denominator_row(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-AN")))
    assert figures(page, "AN-08", "value") == ["2", "3", "3", "4", "5"]
    assert figures(page, "AN-08", "denominator") == []


def test_a_missing_figure_reads_as_a_dash(client, daniela):
    Measurement.objects.get(indicator__code="CO-01", year=2009, kind="efectivo").delete()
    client.force_login(daniela)
    page = soup(client.get(region_url("CL-CO")))
    assert figures(page, "CO-01", "value") == ["71 %", "—", "93 %", "94 %", "95 %"]


def test_region_shortcut_redirects_to_the_current_cycle(client, daniela):
    client.force_login(daniela)
    response = client.get(reverse("indicators:region_current", kwargs={"code": "cl-co"}))
    assert response.status_code == 302
    assert response["Location"] == region_url("CL-CO")


def test_unknown_region_or_cycle_is_not_found(client, daniela):
    client.force_login(daniela)
    assert client.get(region_url("CL-XX")).status_code == 404
    response = client.get(region_url("CL-CO", 1999))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("user", "code", "status"),
    [
        ("camila", "CL-CO", 200),
        ("camila", "CL-BI", 403),
        ("bruno", "CL-BI", 200),
        ("bruno", "CL-CO", 403),
        ("daniela", "CL-AN", 200),
        ("ana", "CL-AN", 200),
        ("charlie", "CL-CO", 403),
    ],
)
def test_who_may_see_a_region(client, cast, user, code, status):
    client.force_login(cast[user])
    assert client.get(region_url(code)).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(region_url("CL-CO"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_forbidden_page_says_why(client, camila):
    client.force_login(camila)
    response = client.get(region_url("CL-BI"))
    assert response.status_code == 403
    assert "No tiene acceso a la región Biobío" in response.content.decode()


def grow_region(region, cycle, products, indicators_per_product):
    """Add products and indicators with a full series to a region."""
    for p in range(products):
        product = StrategicProduct.objects.create(region=region, number=50 + p, name=f"Producto extra {p}")
        for i in range(indicators_per_product):
            indicator = Indicator.objects.create(
                region=region,
                product=product,
                code=f"X{p}-{i}",
                name=f"Indicador extra {p}-{i}",
                formula="a / b × 100",
                numerator_description="a",
                denominator_description="b",
                dimension="eficacia",
                control_scope="proceso",
            )
            IndicatorWeighting.objects.create(indicator=indicator, cycle=cycle, weight=Decimal(1))
            Measurement.objects.bulk_create(
                Measurement(indicator=indicator, year=year, kind=kind, numerator=Decimal(5), denominator=Decimal(10))
                for year, kind in [
                    (2008, "efectivo"),
                    (2009, "efectivo"),
                    (2010, "efectivo"),
                    (2011, "estimado"),
                    (2012, "meta"),
                ]
            )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_region_page_queries_do_not_grow_with_the_data(client, daniela, coquimbo):
    client.force_login(daniela)
    url = region_url("CL-CO")
    small = count_queries(client, url)
    grow_region(coquimbo, EvaluationCycle.objects.get(year=2012), products=3, indicators_per_product=4)
    large = count_queries(client, url)
    assert small == large
    assert small <= 16  # 15, and the bell's unread count (none with a shared cache: tests/test_request_cost.py)
    page = soup(client.get(url))
    assert len(page.select("tbody[data-indicator]")) == 13


def test_home_queries_do_not_grow_with_the_data(client, daniela, coquimbo, biobio):
    client.force_login(daniela)
    small = count_queries(client, reverse("home"))
    cycle = EvaluationCycle.objects.get(year=2012)
    grow_region(coquimbo, cycle, products=2, indicators_per_product=3)
    grow_region(biobio, cycle, products=1, indicators_per_product=2)
    assert count_queries(client, reverse("home")) == small
