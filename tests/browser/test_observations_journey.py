"""Issue 12's journey in a real browser: DIPRES observes an indicator from the review page and returns the data;
the analyst sees the bell, opens the notification, answers on the indicator's page; DIPRES resolves and, once
the data comes back, approves; a deadline reminder is read in the analyst's inbox."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from evaluation.models import EvaluationCycle, StageDeadline
from results.services import reminders
from tests.browser.test_journey import CHROMIUM, browser, confirm, login, playwright, send  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]


def test_an_observation_thread_and_a_reminder(browser, live_server, camila, daniela):  # noqa: F811
    expect = playwright.expect
    region_url = f"{live_server.url}/regiones/CL-CO/2012/"

    # A deadline a week away: the reminder command leaves the analyst one notice of what Coquimbo still lacks.
    cycle = EvaluationCycle.objects.get(year=2012)
    StageDeadline.objects.create(
        cycle=cycle, stage=cycle.stage, due_date=timezone.localdate() + datetime.timedelta(days=7)
    )
    reminders.run()
    analyst = login(browser, live_server, "camila")
    expect(analyst.locator("#bell")).to_have_attribute("data-unread", "1")
    analyst.locator("#bell").click()
    reminder = analyst.locator('[data-event="recordatorio"]')
    expect(reminder).to_contain_text("Faltan 7 días para el plazo")
    expect(reminder).to_contain_text("Coquimbo: los datos están listos y aún no se envían a DIPRES.")
    reminder.get_by_role("button", name="Ver").click()
    expect(analyst.locator("h1")).to_contain_text("Pendientes")
    analyst.goto(region_url)
    send(analyst)
    expect(analyst.locator("[data-status]").first).to_have_text("Enviado a revisión")

    # DIPRES observes CO-01's meta from the review page, then returns the data.
    reviewer = login(browser, live_server, "daniela")
    reviewer.goto(f"{region_url}revision/")
    card = reviewer.locator('[data-review-observations="CO-01"]')
    card.locator("summary", has_text="Observar este indicador").click()
    card.get_by_label("Punto de la revisión").select_option(label="Meta coherente con la serie histórica")
    card.get_by_label("Observación").fill("La meta 2012 pide menos que la tendencia 2009–2010.")
    card.get_by_role("button", name="Abrir la observación").click()
    card = reviewer.locator('[data-review-observations="CO-01"]')
    expect(card).to_contain_text("Se abrió la observación sobre CO-01.")
    expect(reviewer.locator("[data-unresolved]")).to_contain_text("1 observación sin resolver")
    reviewer.get_by_label("Observaciones para el analista").fill("Vea la observación de CO-01.")
    confirm(reviewer, "Devolver con observaciones", "Sí, devolver")
    expect(reviewer.locator("[data-status]").first).to_have_text("Devuelto con observaciones")

    # The analyst's bell counts both; she opens the observation and answers it.
    analyst.goto(live_server.url)
    expect(analyst.locator("#bell")).to_have_attribute("data-unread", "2")
    analyst.locator("#bell").click()
    item = analyst.locator('[data-event="observacion"]')
    expect(item).to_contain_text("abrió una observación sobre CO-01")
    item.get_by_role("button", name="Ver").click()
    thread = analyst.locator("[data-observation]")
    expect(thread).to_contain_text("La meta 2012 pide menos que la tendencia 2009–2010.")
    thread.get_by_label("Su respuesta").fill("El 2008 se midió con otro sistema; la tendencia real es 92–93 %.")
    thread.get_by_role("button", name="Enviar respuesta").click()
    expect(analyst.locator("#observaciones")).to_contain_text("Se agregó su respuesta.")
    expect(analyst.locator("[data-observation]")).to_have_attribute("data-status", "respondida")
    expect(analyst.locator("#bell")).to_have_attribute("data-unread", "1")

    # DIPRES reads the answer, resolves it; the analyst sends again and DIPRES approves.
    reviewer.goto(f"{region_url}indicadores/CO-01/")
    expect(reviewer.locator("[data-observation]")).to_contain_text("otro sistema")
    reviewer.get_by_role("button", name="Dar por resuelta").click()
    expect(reviewer.locator("[data-observation]")).to_have_attribute("data-status", "resuelta")
    analyst.goto(region_url)
    send(analyst)
    reviewer.goto(f"{region_url}revision/")
    confirm(reviewer, "Aprobar", "Sí, aprobar")
    expect(reviewer.locator("[data-status]").first).to_have_text("Aprobado")

    # Once approved, Coquimbo lacks nothing: the next reminder day tells her nothing.
    reminders.deadline_reminders_send(today=timezone.localdate() + datetime.timedelta(days=6))
    analyst.goto(f"{live_server.url}/notificaciones/")
    expect(analyst.locator('[data-event="recordatorio"]')).to_have_count(1)
