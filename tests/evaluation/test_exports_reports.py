"""Dashboard tables to .xlsx and .csv (formulas neutralised) and the region's report as HTML and PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.exports import Table, neutralise, to_csv, to_xlsx
from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator
from tests.evaluation.test_dashboards import enter_2012_actual
from tests.html import soup, text

D = Decimal
CO = {"code": "CL-CO", "year": 2012}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Causas", "Causas"),
        (Decimal("-5"), Decimal("-5")),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_is_chilean_and_safe():
    table = Table("t", "T", ["Indicador", "Valor"], [["=cmd|' /C calc'!A0", Decimal("71.0280")], ["CO-01", None]])
    content = to_csv(table).decode("utf-8")
    assert content.startswith("\ufeff")
    assert content.splitlines()[1:] == ["'=cmd|' /C calc'!A0;71,028", "CO-01;"]


def test_xlsx_keeps_numbers_and_neutralises_text():
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([Table("t", "Tabla", ["A", "B"], [["@x", Decimal("1.5")]])])))
    sheet = workbook["Tabla"]
    assert sheet["A2"].value == "'@x"
    assert sheet["B2"].value == 1.5


@pytest.mark.django_db
def test_region_dashboard_exports(client, camila):
    enter_2012_actual(camila, "CO-01", "250", "262")
    indicator = Indicator.objects.get(code="CO-01")
    indicator.name = "=1+1 nombre malicioso"
    indicator.save()  # a save, as every write path makes: the stored results follow it
    client.force_login(camila)
    response = client.get(reverse("results:dashboard_xlsx", kwargs=CO))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Cumplimiento",
        "Por dimensión",
        "Por producto",
        "Evaluaciones",
        "Compromisos institucionales",
    ]
    rows = list(workbook["Cumplimiento"].iter_rows(values_only=True))
    assert rows[1][:4] == (
        "CO-01",
        "'=1+1 nombre malicioso",
        "Servicios de Información y Comunicación a la Comunidad Regional",
        "Calidad",
    )
    assert rows[1][8] == 100.0
    assert rows[1][9] == "cumplido"
    csv = client.get(reverse("results:dashboard_csv", kwargs=CO), {"tabla": "dimension"}).content.decode()
    assert csv.splitlines()[1] == "Calidad;1;0;0;0"
    assert client.get(reverse("results:dashboard_csv", kwargs=CO), {"tabla": "nada"}).status_code == 404


@pytest.mark.django_db
def test_national_exports(client, daniela, camila):
    enter_2012_actual(camila, "CO-01", "250", "262")
    client.force_login(daniela)
    csv = client.get(reverse("results:national_csv", kwargs={"year": 2012})).content.decode().splitlines()
    assert csv[1].startswith("1;Coquimbo;100;100;7,6;1;0;0;0;100;borrador;")
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("results:national_xlsx", kwargs={"year": 2012})).content)
    )
    assert workbook.sheetnames == ["Ranking", "Mapa de calor", "Evaluaciones", "PROPIR", "PMG"]


@pytest.mark.django_db
def test_region_report_html_and_pdf(client, camila):
    enter_2012_actual(camila, "CO-01", "200", "262")
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Caída del portal en octubre",
        external_causes=False,
        overachievement_justification="",
    )
    import datetime

    services.improvement_commitment_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        description="Respaldo del servidor del portal",
        owner="Jefe TI",
        due_date=datetime.date(2012, 12, 31),
        recorded_on=datetime.date(2012, 1, 1),
    )
    client.force_login(camila)
    page = soup(client.get(reverse("results:report", kwargs=CO)))
    body = text(page)
    assert "Gobierno Regional de Coquimbo" in body
    assert "Servicios de Información y Comunicación a la Comunidad Regional" in body
    assert "80,00 % parcialmente cumplido" in text(page.select_one('tr[data-indicator="CO-01"]'))
    assert "Caída del portal en octubre" in body
    assert "Respaldo del servidor del portal" in body
    assert "Cumplimiento institucional: 0,00 %" in body
    response = client.get(reverse("results:report_pdf", kwargs=CO))
    assert response["Content-Type"] == "application/pdf"
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(pdf_text.split())
    assert "Gobierno Regional de Coquimbo" in flat
    assert "CO-01" in flat
    assert "80,00 %" in flat
    assert "parcialmente cumplido" in flat
    assert "Caída del portal en octubre" in flat
    assert "Cumplimiento institucional: 0,00 %" in flat


@pytest.mark.django_db
def test_exports_round_as_the_page_does(client, camila):
    """Coquimbo's meta is 250 / 262 = 95,419…%: the page, the CSV and the workbook all say 95."""
    enter_2012_actual(camila, "CO-01", "200", "262")  # 76,34 %: 80,00 % of the meta
    client.force_login(camila)
    csv = client.get(reverse("results:dashboard_csv", kwargs=CO)).content.decode().splitlines()
    fields = csv[1].split(";")
    assert fields[6:11] == ["76", "95", "80", "parcialmente cumplido", "↓ empeora"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("results:dashboard_xlsx", kwargs=CO)).content))
    row = next(workbook["Cumplimiento"].iter_rows(min_row=2, values_only=True))
    assert row[6:9] == (76, 95, 80)
