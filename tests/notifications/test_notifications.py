"""Notifications: each step of the workflow and DIPRES's decisions reach the right people, in-app at once and
by mail once the transaction commits, in each person's language and by their preference; a failing mail never
fails the action and is tried again; nobody hears of a region they may not see."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from post_office import mail as post_office_mail
from post_office.models import STATUS, Email

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import Indicator
from notifications import services
from notifications.models import Notification
from notifications.vocabulary import Delivery, Event, MailState
from regions.services import user_upsert
from results.services import workflow
from tests.conftest import PASSWORD
from tests.html import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(camila, bruno, daniela, ana):
    for person, address in [
        (camila, "camila@gore-coquimbo.cl"),
        (bruno, "bruno@gorebiobio.cl"),
        (daniela, "daniela@dipres.cl"),
    ]:
        person.email = address
        person.save()
    return {"camila": camila, "bruno": bruno, "daniela": daniela, "ana": ana}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


def sent(region, cycle):
    Submission.objects.update_or_create(region=region, cycle=cycle, defaults={"status": SubmissionStatus.SENT})


def test_a_return_tells_the_regions_analysts_in_app_and_by_mail_after_the_commit(
    people, cycle, coquimbo, django_capture_on_commit_callbacks
):
    sent(coquimbo, cycle)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submission_return(user=people["daniela"], region=coquimbo, cycle=cycle, comment="Revisar 2010")
    notice = Notification.objects.get()
    assert (notice.recipient, notice.event, notice.params) == (
        people["camila"],
        Event.RETURNED,
        {"comment": "Revisar 2010"},
    )
    assert notice.path == "/regiones/CL-CO/2012/"
    assert not django_mail.outbox  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [message] = django_mail.outbox
    assert message.to == ["camila@gore-coquimbo.cl"]
    assert message.subject == "[PbR GORE] DIPRES devolvió los datos 2012 de Coquimbo con observaciones."
    assert "«Revisar 2010»" in message.body
    assert "http://127.0.0.1:8000/regiones/CL-CO/2012/" in message.body
    assert Email.objects.get().status == STATUS.sent  # logged in the outbox


def test_a_sending_tells_dipres_and_nobody_else(people, cycle, coquimbo, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch.object(workflow, "submission_problems", return_value=[]),
    ):
        workflow.submission_send(user=people["camila"], region=coquimbo, cycle=cycle)
    assert [n.recipient for n in Notification.objects.all()] == [people["daniela"]]
    assert [m.to for m in django_mail.outbox] == [["daniela@dipres.cl"]]
    assert "Coquimbo envió sus datos 2012 a revisión." in django_mail.outbox[0].subject


def test_a_rolled_back_action_tells_nobody(people, cycle, coquimbo, django_capture_on_commit_callbacks):
    sent(coquimbo, cycle)

    def approve_then_fail() -> None:
        with transaction.atomic():
            workflow.submission_approve(user=people["daniela"], region=coquimbo, cycle=cycle)
            raise RuntimeError("after the approval, before the commit")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        approve_then_fail()
    assert not Notification.objects.exists()
    assert not django_mail.outbox


def test_each_person_hears_in_their_language(people, cycle, coquimbo, django_capture_on_commit_callbacks):
    services.language_save(user=people["camila"], language="en")
    sent(coquimbo, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_approve(user=people["daniela"], region=coquimbo, cycle=cycle, comment="Muy bien")
    assert django_mail.outbox[0].subject == "[PbR GORE] DIPRES approved the 2012 data of Coquimbo."


def test_the_language_chosen_in_the_switcher_is_kept_for_mails(client, people):
    client.force_login(people["camila"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    from notifications.selectors import language_of

    assert language_of(people["camila"]) == "en"


def test_preferences_decide_the_mail_never_the_bell(
    client, people, cycle, coquimbo, django_capture_on_commit_callbacks
):
    client.force_login(people["camila"])
    form = {"language": "es-cl", **{event.value: Delivery.IMMEDIATE for event in Event}}
    form[Event.RETURNED] = Delivery.OFF
    form[Event.REOPENED] = Delivery.DIGEST
    assert client.post(reverse("notifications:preferences"), form).status_code == 302
    sent(coquimbo, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_return(user=people["daniela"], region=coquimbo, cycle=cycle, comment="x")
    assert Notification.objects.get().mail == MailState.NONE
    assert not django_mail.outbox
    Submission.objects.filter(region=coquimbo).update(status=SubmissionStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submission_reopen(user=people["daniela"], region=coquimbo, cycle=cycle, reason="Corrección")
    assert Notification.objects.get(event=Event.REOPENED).mail == MailState.PENDING_DIGEST
    assert not django_mail.outbox
    page = soup(client.get(reverse("notifications:list")))
    assert len(page.select("#notifications [data-unread]")) == 2  # both under the bell
    bad = soup(client.post(reverse("notifications:preferences"), {**form, "language": "xx"}), 400)
    assert "No se guardó nada" in text(bad)


def test_a_failing_mail_never_fails_the_action_and_is_tried_again(
    people, cycle, coquimbo, django_capture_on_commit_callbacks, settings
):
    sent(coquimbo, cycle)
    with (  # the callbacks run when their block ends: inside the failing server's
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("smtp down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.submission_return(user=people["daniela"], region=coquimbo, cycle=cycle, comment="x")
    assert Submission.objects.get(region=coquimbo).status == SubmissionStatus.RETURNED
    email = Email.objects.get()
    assert email.status == STATUS.requeued
    assert email.logs.get().message == "smtp down"
    Email.objects.update(scheduled_time=None)  # its retry is due
    post_office_mail.send_queued(processes=1)  # what `manage.py send_reminders` runs
    assert Email.objects.get().status == STATUS.sent
    assert len(django_mail.outbox) == 1


def test_an_external_cause_decision_goes_to_the_indicators_responsible(
    people, cycle, coquimbo, django_capture_on_commit_callbacks
):
    colleague = user_upsert(username="carla", password=PASSWORD, first_name="Carla", analyst_of=[coquimbo])
    indicator = Indicator.objects.get(code="CO-01")
    analysis = indicator_services.result_analysis_save(
        user=people["camila"], indicator=indicator, cycle=cycle, causes="Paro", external_causes=True,
        overachievement_justification="",
    )  # fmt: skip
    Indicator.objects.filter(pk=indicator.pk).update(responsible=colleague)
    sent(coquimbo, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        indicator_services.result_analysis_decide(user=people["daniela"], analysis=analysis, accepted=True)
    notice = Notification.objects.get()
    assert notice.recipient == colleague
    assert notice.path == "/regiones/CL-CO/2012/indicadores/CO-01/"


def test_nobody_hears_of_a_region_they_may_not_see(people, cycle, coquimbo):
    notices = services.notify(
        event=Event.RETURNED,
        recipients=[people["camila"], people["bruno"]],
        path="/regiones/CL-CO/2012/",
        region=coquimbo,
        cycle=cycle,
        actor=people["daniela"],
    )
    assert [n.recipient for n in notices] == [people["camila"]]


def test_the_bell_counts_and_the_list_opens_and_reads(client, people, cycle, coquimbo):
    for comment in ("uno", "dos"):
        services.notify(event=Event.RETURNED, recipients=[people["camila"]], path="/pendientes/", region=coquimbo,
                        cycle=cycle, actor=people["daniela"], params={"comment": comment})  # fmt: skip
    client.force_login(people["camila"])
    home = soup(client.get("/"))
    assert home.select_one("#bell")["data-unread"] == "2"
    first = Notification.objects.order_by("pk").first()
    response = client.post(reverse("notifications:open", kwargs={"pk": first.pk}))
    assert response.status_code == 302
    assert response["Location"] == "/pendientes/"
    assert soup(client.get("/")).select_one("#bell")["data-unread"] == "1"
    page = soup(client.get(reverse("notifications:list")))
    assert "DIPRES devolvió los datos 2012 de Coquimbo con observaciones." in text(page)
    assert "«dos»" in text(page)
    # Another person's notification is not found, and reading it changes nothing.
    client.force_login(people["bruno"])
    assert client.post(reverse("notifications:open", kwargs={"pk": first.pk})).status_code == 404
    client.force_login(people["camila"])
    client.post(reverse("notifications:read_all"))
    assert soup(client.get("/")).select_one("#bell")["data-unread"] == "0"


def test_the_bell_costs_one_query_at_most(client, people, settings):
    settings.CACHE_IS_SHARED = False
    client.force_login(people["camila"])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:preferences"))
    assert sum('"notifications_notification"' in q["sql"] for q in queries.captured_queries) == 1
    settings.CACHE_IS_SHARED = True
    client.get(reverse("notifications:preferences"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:preferences"))
    assert not any('"notifications_notification"' in q["sql"] for q in queries.captured_queries)


def test_the_regions_head_follows_its_state_and_changes_nothing(client, people, hector, cycle, coquimbo):
    sent(coquimbo, cycle)
    workflow.submission_return(user=people["daniela"], region=coquimbo, cycle=cycle, comment="Revisar 2010")
    assert {n.recipient.username for n in Notification.objects.all()} == {"camila", "hector"}
    client.force_login(hector)
    assert client.get(reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})).status_code == 200
    assert client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})).status_code == 200
    assert (
        client.get(reverse("indicators:entry", kwargs={"code": "CL-CO", "year": 2012, "product": 1})).status_code == 403
    )
    assert client.get(reverse("indicators:region", kwargs={"code": "CL-BI", "year": 2012})).status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.submission_send(user=hector, region=coquimbo, cycle=cycle)
