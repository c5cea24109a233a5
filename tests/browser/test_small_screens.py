"""Every main page at a phone's width (390 px), in Spanish and English, as the person who uses it: nothing
overflows sideways (wide tables scroll inside their own box), no script error, no failed request (the icon
included). And the workflow's confirmation step, by keyboard, with and without JavaScript."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.browser.test_journey import CHROMIUM, browser, login, playwright  # noqa: F401 (browser is a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]

PHONE = {"width": 390, "height": 844}
# Who looks at each page: the analyst of the region, the analyst of a region whose data is locked, DIPRES, the admin.
PAGES = {
    None: ["/cuenta/ingresar/"],
    "camila": [
        "/",
        "/regiones/CL-CO/2012/",
        "/regiones/CL-CO/2012/ingreso/1/",
        "/regiones/CL-CO/2012/indicadores/CO-01/",
        "/regiones/CL-CO/2012/indicadores/CO-01/historial/",
        "/regiones/CL-CO/2012/planilla/",
        "/regiones/CL-CO/2012/presupuesto/",
        "/regiones/CL-CO/2012/definiciones/",
        "/regiones/CL-CO/2012/propir/",
        "/regiones/CL-CO/2012/pmg/",
        "/regiones/CL-CO/2012/tablero/",
        "/regiones/CL-CO/comparar/?a=2012&b=2012",
        "/regiones/CL-CO/2012/informe/",
        "/pendientes/",
        "/notificaciones/",
        "/notificaciones/preferencias/",
    ],
    "bruno": ["/regiones/CL-BI/2012/", "/regiones/CL-BI/2012/ingreso/"],  # sent: locked
    "daniela": [
        "/nacional/2012/",
        "/revision/",
        "/regiones/CL-AN/2012/revision/",
        "/regiones/CL-AN/2012/tablero/",
        "/regiones/CL-AN/2012/informe/",
        "/regiones/CL-AN/2012/indicadores/AN-01/",
        "/regiones/CL-AN/2012/presupuesto/",
        "/regiones/CL-AN/2012/definiciones/",
        "/regiones/CL-AN/2012/evaluaciones/",
        "/regiones/CL-AN/2012/evaluaciones/{evaluation}/",
    ],
    "ana": ["/admin/"],
}


@pytest.fixture
def data(camila, bruno, daniela, ana):
    """Biobío sent (locked for Bruno); Antofagasta sent with a missed target explained and one overachieved."""
    from evaluation.models import EvaluationCycle
    from indicators import services
    from indicators.models import Indicator
    from regions.models import Region
    from results.services import workflow

    cycle = EvaluationCycle.objects.get(year=2012)
    for code, numerator, denominator in (("AN-01", 80, 100), ("AN-08", 7, None)):
        indicator = Indicator.objects.get(code=code)
        cell = services.CellInput(
            indicator=indicator,
            year=2012,
            kind="efectivo",
            numerator=Decimal(numerator),
            denominator=None if denominator is None else Decimal(denominator),
            version=0,
        )
        services.measurements_save(user=ana, region=indicator.region, cycle=cycle, cells=[cell])
    for code, causes, justification in (("AN-01", "Licitaciones desiertas.", ""), ("AN-08", "", "Acuerdos extra.")):
        services.result_analysis_save(
            user=ana,
            indicator=Indicator.objects.get(code=code),
            cycle=cycle,
            causes=causes,
            external_causes=bool(causes),
            overachievement_justification=justification,
        )
    workflow.submission_send(user=ana, region=Region.objects.get(iso_code="CL-AN"), cycle=cycle)
    workflow.submission_send(user=bruno, region=Region.objects.get(iso_code="CL-BI"), cycle=cycle)
    # An evaluation with a long result category and a commitment (the evaluations' list and page).
    from programs import services as program_services
    from programs.models import EvaluationLine, Verdict

    evaluation = program_services.evaluation_save(
        user=daniela,
        region=Region.objects.get(iso_code="CL-AN"),
        cycle=cycle,
        data=program_services.EvaluationInput(
            line=EvaluationLine.objects.get(code="epg"),
            program="Programa Regional de Saneamiento Sanitario Rural de Localidades Semiconcentradas",
            evaluator="Panel de evaluadores externos",
            verdict=Verdict.objects.get(cycle=cycle, code="modificaciones"),
        ),
    )
    program_services.institutional_commitment_add(
        user=daniela,
        evaluation=evaluation,
        description="Rediseñar la matriz",
        owner="DIPLADE",
        due_date=date(2012, 1, 1),
        recorded_on=date(2012, 1, 1),
    )
    # A PROPIR with an initiative funded without RS (a wide table, a flag).
    from investments import services as investment_services
    from investments.models import MideplanResult

    investment_services.initiatives_save(
        user=camila,
        region=Region.objects.get(iso_code="CL-CO"),
        cycle=cycle,
        year=2012,
        rows=[
            investment_services.InitiativeInput(
                "30012345-6",
                "Mejoramiento de la conectividad vial rural del sector costero de la comuna",
                "Transporte",
                "La Higuera",
                programmed=Decimal(125_000_000),
                executed=Decimal(98_000_000),
                result=MideplanResult.objects.get(code="OT"),
                state="en_ejecucion",
            )
        ],
    )
    # The spreadsheet page's history of imports, with a long file name (a wide table once it has rows).
    from indicators.models import ImportLog

    ImportLog.objects.create(
        user=camila,
        region=Region.objects.get(iso_code="CL-CO"),
        cycle=cycle,
        file_name="formulario-h-coquimbo-2012-version-final-revisada.xlsx",
        file_sha256="0" * 64,
        rows=1,
    )
    return {"evaluation": evaluation.pk}


def phone_page(browser, live_server, username):  # noqa: F811 (browser is the fixture's value)
    if username is None:
        context = browser.new_context(viewport=PHONE, locale="es-CL")
        return context.new_page()
    page = login(browser, live_server, username)
    page.set_viewport_size(PHONE)
    return page


def watch(page) -> list[str]:
    """Return the list that collects the page's script errors and failed requests from now on."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


@pytest.mark.parametrize("language", ["es-cl", "en"])
def test_no_page_overflows_a_phone(browser, live_server, data, language):  # noqa: F811
    problems = []
    for username, paths in PAGES.items():
        page = phone_page(browser, live_server, username)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        errors = watch(page)
        for path in paths:
            seen = len(errors)
            page.goto(live_server.url + path.format(**data))
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                errors.append(f"{width} px wide")
            problems += [f"{path}: {error}" for error in errors[seen:]]
        page.context.close()
    assert problems == [], "\n".join(problems)


# The results' tables whose figures a phone shows first (issue 24): who looks, where, and the cells that must be
# on screen without scrolling sideways.
STACKED = [
    ("daniela", "/regiones/CL-AN/2012/tablero/", "#achievements", ("actual", "target", "percent", "classification")),
    ("daniela", "/nacional/2012/", "#ranking", ("compliance", "completeness", "submission")),
    ("daniela", "/nacional/2012/", "#national-pmg", ("committed", "validated", "met", "pmg-compliance")),
    (None, "/publico/regiones/CL-AN/2012/", "#public-indicators", ("actual", "target", "percent", "classification")),
]


@pytest.mark.parametrize("language", ["es-cl", "en"])
def test_on_a_phone_the_results_figures_are_on_screen(browser, live_server, data, camila, daniela, language):  # noqa: F811
    """Efectivo, meta, cumplimiento and estado are within the screen's width, each row's name under them across
    the row (not one word per line beside them)."""
    from evaluation.models import EvaluationCycle  # imported here, as the fixture above does
    from pmg import services as pmg_services
    from pmg.models import ManagementSystem
    from regions.models import Region
    from results.services import workflow

    cycle = EvaluationCycle.objects.get(year=2012)
    workflow.submission_approve(user=daniela, region=Region.objects.get(iso_code="CL-AN"), cycle=cycle)  # published
    pmg_services.pmg_commitments_save(  # a row in the national PMG table
        user=camila,
        region=Region.objects.get(iso_code="CL-CO"),
        cycle=cycle,
        rows=[pmg_services.CommitmentInput(ManagementSystem.objects.get(cycle=cycle, code="oirs"), 3, 3, 0)],
    )
    problems = []
    pages = {}
    for username, path, table, kinds in STACKED:
        if username not in pages:
            pages[username] = phone_page(browser, live_server, username)
            pages[username].context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        page = pages[username]
        page.goto(live_server.url + path + ("" if username or language == "es-cl" else f"?lang={language}"))
        rows = page.locator(f"{table} > tbody > tr")
        assert rows.count() > 0, f"{path} {table}: no rows"
        for index in range(rows.count()):
            row = rows.nth(index)
            for kind in kinds:
                cell = row.locator(f"[data-kind={kind}]")
                box = cell.bounding_box() if cell.count() else None
                if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                    problems.append(f"{path} {table} row {index + 1} {kind}: {box}")
            name = row.locator("th[scope=row]").bounding_box()
            if name["width"] < PHONE["width"] / 2:
                problems.append(f"{path} {table} row {index + 1}: its name is squeezed into {name['width']} px")
    for page in pages.values():
        page.context.close()
    assert problems == [], "\n".join(problems)


def test_confirmation_step_by_keyboard(browser, live_server, camila):  # noqa: F811
    expect = playwright.expect
    page = phone_page(browser, live_server, "camila")
    page.goto(f"{live_server.url}/regiones/CL-CO/2012/")
    summary = page.locator("details[data-confirm=send] > summary")
    summary.focus()
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Sí, enviar a DIPRES")
    expect(confirm).to_be_focused()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#envio [data-status]")).to_have_text("Enviado a revisión")
    expect(page.locator("#envio .alert-success")).to_contain_text("Los datos se enviaron a revisión de DIPRES.")


def test_confirmation_step_without_javascript(browser, live_server, camila, daniela):  # noqa: F811
    from tests.conftest import PASSWORD

    expect = playwright.expect
    context = browser.new_context(java_script_enabled=False, locale="es-CL")
    page = context.new_page()
    page.goto(f"{live_server.url}/cuenta/ingresar/")
    page.get_by_label("Nombre de usuario").fill("camila")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.goto(f"{live_server.url}/regiones/CL-CO/2012/")
    page.locator("details[data-confirm=send] > summary").click()
    page.get_by_role("button", name="Sí, enviar a DIPRES").click()
    expect(page.locator("#envio [data-status]")).to_have_text("Enviado a revisión")
    context.close()
