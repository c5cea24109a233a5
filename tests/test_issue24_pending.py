"""Issue 24, «Say what happened»: where nothing is known yet the pages say «pendiente», never a 0 as if it were
a score. The PMG in the line that says what decides the incentive (the dashboard's card, the report in HTML and
PDF) while DIPRES has validated no system (its 0 still enters the incentive, provisionally), and the
institutional compliance of a cycle whose scored indicators have no efectivo yet, on the comparison of two
cycles."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, IndicatorWeighting
from pmg import services as pmg_services
from pmg.models import ManagementSystem, PmgCommitment
from tests.evaluation.test_dashboards import enter_2012_actual
from tests.evaluation.test_demo import load_demo
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db

ZERO = re.compile(r"\b0[,.]0+\s?%")  # «0,0 %», «0,00 %», «0.0%»: a 0 written as a score


def dashboard_url(year=2012):
    return reverse("results:dashboard", kwargs={"code": "CL-CO", "year": year})


def report_url(name="results:report"):
    return reverse(name, kwargs={"code": "CL-CO", "year": 2012})


def compare_url(a, b):
    return reverse("results:compare", kwargs={"code": "CL-CO"}) + f"?a={a}&b={b}"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def pmg_committed(camila, coquimbo):
    """Coquimbo's 2012 indicators scored (CO-01 met), two PMG systems committed and none validated yet, and
    the cycle giving the PMG a weight: the incentive blends in the PMG's stored 0."""
    enter_2012_actual(camila, "CO-01", "250", "262")
    cycle = EvaluationCycle.objects.get(year=2012)
    systems = [ManagementSystem.objects.get(cycle=cycle, code=code) for code in ("capacitacion", "oirs")]
    pmg_services.pmg_commitments_save(
        user=camila,
        region=coquimbo,
        cycle=cycle,
        rows=[pmg_services.CommitmentInput(system, 2, 2, 0) for system in systems],
    )
    cycle.pmg_share = D(30)
    cycle.save()  # a rule change: the cycle's results are computed again
    return cycle


def incentive_lines(client) -> list[str]:
    page = soup(client.get(dashboard_url()))
    report = soup(client.get(report_url()))
    return [text(page.select_one('[data-kpi="incentive"]')), text(report.select_one("[data-incentive]"))]


def test_the_deciding_line_says_the_pmg_is_pending_while_dipres_validated_no_system(client, daniela, pmg_committed):
    client.force_login(daniela)
    for line in incentive_lines(client):
        assert "PMG pendiente" in line
        assert "DIPRES aún no valida ningún sistema" in line
        assert not ZERO.search(line), line
        # The stored 0 still enters the incentive: 0,7 × the indicators' 100 % + 0,3 × 0.
        assert line.startswith("Decidido por 70,00 %, provisional")
    for line in incentive_lines(english(client)):
        assert "PMG pending" in line
        assert not ZERO.search(line), line


def test_once_dipres_validates_a_system_the_line_gives_the_pmgs_figure(client, daniela, pmg_committed):
    commitment = PmgCommitment.objects.get(system__cycle=pmg_committed, system__code="capacitacion")
    pmg_services.pmg_validate(
        user=daniela, commitment=commitment, validated_stage=2, notes="", version=commitment.version
    )
    client.force_login(daniela)
    for line in incentive_lines(client):
        assert "pendiente" not in line
        assert "PMG 50,0 %" in line  # one of two equally weighted systems met


def test_the_pdf_report_says_the_pmg_is_pending(client, daniela, pmg_committed):
    client.force_login(daniela)
    for language, pending in (("es", "PMG pendiente"), ("en", "PMG pending")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(report_url("results:report_pdf"))
        assert response.status_code == 200
        content = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        flat = " ".join(content.replace("\xa0", " ").split())
        assert pending in flat
        assert not re.search(r"PMG 0[,.]0\s?%", flat)


def compliance_cells(client, a, b) -> list[str]:
    page = soup(client.get(compare_url(a, b)))
    return cells(page.select_one('#comparison tr[data-row="compliance"]'), "td")


def test_the_comparison_says_pending_where_no_scored_indicator_has_its_efectivo(client, camila, daniela):
    enter_2012_actual(camila, "CO-01", "250", "262")
    cycle_2013 = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=Indicator.objects.get(code="CO-01"), cycle=cycle_2013, weight=D(100))
    client.force_login(daniela)
    assert compliance_cells(client, 2012, 2013) == ["100,00 %", "pendiente"]
    assert compliance_cells(english(client), 2012, 2013) == ["100.00%", "pending"]


def test_the_comparison_marks_a_compliance_with_some_efectivos_missing_provisional(client, ana, daniela):
    enter_2012_actual(ana, "AN-01", "55100", "56200")  # met; Antofagasta's other indicators have no efectivo yet
    EvaluationCycle.objects.create(year=2013)  # no indicator weighted in it: no result
    client.force_login(daniela)
    page = soup(client.get(reverse("results:compare", kwargs={"code": "CL-AN"}) + "?a=2012&b=2013"))
    first, second = cells(page.select_one('#comparison tr[data-row="compliance"]'), "td")
    assert re.fullmatch(r"\d+,\d\d % provisional", first), first
    assert not ZERO.search(first), first
    assert second == "—"


def test_the_readmes_comparison_says_the_documents_2012_is_pending(client, daniela):
    call_command("create_demo_users", allow_production=True, stdout=io.StringIO())
    load_demo()  # the illustrative 2011 cycle beside the document's 2012, which has no efectivo yet
    client.force_login(daniela)
    assert compliance_cells(client, 2011, 2012)[1] == "pendiente"
    assert compliance_cells(english(client), 2011, 2012)[1] == "pending"
