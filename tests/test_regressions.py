"""Regressions found in review: locks across overlapping cycles, follow-ups from the right cycle, stale
saves that must not revert someone else's change, admin edits bumping versions, and the query count of
«Pendientes». Each test shows the intended behaviour."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators.models import (
    CommitmentStatus,
    Evidence,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    ResultAnalysis,
)
from tests.html import soup, text

pytestmark = pytest.mark.django_db
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def co01():
    return Indicator.objects.get(code="CO-01")


@pytest.fixture
def c2012():
    return EvaluationCycle.objects.get(year=2012)


@pytest.fixture
def c2013(co01):
    """A later cycle in which Coquimbo's indicator is committed too (windows 2008–2012 and 2009–2013)."""
    cycle = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=co01, cycle=cycle, weight=D(100))
    return cycle


def set_status(region, cycle, status):
    Submission.objects.update_or_create(region=region, cycle=cycle, defaults={"status": status})


def form_data(client, url):
    page = soup(client.get(url))
    return {field["name"]: field.get("value", "") for field in page.select("form input[name]")}


def entry_url(year=2012, code="CL-CO", product=1):
    return reverse("indicators:entry", kwargs={"code": code, "year": year, "product": product})


def test_an_approved_cycles_figure_cannot_change_through_a_later_cycle(client, camila, coquimbo, co01, c2012, c2013):
    set_status(coquimbo, c2012, SubmissionStatus.APPROVED)
    client.force_login(camila)
    data = form_data(client, entry_url(2013))
    prefix = f"c{co01.pk}_2012_efectivo"
    data[f"{prefix}_n"], data[f"{prefix}_d"] = "1", "262"
    response = client.post(entry_url(2013), data)
    page = soup(response, 400)
    assert "forma parte también del ciclo 2012, cuyos datos están aprobados" in text(page)
    assert not Measurement.objects.filter(indicator=co01, year=2012, kind="efectivo").exists()


def test_a_figure_only_the_later_cycle_shows_can_change(client, camila, coquimbo, co01, c2012, c2013):
    set_status(coquimbo, c2012, SubmissionStatus.APPROVED)
    client.force_login(camila)
    data = form_data(client, entry_url(2013))
    prefix = f"c{co01.pk}_2013_meta"
    data[f"{prefix}_n"], data[f"{prefix}_d"] = "255", "262"
    assert client.post(entry_url(2013), data).status_code == 302
    assert Measurement.objects.get(indicator=co01, year=2013, kind="meta").numerator == D(255)


def test_a_closed_cycle_does_not_lock_later_cycles_but_cannot_be_edited(client, ana, coquimbo, co01, c2012, c2013):
    set_status(coquimbo, c2012, SubmissionStatus.APPROVED)
    EvaluationCycle.objects.filter(pk=c2012.pk).update(stage="cerrado")
    client.force_login(ana)
    data = form_data(client, entry_url(2013))
    data[f"c{co01.pk}_2012_efectivo_n"], data[f"c{co01.pk}_2012_efectivo_d"] = "250", "262"
    assert client.post(entry_url(2013), data).status_code == 302
    set_status(coquimbo, c2012, SubmissionStatus.DRAFT)
    response = client.post(entry_url(2012), form_data(client, entry_url(2012)))
    assert "El ciclo 2012 está cerrado" in text(soup(client.get(response["Location"])))


def test_a_commitment_is_followed_up_only_from_its_cycle_or_later_while_open(
    client, camila, coquimbo, co01, c2012, c2013
):
    later = ImprovementCommitment.objects.create(
        indicator=co01, cycle=c2013, description="x", owner="y", due_date=datetime.date(2013, 6, 1)
    )
    closed = ImprovementCommitment.objects.create(
        indicator=co01,
        cycle=c2012,
        description="x",
        owner="y",
        due_date=datetime.date(2012, 6, 1),
        status=CommitmentStatus.DONE,
    )
    client.force_login(camila)
    for commitment, year in ((later, 2012), (closed, 2013)):
        url = reverse(
            "indicators:commitment_follow_up",
            kwargs={"code": "CL-CO", "year": year, "indicator": "CO-01", "pk": commitment.pk},
        )
        assert client.post(url, {"status": "no_cumplido", "follow_up": ""}).status_code == 404
        commitment.refresh_from_db()
        assert commitment.status != CommitmentStatus.MISSED


def test_evidence_of_another_cycles_years_cannot_be_withdrawn_from_this_one(
    client, camila, coquimbo, co01, c2012, c2013
):
    client.force_login(camila)
    upload = reverse("indicators:evidence_upload", kwargs={"code": "CL-CO", "year": 2013, "indicator": "CO-01"})
    client.post(upload, {"year": 2013, "file": SimpleUploadedFile("a.pdf", PDF), "description": ""})
    evidence = Evidence.objects.get(indicator=co01, year=2013)
    url = reverse(
        "indicators:evidence_withdraw", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01", "pk": evidence.pk}
    )
    assert client.post(url).status_code == 404
    evidence.refresh_from_db()
    assert not evidence.withdrawn


def test_evidence_of_a_year_an_approved_cycle_covers_cannot_be_withdrawn(client, camila, coquimbo, co01, c2012, c2013):
    client.force_login(camila)
    upload = reverse("indicators:evidence_upload", kwargs={"code": "CL-CO", "year": 2013, "indicator": "CO-01"})
    client.post(upload, {"year": 2011, "file": SimpleUploadedFile("a.pdf", PDF), "description": ""})
    evidence = Evidence.objects.get(indicator=co01, year=2011)
    set_status(coquimbo, c2012, SubmissionStatus.APPROVED)
    url = reverse(
        "indicators:evidence_withdraw", kwargs={"code": "CL-CO", "year": 2013, "indicator": "CO-01", "pk": evidence.pk}
    )
    response = client.post(url)
    assert "ciclo 2012 están aprobados" in text(soup(client.get(response["Location"])))
    evidence.refresh_from_db()
    assert not evidence.withdrawn


def test_external_causes_are_decided_only_during_review(client, daniela, coquimbo, co01, c2012):
    ResultAnalysis.objects.create(
        indicator=co01, cycle=c2012, causes="lluvias", external_causes=True, external_accepted=False
    )
    set_status(coquimbo, c2012, SubmissionStatus.APPROVED)
    client.force_login(daniela)
    url = reverse("indicators:analysis_decide", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"})
    response = client.post(url, {"accepted": "1"})
    assert "se deciden durante la revisión" in text(soup(client.get(response["Location"])))
    assert ResultAnalysis.objects.get(indicator=co01, cycle=c2012).external_accepted is False


def test_a_decision_never_reverts_newer_causes(camila, daniela, coquimbo, co01, c2012):
    from indicators import services

    ResultAnalysis.objects.create(indicator=co01, cycle=c2012, causes="A", external_causes=True)
    seen_by_reviewer = ResultAnalysis.objects.get(indicator=co01, cycle=c2012)
    services.result_analysis_save(
        user=camila,
        indicator=co01,
        cycle=c2012,
        causes="B (nueva)",
        external_causes=True,
        overachievement_justification="",
    )
    set_status(coquimbo, c2012, SubmissionStatus.SENT)
    services.result_analysis_decide(user=daniela, analysis=seen_by_reviewer, accepted=True)
    stored = ResultAnalysis.objects.get(indicator=co01, cycle=c2012)
    assert (stored.causes, stored.external_accepted) == ("B (nueva)", True)


def test_an_admin_correction_makes_open_grids_stale(client, camila, ana, co01):
    client.force_login(camila)
    stale = form_data(client, entry_url())
    m = Measurement.objects.get(indicator=co01, year=2010, kind="efectivo")
    client.force_login(ana)
    admin_url = reverse("admin:indicators_measurement_change", args=[m.pk])
    admin_form = {f["name"]: f.get("value", "") for f in soup(client.get(admin_url)).select("form input[name]")}
    admin_form.update(
        {"indicator": co01.pk, "year": 2010, "kind": "efectivo", "numerator": "200", "denominator": "281"}
    )
    assert client.post(admin_url, admin_form).status_code == 302
    m.refresh_from_db()
    assert (m.numerator, m.version) == (D(200), 2)
    client.force_login(camila)
    stale[f"c{co01.pk}_2010_efectivo_n"] = "263"  # she edits the very figure the admin corrected
    assert client.post(entry_url(), stale).status_code == 409
    assert Measurement.objects.get(pk=m.pk).numerator == D(200)


def test_an_untouched_stale_figure_is_neither_saved_nor_a_conflict(client, camila, ana, co01):
    client.force_login(camila)
    stale = form_data(client, entry_url())
    client.force_login(ana)
    fresh = form_data(client, entry_url())
    fresh[f"c{co01.pk}_2010_efectivo_n"] = "200"  # Ana corrects 2010
    assert client.post(entry_url(), fresh).status_code == 302
    client.force_login(camila)
    stale[f"c{co01.pk}_2011_efectivo_n"], stale[f"c{co01.pk}_2011_efectivo_d"] = "5", "10"  # Camila enters 2011 only
    assert client.post(entry_url(), stale).status_code == 302
    assert Measurement.objects.get(indicator=co01, year=2010, kind="efectivo").numerator == D(200)  # Ana's fix kept
    assert Measurement.objects.get(indicator=co01, year=2011, kind="efectivo").numerator == D(5)


def test_numbers_are_read_in_the_language_the_grid_was_drawn_in(client, ana):
    an08 = Indicator.objects.get(code="AN-08")
    Measurement.objects.filter(indicator=an08, year=2010, kind="efectivo").update(numerator=D(1500))
    url = entry_url(code="CL-AN", product=4)
    client.force_login(ana)
    data = form_data(client, url)
    assert data[f"c{an08.pk}_2010_efectivo_n"] == "1500"  # not «1.500», which has two readings (issue 24)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # switched to English in another tab
    data[f"c{an08.pk}_2010_efectivo_n"] = "1.600,5"
    assert client.post(url, data).status_code == 302
    assert Measurement.objects.get(indicator=an08, year=2010, kind="efectivo").numerator == D("1600.5")


def test_trailing_zero_decimals_are_accepted(client, camila, co01):
    client.force_login(camila)
    data = form_data(client, entry_url())
    data[f"c{co01.pk}_2011_efectivo_n"], data[f"c{co01.pk}_2011_efectivo_d"] = "1,00000", "2"
    assert client.post(entry_url(), data).status_code == 302
    assert Measurement.objects.get(indicator=co01, year=2011, kind="efectivo").numerator == D(1)


def test_an_overlong_review_comment_is_refused_not_dropped(client, camila, daniela, coquimbo, c2012):
    set_status(coquimbo, c2012, SubmissionStatus.SENT)
    client.force_login(daniela)
    response = client.post(reverse("results:approve", kwargs={"code": "CL-CO", "year": 2012}), {"comment": "x" * 5001})
    assert "5000" in text(soup(client.get(response["Location"])))
    assert Submission.objects.get(region=coquimbo, cycle=c2012).status == SubmissionStatus.SENT


def test_indicator_pages_are_for_the_cycles_indicators(client, camila, coquimbo, c2012):
    Indicator.objects.create(
        region=coquimbo,
        product=coquimbo.products.first(),
        code="CO-99",
        name="n",
        formula="f",
        numerator_description="a",
        denominator_description="b",
        dimension="eficacia",
        control_scope="proceso",
    )
    client.force_login(camila)
    kwargs = {"code": "CL-CO", "year": 2012, "indicator": "CO-99"}
    assert client.get(reverse("indicators:indicator", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("indicators:analysis", kwargs=kwargs), {"causes": "x"}).status_code == 404
    assert not ResultAnalysis.objects.filter(indicator__code="CO-99").exists()


def _grow(region, cycle, n):
    product = region.products.first()
    for i in range(n):
        indicator = Indicator.objects.create(
            region=region,
            product=product,
            code=f"ZZ-{i:02}",
            name="n",
            formula="f",
            numerator_description="a",
            denominator_description="b",
            dimension="eficacia",
            control_scope="proceso",
        )
        IndicatorWeighting.objects.create(indicator=indicator, cycle=cycle, weight=D(1))


@pytest.mark.parametrize("person", ["camila", "ana"])
def test_pending_queries_do_not_grow_with_indicators(client, cast, coquimbo, c2012, person):
    client.force_login(cast[person])
    url = reverse("results:pending")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(coquimbo, c2012, 10)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
