"""The review journey in a real browser: Debian's Chromium driven by Playwright against a live server.

An analyst enters a year, meets a validation error, fixes it and sends; the reviewer returns it with a
comment; the analyst finds it under «Pendientes», corrects and sends again; the reviewer approves; the
analyst can no longer edit.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("PBR_CHROMIUM", "/usr/bin/chromium"))
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install-dev)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    ),
]


@pytest.fixture
def browser(live_server, monkeypatch):
    """A headless Chromium, closed before the live server stops (its open connections hold DB sessions)."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # Connections opened while Playwright's loop ran live in its context: close them here.
        connections.close_all()


def login(browser, live_server, username):
    page = browser.new_page(locale="es-CL")
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def cell(page, year, kind, part):
    label = f"CO-01 {year} {kind}, {part}"
    return page.get_by_label(label, exact=True)


def confirm(page, first, second):
    """Take a workflow step: its first button opens the question, whose button does it."""
    page.locator("summary", has_text=first).click()
    page.get_by_role("button", name=second).click()


def send(page):
    confirm(page, "Enviar a revisión", "Sí, enviar a DIPRES")


def test_analyst_and_reviewer_journey(browser, live_server, camila, daniela):
    expect = playwright.expect
    region_url = f"{live_server.url}/regiones/CL-CO/2012/"

    # The analyst enters 2011's efectivo, mistypes, is told where, fixes it and saves.
    analyst = login(browser, live_server, "camila")
    analyst.goto(region_url)
    analyst.get_by_role("link", name="Ingresar datos").click()
    cell(analyst, 2011, "Efectivo", "numerador").fill("abc")
    cell(analyst, 2011, "Efectivo", "denominador").fill("263")
    analyst.get_by_role("button", name="Guardar").click()
    expect(analyst.locator("#errores")).to_contain_text("no se guardó nada")
    expect(analyst.locator(".invalid-feedback").first).to_contain_text("Escriba un número")
    cell(analyst, 2011, "Efectivo", "numerador").fill("250")
    expect(analyst.locator("output").nth(3)).to_have_text("95\u00a0%")  # computed as she types
    analyst.get_by_role("button", name="Guardar").click()
    expect(analyst.locator(".alert-success")).to_contain_text("Se guardó 1 valor.")

    analyst.goto(region_url)
    send(analyst)
    expect(analyst.locator("[data-status]").first).to_have_text("Enviado a revisión")

    # The reviewer opens the review from the region's page and returns it with a comment.
    reviewer = login(browser, live_server, "daniela")
    reviewer.goto(region_url)
    reviewer.get_by_role("link", name="Revisar el envío").click()
    expect(reviewer.locator("article[data-indicator=CO-01] [data-kind=actual]")).to_have_text("—")
    reviewer.get_by_label("Observaciones para el analista").fill("El efectivo 2011 no coincide con el informe.")
    confirm(reviewer, "Devolver con observaciones", "Sí, devolver")
    expect(reviewer.locator("[data-status]").first).to_have_text("Devuelto con observaciones")
    expect(reviewer.locator("#decision .alert-success")).to_contain_text("Se devolvieron los datos")

    # The analyst finds it under Pendientes, corrects and sends again.
    analyst.goto(live_server.url)
    analyst.get_by_role("link", name="Pendientes").click()
    expect(analyst.locator("[data-returned]")).to_contain_text("El efectivo 2011 no coincide con el informe.")
    analyst.goto(f"{region_url}ingreso/1/")
    cell(analyst, 2011, "Efectivo", "numerador").fill("251")
    analyst.get_by_role("button", name="Guardar").click()
    expect(analyst.locator(".alert-success")).to_be_visible()
    analyst.goto(region_url)
    send(analyst)
    expect(analyst.locator("[data-status]").first).to_have_text("Enviado a revisión")

    # The reviewer approves.
    reviewer.goto(f"{region_url}revision/")
    confirm(reviewer, "Aprobar", "Sí, aprobar")
    expect(reviewer.locator("[data-status]").first).to_have_text("Aprobado")

    # The analyst can no longer edit.
    analyst.goto(region_url)
    expect(analyst.get_by_role("link", name="Ingresar datos")).to_have_count(0)
    analyst.goto(f"{region_url}ingreso/1/")
    expect(analyst.get_by_text("se muestran sin poder modificarse")).to_be_visible()
    expect(analyst.locator("input[name$='_n']")).to_have_count(0)
    assert re.search(r"251", analyst.locator("#entry-grid").inner_text())
