"""Formulario H round trip: download the template, change it with openpyxl, preview, apply; every
malformed file is refused with a clear message and leaves the database as it was."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators.models import ImportLog, Indicator, Measurement
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db
D = Decimal
CO = {"code": "CL-CO", "year": 2012}


def template(client, kwargs=CO) -> openpyxl.Workbook:
    response = client.get(reverse("indicators:spreadsheet_download", kwargs=kwargs))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_upload(workbook, name="formulario.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def column_of(sheet, key):
    return next(cell.column_letter for cell in sheet[3] if cell.value == key)


def upload(client, file, kwargs=CO):
    return client.post(reverse("indicators:spreadsheet", kwargs=kwargs), {"file": file})


def snapshot():
    return sorted(
        Measurement.objects.values_list("indicator_id", "year", "kind", "numerator", "denominator", "version")
    )


def test_template_is_prefilled_with_validation(client, camila):
    client.force_login(camila)
    sheet = template(client)["Formulario H"]
    assert sheet["B2"].value == "CL-CO"
    assert sheet["D2"].value == 2012
    assert sheet["A5"].value == "CO-01"
    assert sheet[f"{column_of(sheet, '2008|efectivo|n')}5"].value == 152
    assert sheet[f"{column_of(sheet, '2012|meta|d')}5"].value == 262
    assert sheet[f"{column_of(sheet, '2012|efectivo|n')}5"].value is None
    assert sheet.row_dimensions[3].hidden
    validations = sheet.data_validations.dataValidation
    assert validations
    assert validations[0].type == "decimal"
    assert validations[0].formula1 == "0"


def test_round_trip(client, camila):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 240
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 262
    sheet[f"{column_of(sheet, '2010|efectivo|n')}5"] = "261"  # a number typed as text
    response = upload(client, as_upload(workbook))
    page = soup(response)
    rows = [cells(tr, "td") for tr in page.select("#changes tbody tr")]
    assert rows == [
        ["5", "CO-01", "2010", "Efectivo", "262 / 281", "261 / 281"],
        ["5", "CO-01", "2012", "Efectivo", "—", "240 / 262"],
    ]
    assert Measurement.objects.filter(indicator__code="CO-01", year=2012, kind="efectivo").count() == 0  # preview only
    log = ImportLog.objects.get()
    assert log.status == "vista_previa"
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert response.status_code == 302
    assert "se guardaron 2 valores" in text(soup(client.get(response["Location"])))
    log.refresh_from_db()
    assert (log.status, log.applied, log.user) == ("aplicada", 2, camila)
    m = Measurement.objects.get(indicator__code="CO-01", year=2012, kind="efectivo")
    assert (m.numerator, m.denominator) == (D(240), D(262))
    record = m.history.latest()
    assert record.history_user == camila
    assert record.history_change_reason == "planilla formulario.xlsx"
    history = text(soup(client.get(reverse("indicators:history", kwargs={**CO, "indicator": "CO-01"}))))
    assert "2010 Efectivo modificó Numerador 262 261" in history
    dashboard = soup(client.get(reverse("evaluation:dashboard", kwargs=CO)))
    # 240 / 262 = 91,60 % against a meta of 95,42 %: 96,00 % achieved.
    assert text(dashboard.select_one('tr[data-indicator="CO-01"] [data-kind="percent"]')) == "96,00 %"
    # Applying twice is refused.
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "ya está aplicada" in text(soup(client.get(response["Location"])))


def test_cell_problems_are_listed_by_row_and_column_and_nothing_is_saved(client, camila):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2011|efectivo|n')}5"] = "mucho"
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 10
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 0
    sheet["A6"] = "CO-77"
    before = snapshot()
    page = soup(upload(client, as_upload(workbook)), 400)
    problems = text(page.select_one("#import-errors"))
    n2011 = column_of(sheet, "2011|efectivo|n")
    assert f"Fila 5, columna {n2011}5: «mucho» no es un número (escriba 1.078 o 71,5)." in problems
    assert "Fila 6, columna A: No existe el indicador «CO-77» en Coquimbo para el ciclo 2012." in problems
    assert "No se guardó nada" in problems
    assert page.select_one("#preview form") is None  # nothing to apply
    assert snapshot() == before


def test_denominator_zero_is_explained(client, camila):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 10
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 0
    page = soup(upload(client, as_upload(workbook)), 400)
    d_column = column_of(sheet, "2012|efectivo|d")
    assert (
        text(page.select_one("#import-errors li"))
        == f"Fila 5, columna {d_column}: El denominador debe ser mayor que cero."
    )


def test_a_locked_year_is_refused(client, camila, coquimbo):
    Submission.objects.create(
        region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012), status=SubmissionStatus.APPROVED
    )
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 240
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 262
    before = snapshot()
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "están aprobado: no se pueden modificar" in text(page.select_one("#import-errors"))
    assert snapshot() == before


def test_another_regions_sheet_is_refused(client, camila, bruno):
    client.force_login(bruno)
    biobio_sheet = template(client, {"code": "CL-BI", "year": 2012})
    client.force_login(camila)
    page = soup(upload(client, as_upload(biobio_sheet)), 400)
    assert "La planilla es de la región CL-BI, no de Coquimbo (CL-CO)." in text(page)
    assert (
        client.post(
            reverse("indicators:spreadsheet", kwargs={"code": "CL-BI", "year": 2012}), {"file": as_upload(biobio_sheet)}
        ).status_code
        == 403
    )
    assert not ImportLog.objects.exists()


def xlsx_with(mutator) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    mutator(workbook)
    return as_upload(workbook)


def bomb() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<x/>")
        package.writestr("xl/workbook.xml", "<x/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 2**20))
    return SimpleUploadedFile("bomba.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda client: SimpleUploadedFile("notas.xlsx", b"esto no es una planilla"), "no es una planilla Excel"),
        (lambda client: SimpleUploadedFile("informe.pdf", b"%PDF-1.4 hola"), "no es una planilla Excel"),
        (lambda client: xlsx_with(lambda wb: None), "no tiene la hoja «Formulario H»"),
        (lambda client: bomb(), "se expandiría a un tamaño excesivo"),
    ],
)
def test_malformed_files(client, camila, make_file, message):
    client.force_login(camila)
    before = snapshot()
    page = soup(upload(client, make_file(client)), 400)
    assert message in text(page.select_one("#upload"))
    assert snapshot() == before
    assert not ImportLog.objects.exists()


def test_formulas_and_merged_cells(client, camila):
    client.force_login(camila)
    before = snapshot()
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = "=250-10"
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "Contiene una fórmula; escriba el valor." in text(page.select_one("#import-errors"))
    workbook = template(client)
    workbook["Formulario H"].merge_cells("J5:K5")
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "La hoja tiene celdas combinadas (J5:K5)" in text(page.select_one("#upload"))
    assert snapshot() == before


def test_a_50_mb_file_is_stopped_while_uploading(client, camila):
    client.force_login(camila)
    before = snapshot()
    page = soup(upload(client, SimpleUploadedFile("enorme.xlsx", b"PK\x03\x04" + b"0" * (50 * 2**20))), 400)
    assert "El archivo supera el máximo de 10 MB; no se leyó." in text(page)
    assert snapshot() == before
    assert not ImportLog.objects.exists()


def test_changes_after_the_preview_make_it_stale(client, camila, ana):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2010|efectivo|n')}5"] = 250
    upload(client, as_upload(workbook))
    log = ImportLog.objects.get()
    m = Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo")
    m.numerator = D(255)
    m.save()  # someone corrects it meanwhile
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "después de la vista previa" in text(soup(client.get(response["Location"])))
    log.refresh_from_db()
    assert log.status == "desactualizada"
    assert Measurement.objects.get(pk=m.pk).numerator == D(255)


def test_indicator_rows_follow_the_region(client, ana):
    client.force_login(ana)
    sheet = template(client, {"code": "CL-AN", "year": 2012})["Formulario H"]
    assert [sheet[f"A{row}"].value for row in range(5, 13)] == [f"AN-0{i}" for i in range(1, 9)]
    assert Indicator.objects.filter(region__iso_code="CL-AN").count() == 8


def test_a_far_away_stray_cell_is_refused_quickly(client, camila):
    client.force_login(camila)
    workbook = template(client)
    workbook["Formulario H"]["BH200000"] = 1
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "La hoja llega hasta la celda BH200000, más allá de la plantilla" in text(page.select_one("#upload"))


def test_an_indicator_twice_is_a_problem_not_a_crash(client, camila):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    for column in range(1, sheet.max_column + 1):
        sheet.cell(6, column, sheet.cell(5, column).value)
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 240
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 262
    sheet[f"{column_of(sheet, '2012|efectivo|n')}6"] = 250
    sheet[f"{column_of(sheet, '2012|efectivo|d')}6"] = 262
    before = snapshot()
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "Fila 6, columna A: El indicador «CO-01» ya aparece en la fila 5" in text(page.select_one("#import-errors"))
    assert snapshot() == before


def test_the_template_neutralises_formulas_in_names(client, camila):
    Indicator.objects.filter(code="CO-01").update(name='=HYPERLINK("http://evil","x")')
    client.force_login(camila)
    cell = template(client)["Formulario H"]["C5"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil","x")'


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda sheet: sheet.cell(3, 10, "²|efectivo|n"), None),
        (lambda sheet: sheet.__setitem__("D2", "dos mil doce"), "La celda D2 debe tener el año del ciclo"),
        (lambda sheet: sheet.__setitem__("D2", True), "La celda D2 debe tener el año del ciclo"),
    ],
)
def test_odd_template_cells_never_crash(client, camila, mutate, message):
    client.force_login(camila)
    workbook = template(client)
    mutate(workbook["Formulario H"])
    response = upload(client, as_upload(workbook))
    assert response.status_code in (200, 400)
    if message:
        assert message in text(soup(response, 400))


def test_excel_float_noise_is_rounded_to_four_decimals(client, ana):
    client.force_login(ana)
    workbook = template(client, {"code": "CL-AN", "year": 2012})
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}8"] = 1710 / 3 * 3 + 1 / 3  # AN-04, 1710,3333…
    sheet[f"{column_of(sheet, '2012|efectivo|d')}8"] = 75
    page = soup(upload(client, as_upload(workbook), {"code": "CL-AN", "year": 2012}))
    assert "1.710,3333 / 75" in text(page.select_one("#changes"))


def test_apply_refuses_when_an_indicator_left_the_cycle(client, camila):
    from indicators.models import IndicatorCommitment

    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2010|efectivo|n')}5"] = 250
    upload(client, as_upload(workbook))
    log = ImportLog.objects.get()
    IndicatorCommitment.objects.filter(indicator__code="CO-01").delete()
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "Los indicadores del ciclo cambiaron" in text(soup(client.get(response["Location"])))
    assert Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo").numerator == D(262)
