"""borrador → enviado → aprobado, or devuelto with the reviewer's comment; result analyses gate the sending."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionAction, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorWeighting, Measurement
from results.services import workflow as services
from tests.html import soup, text

pytestmark = pytest.mark.django_db
D = Decimal
CO = {"code": "CL-CO", "year": 2012}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


def status(region):
    return Submission.objects.get(region=region).status


def test_full_journey_through_the_views(client, camila, daniela, coquimbo):
    client.force_login(camila)
    response = client.post(reverse("results:send", kwargs=CO))
    assert response.status_code == 302
    assert status(coquimbo) == SubmissionStatus.SENT

    client.force_login(daniela)
    response = client.post(reverse("results:return", kwargs=CO), {"comment": ""})
    assert "Escriba el motivo" in text(soup(client.get(response["Location"])))
    assert status(coquimbo) == SubmissionStatus.SENT
    client.post(reverse("results:return", kwargs=CO), {"comment": "Revise el denominador de 2010."})
    assert status(coquimbo) == SubmissionStatus.RETURNED

    client.force_login(camila)
    pending = soup(client.get(reverse("results:pending")))
    assert "Revise el denominador de 2010." in text(pending.select_one("[data-returned]"))
    assert "Daniela" in text(pending.select_one("[data-returned]"))
    client.post(reverse("results:send", kwargs=CO))
    assert status(coquimbo) == SubmissionStatus.SENT

    client.force_login(daniela)
    client.post(reverse("results:approve", kwargs=CO))
    assert status(coquimbo) == SubmissionStatus.APPROVED
    region_page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert region_page.select_one("[data-status]")["data-status"] == "aprobado"

    client.force_login(camila)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert "Ingresar datos" not in text(page)

    client.force_login(daniela)
    client.post(reverse("results:reopen", kwargs=CO), {"comment": "Corrección de la meta"})
    assert status(coquimbo) == SubmissionStatus.REOPENED
    actions = list(
        Submission.objects.get(region=coquimbo).events.order_by("at", "pk").values_list("action", "actor__username")
    )
    assert actions == [
        (SubmissionAction.SEND, "camila"),
        (SubmissionAction.RETURN, "daniela"),
        (SubmissionAction.SEND, "camila"),
        (SubmissionAction.APPROVE, "daniela"),
        (SubmissionAction.REOPEN, "daniela"),
    ]


def test_transitions_only_from_their_states(camila, daniela, coquimbo, cycle):
    with pytest.raises(ValidationError, match=r"No se pueden aprobar: los datos están en borrador\."):
        services.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    with pytest.raises(ValidationError):
        services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    with pytest.raises(ValidationError):
        services.submission_reopen(user=daniela, region=coquimbo, cycle=cycle, reason="x")


def test_only_reviewers_review_and_only_the_regions_analysts_send(camila, bruno, daniela, coquimbo, cycle):
    with pytest.raises(PermissionDenied):
        services.submission_send(user=bruno, region=coquimbo, cycle=cycle)
    with pytest.raises(PermissionDenied):
        services.submission_send(user=daniela, region=coquimbo, cycle=cycle)
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    with pytest.raises(PermissionDenied):
        services.submission_approve(user=camila, region=coquimbo, cycle=cycle)


def test_sending_requires_the_meta(client, camila, coquimbo, cycle):
    Measurement.objects.filter(indicator__code="CO-01", year=2012, kind="meta").delete()
    with pytest.raises(ValidationError) as exc_info:
        services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    assert exc_info.value.messages == ["CO-01: falta la meta 2012."]
    client.force_login(camila)
    response = client.post(reverse("results:send", kwargs=CO))
    assert "CO-01: falta la meta 2012." in text(soup(client.get(response["Location"])))
    assert not Submission.objects.filter(region=coquimbo, status=SubmissionStatus.SENT).exists()


def enter_actual(user, code, numerator, denominator=None):
    indicator = Indicator.objects.get(code=code)
    cycle = EvaluationCycle.objects.get(year=2012)
    cell = indicator_services.CellInput(
        indicator=indicator,
        year=2012,
        kind="efectivo",
        numerator=D(numerator),
        denominator=None if denominator is None else D(denominator),
        version=0,
    )
    indicator_services.measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell])


def test_a_missed_target_needs_its_causes_before_sending(client, camila, coquimbo, cycle):
    enter_actual(camila, "CO-01", 200, 262)  # 76,34 % against a meta of 95,42 %: 80,00 % achieved
    with pytest.raises(ValidationError) as exc_info:
        services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    assert exc_info.value.messages == ["CO-01: no alcanzó la meta; indique las causas y si son externas."]

    client.force_login(camila)
    url = reverse("indicators:indicator", kwargs={**CO, "indicator": "CO-01"})
    page = soup(client.get(url))
    assert "80,00 %" in text(page.select_one("#resultado"))
    assert "parcialmente cumplido" in text(page.select_one("#resultado"))

    analysis_url = reverse("indicators:analysis", kwargs={**CO, "indicator": "CO-01"})
    response = client.post(analysis_url, {"causes": "", "version": 0})
    assert "El indicador no alcanzó la meta: indique las causas." in text(soup(response, 400))
    response = client.post(
        analysis_url, {"causes": "Caída del portal en octubre.", "external_causes": "on", "version": 0}
    )
    assert response.status_code == 302
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    assert status(coquimbo) == SubmissionStatus.SENT


def test_overachievement_needs_a_justification(camila, ana, antofagasta, cycle):
    enter_actual(ana, "AN-08", 7)  # 7 agreements against a meta of 5: 140 %
    problems = services_problems(antofagasta, cycle)
    assert "AN-08: justifique el sobrecumplimiento." in problems


def services_problems(region, cycle):
    from indicators.selectors import submission_problems

    return submission_problems(region=region, cycle=cycle)


def test_dipres_decides_on_external_causes(client, camila, daniela, cycle):
    enter_actual(camila, "CO-01", 200, 262)
    indicator = Indicator.objects.get(code="CO-01")
    indicator_services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Terremoto",
        external_causes=True,
        overachievement_justification="",
    )
    services.submission_send(user=camila, region=indicator.region, cycle=cycle)
    client.force_login(daniela)
    response = client.post(
        reverse("indicators:analysis_decide", kwargs={**CO, "indicator": "CO-01"}), {"accepted": "1"}
    )
    assert response.status_code == 302
    assert indicator.analyses.get().external_accepted is True
    page = soup(client.get(reverse("indicators:indicator", kwargs={**CO, "indicator": "CO-01"})))
    assert "aceptadas por DIPRES" in text(page)
    # A decision is taken only during review; back with the analyst, new causes ask DIPRES again.
    services.submission_return(user=daniela, region=indicator.region, cycle=cycle, comment="Detalle las causas")
    indicator_services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Terremoto y paro",
        external_causes=True,
        overachievement_justification="",
    )
    assert indicator.analyses.get().external_accepted is None


def test_improvement_commitments_are_followed_up_in_a_later_cycle(client, camila, cycle):
    import datetime

    indicator = Indicator.objects.get(code="CO-01")
    commitment = indicator_services.improvement_commitment_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        description="Contratar un segundo operador",
        owner="Jefe de comunicaciones",
        due_date=datetime.date(2012, 6, 30),
        recorded_on=datetime.date(2012, 1, 1),
    )
    cycle_2013 = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=indicator, cycle=cycle_2013, weight=D(100))
    client.force_login(camila)
    url = reverse("indicators:indicator", kwargs={"code": "CL-CO", "year": 2013, "indicator": "CO-01"})
    page = soup(client.get(url))
    assert "Contratar un segundo operador" in text(page.select_one("#compromisos"))
    follow = reverse(
        "indicators:commitment_follow_up",
        kwargs={"code": "CL-CO", "year": 2013, "indicator": "CO-01", "pk": commitment.pk},
    )
    client.post(follow, {"status": "cumplido", "follow_up": "Contratado en mayo.", "version": commitment.version})
    commitment.refresh_from_db()
    assert (commitment.status, commitment.follow_up) == ("cumplido", "Contratado en mayo.")
    # Done: no longer listed as open in 2013.
    page = soup(client.get(url))
    assert "Contratar un segundo operador" not in text(page.select_one("#compromisos"))
    assert cycle_2013.year == 2013


def test_commitment_form_explains_bad_input(client, camila):
    client.force_login(camila)
    url = reverse("indicators:commitment_add", kwargs={**CO, "indicator": "CO-01"})
    response = client.post(url, {"description": "Algo", "owner": "", "due_date": "31-02-2012"})
    page = soup(response, 400)
    assert "Este campo es obligatorio." in text(page.select_one("#compromisos"))
    assert "Introduzca una fecha válida." in text(page.select_one("#compromisos"))


def test_review_queue_lists_sent_regions_first(client, camila, bruno, daniela, coquimbo, biobio, cycle):
    services.submission_send(user=bruno, region=biobio, cycle=cycle)
    Submission.objects.create(region=coquimbo, cycle=cycle)
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review_queue")))
    rows = [(tr["data-region"], tr.select_one("[data-status]")["data-status"]) for tr in page.select("#queue tbody tr")]
    # Antofagasta committed indicators in 2012 but never saved anything: listed, not started.
    assert rows == [("CL-BI", "enviado"), ("CL-CO", "borrador"), ("CL-AN", "sin_iniciar")]


def test_reopened_data_says_reabierto_and_goes_back_to_the_analysts(client, camila, daniela, coquimbo, cycle):
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    services.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    services.submission_reopen(user=daniela, region=coquimbo, cycle=cycle, reason="Corrección de la meta")
    submission = Submission.objects.get(region=coquimbo)
    assert submission.state is SubmissionStatus.REOPENED
    assert submission.is_editable

    client.force_login(camila)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    badge = page.select_one("#envio [data-status]")
    assert (badge["data-status"], text(badge)) == ("reabierto", "Reabierto")
    assert "devuelto" not in text(page.select_one("#envio")).lower()
    assert "Corrección de la meta" in text(page.select_one("#envio"))
    assert page.select_one("#envio details[data-confirm=send]")  # editable again: may be sent

    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    assert status(coquimbo) == SubmissionStatus.SENT


def test_reopening_before_this_version_is_read_as_reabierto(camila, daniela, coquimbo, biobio, bruno, cycle):
    """The migration marks as «reabierto» the data whose last step was a reopening, and only that."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("evaluation.migrations.0005_submission_reopened")
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    services.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    services.submission_reopen(user=daniela, region=coquimbo, cycle=cycle, reason="Corrección")
    services.submission_send(user=bruno, region=biobio, cycle=cycle)
    services.submission_return(user=daniela, region=biobio, cycle=cycle, comment="Revise 2010")
    Submission.objects.filter(region=coquimbo).update(status=SubmissionStatus.RETURNED)  # as it was stored

    migration.mark_reopened(apps, None)

    assert status(coquimbo) == SubmissionStatus.REOPENED
    assert status(biobio) == SubmissionStatus.RETURNED


def test_workflow_errors_are_danger_alerts_beside_the_action(client, camila, coquimbo):
    Measurement.objects.filter(indicator__code="CO-01", year=2012, kind="meta").delete()
    client.force_login(camila)
    response = client.post(reverse("results:send", kwargs=CO))
    assert response["Location"].endswith("#envio")
    page = soup(client.get(response["Location"]))
    alert = page.select_one("#envio .alert")
    assert "CO-01: falta la meta 2012." in text(alert)
    assert "alert-danger" in alert["class"]
    assert alert["role"] == "alert"
    assert not page.select(".alert-error")
    # Shown once, beside the action, not also above the page.
    assert len([a for a in page.select(".alert") if "CO-01: falta la meta" in text(a)]) == 1


def test_review_errors_and_outcomes_are_shown_beside_the_decision(client, camila, daniela, coquimbo, cycle):
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(daniela)
    response = client.post(reverse("results:return", kwargs=CO), {"comment": " "})
    assert response["Location"] == reverse("results:review", kwargs=CO) + "#decision"
    alert = soup(client.get(response["Location"])).select_one("#decision .alert")
    assert ("alert-danger" in alert["class"], alert["role"]) == (True, "alert")
    assert "Escriba el motivo" in text(alert)

    response = client.post(reverse("results:approve", kwargs=CO), {"comment": ""})
    alert = soup(client.get(response["Location"])).select_one("#decision .alert")
    assert ("alert-success" in alert["class"], alert["role"]) == (True, "status")
    assert status(coquimbo) == SubmissionStatus.APPROVED


def test_other_errors_are_danger_alerts_read_at_once(client, camila, coquimbo, cycle):
    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(camila)
    url = reverse("indicators:entry", kwargs={**CO, "product": 1})
    page = soup(client.get(client.post(url, {})["Location"]))
    alert = page.select_one("main .alert-danger")
    assert "no se pueden modificar" in text(alert)
    assert alert["role"] == "alert"


def test_each_workflow_action_asks_for_confirmation_first(client, camila, daniela, coquimbo, cycle):
    """Enviar, Aprobar, Devolver and Reabrir: the submit button is inside a second step (<details>)."""

    def steps(page):
        return {
            details["data-confirm"]: details.select_one("button[type=submit]")
            for details in page.select("details[data-confirm]")
        }

    client.force_login(camila)
    region = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert set(steps(region)) == {"send"}
    assert not [b for b in region.select("#envio form button[type=submit]") if not b.find_parent("details")]

    services.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(daniela)
    review = soup(client.get(reverse("results:review", kwargs=CO)))
    assert set(steps(review)) == {"approve", "return"}
    assert not [b for b in review.select("#decision form button[type=submit]") if not b.find_parent("details")]
    assert review.select_one("#review-comment").has_attr("required")

    services.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    review = soup(client.get(reverse("results:review", kwargs=CO)))
    assert set(steps(review)) == {"reopen"}
    assert review.select_one("#reopen-reason").has_attr("required")
