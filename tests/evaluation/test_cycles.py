"""More than one cycle: a new cycle hides no open work; regions exist only in their years; nothing to send."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators.models import Indicator, IndicatorWeighting
from results.services import workflow as services
from tests.html import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_2013(db):
    return EvaluationCycle.objects.create(year=2013)


def queue_rows(page):
    return {
        section["data-cycle"]: [
            (tr["data-region"], tr.select_one("[data-status]")["data-status"]) for tr in section.select("tbody tr")
        ]
        for section in page.select("#queue [data-cycle]")
    }


def test_opening_a_cycle_keeps_the_previous_cycles_review_queue(client, bruno, daniela, biobio, cycle_2013):
    services.submission_send(user=bruno, region=biobio, cycle=EvaluationCycle.objects.get(year=2012))
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review_queue")))
    assert queue_rows(page)["2012"][0] == ("CL-BI", "enviado")
    assert "1 por revisar" in text(page.select_one('[data-cycle="2012"] h2'))
    assert not page.select_one("#queue-empty")


def test_pendientes_cover_every_open_cycle_grouped(client, camila, coquimbo, cycle_2013):
    client.force_login(camila)
    page = soup(client.get(reverse("results:pending")))
    assert [s["data-cycle"] for s in page.select("[data-cycle]")] == ["2012"]  # 2013: nothing committed yet
    assert page.select_one('[data-cycle="2012"] [data-region="CL-CO"]') is not None

    IndicatorWeighting.objects.create(indicator=Indicator.objects.get(code="CO-01"), cycle=cycle_2013, weight=100)
    page = soup(client.get(reverse("results:pending")))
    assert [s["data-cycle"] for s in page.select("section[data-cycle]")] == ["2013", "2012"]
    assert "CO-01: falta la meta 2013." in text(page.select_one('[data-cycle="2013"] [data-problems]'))


def test_home_stays_on_the_cycle_with_work_and_offers_the_others(client, daniela, cycle_2013):
    client.force_login(daniela)
    page = soup(client.get(reverse("home")))
    assert "Ciclo 2012" in text(page.select_one("main"))
    assert text(page.select_one('td[data-region="CL-CO"]')) == "1"
    links = {text(a): a["href"] for a in page.select("#cycle-nav a")}
    assert links == {"2013": "?ciclo=2013", "2012": "?ciclo=2012"}
    page = soup(client.get(reverse("home"), {"ciclo": "2013"}))
    assert "Ciclo 2013" in text(page.select_one("main"))
    assert text(page.select_one('td[data-region="CL-CO"]')) == "0"
    page = soup(client.get(reverse("home"), {"ciclo": "no-es-un-año"}))
    assert "Ciclo 2012" in text(page.select_one("main"))


def test_nuble_exists_only_from_2018(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(reverse("home")))
    assert not page.select('td[data-region="CL-NB"]')
    assert len(page.select("td[data-region]")) == 15
    response = client.get(reverse("indicators:region", kwargs={"code": "CL-NB", "year": 2012}))
    assert response.status_code == 404
    assert "no existía en 2012" in response.content.decode()
    assert client.get(reverse("results:dashboard", kwargs={"code": "CL-NB", "year": 2012})).status_code == 404

    EvaluationCycle.objects.create(year=2019)
    page = soup(client.get(reverse("home"), {"ciclo": "2019"}))
    assert page.select('td[data-region="CL-NB"]')
    assert client.get(reverse("indicators:region", kwargs={"code": "CL-NB", "year": 2019})).status_code == 200
    region_page = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})))
    nuble_page = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-NB", "year": 2019})))
    assert "2012" in text(region_page.select_one("main"))
    assert "2012" not in [text(a) for a in nuble_page.select("main nav a, main .btn")]


def test_a_region_without_indicators_cannot_be_sent(client, ana):
    client.force_login(ana)
    url = reverse("results:send", kwargs={"code": "CL-TA", "year": 2012})
    page = soup(client.post(url, {"confirm": "1"}, follow=True))
    assert "no tiene indicadores comprometidos en el ciclo 2012" in text(page)
    assert not Submission.objects.filter(region__iso_code="CL-TA", status=SubmissionStatus.SENT).exists()


def test_weights_still_sum_per_cycle(cycle_2013):
    """A rollover's weightings are per cycle: 2012's weight is untouched by 2013's."""
    co01 = Indicator.objects.get(code="CO-01")
    IndicatorWeighting.objects.create(indicator=co01, cycle=cycle_2013, weight=Decimal(50))
    assert IndicatorWeighting.objects.get(indicator=co01, cycle__year=2012).weight == Decimal(100)


def test_a_reopening_is_shown_as_such_in_pendientes(client, bruno, daniela, biobio):
    cycle = EvaluationCycle.objects.get(year=2012)
    services.submission_send(user=bruno, region=biobio, cycle=cycle)
    services.submission_approve(user=daniela, region=biobio, cycle=cycle, comment="")
    services.submission_reopen(user=daniela, region=biobio, cycle=cycle, reason="Corregir el denominador 2010")
    client.force_login(bruno)
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-BI"]')
    assert section.select_one("[data-status]")["data-status"] == "reabierto"
    returned = text(section.select_one("[data-returned]"))
    assert "DIPRES reabrió los datos aprobados" in returned
    assert "Corregir el denominador 2010" in returned


def test_the_review_queue_leads_to_the_review_page(client, bruno, daniela, biobio):
    services.submission_send(user=bruno, region=biobio, cycle=EvaluationCycle.objects.get(year=2012))
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review_queue")))
    link = page.select_one('#queue [data-cycle="2012"] tr[data-region="CL-BI"] a')["href"]
    assert link == reverse("results:review", kwargs={"code": "CL-BI", "year": 2012})


def test_in_the_evaluation_stage_the_efectivo_t_is_owed(client, camila, coquimbo):
    """Before the meta's year ends its efectivo cannot exist; once the cycle is evaluated it is required."""
    cycle = EvaluationCycle.objects.get(year=2012)
    client.force_login(camila)
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert section.select_one("[data-ready]") is not None
    cycle.stage = "evaluacion"
    cycle.save()
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert section.select_one("[data-ready]") is None
    assert "2012 efectivo" in text(section.select_one("[data-missing]"))
    assert "CO-01: falta el efectivo 2012, con el que se evalúa la meta." in text(section.select_one("[data-problems]"))
    with pytest.raises(ValidationError, match="falta el efectivo 2012"):
        services.submission_send(user=camila, region=coquimbo, cycle=cycle)


def test_home_opens_on_the_newest_cycle_with_the_persons_work(client, camila, coquimbo, cycle_2013):
    """A 2013 cycle where only Biobío committed indicators: Camila (Coquimbo) still opens on 2012."""
    IndicatorWeighting.objects.create(indicator=Indicator.objects.get(code="BI-01"), cycle=cycle_2013, weight=100)
    client.force_login(camila)
    assert "Ciclo 2012" in text(soup(client.get(reverse("home"))).select_one("main"))


def test_compare_offers_only_the_cycles_a_region_took_part_in(client, daniela):
    EvaluationCycle.objects.create(year=2019)
    EvaluationCycle.objects.create(year=2020)
    client.force_login(daniela)
    page = soup(client.get(reverse("results:compare", kwargs={"code": "CL-NB"})))
    assert [option["value"] for option in page.select("select[name=a] option")] == ["2020", "2019"]
    page = soup(client.get(reverse("results:compare", kwargs={"code": "CL-NB"}), {"a": "2012", "b": "2019"}))
    assert page.select(".errorlist")
