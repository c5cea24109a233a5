"""Issue 24 in a real browser: the entry grid's live values write percentages as the page's language does
(point 20), and the note of a figure someone else changed meanwhile wraps under its input without widening
its column, at a desktop's width and a phone's (point 10)."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_journey import CHROMIUM, browser, login, playwright  # noqa: F401 (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]

GRID = "/regiones/CL-CO/2012/ingreso/1/"
NUMERATOR_2010 = "CO-01 2010 Efectivo, numerador"
WIDTHS = "() => Array.from(document.querySelectorAll('#entry-grid thead th')).map(th => th.offsetWidth)"


@pytest.mark.parametrize(("language", "percent"), [("es-cl", r"^\d+\u00a0%$"), ("en", r"^\d+%$")])
def test_the_live_value_writes_the_percentage_as_the_language_does(browser, live_server, camila, language, percent):  # noqa: F811
    page = login(browser, live_server, "camila")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + GRID)
    outputs = page.locator("#entry-grid output")
    first = outputs.first
    assert re.match(percent, first.inner_text()), first.inner_text()  # as the script rewrote it on load
    numerator = page.locator("#entry-grid input[name$='_2008_efectivo_n']")
    numerator.fill("150")
    playwright.expect(first).not_to_have_text("71\u00a0%" if language == "en" else "71%")
    assert re.match(percent, first.inner_text()), first.inner_text()
    numerator.fill("1.078")  # two readings: no value shown (the server refuses it)
    playwright.expect(first).to_have_text("—")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_conflict_note_wraps_within_its_column(browser, live_server, camila, width):  # noqa: F811
    mine, other = login(browser, live_server, "camila"), login(browser, live_server, "camila")
    for page in (mine, other):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + GRID)
    other.get_by_label(NUMERATOR_2010, exact=True).fill("260")
    other.get_by_role("button", name="Guardar").click()
    other.wait_for_load_state()
    before = mine.evaluate(WIDTHS)
    mine.get_by_label(NUMERATOR_2010, exact=True).fill("261")
    mine.get_by_role("button", name="Guardar").click()
    mine.wait_for_load_state()
    playwright.expect(mine.locator("[data-conflict]")).to_have_text("Actual: 260 / 281")
    after = mine.evaluate(WIDTHS)
    assert max(abs(a - b) for a, b in zip(after[1:], before[1:], strict=True)) <= 2, (before, after)
    assert mine.locator("#errores").count() == 0
    note = mine.locator(".entry-note").first.bounding_box()
    cell = mine.locator("td.entry-cell:has(.entry-note)").bounding_box()
    assert note["x"] >= cell["x"]
    assert note["x"] + note["width"] <= cell["x"] + cell["width"] + 1
