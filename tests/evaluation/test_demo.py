"""The illustrative 2011 cycle (manage.py load_demo / remove_demo): loaded through the services in every
workflow state, computed on its dashboards, labelled on every page that shows it and on none of the
document's, loaded once, and removed leaving the document's data exactly as they were."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evaluation import selectors
from evaluation.models import EvaluationCycle, Submission, SubmissionAction, SubmissionEvent
from indicators import services as indicator_services
from indicators.models import (
    Client,
    Evidence,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    MediumTermTarget,
    ProductBudget,
    ResultAnalysis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from pmg.models import PmgCommitment
from regions.models import AnalystAssignment, Region
from results.services import workflow as services
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db

BANNER = "[data-illustrative-cycle]"
REGIONS_IN_2011 = {
    "CL-AP", "CL-TA", "CL-AN", "CL-AT", "CL-CO", "CL-VS", "CL-RM", "CL-LI",
    "CL-ML", "CL-BI", "CL-AR", "CL-LR", "CL-LL", "CL-AI", "CL-MA",
}  # fmt: skip


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", allow_production=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_users(db):
    call_command("create_demo_users", allow_production=True, stdout=io.StringIO())


@pytest.fixture
def demo(demo_users):
    return load_demo()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def kpis(page) -> dict[str, str]:
    return {kpi: text(page.select_one(f'[data-kpi="{kpi}"]')) for kpi in ("compliance", "bonus")}


def achievement(page, code: str) -> dict[str, str]:
    row = page.select_one(f'#achievements tr[data-indicator="{code}"]')
    return {kind: text(row.select_one(f'[data-kind="{kind}"]')) for kind in ("actual", "target", "percent")} | {
        "classification": text(row.select_one('[data-kind="classification"] .badge'))
    }


def test_the_load_goes_through_every_state_and_leaves_2012_the_current_cycle(demo):
    assert "Demostración cargada: ciclo 2011 ilustrativo, 15 regiones, 48 indicadores" in demo
    cycle = EvaluationCycle.objects.get(year=2011)
    assert cycle.is_illustrative
    assert cycle.stage == "evaluacion"
    # DIPRES reviewed every region's formulation before the cycle left Formulación.
    from evaluation.models import FormulationReview

    reviewed = FormulationReview.objects.filter(cycle=cycle).values_list("region__iso_code", flat=True)
    assert set(reviewed) == REGIONS_IN_2011
    assert selectors.cycle_current().year == 2012
    assert not EvaluationCycle.objects.get(year=2012).is_illustrative

    # The regions that existed in 2011: all but Ñuble (from 2018-09-06).
    assert set(
        IndicatorWeighting.objects.filter(cycle=cycle).values_list("indicator__region__iso_code", flat=True)
    ) == (REGIONS_IN_2011)
    for code in REGIONS_IN_2011:
        weights = IndicatorWeighting.objects.filter(cycle=cycle, indicator__region__iso_code=code)
        assert sum(c.weight for c in weights) == 100, code
    assert not Indicator.objects.filter(region__iso_code="CL-NB").exists()
    assert set(Indicator.objects.filter(weightings__cycle=cycle).values_list("is_illustrative", flat=True)) == {True}

    statuses = dict(Submission.objects.filter(cycle=cycle).values_list("region__iso_code", "status"))
    assert statuses == {
        "CL-AP": "aprobado", "CL-TA": "enviado", "CL-AN": "devuelto", "CL-AT": "aprobado", "CL-CO": "borrador",
        "CL-VS": "aprobado", "CL-RM": "enviado", "CL-LI": "borrador", "CL-ML": "enviado", "CL-BI": "devuelto",
        "CL-AR": "borrador", "CL-LR": "aprobado", "CL-LL": "aprobado", "CL-AI": "enviado", "CL-MA": "borrador",
    }  # fmt: skip
    returned = SubmissionEvent.objects.filter(submission__cycle=cycle, action=SubmissionAction.RETURN)
    assert {(e.submission.region.iso_code, e.actor.username) for e in returned} == {
        ("CL-AN", "revisor.dipres"),
        ("CL-BI", "revisor.dipres"),
    }
    assert all(event.comment for event in returned)
    # In the 2012 cycle the demonstration only enters the three GOREs' illustrative planning, which takes the
    # lock row of their data there: still borradores, with no step of the workflow.
    document = Submission.objects.filter(cycle__year=2012)
    assert {(s.region.iso_code, s.status) for s in document} == {
        ("CL-AN", "borrador"),
        ("CL-CO", "borrador"),
        ("CL-BI", "borrador"),
    }
    assert not SubmissionEvent.objects.filter(submission__cycle__year=2012).exists()

    # Analyses: causes where results miss, external ones accepted, rejected and awaiting DIPRES.
    decisions = dict(
        ResultAnalysis.objects.filter(cycle=cycle, external_causes=True).values_list(
            "indicator__region__iso_code", "external_accepted"
        )
    )
    assert decisions == {"CL-VS": True, "CL-BI": False, "CL-RM": None}
    assert ResultAnalysis.objects.filter(cycle=cycle).exclude(overachievement_justification="").count() == 1
    commitments = ImprovementCommitment.objects.filter(cycle=cycle)
    assert commitments.count() == 6
    assert all(c.is_open for c in commitments)
    assert [c.indicator.region.iso_code for c in commitments if c.due_date < timezone.localdate()] == ["CL-AN"]
    assert Evidence.objects.filter(indicator__region__iso_code="CL-VS", year=2011).count() == 1
    assert ProductBudget.objects.filter(year=2011).count() == 26

    # Written as people write: figures by the region's analyst, with the reason, versioned and audited.
    co = Measurement.objects.get(indicator__region__iso_code="CL-CO", indicator__code="ILU-01", year=2011, kind="meta")
    record = co.history.get()
    assert (record.history_user.username, record.history_change_reason) == ("analista.coquimbo", "datos ilustrativos")
    vs = Indicator.objects.get(region__iso_code="CL-VS", code="ILU-02")
    assert vs.history.get().history_user.username == "admin"
    assert Measurement.objects.filter(indicator=vs, year=2011).first().history.get().history_user.username == (
        "analista.demo"
    )


def test_a_region_dashboard_shows_the_compliance_worked_by_hand(client, demo, daniela):
    client.force_login(daniela)
    tarapaca = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-TA", "year": 2011})))
    # Weights 30/25/25/20; ILU-02 (days, descendente): meta 5.120/128 = 40,0, efectivo 5.824/128 = 45,5,
    # 40,0 / 45,5 = 87,91 % → parcialmente cumplido, earns nothing (todo o nada): 75 of 100 → half bonus.
    assert kpis(tarapaca) == {"compliance": "75,00 %", "bonus": "3,8 %"}
    assert achievement(tarapaca, "ILU-02") == {
        "actual": "45,5",
        "target": "40,0",
        "percent": "87,91 %",
        "classification": "parcialmente cumplido",
    }
    # ILU-01: 30.656.000 / 32.000.000 = 95,8 % against 29.944.000 / 31.520.000 = 95,0 % → 100,84 %.
    assert achievement(tarapaca, "ILU-01")["percent"] == "100,84 %"
    assert cells(tarapaca.select_one("#by-product"), 'tr[data-product="1"] td')[2:] == [
        "32.000.000",
        "30.656.000",
        "95,8 %",
        "502.557,4 por iniciativas de inversión financiadas",  # 30.656.000 / 61, an illustrative output
    ]

    valparaiso = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-VS", "year": 2011})))
    # ILU-02 missed (66,67 %) but DIPRES accepted its external causes: it leaves the sums, 80 of 80.
    assert kpis(valparaiso) == {"compliance": "100,00 %", "bonus": "7,6 %"}
    assert "causas externas" in text(valparaiso.select_one('#achievements tr[data-indicator="ILU-02"]'))
    assert achievement(valparaiso, "ILU-02")["percent"] == "66,67 %"

    coquimbo = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2011})))
    assert kpis(coquimbo) == {"compliance": "70,00 %", "bonus": "0,0 %"}
    assert coquimbo.select_one("[data-provisional]")
    assert achievement(coquimbo, "ILU-03")["classification"] == "pendiente"


def test_the_national_view_ranks_every_region_of_2011(client, demo, daniela):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:national", kwargs={"year": 2011})))
    rows = page.select("#ranking tbody tr")
    assert {row["data-region"] for row in rows} == REGIONS_IN_2011

    def compliance(code):
        return text(page.select_one(f'#ranking tr[data-region="{code}"] [data-kind="compliance"]'))

    assert compliance("CL-TA") == "75,00 %"
    assert compliance("CL-RM") == compliance("CL-LL") == "80,00 %"
    assert compliance("CL-AN") == "60,00 %"
    assert compliance("CL-AR") == "0,00 % provisional"
    assert text(rows[0].select_one('[data-kind="compliance"]')) == "100,00 %"
    assert rows[-1]["data-region"] == "CL-AR"
    heat = page.select_one('#heatmap tr[data-region="CL-TA"] [data-dimension="eficiencia"]')
    assert text(heat) == "0 %"  # its one eficiencia indicator, ILU-02, is parcialmente cumplido


def urls(year: int, code: str, product: int, indicator: str) -> list[str]:
    region = {"code": code, "year": year}
    return [
        reverse("indicators:region", kwargs=region),
        reverse("indicators:entry", kwargs={**region, "product": product}),
        reverse("indicators:indicator", kwargs={**region, "indicator": indicator}),
        reverse("indicators:history", kwargs={**region, "indicator": indicator}),
        reverse("indicators:spreadsheet", kwargs=region),
        reverse("results:dashboard", kwargs=region),
        reverse("results:report", kwargs=region),
        reverse("results:national", kwargs={"year": year}),
    ]


def test_every_page_of_the_illustrative_cycle_says_so_and_no_page_of_the_document_does(client, demo, ana):
    EvaluationCycle.objects.create(year=2013)  # to compare the document's 2012 with a cycle that is not a demo
    client.force_login(ana)
    for url in [
        *urls(2011, "CL-CO", 2, "ILU-01"),
        reverse("results:compare", kwargs={"code": "CL-CO"}) + "?a=2011&b=2012",
    ]:
        page = soup(client.get(url))
        assert "Datos ilustrativos" in text(page.select_one(BANNER)), url
    for url in [
        *urls(2012, "CL-CO", 1, "CO-01"),
        *urls(2012, "CL-AN", 1, "AN-01"),
        reverse("results:compare", kwargs={"code": "CL-CO"}) + "?a=2012&b=2013",
        reverse("home"),
    ]:
        assert not soup(client.get(url)).select(BANNER), url
    # Pages of every open cycle mark the illustrative one.
    assert "ilustrativo" in text(soup(client.get(reverse("results:review_queue"))))
    client.force_login(get_user_model().objects.get(username="analista.coquimbo"))
    assert "ilustrativo" in text(soup(client.get(reverse("results:pending"))))


def test_exports_and_reports_of_the_illustrative_cycle_are_labelled(client, demo, ana):
    client.force_login(ana)
    region = {"code": "CL-CO", "year": 2011}
    rows = csv_rows(client.get(reverse("results:dashboard_csv", kwargs=region)))
    assert rows[0] == [
        "Datos ilustrativos: el ciclo 2011 es una demostración; sus cifras son ejemplos, no datos oficiales."
    ]
    assert rows[1][0] == "Código"
    national = csv_rows(client.get(reverse("results:national_csv", kwargs={"year": 2011})))
    assert national[0][0].startswith("Datos ilustrativos")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("results:dashboard_xlsx", kwargs=region)).content))
    assert all(sheet["A1"].value.startswith("Datos ilustrativos") for sheet in workbook.worksheets)
    template = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("indicators:spreadsheet_download", kwargs=region)).content)
    )
    assert "datos ilustrativos" in template["Formulario H"]["A1"].value
    pdf = client.get(reverse("results:report_pdf", kwargs=region))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Datos ilustrativos" in pdf_text

    document = {"code": "CL-CO", "year": 2012}
    assert csv_rows(client.get(reverse("results:dashboard_csv", kwargs=document)))[0][0] == "Código"
    document_xlsx = client.get(reverse("results:dashboard_xlsx", kwargs=document)).content
    assert openpyxl.load_workbook(io.BytesIO(document_xlsx)).worksheets[0]["A1"].value == "Código"


def test_the_document_cycle_shows_none_of_the_demonstration(client, demo, ana):
    client.force_login(ana)
    antofagasta_2012 = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-AN", "year": 2012})))
    assert [row["data-product"] for row in antofagasta_2012.select("#scope-table tbody tr")] == ["1", "2", "3", "4"]
    antofagasta_2011 = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-AN", "year": 2011})))
    assert [row["data-product"] for row in antofagasta_2011.select("#scope-table tbody tr")] == ["5", "6"]
    # The document's own «ilustrativo» note on Antofagasta is about the document, not about the demonstration.
    assert "El documento fuente de DIPRES" in text(antofagasta_2012)
    assert "El documento fuente de DIPRES" not in text(antofagasta_2011)

    dashboard = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-AN", "year": 2012})))
    assert [row["data-product"] for row in dashboard.select("#by-product tbody tr")] == ["1", "2", "3", "4"]
    report = text(soup(client.get(reverse("results:report", kwargs={"code": "CL-AN", "year": 2012}))))
    assert "unidades técnicas" not in report  # Antofagasta's illustrative (overdue) improvement commitment
    assert "Financiamiento de la inversión regional" not in report
    assert "unidades técnicas" in text(
        soup(client.get(reverse("results:report", kwargs={"code": "CL-AN", "year": 2011})))
    )


def test_loading_twice_changes_nothing(demo):
    models = [Indicator, IndicatorWeighting, Measurement, Submission, SubmissionEvent, ResultAnalysis, Evidence]
    before = {model: model.objects.count() for model in models}
    history_before = Measurement.history.count()
    assert "ya estaba cargada" in load_demo()
    assert {model: model.objects.count() for model in models} == before
    assert Measurement.history.count() == history_before


def everything() -> dict[str, list]:
    """Every row of the document's data and people, and every audit record, as plain values."""
    models = [
        Region,
        EvaluationCycle,
        StrategicDefinition,
        StrategicObjective,
        Client,
        StrategicProduct,
        Indicator,
        IndicatorWeighting,
        Measurement,
        ResultAnalysis,
        ImprovementCommitment,
        Evidence,
        ProductBudget,
        Submission,
        SubmissionEvent,
        get_user_model(),
        AnalystAssignment,
    ]
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    for model in models:
        if hasattr(model, "history"):
            rows[f"history {model.__name__}"] = list(model.history.order_by("history_id").values())
    return rows


def test_removal_leaves_the_document_exactly_as_it_was(client, demo_users, ana, django_capture_on_commit_callbacks):
    before = everything()
    load_demo()
    evidence = Evidence.objects.get(indicator__region__iso_code="CL-VS")
    assert default_storage.exists(evidence.file.name)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remove_demo", stdout=out)
    assert "Demostración quitada: ciclo 2011, 48 indicadores" in out.getvalue()
    assert "analista.demo" in out.getvalue()
    assert everything() == before
    assert not default_storage.exists(evidence.file.name)

    client.force_login(ana)
    for url in [*urls(2012, "CL-CO", 1, "CO-01"), *urls(2012, "CL-AN", 1, "AN-01")]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("results:national", kwargs={"year": 2011})).status_code == 404
    out = io.StringIO()
    call_command("remove_demo", stdout=out)
    assert "No hay datos ilustrativos" in out.getvalue()


def test_approving_coquimbo_2012_leaves_its_2011_demonstration_editable(demo, camila, daniela):
    """The 2012 form shows the 2011 efectivo of the indicators it commits, not of every indicator: an
    approved 2012 submission locks neither the 2011 demonstration's figures nor creates a 2012 row for them."""
    coquimbo = Region.objects.get(iso_code="CL-CO")
    services.submission_send(user=camila, region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012))
    services.submission_approve(user=daniela, region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012))
    pending = Indicator.objects.get(region=coquimbo, code="ILU-03")
    cell = indicator_services.CellInput(
        indicator=pending, year=2011, kind="efectivo", numerator=Decimal(180), denominator=Decimal(210), version=0
    )
    analyst = get_user_model().objects.get(username="analista.coquimbo")
    saved = indicator_services.measurements_save(
        user=analyst, region=coquimbo, cycle=EvaluationCycle.objects.get(year=2011), cells=[cell]
    )
    assert saved == 1
    assert Submission.objects.get(region=coquimbo, cycle__year=2012).status == "aprobado"


def test_the_load_is_refused_rather_than_mixed_with_other_data(demo_users, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    EvaluationCycle.objects.create(year=2011)
    with pytest.raises(CommandError, match="no es ilustrativo"):
        load_demo()
    assert not Indicator.objects.filter(code__startswith="ILU-").exists()


def test_the_load_needs_the_demo_logins(db):
    with pytest.raises(CommandError, match="create_demo_users"):
        load_demo()
    assert not EvaluationCycle.objects.filter(year=2011).exists()


def test_remove_demo_keeps_the_demo_analyst_when_it_acted_elsewhere(demo, coquimbo):
    """analista.demo is removed with the demonstration, unless it left a trace the database must keep."""
    analyst = get_user_model().objects.get(username="analista.demo")
    AnalystAssignment.objects.create(user=analyst, region=coquimbo)
    services.submission_send(user=analyst, region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012))
    out = io.StringIO()
    call_command("remove_demo", stdout=out)
    assert "Se conservó el usuario analista.demo" in out.getvalue()
    assert get_user_model().objects.filter(username="analista.demo").exists()
    assert not EvaluationCycle.objects.filter(year=2011).exists()
    assert Submission.objects.filter(region=coquimbo, cycle__year=2012, status="enviado").exists()


def test_biobio_2012_shows_every_instrument_of_the_demonstration_labelled(client, demo, daniela, bruno):
    """A reviewer opens Biobío in the document's cycle: its definitions serving axes, the PROPIR and the indicator
    computed from it, an evaluation with commitments, the budget beside results and its PMG, each illustrative
    addition labelled."""
    client.force_login(daniela)
    place = {"code": "CL-BI", "year": 2012}
    definitions = soup(client.get(reverse("indicators:definitions", kwargs=place)))
    assert definitions.select_one("h1 [data-illustrative]")
    block = definitions.select_one('[data-objective="1"]')
    assert "Crecimiento económico" in text(block.select_one("[data-axes]"))
    row = block.select_one('tr[data-target="BI-01-2014"]')
    assert cells(row, "td") == ["98 % en 2014", "96 %", "97 %", "meta no concuerda con el mediano plazo"]
    axis = soup(client.get(reverse("results:axis", kwargs={"year": 2012, "code": "crecimiento"})))
    assert axis.select_one('[data-region="CL-BI"] tr[data-indicator="BI-01"]')  # through its objective

    dashboard = soup(client.get(reverse("results:dashboard", kwargs=place)))
    money = dashboard.select_one('#by-product tr[data-product="0"]')
    assert "97.300.000" in text(money)
    assert money.select_one("[data-illustrative-money]")
    assert dashboard.select_one("[data-latest-propir='2010']")
    assert text(dashboard.select_one('.propir-summary [data-kind="running"]')) == "1.045 (95,4 %)"
    assert dashboard.select_one("[data-illustrative-pmg]")
    assert "4 comprometidos" in text(dashboard.select_one(".pmg-summary"))
    assert "Programa Regional de Saneamiento Sanitario Rural" in text(dashboard)

    report = soup(client.get(reverse("results:report", kwargs=place)))
    assert report.select_one("#definiciones [data-illustrative-definitions]")
    assert "Poner en ejecución oportunamente la inversión pública regional programada" in text(report)
    # Biobío's analyst may still correct the illustrative definitions: the cycle is in Discusión y aprobación.
    client.force_login(bruno)
    assert soup(client.get(reverse("indicators:definitions", kwargs=place))).select_one("#mission-form")


def test_removal_takes_the_illustrative_additions_to_2012(demo):
    assert StrategicDefinition.objects.filter(cycle__year=2012, is_illustrative=True).count() == 3
    call_command("remove_demo", stdout=io.StringIO())
    assert not StrategicDefinition.objects.filter(cycle__year=2012).exists()
    assert not ProductBudget.objects.filter(year=2012).exists()
    assert not PmgCommitment.objects.exists()
    assert not MediumTermTarget.objects.exists()
    assert not Submission.objects.filter(cycle__year=2012).exists()  # the lock rows nobody used
