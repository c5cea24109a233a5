"""The bulk commands: load a region from its spreadsheet, export every figure."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from evaluation.models import EvaluationCycle
from indicators.models import ImportLog, Measurement
from indicators.selectors import template_workbook
from regions.models import Region

pytestmark = pytest.mark.django_db


def filled_template(tmp_path, value):
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            template_workbook(region=Region.objects.get(iso_code="CL-BI"), cycle=EvaluationCycle.objects.get(year=2012))
        )
    )
    sheet = workbook["Formulario H"]
    columns = {cell.value: cell.column_letter for cell in sheet[3] if cell.value}
    sheet[f"{columns['2012|efectivo|n']}5"] = value
    sheet[f"{columns['2012|efectivo|d']}5"] = 1000
    path = tmp_path / "biobio.xlsx"
    workbook.save(path)
    return path


def test_import_previews_then_applies(tmp_path, bruno):
    path = filled_template(tmp_path, 955)
    out = io.StringIO()
    call_command("import_formulario_h", str(path), "--user", "bruno", stdout=out)
    assert "1 valor cambiaría." in out.getvalue()
    assert not Measurement.objects.filter(indicator__code="BI-01", year=2012, kind="efectivo").exists()
    call_command("import_formulario_h", str(path), "--user", "bruno", "--apply", stdout=out)
    assert "Guardado 1 valor." in out.getvalue()
    m = Measurement.objects.get(indicator__code="BI-01", year=2012, kind="efectivo")
    assert (m.numerator, m.denominator) == (Decimal(955), Decimal(1000))
    assert m.history.latest().history_user == bruno
    assert ImportLog.objects.filter(status="aplicada").count() == 1


def test_import_refuses_problems_and_other_regions(tmp_path, bruno, camila):
    path = filled_template(tmp_path, "novecientos")
    with pytest.raises(CommandError, match="1 problema: no se guardó nada"):
        call_command(
            "import_formulario_h", str(path), "--user", "bruno", "--apply", stdout=io.StringIO(), stderr=io.StringIO()
        )
    good = filled_template(tmp_path, 955)
    with pytest.raises(CommandError, match="No puede modificar los datos de Biobío"):
        call_command("import_formulario_h", str(good), "--user", "camila", "--apply", stdout=io.StringIO())
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"hola")
    with pytest.raises(CommandError, match="no es una planilla Excel"):
        call_command("import_formulario_h", str(bad), "--user", "bruno", stdout=io.StringIO())
    assert not Measurement.objects.filter(indicator__code="BI-01", year=2012, kind="efectivo").exists()


def test_export_all_data(tmp_path):
    path = tmp_path / "todo.csv"
    call_command("export_data", str(path), stdout=io.StringIO())
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == Measurement.objects.count() + 1
    assert rows[[r[2] for r in rows].index("CO-01")][:3] == ["CL-CO", "Coquimbo", "CO-01"]
    biobio_2009 = next(r for r in rows if r[2] == "BI-01" and r[4] == "2009")
    assert biobio_2009[6:8] == ["1078", "1142"]
    xlsx = tmp_path / "todo.xlsx"
    call_command("export_data", str(xlsx), stdout=io.StringIO())
    assert openpyxl.load_workbook(xlsx)["Valores"].max_row == Measurement.objects.count() + 1
