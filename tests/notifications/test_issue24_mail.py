"""Issue 24, the mails: without a mail server each mail is a file of its own in MAIL_DIR whatever DEBUG says,
and `send_reminders` counts what it sent; links start with SITE_URL, which `make run` takes from its host and
port; reminders count the days from today in Chile, with plurals; heads of region hear when their region
sends; a commitment cannot be due in the past; «a tiempo» is judged by the stage's deadline the reminders
use; a person's language is one choice (the switcher's), kept at each sign-in, which the mails follow unless
they are set apart."""

from __future__ import annotations

import csv
import datetime
import email
import io
import os
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.management import call_command
from django.urls import reverse
from post_office import mail as post_office_mail
from rest_framework.test import APIClient

from evaluation.models import EvaluationCycle, Stage, StageDeadline
from indicators import services as indicator_services
from indicators.models import CommitmentStatus, ImprovementCommitment, Indicator
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Notification
from notifications.vocabulary import Delivery, Event
from programs import services as program_services
from programs.models import EvaluationLine
from results.models import StoredRegionResult
from results.selectors.outcomes import cycle_results
from results.services import workflow
from tests.conftest import PASSWORD
from tests.html import soup, text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# 00:30 UTC on 8 December is still 7 December in Chile (21:30, UTC-3): the day the reminders count from.
NOW = datetime.datetime(2026, 12, 8, 0, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 7)


def frozen(moment: datetime.datetime = NOW):
    return time_machine.travel(moment, tick=False)


def chile(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour + 3, tzinfo=datetime.UTC)  # UTC-3 in December


@pytest.fixture
def cycle() -> EvaluationCycle:
    found = EvaluationCycle.objects.get(year=2012)
    assert found.stage == Stage.APPROVAL
    return found


@pytest.fixture
def mailed(camila, bruno):
    camila.email, bruno.email = "camila@gore-coquimbo.cl", "bruno@gorebiobio.cl"
    camila.save()
    bruno.save()
    return camila, bruno


def deadline_on(cycle: EvaluationCycle, day: datetime.date) -> StageDeadline:
    return StageDeadline.objects.update_or_create(cycle=cycle, stage=cycle.stage, defaults={"due_date": day})[0]


def run_reminders() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


# Point 5 and 6: where mails go without a server, one file each.


def settings_of(**env: str) -> str:
    """Return EMAIL_BACKEND and EMAIL_FILE_PATH as the settings compute them in a process with that environment
    (nothing of a mail server in it)."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DJANGO_"))}
    code = "from pbr import settings as s; print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_FILE_PATH', ''))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "PBR_ALLOW_INSECURE_KEY": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_without_a_mail_server_mails_are_files_in_mail_dir_whatever_debug_says(tmp_path):
    folder = str(tmp_path / "correos")
    for debug in ("0", "1"):
        assert settings_of(DEBUG=debug, MAIL_DIR=folder) == f"core.mail.EmailBackend {folder}"
    assert settings_of(DEBUG="0", EMAIL_URL="console://").startswith("django.core.mail.backends.console.")
    assert settings_of(DEBUG="1", EMAIL_HOST="smtp.example.cl").startswith("django.core.mail.backends.smtp.")


def test_each_mail_is_a_file_of_its_own(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    connection = get_connection()
    connection.open()
    messages = [EmailMessage(f"Aviso {n}", f"Cuerpo {n}", to=[f"p{n}@example.cl"]) for n in range(3)]
    assert connection.send_messages(messages[:2]) == 2
    assert connection.send_messages(messages[2:]) == 1  # the same connection, a later batch
    connection.close()
    for n in range(3, 6):  # through the outbox, which keeps its connection between mails
        post_office_mail.send(f"p{n}@example.cl", "pbr@example.cl", subject=f"Aviso {n}", message="x")
    post_office_mail.send_queued(processes=1)
    files = sorted(tmp_path.iterdir())
    assert len(files) == 6  # nothing else: no empty file from opening, no partial one
    parsed = [email.message_from_bytes(path.read_bytes()) for path in files]
    assert sorted(subject(message) for message in parsed) == [f"Aviso {n}" for n in range(6)]
    assert all(
        path.read_bytes().count(b"\nSubject: ") + path.read_bytes().startswith(b"Subject: ") <= 1 for path in files
    )
    assert all(path.suffix == ".log" for path in files)


@pytest.mark.django_db(transaction=True)
def test_send_reminders_writes_each_mail_to_mail_dir_and_counts_what_it_sent(settings, tmp_path, mailed):
    settings.EMAIL_BACKEND = "core.mail.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8100"
    deadline_on(EvaluationCycle.objects.get(year=2012), TODAY + datetime.timedelta(days=7))
    with frozen():
        out = run_reminders()
        again = run_reminders()
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2  # Camila's and Bruno's reminders
    assert "Recordatorios: 2" in out
    assert "correos enviados: 2, fallidos: 0" in out
    assert "correos enviados: 0, fallidos: 0" in again  # nothing twice
    assert f"cada correo queda como un archivo en {tmp_path}" in out
    bodies = [email.message_from_bytes(path.read_bytes()).get_payload(decode=True).decode() for path in files]
    assert all("http://127.0.0.1:8100/pendientes/" in body for body in bodies)


# Point 4: the links start with the address the app is served on.


def test_make_run_gives_the_mails_the_address_it_serves_on():
    done = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8100"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    steps = [line for line in done.stdout.splitlines() if "runserver" in line or "load_demo" in line]
    assert len(steps) == 2
    assert all("SITE_URL=${SITE_URL:-http://127.0.0.1:8100}" in line for line in steps)


def test_links_in_mails_start_with_site_url_never_the_request_host(
    client, settings, camila, daniela, coquimbo, cycle, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://pbr.gore.cl"
    settings.ALLOWED_HOSTS = ["*"]
    daniela.email = "daniela@dipres.cl"
    daniela.save()
    client.force_login(camila)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:send", kwargs={"code": "CL-CO", "year": 2012}), HTTP_HOST="evil.example"
        )
    assert response.status_code == 302
    [message] = django_mail.outbox
    review = reverse("results:review", kwargs={"code": "CL-CO", "year": 2012})
    assert f"https://pbr.gore.cl{review}" in message.body
    assert "evil.example" not in message.body


# Point 6: the days of a reminder, from today in Chile, with plurals.


@pytest.mark.parametrize(
    ("deadline", "title"),
    [
        (datetime.date(2026, 12, 10), "Faltan 3 días para el plazo del 10-12-2026 (ciclo 2012)."),
        (datetime.date(2026, 12, 8), "Falta 1 día para el plazo del 08-12-2026 (ciclo 2012)."),
        (datetime.date(2026, 12, 6), "El plazo del 06-12-2026 venció hace 1 día (ciclo 2012)."),
        # cron missed the day after: the next run says how many days have really passed
        (datetime.date(2026, 12, 4), "El plazo del 04-12-2026 venció hace 3 días (ciclo 2012)."),
    ],
)
def test_a_reminder_counts_the_days_from_today_in_chile(
    mailed, cycle, deadline, title, django_capture_on_commit_callbacks
):
    deadline_on(cycle, deadline)
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        run_reminders()
    camila_mail = next(message for message in django_mail.outbox if message.to == ["camila@gore-coquimbo.cl"])
    assert camila_mail.subject == f"[PbR GORE] {title}"


def test_open_commitments_say_how_many_are_overdue_in_words(mailed, cycle, django_capture_on_commit_callbacks):
    indicator = Indicator.objects.get(code="CO-01")
    for due in (datetime.date(2026, 12, 1), datetime.date(2027, 3, 1)):
        ImprovementCommitment.objects.create(
            indicator=indicator, cycle=cycle, description="Plan", owner="DAF", due_date=due,
            status=CommitmentStatus.PENDING,
        )  # fmt: skip
    deadline_on(cycle, datetime.date(2026, 12, 14))
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        run_reminders()
    [reminder] = Notification.objects.filter(recipient=mailed[0], event=Event.REMINDER)
    assert "Coquimbo: 2 compromisos abiertos (1 vencido)." in reminder.params["lines"]["es-cl"]


# Point 20: a reminder reads in the language it is shown or mailed in.


def test_a_reminders_lines_are_in_the_language_it_is_mailed_in(mailed, cycle, django_capture_on_commit_callbacks):
    camila = mailed[0]
    notification_services.preferences_save(user=camila, deliveries={Event.REMINDER: Delivery.DIGEST})
    deadline_on(cycle, datetime.date(2026, 12, 14))
    with frozen(chile(TODAY, 6)), django_capture_on_commit_callbacks(execute=True):
        run_reminders()  # made in the morning, while her mails are in Spanish; the digest goes from 7
    notification_services.language_save(user=camila, language="en")
    with frozen(chile(TODAY, 8)), django_capture_on_commit_callbacks(execute=True):
        run_reminders()
    [digest] = [message for message in django_mail.outbox if message.to == [camila.email]]
    assert "Coquimbo: the data are ready and not yet sent to DIPRES." in digest.body
    assert "los datos están listos" not in digest.body


# Point 20: one language per person, kept at each sign-in; the mails follow it unless set apart.


def test_the_language_chosen_in_the_switcher_comes_back_at_the_next_sign_in(client, camila):
    client.force_login(camila)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.logout()
    client.cookies.clear()  # the browser closed: its session's cookies are gone
    response = client.post(reverse("login"), {"username": "camila", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(reverse("home"), follow=True).headers["Content-Language"] == "en"


def test_a_language_chosen_on_the_login_page_becomes_the_persons(client, camila):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    client.post(reverse("login"), {"username": "camila", "password": PASSWORD})
    assert notification_selectors.person_languages(camila).interface == "en"
    assert notification_selectors.language_of(camila) == "en"


def test_mails_follow_the_interface_unless_the_person_sets_them_apart(client, camila):
    client.force_login(camila)
    form = {"language": "", **{event.value: Delivery.IMMEDIATE for event in Event}}
    page = text(soup(client.get(reverse("notifications:preferences"))).select_one("[data-mail-language]"))
    assert "Sus correos le llegan en Español (Chile) , el idioma de la interfaz" in page
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Your mails will also" in text(soup(switched)) or "también le llegarán en English" in text(soup(switched))
    assert notification_selectors.language_of(camila) == "en"  # they follow the interface
    assert client.post(reverse("notifications:preferences"), {**form, "language": "es-cl"}).status_code == 302
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "es-cl", "next": "/"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert notification_selectors.language_of(camila) == "es-cl"  # set apart: the switcher leaves them alone
    assert notification_selectors.person_languages(camila).interface == "en"
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es-cl"
    page = text(soup(client.get(reverse("notifications:preferences"))).select_one("[data-mail-language]"))
    assert "Sus correos le llegan en Español (Chile) , el idioma que eligió para ellos abajo." in page
    assert client.post(reverse("notifications:preferences"), form).status_code == 302  # back to the interface's
    assert notification_selectors.language_of(camila) == "en"


# Point 7: heads of region are the GORE's management: they hear when their region sends.


def test_heads_hear_when_their_region_sends_its_data(camila, hector, daniela, coquimbo, cycle):
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    told = {n.recipient_id: n for n in Notification.objects.filter(event=Event.SENT)}
    assert set(told) == {hector.pk, daniela.pk}  # not the analyst who sent
    assert told[hector.pk].path == reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})
    assert told[daniela.pk].path == reverse("results:review", kwargs={"code": "CL-CO", "year": 2012})


# Point 16: a commitment is due today or later (Chile's today), through every way of making one.


def test_a_commitment_cannot_be_due_in_the_past(client, camila, coquimbo, cycle):
    indicator = Indicator.objects.get(code="CO-01")
    made = {"user": camila, "indicator": indicator, "cycle": cycle, "description": "Plan", "owner": "DAF"}
    with frozen():
        with pytest.raises(ValidationError) as refused:
            indicator_services.improvement_commitment_add(**made, due_date=datetime.date(2026, 12, 6))
        assert list(refused.value.message_dict) == ["due_date"]
        indicator_services.improvement_commitment_add(**made, due_date=TODAY)  # today in Chile (8 Dec in UTC)
        api = APIClient()
        api.force_authenticate(camila)
        body = {"region": "CL-CO", "cycle": 2012, "indicator": "CO-01", "description": "x", "owner": "y"}
        answer = api.post(reverse("api:commitment-list"), {**body, "due_date": "2026-12-06"}, format="json")
        assert answer.status_code == 400
        assert "due_date" in answer.json()["fields"]
        client.force_login(camila)
        page_url = reverse("indicators:commitment_add", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"})
        page = soup(client.post(page_url, {"description": "x", "owner": "y", "due_date": "2026-12-06"}), 400)
        assert "ya pasó" in text(page.select_one("#commitment-due_date").find_parent("div"))
    assert ImprovementCommitment.objects.filter(indicator=indicator).count() == 1


def test_an_institutional_commitment_keeps_a_past_date_it_had_but_takes_no_new_one(daniela, coquimbo, cycle):
    data = program_services.EvaluationInput(
        line=EvaluationLine.objects.get(code="epg"), program="Programa de Fomento", evaluator="Panel"
    )
    evaluation = program_services.evaluation_save(user=daniela, region=coquimbo, cycle=cycle, data=data)
    agreed = {"user": daniela, "description": "Rediseñar", "owner": "DIPLAN"}
    with frozen():
        with pytest.raises(ValidationError):
            program_services.institutional_commitment_add(
                evaluation=evaluation, **agreed, due_date=TODAY - datetime.timedelta(days=1)
            )
        commitment = program_services.institutional_commitment_add(evaluation=evaluation, **agreed, due_date=TODAY)
    with frozen(NOW + datetime.timedelta(days=30)):
        program_services.institutional_commitment_change(
            commitment=commitment, **{**agreed, "owner": "DAF"}, due_date=TODAY
        )
        with pytest.raises(ValidationError) as refused:
            program_services.institutional_commitment_change(
                commitment=commitment, **agreed, due_date=TODAY + datetime.timedelta(days=1)
            )
        assert "due_date" in refused.value.message_dict


# Point 17: «a tiempo», by the deadline the reminders use, stored when computed and read without writing.


def national_csv(client) -> dict[str, str]:
    """Return {region: its «A tiempo»} from the national ranking's CSV."""
    response = client.get(reverse("results:national_csv", kwargs={"year": 2012}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = next(row for row in rows if "A tiempo" in row)
    region, on_time = header.index("Región"), header.index("A tiempo")
    return {row[region]: row[on_time] for row in rows[rows.index(header) + 1 :] if len(row) == len(header)}


def test_on_time_is_judged_by_the_stage_deadline(client, camila, daniela, coquimbo, cycle):
    client.force_login(daniela)
    assert set(national_csv(client).values()) == {"—"}  # no deadline set
    deadline = deadline_on(cycle, datetime.date(2026, 12, 10))
    with frozen():
        workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
        assert national_csv(client) == {"Antofagasta": "—", "Coquimbo": "sí", "Biobío": "—"}  # the others not due yet
        page = text(soup(client.get(reverse("results:national", kwargs={"year": 2012}))))
        assert "plazo de envío 10-12-2026" in page
    stored = list(StoredRegionResult.objects.order_by("pk").values_list("pk", "summary"))
    with frozen(NOW + datetime.timedelta(days=5)):  # the deadline passed: who never sent is late, read as such
        by_code = {result.region_code: result.sent_on_time for result in cycle_results(cycle=cycle)}
        assert by_code == {"CL-AN": False, "CL-CO": True, "CL-BI": False}
        assert list(StoredRegionResult.objects.order_by("pk").values_list("pk", "summary")) == stored  # no write
        client.force_login(daniela)  # her session of five days ago expired
        assert national_csv(client) == {"Antofagasta": "no", "Coquimbo": "sí", "Biobío": "no"}
        deadline.due_date = datetime.date(2026, 12, 1)  # moved before Coquimbo sent: it sent late
        deadline.save()
        assert national_csv(client)["Coquimbo"] == "no"


def test_pendientes_shows_the_deadline_the_reminders_use(client, camila, cycle):
    deadline_on(cycle, datetime.date(2026, 12, 10))
    client.force_login(camila)
    section = soup(client.get(reverse("results:pending"))).select_one('[data-region="CL-CO"]')
    assert text(section.select_one("[data-deadline]")) == "Plazo: 10-12-2026"
