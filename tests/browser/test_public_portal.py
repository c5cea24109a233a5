"""The public portal as a citizen uses it, on a phone, without an account: from the login page to Coquimbo's
published results, an indicator's series and the report, in Spanish and in English; axe-core finds no serious
violation on the way."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import CHROMIUM, audit, playwright

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]


@pytest.fixture
def published(camila, daniela, coquimbo):
    from evaluation.models import EvaluationCycle
    from results.services import workflow

    cycle = EvaluationCycle.objects.get(year=2012)
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    return coquimbo


@pytest.fixture
def phone(live_server, monkeypatch):
    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(bypass_csp=True, locale="es-CL", viewport={"width": 390, "height": 844})
        yield context.new_page()
        browser.close()
        connections.close_all()


def test_a_citizen_reads_the_published_results_on_a_phone(phone, live_server, published):
    expect = playwright.expect
    page = phone
    problems = []
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.get_by_role("link", name="vea los resultados publicados").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultados publicados de los gobiernos regionales")
    page.context.clear_cookies()  # the login page's CSRF cookie: from here on, the portal's pages alone
    problems += audit(page, "/publico/")
    page.get_by_role("link", name="Coquimbo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gobierno Regional de Coquimbo")
    expect(page.locator("[data-indicator=CO-01] [data-kind=target]")).to_have_text("95 %")
    problems += audit(page, "region")
    page.get_by_role("link", name="CO-01").click()
    expect(page.locator("#public-series [data-year='2008'][data-kind='efectivo'] [data-kind=value]")).to_have_text(
        "71 %"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling of the page
    problems += audit(page, "indicator")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#public-series [data-year='2008'][data-kind='efectivo'] [data-kind=value]")).to_have_text(
        "71%"
    )
    page.get_by_role("link", name="Coquimbo").click()  # the breadcrumb keeps the language
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Performance report").click()
    expect(page.locator("h1")).to_have_text("Gobierno Regional de Coquimbo")
    problems += audit(page, "report")
    assert problems == [], "\n".join(problems)
    assert page.context.cookies() == []  # the portal set no cookie on the way
