"""Results kept as data: stored in the writing transaction, versioned per region and cycle, read by the pages."""

import gzip
import json
import re
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import versions
from evaluation.models import EvaluationCycle
from indicators import results as results_module
from indicators.models import Indicator, ProductBudget, StrategicProduct
from results.compute import compute_cycle_results
from results.models import StoredRegionResult
from results.selectors.outcomes import cycle_results
from tests.evaluation.test_dashboards import achievement_cells, dashboard, enter_2012_actual
from tests.html import cells, soup, text


def version(region, year=2012) -> int:
    return versions.region_stamp(iso_code=region.iso_code, year=year).version


def stored_equals_computed(year=2012) -> None:
    cycle = EvaluationCycle.objects.get(year=year)
    stored = [r.to_json() for r in cycle_results(cycle=cycle)]
    for result in stored:
        assert len(result["digest"]) == 32
        result["digest"] = ""
        for item in result["indicators"]:
            assert len(item["digest"]) == 32  # what pages key the indicator's drawing by
            item["digest"] = ""  # computed afresh, a result has none yet
    assert stored == [r.to_json() for r in compute_cycle_results(cycle=cycle)]


def test_a_save_stores_the_new_result_in_its_own_transaction(camila, coquimbo, biobio):
    stored_equals_computed()
    before = (version(coquimbo), version(biobio))
    enter_2012_actual(camila, "CO-01", "250", "262")
    assert version(coquimbo) > before[0]
    assert version(biobio) == before[1]  # another region's results, and so its cached pages, stay as they were
    stored_equals_computed()
    row = StoredRegionResult.objects.get(region=coquimbo, cycle__year=2012)
    assert json.loads(row.indicators)[0]["classification"] == "cumplido"
    assert row.summary["compliance"] == "100.00"


def test_a_failed_write_leaves_the_stored_result_as_it_was(camila, coquimbo):
    enter_2012_actual(camila, "CO-01", "250", "262")
    before = StoredRegionResult.objects.get(region=coquimbo, cycle__year=2012)
    before_version = version(coquimbo)

    def failing_request():
        with transaction.atomic():
            enter_2012_actual(camila, "CO-01", "100", "262")
            raise RuntimeError("the request fails after the save")

    with pytest.raises(RuntimeError):
        failing_request()
    after = StoredRegionResult.objects.get(region=coquimbo, cycle__year=2012)
    assert after.indicators == before.indicators
    assert version(coquimbo) == before_version


def test_a_change_in_another_region_serves_the_dashboard_from_the_cache(client, daniela, bruno, coquimbo):
    client.force_login(daniela)
    url = reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    enter_2012_actual(bruno, "BI-01", "5", "10")  # Biobío
    with CaptureQueriesContext(connection) as after_other:
        client.get(url)
    assert len(after_other) == len(cached)
    assert not any("indicators_measurement" in q["sql"] for q in after_other.captured_queries)


def test_a_rule_change_recomputes_its_cycle(client, daniela, camila, ana):
    enter_2012_actual(camila, "CO-01", "240", "262")  # 96,6 % of a 95 % meta, in the 2012 rules: cumplido
    client.force_login(daniela)
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "cumplido"
    cycle = EvaluationCycle.objects.get(year=2012)
    cycle.met_threshold = D("99")
    cycle.save()
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "parcialmente cumplido"
    stored_equals_computed()


def test_fixtures_loaded_raw_are_computed_on_first_read(coquimbo):
    StoredRegionResult.objects.all().delete()
    cycle = EvaluationCycle.objects.get(year=2012)
    assert [r.region_code for r in cycle_results(cycle=cycle)] == ["CL-AN", "CL-CO", "CL-BI"]
    assert StoredRegionResult.objects.filter(cycle=cycle).count() == 15  # every region of 2012, with or without
    stored_equals_computed()


def test_deleting_an_indicator_recomputes_its_region(coquimbo):
    Indicator.objects.get(code="CO-01").delete()
    cycle = EvaluationCycle.objects.get(year=2012)
    assert "CL-CO" not in [r.region_code for r in cycle_results(cycle=cycle)]
    stored_equals_computed()


def test_products_and_their_money_are_stored_with_the_result_and_follow_their_changes(client, daniela):
    client.force_login(daniela)

    def product_row(number=1):
        return cells(dashboard(client, "CL-AN").select_one(f'#by-product tr[data-product="{number}"]'), "td")

    assert product_row()[2:] == ["—", "—", "—", "—"]  # drawn and cached before the money is recorded
    product = StrategicProduct.objects.get(region__iso_code="CL-AN", number=1)
    budget = ProductBudget.objects.create(product=product, year=2012, allocated=D(56200), executed=D(54000))
    assert product_row()[2:] == ["56.200", "54.000", "96,1 %", "—"]
    budget.executed = D(28100)
    budget.save()
    assert product_row()[2:] == ["56.200", "28.100", "50,0 %", "—"]
    product.name = "Inversión regional renombrada"
    product.save()
    assert "Inversión regional renombrada" in text(dashboard(client, "CL-AN").select_one("#by-product"))
    stored_equals_computed()


def test_a_dashboard_drawn_again_decodes_only_the_results_that_changed(client, daniela, camila, monkeypatch):
    client.force_login(daniela)
    dashboard(client)
    enter_2012_actual(camila, "CO-01", "250", "262")
    decoded = []
    real_decode = results_module.decode

    def counting_decode(cls, data):
        decoded.append(data.get("code"))
        return real_decode(cls, data)

    monkeypatch.setattr(results_module, "decode", counting_decode)
    assert achievement_cells(dashboard(client), "CO-01")["classification"] == "cumplido"
    assert decoded == ["CO-01"]  # the other indicators' rows and charts come from the cache, undecoded


def _without_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


@pytest.mark.parametrize(
    ("person", "url"),
    [
        ("daniela", "/regiones/CL-CO/2012/tablero/"),
        ("daniela", "/nacional/2012/"),
        ("camila", "/regiones/CL-CO/2012/"),
        ("camila", "/regiones/CL-CO/2012/ingreso/1/"),
    ],
)
def test_a_page_sent_compressed_is_the_same_page(db, client, request, person, url):
    """Cached fragments are stored compressed and spliced into the gzip stream: the browser reads the same page."""
    client.force_login(request.getfixturevalue(person))
    plain = client.get(url)
    for _ in range(2):  # computed, then from the cache
        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert _without_tokens(gzip.decompress(packed.content)) == _without_tokens(plain.content)


def test_the_entry_grid_is_cached_until_the_region_changes(client, camila, bruno):
    client.force_login(camila)
    url = reverse("indicators:entry", kwargs={"code": "CL-CO", "year": 2012, "product": 1})
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        page = soup(client.get(url))
    assert not any("indicators_measurement" in q["sql"] for q in cached.captured_queries)
    token = page.select_one('input[name="csrfmiddlewaretoken"]')["value"]  # each response's own, in the cached grid
    assert token
    enter_2012_actual(bruno, "BI-01", "5", "10")  # another region: still cached
    with CaptureQueriesContext(connection) as after_other:
        client.get(url)
    assert len(after_other) == len(cached)
    enter_2012_actual(camila, "CO-01", "250", "262")  # its own region: drawn again, with the new figure
    cell = soup(client.get(url)).select_one('input[name$="_2012_efectivo_n"]')
    assert cell["value"] == "250"
