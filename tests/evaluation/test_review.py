"""The reviewer's page of a region in a cycle: what is approved, and the decision, on one page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import Indicator
from results.services import workflow as services
from tests.html import soup, text

pytestmark = pytest.mark.django_db
AN = {"code": "CL-AN", "year": 2012}
CO = {"code": "CL-CO", "year": 2012}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


def enter_actual(user, code, numerator, denominator=None):
    indicator = Indicator.objects.get(code=code)
    cell = indicator_services.CellInput(
        indicator=indicator,
        year=2012,
        kind="efectivo",
        numerator=Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
        version=0,
    )
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator_services.measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell])


def analyse(user, code, *, causes="", external=False, justification=""):
    indicator_services.result_analysis_save(
        user=user,
        indicator=Indicator.objects.get(code=code),
        cycle=EvaluationCycle.objects.get(year=2012),
        causes=causes,
        external_causes=external,
        overachievement_justification=justification,
    )


@pytest.fixture
def antofagasta_sent(ana, antofagasta, cycle):
    """Antofagasta sent with one target missed (external causes claimed) and one overachieved."""
    enter_actual(ana, "AN-01", 80, 100)  # 80 % against a meta shown as 98 %: 81,60 % achieved
    enter_actual(ana, "AN-08", 7)  # 7 agreements against 5: 140 %
    analyse(ana, "AN-01", causes="Licitaciones desiertas en el segundo semestre.", external=True)
    analyse(ana, "AN-08", justification="Dos acuerdos con Salta no previstos.")
    services.submission_send(user=ana, region=antofagasta, cycle=cycle)
    return antofagasta


def card(page, code):
    return page.select_one(f"article[data-indicator={code}]")


def test_the_reviewer_reads_each_result_and_its_analysis(client, daniela, antofagasta_sent):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=AN)))

    missed = card(page, "AN-01")
    assert text(missed.select_one("[data-kind=actual]")) == "80 %"
    assert text(missed.select_one("[data-kind=target]")).startswith("98 %")  # then its 55.100/56.200
    assert text(missed.select_one("[data-kind=percent]")) == "81,60 %"
    assert text(missed.select_one("[data-kind=classification]")) == "parcialmente cumplido"
    assert "Licitaciones desiertas en el segundo semestre." in text(missed.select_one("[data-kind=analysis]"))
    assert missed.select_one("[data-external]")["data-external"] == "pendiente"
    assert "pendientes de decisión de DIPRES" in text(missed)

    over = card(page, "AN-08")
    assert text(over.select_one("[data-kind=percent]")) == "140,00 %"
    assert text(over.select_one("[data-kind=classification]")) == "cumplido sobrecumplimiento"
    assert "Dos acuerdos con Salta no previstos." in text(over)

    pending = card(page, "AN-02")
    assert text(pending.select_one("[data-kind=classification]")) == "pendiente"

    assert len(page.select("article[data-indicator]")) == 8
    assert text(page.select_one("[data-kpi=compliance]")) == "10,00 %"  # AN-08's 10 points of 100
    assert text(page.select_one("[data-kpi=bonus]")) == "0,0 %"
    assert "Provisional" in text(page.select_one("#compliance"))
    assert page.select_one("#decision form[data-step=approve]")
    assert page.select_one("#decision form[data-step=return]")


def test_the_reviewer_decides_external_causes_and_comes_back(client, daniela, antofagasta_sent):
    client.force_login(daniela)
    url = reverse("indicators:analysis_decide", kwargs={**AN, "indicator": "AN-01"})
    response = client.post(url, {"accepted": "1", "back": "review"})
    assert response["Location"] == reverse("results:review", kwargs=AN) + "#rev-AN-01"
    page = soup(client.get(response["Location"]))
    assert card(page, "AN-01").select_one("[data-external]")["data-external"] == "aceptadas"
    assert "excluido: causas externas" in text(card(page, "AN-01"))
    # From the indicator's page the decision still returns there.
    response = client.post(url, {"accepted": "0"})
    assert response["Location"].endswith("/indicadores/AN-01/#analisis")


def test_a_missing_analysis_is_pointed_out(client, ana, daniela, antofagasta, cycle):
    enter_actual(ana, "AN-01", 50, 100)
    enter_actual(ana, "AN-08", 9)
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=AN)))
    assert card(page, "AN-01").select_one("[data-missing-causes]")
    assert "Falta justificar el sobrecumplimiento." in text(card(page, "AN-08"))


def test_approving_and_reopening_from_the_review_page(client, daniela, antofagasta_sent):
    client.force_login(daniela)
    response = client.post(reverse("results:approve", kwargs=AN), {"comment": "Conforme."})
    assert response["Location"] == reverse("results:review", kwargs=AN) + "#decision"
    page = soup(client.get(response["Location"]))
    assert page.select_one("[data-status]")["data-status"] == "aprobado"
    assert "Se aprobaron los datos" in text(page.select_one("#decision"))
    assert not page.select_one("form[data-step=approve]")
    assert page.select_one("form[data-step=reopen]")

    client.post(reverse("results:reopen", kwargs=AN), {"comment": "Corregir AN-01"})
    page = soup(client.get(reverse("results:review", kwargs=AN)))
    assert text(page.select_one("[data-status]")) == "Reabierto"
    assert page.select_one("[data-waiting]")
    assert not page.select("#decision form")


def test_draft_data_waits_for_the_region(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=CO)))
    assert page.select_one("[data-waiting]")
    assert not page.select("#decision form")


def test_the_region_page_leads_the_reviewer_to_the_review(client, camila, daniela, coquimbo, cycle):
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(daniela)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    link = page.select_one(f"#envio a[href='{reverse('results:review', kwargs=CO)}']")
    assert text(link) == "Revisar el envío"
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert not page.select(f"a[href='{reverse('results:review', kwargs=CO)}']")


def test_queries_do_not_grow_with_the_indicators(client, daniela, antofagasta_sent, camila, coquimbo, cycle):
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(daniela)
    counts = []
    for kwargs in (CO, AN):  # 1 indicator, then 8
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("results:review", kwargs=kwargs)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Submission.objects.get(region__iso_code="CL-AN").status == SubmissionStatus.SENT
