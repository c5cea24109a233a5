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
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services
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
    n2010, d2010 = column_of(sheet, "2010|efectivo|n"), column_of(sheet, "2010|efectivo|d")
    n2012, d2012 = column_of(sheet, "2012|efectivo|n"), column_of(sheet, "2012|efectivo|d")
    assert rows == [
        [f"{n2010}5:{d2010}5", "CO-01", "2010", "Efectivo", "262 / 281", "261 / 281"],
        [f"{n2012}5:{d2012}5", "CO-01", "2012", "Efectivo", "—", "240 / 262"],
    ]
    assert "Plantilla descargada el" in text(page.select_one("#downloaded"))
    assert page.select_one("#no-stamp") is None
    assert page.select_one("#conflicts") is None
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
    dashboard = soup(client.get(reverse("results:dashboard", kwargs=CO)))
    # 240 / 262 = 91,60 % against a meta of 95,42 %: 96,00 % achieved.
    assert text(dashboard.select_one('tr[data-indicator="CO-01"] [data-kind="percent"]')) == "96,00 %"
    # Applying twice is refused.
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "ya está aplicada" in text(soup(client.get(response["Location"])))


def test_cell_problems_are_listed_by_cell_and_nothing_is_saved(client, camila):
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
    assert f"{n2011}5: «mucho» no es un número (escriba 1078 o 71,5)." in problems
    assert "A6: No existe el indicador «CO-77» en Coquimbo para el ciclo 2012." in problems
    assert "Fila" not in problems
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
    assert text(page.select_one("#import-errors li")) == f"{d_column}5: El denominador debe ser mayor que cero."


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
    assert "están aprobados: no se pueden modificar" in text(page.select_one("#import-errors"))
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
    assert "obligatorio" not in text(page)  # the handler dropped the file: only the size is the problem
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
    services.measurements_save(  # someone corrects it meanwhile, through the grid's service
        user=ana,
        region=m.indicator.region,
        cycle=EvaluationCycle.objects.get(year=2012),
        cells=[services.CellInput(m.indicator, 2010, "efectivo", D(255), m.denominator, m.version)],
    )
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
    assert "A6: El indicador «CO-01» ya aparece en la celda A5" in text(page.select_one("#import-errors"))
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
    from indicators.models import IndicatorWeighting

    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2010|efectivo|n')}5"] = 250
    upload(client, as_upload(workbook))
    log = ImportLog.objects.get()
    IndicatorWeighting.objects.filter(indicator__code="CO-01").delete()
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "Los indicadores del ciclo cambiaron" in text(soup(client.get(response["Location"])))
    assert Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo").numerator == D(262)


def cell_of(sheet, key, row=5):
    return f"{column_of(sheet, key)}{row}"


def problems_of(response) -> list[str]:
    return [text(li) for li in soup(response, 400).select("#import-errors li")]


@pytest.mark.parametrize(
    ("mutate", "cell", "message"),
    [
        (lambda sheet: sheet.__setitem__("C5", '=HYPERLINK("http://evil","x")'), "C5", "Contiene una fórmula"),
        (lambda sheet: sheet.__setitem__("B5", '="Producto "&1'), "B5", "Contiene una fórmula"),
        (lambda sheet: sheet.__setitem__("A4", "=1"), "A4", "Contiene una fórmula"),  # a header
        (lambda sheet: sheet.__setitem__("A3", '="code"'), "A3", "Contiene una fórmula"),  # the hidden key row
        (lambda sheet: sheet.__setitem__("Z40", "=SUM(J5:J6)"), "Z40", "Contiene una fórmula"),  # outside the table
        (
            lambda sheet: sheet.__setitem__("C5", ArrayFormula("C5:C6", "=UPPER(B5:B6)")),
            "C5",
            "Contiene una fórmula matricial (C5:C6)",
        ),
        (
            lambda sheet: sheet.__setitem__("Z5", DataTableFormula(ref="Z5:Z6", r1="A1")),
            "Z5",
            "Contiene una tabla de datos (Z5:Z6)",
        ),
        (
            lambda sheet: sheet.parent.create_sheet("Cálculos")["B3"].__setattr__("value", "=2*2"),
            "'Cálculos'!B3",
            "Contiene una fórmula",
        ),
    ],
)
def test_a_formula_in_any_cell_is_refused_by_its_cell(client, camila, mutate, cell, message):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2012|efectivo|n")] = 240  # a good change beside it: still nothing is saved
    sheet[cell_of(sheet, "2012|efectivo|d")] = 262
    mutate(sheet)
    before = snapshot()
    problems = problems_of(upload(client, as_upload(workbook)))
    mine = [p for p in problems if p.startswith(f"{cell}: ")]
    assert len(mine) == 1
    assert mine[0].startswith(f"{cell}: {message}")
    assert ImportLog.objects.get().status == "rechazada"
    assert snapshot() == before


def test_a_formula_in_the_region_or_cycle_cell_refuses_the_file(client, camila):
    client.force_login(camila)
    workbook = template(client)
    workbook["Formulario H"]["D2"] = "=2011+1"
    page = soup(upload(client, as_upload(workbook)), 400)
    assert "La celda D2 tiene una fórmula" in text(page.select_one("#upload"))
    assert not ImportLog.objects.exists()


def test_every_problem_of_a_file_is_reported_in_one_preview(client, camila):
    """A formula, a number written as text that is not one, a zero denominator and a share above its total:
    all four at once, in the order of the sheet, each by its cell."""
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2009|efectivo|n")] = "=150+2"
    sheet[cell_of(sheet, "2010|efectivo|n")] = "doscientos"
    sheet[cell_of(sheet, "2011|efectivo|n")] = 10
    sheet[cell_of(sheet, "2011|efectivo|d")] = 0
    sheet[cell_of(sheet, "2012|efectivo|n")] = 300
    sheet[cell_of(sheet, "2012|efectivo|d")] = 262
    before = snapshot()
    problems = problems_of(upload(client, as_upload(workbook)))
    assert problems == [
        f"{cell_of(sheet, '2009|efectivo|n')}: Contiene una fórmula; escriba el valor.",
        f"{cell_of(sheet, '2010|efectivo|n')}: «doscientos» no es un número (escriba 1078 o 71,5).",
        f"{cell_of(sheet, '2011|efectivo|d')}: El denominador debe ser mayor que cero.",
        f"{cell_of(sheet, '2012|efectivo|n')}: El numerador no puede superar al denominador en este indicador.",
    ]
    assert snapshot() == before


def test_the_template_stamps_what_was_downloaded(client, camila):
    client.force_login(camila)
    workbook = template(client)
    stamp = workbook["pbr-sello"]
    assert stamp.sheet_state == "veryHidden"
    assert stamp.protection.sheet
    assert [stamp["A1"].value, stamp["B1"].value, stamp["C1"].value] == ["pbr-sello-1", "CL-CO", "2012"]
    co01 = next(row for row in stamp.iter_rows(min_row=2, values_only=True) if row[0] == "CO-01")
    version = Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo").version
    assert f"2010|efectivo|{version}|262|281" in co01[1].split(";")


@pytest.fixture
def carla(coquimbo):
    """A second analyst of Coquimbo, who corrects figures while Camila works on her spreadsheet."""
    from regions.services import user_upsert

    return user_upsert(username="carla", password="s3cret-Pass-2012", first_name="Carla", analyst_of=[coquimbo])


def carla_sets(carla, coquimbo, year, numerator, denominator, kind="efectivo"):
    from indicators.services import CellInput, measurements_save

    current = Measurement.objects.filter(indicator__code="CO-01", year=year, kind=kind).first()
    measurements_save(
        user=carla,
        region=coquimbo,
        cycle=EvaluationCycle.objects.get(year=2012),
        cells=[
            CellInput(
                indicator=Indicator.objects.get(code="CO-01"),
                year=year,
                kind=kind,
                numerator=D(numerator),
                denominator=D(denominator),
                version=current.version if current else 0,
            )
        ],
    )


def test_a_figure_changed_after_the_download_is_not_reverted_by_an_untouched_cell(client, camila, carla, coquimbo):
    client.force_login(camila)
    workbook = template(client)
    carla_sets(carla, coquimbo, 2010, 255, 281)  # after Camila's download
    carla_sets(carla, coquimbo, 2011, 270, 290)  # empty when Camila downloaded, and left empty in her file
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2012|efectivo|n")] = 240  # the only cell Camila changes
    sheet[cell_of(sheet, "2012|efectivo|d")] = 262
    page = soup(upload(client, as_upload(workbook)))
    assert [cells(tr, "td")[1:4] for tr in page.select("#changes tbody tr")] == [["CO-01", "2012", "Efectivo"]]
    assert page.select_one("#conflicts") is None
    log = ImportLog.objects.get()
    client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    figures = {
        m.year: (m.numerator, m.denominator)
        for m in Measurement.objects.filter(indicator__code="CO-01", kind="efectivo")
    }
    assert figures[2010] == (D(255), D(281))
    assert figures[2011] == (D(270), D(290))
    assert figures[2012] == (D(240), D(262))


def conflict_upload(client, camila, carla, coquimbo):
    """Camila downloads; Carla corrects 2010 to 255; Camila's file says 250 there and adds 2012."""
    client.force_login(camila)
    workbook = template(client)
    carla_sets(carla, coquimbo, 2010, 255, 281)
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2010|efectivo|n")] = 250
    sheet[cell_of(sheet, "2012|efectivo|n")] = 240
    sheet[cell_of(sheet, "2012|efectivo|d")] = 262
    response = upload(client, as_upload(workbook))
    return sheet, soup(response), ImportLog.objects.get()


def test_a_cell_changed_by_both_is_shown_with_both_values(client, camila, carla, coquimbo):
    sheet, page, log = conflict_upload(client, camila, carla, coquimbo)
    assert log.status == "vista_previa"
    conflicts = text(page.select_one("#conflicts"))
    assert "1 valor cambiado por otra persona desde que usted descargó la planilla" in conflicts
    row = page.select_one("#conflict-table tbody tr")
    assert row["data-cell"] == f"{cell_of(sheet, '2010|efectivo|n')}:{cell_of(sheet, '2010|efectivo|d')}"
    values = cells(row, "td")
    assert values[1:4] == ["CO-01", "2010", "Efectivo"]
    assert values[4] == "262 / 281"  # as downloaded
    assert values[5].startswith("255 / 281 Carla,")  # now, and who changed it
    assert values[6] == "250 / 281"  # the file's
    keep = row.select_one('input[value="keep"]')
    assert keep.has_attr("checked")  # the current value stays unless the person chooses otherwise
    assert [cells(tr, "td")[2] for tr in page.select("#changes tbody tr")] == ["2012"]


def test_applying_keeps_the_current_value_by_default(client, camila, carla, coquimbo):
    _sheet, page, log = conflict_upload(client, camila, carla, coquimbo)
    form = page.select_one("#apply")
    data = {i["name"]: i["value"] for i in form.select("input[type=radio][checked]")}
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}), data)
    assert response.status_code == 302
    assert Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo").numerator == D(255)
    assert Measurement.objects.get(indicator__code="CO-01", year=2012, kind="efectivo").numerator == D(240)
    log.refresh_from_db()
    assert (log.status, log.applied) == ("aplicada", 1)
    assert next(c for c in log.changes if c["year"] == 2010)["choice"] == "keep"


@pytest.mark.parametrize("how", ["one", "all"])
def test_the_files_value_is_taken_when_chosen(client, camila, carla, coquimbo, how):
    _sheet, _page, log = conflict_upload(client, camila, carla, coquimbo)
    conflict = next(c for c in log.changes if c["conflict"])
    data = {f"c-{conflict['id']}": "take"} if how == "one" else {f"c-{conflict['id']}": "keep", "all": "take"}
    client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}), data)
    m = Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo")
    assert m.numerator == D(250)
    assert m.history.latest().history_user == camila


def test_applying_without_a_choice_is_refused(client, camila, carla, coquimbo):
    _sheet, _page, log = conflict_upload(client, camila, carla, coquimbo)
    before = snapshot()
    response = client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert "elija si queda el valor actual o el del archivo" in text(soup(client.get(response["Location"])))
    assert snapshot() == before
    log.refresh_from_db()
    assert log.status == "vista_previa"


def test_a_change_between_preview_and_apply_is_still_refused(client, camila, carla, coquimbo):
    _sheet, _page, log = conflict_upload(client, camila, carla, coquimbo)
    carla_sets(carla, coquimbo, 2010, 256, 281)
    conflict = next(c for c in log.changes if c["conflict"])
    response = client.post(
        reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}), {f"c-{conflict['id']}": "take"}
    )
    assert "después de la vista previa" in text(soup(client.get(response["Location"])))
    assert Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo").numerator == D(256)


def test_a_file_without_the_stamp_is_treated_conservatively(client, camila):
    client.force_login(camila)
    workbook = template(client)
    del workbook["pbr-sello"]  # a template downloaded before the stamp existed
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2010|efectivo|n")] = 250  # replaces a stored figure
    sheet[cell_of(sheet, "2012|efectivo|n")] = 240  # a new one
    sheet[cell_of(sheet, "2012|efectivo|d")] = 262
    page = soup(upload(client, as_upload(workbook)))
    assert "no trae la marca de su descarga" in text(page.select_one("#no-stamp"))
    assert [cells(tr, "td")[2] for tr in page.select("#conflict-table tbody tr")] == ["2010"]
    assert cells(page.select_one("#conflict-table tbody tr"), "td")[4] == "no se sabe"
    assert [cells(tr, "td")[2] for tr in page.select("#changes tbody tr")] == ["2012"]
    assert ImportLog.objects.get().downloaded_at is None


def test_an_edited_stamp_counts_as_none(client, camila):
    client.force_login(camila)
    workbook = template(client)
    stamp = workbook["pbr-sello"]
    stamp["B2"] = stamp["B2"].value.replace("|262|281", "|250|281")
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2010|efectivo|n")] = 250
    page = soup(upload(client, as_upload(workbook)))
    assert page.select_one("#no-stamp") is not None
    assert [cells(tr, "td")[2] for tr in page.select("#conflict-table tbody tr")] == ["2010"]


def copy_stamp(source, target):
    del target["pbr-sello"]
    stamp = target.create_sheet("pbr-sello")
    for row in source["pbr-sello"].iter_rows(values_only=True):
        stamp.append(row)


@pytest.mark.parametrize(
    ("other", "login", "message"),
    [
        ({"code": "CL-BI", "year": 2012}, "bruno", "se descargó para la región CL-BI y el ciclo 2012"),
        ({"code": "CL-CO", "year": 2013}, "camila", "se descargó para la región CL-CO y el ciclo 2013"),
    ],
)
def test_a_stamp_of_another_region_or_cycle_is_refused(client, camila, bruno, other, login, message):
    from indicators.models import IndicatorWeighting

    cycle = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, weight=D(100))
    client.force_login(camila)
    workbook = template(client)
    client.force_login({"camila": camila, "bruno": bruno}[login])
    copy_stamp(template(client, other), workbook)
    client.force_login(camila)
    page = soup(upload(client, as_upload(workbook)), 400)
    assert message in text(page.select_one("#upload"))
    assert "descargue la plantilla de Coquimbo para el ciclo 2012" in text(page.select_one("#upload"))
    assert not ImportLog.objects.exists()


def test_figures_beyond_a_floats_precision_come_back_unchanged(client, camila):
    m = Measurement.objects.get(indicator__code="CO-01", year=2010, kind="efectivo")
    m.numerator, m.denominator = D("12345678901234.5678"), D("23456789012345.6789")
    m.save()
    client.force_login(camila)
    page = soup(upload(client, as_upload(template(client))))
    assert text(page.select_one("#no-changes")) == "La planilla no cambia ningún valor."


def test_a_file_over_the_spreadsheet_limit_reads_the_same_limit(client, camila, settings):
    settings.EVIDENCE_MAX_BYTES = 20 * 2**20  # the upload handler lets it through; the spreadsheet's limit does not
    client.force_login(camila)
    page = soup(upload(client, SimpleUploadedFile("grande.xlsx", b"PK\x03\x04" + b"0" * (11 * 2**20))), 400)
    errors = text(page.select_one("#upload"))
    assert "El archivo supera el máximo de 10 MB; no se leyó." in errors
    assert "obligatorio" not in errors


def test_a_change_during_the_trial_is_a_problem_not_a_crash(client, camila, monkeypatch):
    from indicators import services

    def racing_save(**kwargs):
        raise services.StaleDataError([])

    monkeypatch.setattr(services.spreadsheet, "measurements_save", racing_save)  # where the spreadsheet imports it
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2010|efectivo|n")] = 250
    problems = problems_of(upload(client, as_upload(workbook)))
    assert problems == ["Otra persona cambió valores mientras se leía la planilla; súbala de nuevo."]


def test_the_command_names_each_problem_cell_when_it_applies_without_a_trial(tmp_path, bruno):
    from django.core.management import CommandError, call_command

    from indicators.selectors import template_workbook
    from regions.models import Region

    content = template_workbook(
        region=Region.objects.get(iso_code="CL-BI"), cycle=EvaluationCycle.objects.get(year=2012)
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Formulario H"]
    sheet[cell_of(sheet, "2012|efectivo|n")] = 10
    sheet[cell_of(sheet, "2012|efectivo|d")] = 0
    path = tmp_path / "biobio.xlsx"
    workbook.save(path)
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_formulario_h", str(path), "--user", "bruno", "--apply", stdout=io.StringIO())
    assert str(refused.value) == f"{cell_of(sheet, '2012|efectivo|d')}: El denominador debe ser mayor que cero."
    assert snapshot() == before
    assert ImportLog.objects.get().status == "rechazada"


def test_the_dry_run_recomputes_nothing_and_the_apply_recomputes_once(client, camila, monkeypatch):
    """The preview's trial save is rolled back: it raises no version and recomputes no stored result."""
    from results import store

    refreshed = []
    original = store.refresh
    monkeypatch.setattr(store, "refresh", lambda **kwargs: refreshed.append(kwargs) or original(**kwargs))
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2012|efectivo|n')}5"] = 240
    sheet[f"{column_of(sheet, '2012|efectivo|d')}5"] = 262
    upload(client, as_upload(workbook))
    assert refreshed == []
    log = ImportLog.objects.get()
    client.post(reverse("indicators:spreadsheet_apply", kwargs={**CO, "pk": log.pk}))
    assert [kwargs["cycle"].year for kwargs in refreshed] == [2012]
