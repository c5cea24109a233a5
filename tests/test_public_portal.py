"""The public portal (/publico/): anyone reads the published results — never drafts, data under review, causes
DIPRES has not accepted or names of people — in pages a proxy may cache (Cache-Control, ETag, no cookie)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator
from results.services import workflow
from tests.html import soup, text
from tests.test_translations import SPANISH_WORDS, data_texts, interface_text

pytestmark = pytest.mark.django_db

CO = {"code": "CL-CO", "year": 2012}
CO01 = {**CO, "indicator": "CO-01"}
PAGES = [
    ("public:national", {"year": 2012}),
    ("public:region", CO),
    ("public:indicator", CO01),
    ("public:report", CO),
    ("public:report_pdf", CO),
    ("public:region_csv", CO),
    ("public:region_xlsx", CO),
    ("public:national_csv", {"year": 2012}),
    ("public:national_xlsx", {"year": 2012}),
]


@pytest.fixture
def cycle(db):
    return EvaluationCycle.objects.get(year=2012)


@pytest.fixture
def published(camila, daniela, coquimbo, cycle):
    """Coquimbo's 2012 data with an analysis claiming external causes (not decided) and a commitment with its
    owner, sent by its analyst and approved by DIPRES."""
    co01 = Indicator.objects.get(code="CO-01")
    co01.responsible = camila
    co01.save()
    services.result_analysis_save(
        user=camila, indicator=co01, cycle=cycle, causes="Paro de funcionarios", external_causes=True,
        overachievement_justification="",
    )  # fmt: skip
    services.improvement_commitment_add(
        user=camila, indicator=co01, cycle=cycle, description="Responder en tres días", owner="Jefa DAF Rosa Pérez",
        due_date=datetime.date(2012, 12, 31), recorded_on=datetime.date(2012, 1, 1),
    )  # fmt: skip
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    return coquimbo


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_nothing_is_public_before_dipres_approves(client, camila, coquimbo, cycle, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)  # under review: still not public
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    index = soup(client.get(reverse("public:index")))
    assert index.select_one("[data-nothing-published]") is not None


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_published_pages_are_read_without_signing_in(client, published, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.has_header("ETag")
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_pages_show_the_documents_figures(client, published):
    series = soup(client.get(reverse("public:indicator", kwargs=CO01))).select("#public-series tbody tr")
    values = {(row["data-year"], row["data-kind"]): text(row.select_one("[data-kind=value]")) for row in series}
    # The document's table for Coquimbo: 71 %, 92 %, 93 % (2008-2010), estimado 2011 94 %, meta 2012 95 %.
    assert values[("2008", "efectivo")] == "71 %"
    assert values[("2009", "efectivo")] == "92 %"
    assert values[("2010", "efectivo")] == "93 %"
    assert values[("2011", "estimado")] == "94 %"
    assert values[("2012", "meta")] == "95 %"
    region = soup(client.get(reverse("public:region", kwargs=CO)))
    assert text(region.select_one("[data-indicator=CO-01] [data-kind=target]")) == "95 %"
    national = soup(client.get(reverse("public:national", kwargs={"year": 2012})))
    assert [row["data-region"] for row in national.select("#public-ranking tbody tr")] == ["CL-CO"]
    csv = client.get(reverse("public:region_csv", kwargs=CO)).content.decode("utf-8-sig")
    assert "CO-01;" in csv
    assert ";95;" in csv  # the meta, as the page's own export writes it


def test_the_public_never_reads_names_nor_unaccepted_causes(client, published):
    for name, kwargs in [("public:region", CO), ("public:indicator", CO01), ("public:report", CO)]:
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "Paro de funcionarios" not in page, name  # external causes DIPRES did not accept
        assert "Rosa Pérez" not in page, name  # the commitment's owner
        assert "Camila" not in page, name  # the indicator's responsible
        assert "evidencia" not in page.lower(), name
    report = client.get(reverse("public:report", kwargs=CO)).content.decode()
    assert "Responder en tres días" in report  # the commitment itself is public


def test_accepted_causes_are_public(client, camila, daniela, coquimbo, cycle):
    co01 = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila, indicator=co01, cycle=cycle, causes="Terremoto", external_causes=True,
        overachievement_justification="",
    )  # fmt: skip
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    services.result_analysis_decide(user=daniela, analysis=co01.analyses.get(), accepted=True)
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    page = soup(client.get(reverse("public:indicator", kwargs=CO01)))
    assert "Terremoto" in text(page.select_one("[data-analysis]"))


def test_reopened_data_leaves_the_portal(client, published, daniela, cycle):
    assert client.get(reverse("public:region", kwargs=CO)).status_code == 200
    workflow.submission_reopen(user=daniela, region=published, cycle=cycle, reason="Corregir la meta")
    assert client.get(reverse("public:region", kwargs=CO)).status_code == 404
    assert client.get(reverse("public:national", kwargs={"year": 2012})).status_code == 404


def test_a_repeated_request_is_answered_304_with_one_query(client, published, django_assert_num_queries):
    url = reverse("public:region", kwargs=CO)
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_etag_follows_the_regions_data_and_not_the_others(client, published, bruno, biobio, cycle, daniela):
    url = reverse("public:region", kwargs=CO)
    etag = client.get(url)["ETag"]
    workflow.submission_send(user=bruno, region=biobio, cycle=cycle)  # another region changes
    assert client.get(url)["ETag"] == etag
    workflow.submission_reopen(user=daniela, region=published, cycle=cycle, reason="Corregir")
    workflow.submission_send(user=Indicator.objects.get(code="CO-01").responsible, region=published, cycle=cycle)
    workflow.submission_approve(user=daniela, region=published, cycle=cycle)
    assert client.get(url)["ETag"] != etag


def test_a_drawn_page_costs_a_fixed_number_of_queries(client, published, django_assert_max_num_queries):
    url = reverse("public:region", kwargs=CO)
    client.get(url)
    with django_assert_max_num_queries(1):  # the version; the page itself comes from the cache
        assert client.get(url).status_code == 200


def test_everyone_gets_the_same_page(client, published, camila):
    url = reverse("public:report", kwargs=CO)
    anonymous = client.get(url).content
    signed_in = Client()
    signed_in.force_login(camila)
    assert signed_in.get(url).content == anonymous


@pytest.mark.parametrize("name", ["public:index", "public:national", "public:region", "public:indicator"])
def test_the_portal_speaks_english_from_its_address(client, published, name):
    kwargs = {"public:index": {}, "public:national": {"year": 2012}, "public:region": CO, "public:indicator": CO01}[
        name
    ]
    response = client.get(reverse(name, kwargs=kwargs) + "?lang=en")
    page = soup(response)
    assert page.select_one("html")["lang"] == "en"
    assert response["Content-Language"] == "en"
    content = interface_text(page, data_texts())
    leaked = sorted({word for word in re.findall(r"[^\W\d_]+", content.lower()) if word in SPANISH_WORDS})
    assert not leaked, f"Spanish words on {name}: {leaked}\n{content}"
    links = [a["href"] for a in page.select("main a[href^='/publico/']")]
    assert links
    assert all(link.endswith("?lang=en") for link in links)
    # The language cookie of the pages never changes the portal's language: its address does.
    client.cookies["django_language"] = "en"
    assert soup(client.get(reverse(name, kwargs=kwargs))).select_one("html")["lang"] == "es-cl"


def test_the_portal_refuses_writes(client, published):
    assert client.post(reverse("public:region", kwargs=CO)).status_code == 405


def test_the_login_page_leads_to_the_portal(client):
    page = soup(client.get(reverse("login")))
    assert page.select_one("[data-public-link] a")["href"] == reverse("public:index")
