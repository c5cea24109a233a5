"""Review at the level of an indicator: DIPRES opens an observation, the region answers, either side replies,
DIPRES resolves it; a region is not approved while one is unresolved; the checklist of the formulation; the
indicator's responsible person; and where each shows (indicator page, grid, review page, pendientes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services
from indicators.models import FormulationCheck, Indicator, Observation
from indicators.vocabulary import CheckState, ObservationStatus
from notifications.models import Notification
from notifications.vocabulary import Event
from regions.services import user_upsert
from results.services import workflow
from tests.conftest import PASSWORD
from tests.html import form_data, soup, text

pytestmark = pytest.mark.django_db

CO01 = {"code": "CL-CO", "year": 2012, "indicator": "CO-01"}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


@pytest.fixture
def co01():
    return Indicator.objects.get(code="CO-01")


def test_a_thread_from_observation_to_resolution(client, camila, daniela, bruno, cycle, co01, coquimbo):
    Submission.objects.create(region=coquimbo, cycle=cycle, status=SubmissionStatus.SENT)
    client.force_login(daniela)
    review = soup(client.get(reverse("results:review", kwargs={"code": "CL-CO", "year": 2012})))
    form = form_data(review.select_one('[data-observe="CO-01"]'))
    form |= {"check_item": "coherente", "text": "La meta 2012 pide menos que la tendencia."}
    response = client.post(reverse("indicators:observation_open", kwargs=CO01), form)
    assert response["Location"].endswith("/regiones/CL-CO/2012/revision/#rev-CO-01")
    observation = Observation.objects.get()
    assert (observation.topic, observation.status) == ("ambicion", ObservationStatus.OPEN)
    assert FormulationCheck.objects.get(item="coherente").state == CheckState.OBSERVED
    review = soup(client.get(reverse("results:review", kwargs={"code": "CL-CO", "year": 2012})))
    assert "Se abrió la observación sobre CO-01." in text(review.select_one('[data-review-observations="CO-01"]'))
    assert review.select_one("[data-unresolved='1']")

    # Not approved while it is open: the refusal names it.
    with pytest.raises(ValidationError) as refused:
        workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    assert "CO-01: observación abierta sobre «ambición de la meta»." in refused.value.messages

    # Camila was told, sees it on her pendientes and the indicator's page, and answers.
    assert Notification.objects.get(event=Event.OBSERVATION).recipient == camila
    client.force_login(camila)
    pending = soup(client.get(reverse("results:pending")))
    assert "CO-01 · Ambición de la meta" in text(pending.select_one("[data-observations]"))
    page = soup(client.get(reverse("indicators:indicator", kwargs=CO01)))
    thread = page.select_one(f'[data-observation="{observation.pk}"]')
    assert "La meta 2012 pide menos que la tendencia." in text(thread)
    reply = form_data(thread.select_one("[data-reply-form]")) | {"text": "La serie 2008 tuvo un cambio de sistema."}
    client.post(reverse("indicators:observation_reply", kwargs={**CO01, "pk": observation.pk}), reply)
    observation.refresh_from_db()
    assert observation.status == ObservationStatus.ANSWERED
    assert Notification.objects.filter(event=Event.OBSERVATION, recipient=daniela).exists()
    # A stale form (the thread moved on) is refused and says so beside the thread.
    page = soup(
        client.post(reverse("indicators:observation_reply", kwargs={**CO01, "pk": observation.pk}), reply, follow=True)
    )
    assert "La conversación cambió mientras usted escribía" in text(page.select_one("#observaciones"))
    # Bruno, of another region, can neither read nor answer it.
    client.force_login(bruno)
    assert client.get(reverse("indicators:indicator", kwargs=CO01)).status_code == 403
    assert (
        client.post(reverse("indicators:observation_reply", kwargs={**CO01, "pk": observation.pk}), reply).status_code
        == 403
    )

    # DIPRES resolves it; the region can now be approved.
    with pytest.raises(PermissionDenied):
        services.observation_resolve(user=camila, observation=observation, text="", version=observation.version)
    services.observation_resolve(user=daniela, observation=observation, text="Aclarado.", version=observation.version)
    assert [m.text for m in observation.messages.all()][-1] == "Aclarado."
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    assert Submission.objects.get(region=coquimbo).status == SubmissionStatus.APPROVED
    assert Observation.history.filter(id=observation.pk).count() == 3  # opened, answered, resolved


def test_the_grid_marks_an_observed_indicator(client, camila, daniela, cycle, co01):
    services.observation_open(user=daniela, indicator=co01, cycle=cycle, topic="cifra", text="Revise 2009")
    client.force_login(camila)
    grid = soup(client.get(reverse("indicators:entry", kwargs={"code": "CL-CO", "year": 2012, "product": 1})))
    assert grid.select_one('tbody[data-indicator="CO-01"] [data-observed="1"]')


def test_only_dipres_opens_and_only_on_committed_indicators(camila, daniela, cycle, co01):
    with pytest.raises(PermissionDenied):
        services.observation_open(user=camila, indicator=co01, cycle=cycle, topic="cifra", text="x")
    with pytest.raises(ValidationError, match="Escriba"):
        services.observation_open(user=daniela, indicator=co01, cycle=cycle, topic="cifra", text="   ")
    other = EvaluationCycle.objects.create(year=2013)
    with pytest.raises(ValidationError, match="no está comprometido"):
        services.observation_open(user=daniela, indicator=co01, cycle=other, topic="cifra", text="x")


def test_the_checklist_is_ticked_and_cleared(client, daniela, cycle, co01):
    client.force_login(daniela)
    url = reverse("indicators:formulation_check", kwargs=CO01)
    client.post(url, {"item": "medible", "state": "conforme", "back": "review"})
    assert FormulationCheck.objects.get().state == CheckState.OK
    review = soup(client.get(reverse("results:review", kwargs={"code": "CL-CO", "year": 2012})))
    assert review.select_one('[data-review-observations="CO-01"] [data-check="medible"]')["data-state"] == "conforme"
    client.post(url, {"item": "medible", "state": "", "back": "review"})
    assert not FormulationCheck.objects.exists()


def test_the_responsible_is_an_analyst_of_the_region_and_gets_the_notices(
    client, camila, bruno, daniela, cycle, co01, coquimbo
):
    carla = user_upsert(
        username="carla", password=PASSWORD, first_name="Carla", last_name="Rojas", analyst_of=[coquimbo]
    )
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:indicator", kwargs=CO01)))
    form = form_data(page.select_one("#responsible-form")) | {"responsible": str(carla.pk)}
    client.post(reverse("indicators:responsible_set", kwargs=CO01), form)
    co01.refresh_from_db()
    assert co01.responsible == carla
    assert text(
        soup(client.get(reverse("indicators:indicator", kwargs=CO01))).select_one("[data-responsible]")
    ).startswith("Carla Rojas")
    # Bruno is no analyst of Coquimbo: refused by the service (and the page offers him nobody).
    with pytest.raises(ValidationError):
        services.indicator_responsible_set(user=camila, indicator=co01, responsible=bruno, current_id=carla.pk)
    # A stale choice is refused.
    with pytest.raises(ValidationError, match="Otra persona"):
        services.indicator_responsible_set(user=camila, indicator=co01, responsible=camila, current_id=None)
    services.observation_open(user=daniela, indicator=co01, cycle=cycle, topic="cifra", text="Revise 2009")
    assert [n.recipient for n in Notification.objects.all()] == [carla]
