"""Formulario H as a spreadsheet: writing the template and reading it back. Pure: no ORM.

Layout of the sheet «Formulario H»: row 1 a title; row 2 the region's ISO code (B2) and the cycle (D2);
row 3 (hidden) the machine keys of the figure columns («2008|efectivo|n»); row 4 the headers people
read; from row 5 one row per indicator: its Formulario H fields, then numerator and denominator per
year and kind. Reading refuses what could be misread: formulas, merged cells, text in a number cell,
another sheet, a file that is not an xlsx, a file or package too large (a zip bomb).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.parsing import NumberFormatError, parse_decimal
from pbr.numbers import round_half_up

SHEET = "Formulario H"
FIRST_DATA_ROW = 5
KEY_ROW = 3
HEADER_ROW = 4
INFO_COLUMNS = [
    ("code", gettext_lazy("Código")),
    ("product", gettext_lazy("Producto estratégico")),
    ("name", gettext_lazy("Indicador")),
    ("formula", gettext_lazy("Fórmula de cálculo")),
    ("unit", gettext_lazy("Unidad")),
    ("dimension", gettext_lazy("Dimensión")),
    ("scope", gettext_lazy("Ámbito de control")),
    ("direction", gettext_lazy("Sentido")),
    ("weight", gettext_lazy("Ponderación (%)")),
]
MAX_FILE_BYTES = 5 * 2**20
MAX_ROWS = 20_000  # a region's indicators, with room to spare; refuses a far-away stray cell
MAX_EXTRA_COLUMNS = 20
MAX_UNZIPPED_BYTES = 100 * 2**20
MAX_ZIP_MEMBERS = 2000


@dataclass
class TemplateRow:
    """An indicator's row in the template: its fields and its figures by (year, kind)."""

    code: str
    info: dict[str, object]
    has_denominator: bool
    figures: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]]


def write_template(
    *, title: str, region_code: str, cycle_year: int, columns: list[tuple[int, str, str]], rows: list[TemplateRow]
) -> bytes:
    """Return an .xlsx in the Formulario H layout, pre-filled, with data validation on the number cells.

    `columns` are (year, kind, label) of the figure columns, in order.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet["A1"] = _text(title)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["D2"] = _("Región"), region_code, _("Ciclo"), cycle_year
    headers = [str(label) for _key, label in INFO_COLUMNS]
    keys = [key for key, _label in INFO_COLUMNS]
    for year, kind, label in columns:
        headers += [_("%(column)s · numerador") % {"column": label}, _("%(column)s · denominador") % {"column": label}]
        keys += [f"{year}|{kind}|n", f"{year}|{kind}|d"]
    for index, (key, header) in enumerate(zip(keys, headers, strict=True), start=1):
        sheet.cell(KEY_ROW, index, key)
        cell = sheet.cell(HEADER_ROW, index, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
    sheet.row_dimensions[KEY_ROW].hidden = True
    for offset, row in enumerate(rows):
        number = FIRST_DATA_ROW + offset
        for index, (key, _label) in enumerate(INFO_COLUMNS, start=1):
            value = row.info.get(key)
            sheet.cell(number, index, float(value) if isinstance(value, Decimal) else _text(value))
        column = len(INFO_COLUMNS) + 1
        for year, kind, _label in columns:
            numerator, denominator = row.figures.get((year, kind), (None, None))
            sheet.cell(number, column, _excel_number(numerator))
            denominator_cell = sheet.cell(number, column + 1, _excel_number(denominator))
            if not row.has_denominator:
                denominator_cell.fill = PatternFill("solid", fgColor="EEEEEE")
            column += 2
    last_row = FIRST_DATA_ROW + max(len(rows), 1) - 1
    first_figure = get_column_letter(len(INFO_COLUMNS) + 1)
    last_figure = get_column_letter(len(keys))
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Valor no válido"),
        error=_("Escriba un número mayor o igual que cero."),
    )
    sheet.add_data_validation(validation)
    validation.add(f"{first_figure}{FIRST_DATA_ROW}:{last_figure}{last_row}")
    for index in range(1, len(keys) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index in (3, 4) else 14
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, len(INFO_COLUMNS) + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value):
    """Return text a spreadsheet will not run as a formula (a leading apostrophe before = + - @)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _excel_number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class SpreadsheetError(ValueError):
    """The file cannot be read as a Formulario H; str() is the message for the person."""


@dataclass
class CellProblem:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    code: str
    figures: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]]


@dataclass
class ParsedSheet:
    region_code: str
    cycle_year: int | None
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    columns: dict[tuple[int, str, str], str] = field(default_factory=dict)

    def column(self, year: int, kind: str, part: str = "n") -> str:
        """Return the letter of a figure's column, for messages («J»)."""
        return self.columns.get((year, kind, part), "")


def check_package(stream: BinaryIO, size: int) -> None:
    """Refuse, before opening it, a file too large, not a zip package, or that would inflate too much."""
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB.")
            % {"size": f"{size / 2**20:.1f}", "limit": MAX_FILE_BYTES // 2**20}
        )
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise SpreadsheetError(_("El archivo se expandiría a un tamaño excesivo; no se abrió."))
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise SpreadsheetError(_("El archivo no es una planilla Excel (.xlsx)."))
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("El archivo no es una planilla Excel (.xlsx).")) from None
    finally:
        stream.seek(0)


def read_template(stream: BinaryIO, size: int) -> ParsedSheet:
    """Return the Formulario H's region, cycle and figures, with every problem found per cell.

    Raises SpreadsheetError when the file as a whole cannot be used (see the module's docstring).
    Empty figure cells are None; numbers written as text follow the Chilean format (1.078 and 71,5).
    """
    check_package(stream, size)
    try:
        workbook = load_workbook(stream, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise SpreadsheetError(_("No se pudo leer la planilla: el archivo está dañado o no es .xlsx.")) from exc
    if SHEET not in workbook.sheetnames:
        raise SpreadsheetError(
            _("La planilla no tiene la hoja «%(sheet)s»; use la plantilla descargada.") % {"sheet": SHEET}
        )
    sheet = workbook[SHEET]
    if sheet.max_row > MAX_ROWS or sheet.max_column > len(INFO_COLUMNS) + 2 * 20 + MAX_EXTRA_COLUMNS:
        raise SpreadsheetError(
            _("La hoja llega hasta la celda %(cell)s, más allá de la plantilla; borre las filas y columnas sobrantes.")
            % {"cell": f"{get_column_letter(sheet.max_column)}{sheet.max_row}"}
        )
    if sheet.merged_cells.ranges:
        ranges = ", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:5])
        raise SpreadsheetError(
            _("La hoja tiene celdas combinadas (%(ranges)s); sepárelas y vuelva a subirla.") % {"ranges": ranges}
        )
    year = sheet["D2"].value
    if isinstance(year, bool) or not isinstance(year, int):
        raise SpreadsheetError(
            _("La celda D2 debe tener el año del ciclo (por ejemplo 2012); use la plantilla descargada.")
        )
    parsed = ParsedSheet(region_code=str(sheet["B2"].value or "").strip(), cycle_year=year)
    keys = {}
    parsed_columns: dict[tuple[int, str, str], str] = {}
    for cell in sheet[KEY_ROW]:
        if isinstance(cell.value, str) and cell.value.count("|") == 2:
            year_text, kind, part = cell.value.split("|")
            if re.fullmatch(r"[0-9]{4}", year_text) and part in ("n", "d"):
                keys[cell.column] = (int(year_text), kind, part)
                parsed_columns[(int(year_text), kind, part)] = cell.column_letter
    if not keys:
        raise SpreadsheetError(_("La fila 3 (oculta) de la plantilla fue modificada; descargue la plantilla de nuevo."))
    parsed.columns = parsed_columns
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=max(keys)):
        code = row[0].value
        if code is None or str(code).strip() == "":
            continue
        figures: dict[tuple[int, str], list[Decimal | None]] = {}
        for cell in row:
            if cell.column not in keys:
                continue
            year_key, kind, part = keys[cell.column]
            value, problem = _cell_number(cell)
            if problem:
                parsed.problems.append(CellProblem(cell.row, cell.coordinate, problem))
                continue
            pair = figures.setdefault((year_key, kind), [None, None])
            pair[0 if part == "n" else 1] = value
        parsed.rows.append(ParsedRow(row[0].row, str(code).strip(), {k: (v[0], v[1]) for k, v in figures.items()}))
    return parsed


def _cell_number(cell) -> tuple[Decimal | None, str | None]:
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return None, _("Contiene una fórmula; escriba el valor.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _("No es un número.")
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        # Excel keeps binary floats: 1710.333333333333 is a pasted 1710,3333; keep the 4 decimals stored.
        try:
            return round_half_up(Decimal(repr(value)), 4), None
        except InvalidOperation:
            return None, _("No es un número.")
    if isinstance(value, str):
        try:
            return parse_decimal(value), None
        except NumberFormatError:
            return None, _("«%(value)s» no es un número (escriba 1.078 o 71,5).") % {"value": value[:40]}
    return None, _("No es un número.")
