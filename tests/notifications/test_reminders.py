"""`manage.py send_reminders` across a deadline, with the clock frozen at each day: one reminder per analyst on
each reminder day reached, with what their regions lack (never an empty one), nothing twice; commitments
falling due and overdue; daily digests from their hour on; mails that failed tried again."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.management import call_command

from evaluation.models import EvaluationCycle, Stage, StageDeadline, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import Indicator
from notifications import services as notification_services
from notifications.models import Notification
from notifications.vocabulary import Delivery, Event, MailState

pytestmark = pytest.mark.django_db(transaction=True)

SANTIAGO = ZoneInfo("America/Santiago")
DEADLINE = datetime.date(2027, 1, 15)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SANTIAGO), tick=False)


def run() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def people(camila, bruno):
    camila.email, bruno.email = "camila@gore-coquimbo.cl", "bruno@gorebiobio.cl"
    camila.save()
    bruno.save()
    cycle = EvaluationCycle.objects.get(year=2012)
    assert cycle.stage == Stage.APPROVAL
    StageDeadline.objects.create(cycle=cycle, stage=Stage.APPROVAL, due_date=DEADLINE)
    return camila, bruno


def reminders(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, event=Event.REMINDER).order_by("pk"))


def test_reminders_across_a_deadline(people, coquimbo):
    camila, bruno = people
    with at(DEADLINE - datetime.timedelta(days=8)):
        assert "Recordatorios: 0" in run()  # before the first reminder day (7 days before)
    with at(DEADLINE - datetime.timedelta(days=7)):
        assert "Recordatorios: 2" in run()
        assert "Recordatorios: 0" in run()  # twice the same day: nothing twice
    [first] = reminders(camila)
    assert first.params["days"] == 7
    assert first.params["lines"]["es-cl"] == ["Coquimbo: los datos están listos y aún no se envían a DIPRES."]
    assert first.path == "/pendientes/"
    assert [m.subject for m in django_mail.outbox] == [
        "[PbR GORE] Faltan 7 días para el plazo del 15-01-2027 (ciclo 2012)."
    ] * 2
    assert sorted(m.to[0] for m in django_mail.outbox) == ["bruno@gorebiobio.cl", "camila@gore-coquimbo.cl"]

    # Coquimbo sends: it lacks nothing, so Camila hears nothing more; Bruno still does.
    Submission.objects.create(
        region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012), status=SubmissionStatus.SENT
    )
    with at(DEADLINE - datetime.timedelta(days=1)):
        run()
    assert len(reminders(camila)) == 1
    assert len(reminders(bruno)) == 2
    # A day missed by cron is covered by the next run, once: the day after the deadline.
    with at(DEADLINE + datetime.timedelta(days=3)):
        run()
        run()
    late = reminders(bruno)[-1]
    assert late.params["days"] == -3  # the days really passed, not the reminder day's 1
    assert len(reminders(bruno)) == 3
    notification_services.language_save(user=bruno, language="en")
    with at(DEADLINE + datetime.timedelta(days=7)):
        run()
    assert django_mail.outbox[-1].subject == "[PbR GORE] The deadline of 01/15/2027 passed 7 days ago (2012 cycle)."


def test_a_digest_gathers_what_a_person_chose_to_receive_once_a_day(people):
    camila, _bruno = people
    notification_services.preferences_save(user=camila, deliveries={Event.REMINDER: Delivery.DIGEST})
    with at(DEADLINE - datetime.timedelta(days=7), hour=6):
        run()
    assert reminders(camila)[0].mail == MailState.PENDING_DIGEST
    assert not [m for m in django_mail.outbox if camila.email in m.to]  # before the digest's hour
    with at(DEADLINE - datetime.timedelta(days=7), hour=8):
        run()
        run()
    [digest] = [m for m in django_mail.outbox if camila.email in m.to]
    assert digest.subject == "[PbR GORE] Resumen diario: 1 aviso"
    assert "Coquimbo: los datos están listos y aún no se envían a DIPRES." in digest.body
    assert reminders(camila)[0].mail == MailState.QUEUED


def test_commitments_are_announced_when_falling_due_and_when_overdue(people):
    camila, _bruno = people
    cycle = EvaluationCycle.objects.get(year=2012)
    due = datetime.date(2027, 3, 31)
    with at(datetime.date(2027, 3, 1)):
        indicator_services.improvement_commitment_add(
            user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle,
            description="Responder en 3 días", owner="Jefa DAF", due_date=due,
        )  # fmt: skip
        assert "avisos de compromisos: 0" in run()  # not yet within a week of its date
    with at(due - datetime.timedelta(days=5)):
        assert "avisos de compromisos: 1" in run()
        assert "avisos de compromisos: 0" in run()
    with at(due + datetime.timedelta(days=1)):
        assert "avisos de compromisos: 1" in run()
    notices = Notification.objects.filter(recipient=camila, event=Event.COMMITMENT_DUE).order_by("pk")
    assert [n.params["overdue"] for n in notices] == [False, True]
