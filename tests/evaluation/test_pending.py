"""The analyst's «pendientes»: missing figures, results needing analysis, open commitments, the deadline."""

import datetime

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator, Measurement
from tests.html import soup, text

pytestmark = pytest.mark.django_db


def test_missing_figures_and_deadline(client, camila):
    EvaluationCycle.objects.filter(year=2012).update(data_deadline=datetime.date(2012, 3, 31))
    Measurement.objects.filter(indicator__code="CO-01", year=2009).delete()
    client.force_login(camila)
    page = soup(client.get(reverse("results:pending")))
    section = page.select_one('[data-region="CL-CO"]')
    assert "Plazo: 31-03-2012" in text(section)
    assert "CO-01" in text(section.select_one("[data-missing]"))
    assert "2009 efectivo" in text(section.select_one("[data-missing]"))
    assert not page.select('[data-region="CL-BI"]')


def test_open_commitments_are_listed_with_overdue_marked(client, camila):
    indicator = Indicator.objects.get(code="CO-01")
    cycle = EvaluationCycle.objects.get(year=2012)
    services.improvement_commitment_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        description="Nuevo protocolo",
        owner="DAF",
        due_date=datetime.date(2012, 1, 31),
        recorded_on=datetime.date(2012, 1, 1),
    )
    client.force_login(camila)
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert "Nuevo protocolo" in text(section)
    assert "vencido" in text(section)


def test_nothing_to_do_for_a_reviewer(client, daniela):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:pending")))
    assert "No tiene regiones con indicadores por ingresar en los ciclos abiertos" in text(page)


def test_complete_draft_offers_to_send(client, camila):
    client.force_login(camila)
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert "Nada impide enviar" in text(section.select_one("[data-ready]"))
    Measurement.objects.filter(indicator__code="CO-01", year=2012, kind="meta").delete()
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert not section.select("[data-ready]")
    assert "CO-01: falta la meta 2012." in text(section.select_one("[data-problems]"))
