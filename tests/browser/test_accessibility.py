"""Accessibility of the main pages: axe-core (WCAG 2 A and AA rules) finds no serious or critical
violation, and a person can enter data with the keyboard alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("PBR_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install-dev)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    ),
]

PAGES = [
    "/",
    "/regiones/CL-CO/2012/",
    "/regiones/CL-CO/2012/ingreso/1/",
    "/regiones/CL-CO/2012/indicadores/CO-01/",
    "/regiones/CL-CO/2012/tablero/",
    "/regiones/CL-CO/2012/planilla/",
    "/regiones/CL-CO/2012/definiciones/",
    "/pendientes/",
    "/notificaciones/",
    "/notificaciones/preferencias/",
    "/nacional/2012/",
    "/revision/",
    "/regiones/CL-CO/2012/revision/",
    "/regiones/CL-CO/2012/informe/",
]


@pytest.fixture
def page(live_server, monkeypatch, ana):
    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        # The audit script is injected into the page, which our own CSP rightly forbids.
        context = browser.new_context(bypass_csp=True, locale="es-CL")
        page = context.new_page()
        page.goto(f"{live_server.url}/cuenta/ingresar/")
        assert audit(page, "/cuenta/ingresar/") == []
        page.get_by_label("Nombre de usuario").fill("ana")
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Ingresar").click()
        page.wait_for_url(f"{live_server.url}/")
        yield page
        browser.close()
        connections.close_all()


def audit(page, path):
    page.add_script_tag(path=str(AXE))
    rules = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
    results = page.evaluate(f"async () => await axe.run(document, {rules})")
    serious = [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return serious


def test_main_pages_have_no_serious_accessibility_violation(page, live_server):
    problems = []
    for path in PAGES:
        page.goto(live_server.url + path)
        problems += audit(page, path)
    assert problems == [], "\n".join(problems)


def test_data_entry_by_keyboard_alone(page, live_server):
    expect = playwright.expect
    page.goto(f"{live_server.url}/regiones/CL-CO/2012/ingreso/1/")
    first = page.get_by_label("CO-01 2008 Efectivo, numerador", exact=True)
    first.focus()
    first.press("Control+a")
    page.keyboard.type("150")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator(".alert-success")).to_contain_text("Se guardó 1 valor.")
    # Tab moves along the row of numerators, as a person reads the grid.
    page.get_by_label("CO-01 2008 Efectivo, numerador", exact=True).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "CO-01 2009 Efectivo, numerador"
