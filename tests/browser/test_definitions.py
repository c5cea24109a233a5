"""The definiciones estratégicas in a real browser: Coquimbo's analyst writes the misión, adds an objective
served by her product, mistypes a medium-term target and reads why beside the field, corrects it and sees the
check against the cycle's meta; DIPRES links the objective to an axis."""

from __future__ import annotations

import pytest

from indicators.models import PriorityAxis
from tests.browser.test_journey import CHROMIUM, browser, login, playwright  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]


def test_an_analyst_formulates_and_dipres_links_an_axis(browser, live_server, camila, daniela):  # noqa: F811
    expect = playwright.expect
    PriorityAxis.objects.create(code="descentralizacion", name="Descentralización", name_en="Decentralisation")
    analyst = login(browser, live_server, "camila")
    analyst.goto(f"{live_server.url}/regiones/CL-CO/2012/")
    analyst.get_by_role("link", name="Definiciones estratégicas").click()
    expect(analyst.locator("h1")).to_contain_text("Definiciones estratégicas")

    analyst.locator("summary", has_text="Escribir la misión").click()
    analyst.get_by_role("textbox", name="Misión institucional").fill("Acercar el Gobierno Regional a la ciudadanía.")
    analyst.get_by_role("button", name="Guardar la misión").click()
    expect(analyst.get_by_text("Se guardó la misión.")).to_be_visible()
    expect(analyst.locator("[data-mission]")).to_have_text("Acercar el Gobierno Regional a la ciudadanía.")

    form = analyst.locator("#objective-form-new")  # open while there is no objective
    form.get_by_label("Objetivo estratégico").fill("Responder a tiempo a la ciudadanía")
    form.get_by_label("1. Servicios de Información y Comunicación a la Comunidad Regional").check()
    form.get_by_role("button", name="Agregar el objetivo").click()
    expect(analyst.get_by_text("Se agregó el objetivo 1.")).to_be_visible()

    analyst.locator("summary", has_text="Agregar una meta de mediano plazo").click()
    target = analyst.locator("#target-form-new")
    target.get_by_label("Año").fill("2014")
    target.get_by_label("Valor meta").fill("97,5")
    target.get_by_role("button", name="Agregar la meta").click()
    target = analyst.locator("#target-form-new")
    expect(target).to_be_visible()  # the form stays open, with the reason beside the value
    expect(target).to_contain_text("Escriba un número entero, como el indicador.")
    target.get_by_label("Valor meta").fill("97")
    target.get_by_role("button", name="Agregar la meta").click()
    row = analyst.locator('tr[data-target="CO-01-2014"]')
    expect(row).to_contain_text("97 % en 2014")
    expect(row).to_contain_text("meta en camino")

    reviewer = login(browser, live_server, "daniela")
    reviewer.goto(f"{live_server.url}/regiones/CL-CO/2012/definiciones/")
    reviewer.locator("summary", has_text="Ejes prioritarios que sirve (DIPRES)").click()
    reviewer.get_by_label("Descentralización").check()
    reviewer.get_by_role("button", name="Guardar los ejes").click()
    expect(reviewer.locator("[data-axes]")).to_contain_text("Descentralización")
    analyst.reload()
    expect(analyst.locator("[data-axes]")).to_contain_text("Descentralización")
