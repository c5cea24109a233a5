"""Formulario H as a spreadsheet: writing the template and reading it back. Pure: no ORM.

Layout of the sheet «Formulario H»: row 1 a title; row 2 the region's ISO code (B2) and the cycle (D2);
row 3 (hidden) the machine keys of the figure columns («2008|efectivo|n»); row 4 the headers people
read; from row 5 one row per indicator: its Formulario H fields, then numerator and denominator per
year and kind. Reading refuses what could be misread: a formula in any cell of any sheet, merged cells,
text in a number cell, another sheet, a file that is not an xlsx, a file or package too large (a zip bomb).

A very hidden, protected sheet («pbr-sello») stamps what the person downloaded: the region, the cycle,
when, and each figure's version and value, signed with the site's key. On upload it tells a figure the
person changed from one someone else changed since the download. Cells are named as the spreadsheet
names them: «V5» (on another sheet «'Hoja 2'!B3»).
"""

from __future__ import annotations

import hmac
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from core.numbers import format_number, round_half_up
from indicators.parsing import AmbiguousNumberError, NumberFormatError, parse_decimal

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
MAX_FILE_BYTES = 10 * 2**20
MAX_ROWS = 20_000  # a region's indicators, with room to spare; refuses a far-away stray cell
MAX_EXTRA_COLUMNS = 20
MAX_UNZIPPED_BYTES = 100 * 2**20
MAX_ZIP_MEMBERS = 2000
STAMP_SHEET = "pbr-sello"
STAMP_MARK = "pbr-sello-1"
_STAMP_SALT = "indicators.spreadsheets.stamp"


@dataclass
class TemplateRow:
    """An indicator's row in the template: its fields and its figures by (year, kind)."""

    code: str
    info: dict[str, object]
    has_denominator: bool
    figures: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]]
    versions: dict[tuple[int, str], int] = field(default_factory=dict)


def write_template(
    *,
    title: str,
    region_code: str,
    cycle_year: int,
    columns: list[tuple[int, str, str]],
    rows: list[TemplateRow],
    downloaded_at: datetime | None = None,
) -> bytes:
    """Return an .xlsx in the Formulario H layout, pre-filled, with data validation on the number cells
    and the stamp of what was downloaded (see the module's docstring).

    `columns` are (year, kind, label) of the figure columns, in order; `downloaded_at` defaults to now.
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
    _write_stamp(workbook, region_code, cycle_year, downloaded_at or datetime.now(UTC), rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value):
    """Return text a spreadsheet will not run as a formula (a leading apostrophe before = + - @)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _excel_number(value: Decimal | None):
    """Return the figure as Excel keeps it; as text («12345678901234,5678») when a float would change it."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    if round_half_up(Decimal(repr(float(value))), 4) == value:
        return float(value)
    return format(value.normalize(), "f").replace(".", ",")


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _stamp_payload(head: list[str], lines: list[tuple[str, str]]) -> str:
    return "\n".join(["\t".join(head), *("\t".join(line) for line in lines)])


def _sign(payload: str) -> str:
    return salted_hmac(_STAMP_SALT, payload, algorithm="sha256").hexdigest()


def _write_stamp(workbook, region_code: str, cycle_year: int, downloaded_at: datetime, rows: list[TemplateRow]):
    """Add the very hidden, protected sheet recording each figure's version and value as downloaded."""
    head = [STAMP_MARK, region_code, str(cycle_year), downloaded_at.isoformat()]
    lines = []
    for row in rows:
        figures = [
            f"{year}|{kind}|{row.versions.get((year, kind), 0)}|{_plain(numerator)}|{_plain(denominator)}"
            for (year, kind), (numerator, denominator) in sorted(row.figures.items())
            if row.versions.get((year, kind))
        ]
        lines.append((row.code, ";".join(figures)))
    stamp = workbook.create_sheet(STAMP_SHEET)
    stamp.append([*head, _sign(_stamp_payload(head, lines))])
    for code, token in lines:
        stamp.append([code, token or None])
    stamp.sheet_state = "veryHidden"
    stamp.protection.sheet = True


class SpreadsheetError(ValueError):
    """The file cannot be read as a Formulario H; str() is the message for the person."""


@dataclass
class CellProblem:
    """A problem found at one cell, named as the spreadsheet names it («V5»)."""

    cell: str
    message: str


@dataclass
class ParsedRow:
    row: int
    code: str
    figures: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]]
    broken: set[tuple[int, str]] = field(default_factory=set)  # figures with a problem in one of their cells


Figure = tuple[Decimal | None, Decimal | None]


@dataclass
class Stamp:
    """What the person downloaded: by indicator code, each (year, kind) figure's version and value."""

    region_code: str
    cycle_year: int
    downloaded_at: datetime
    rows: dict[str, dict[tuple[int, str], tuple[int, Figure]]]

    def seen(self, code: str, year: int, kind: str) -> tuple[int, Figure] | None:
        """Return the (version, value) downloaded, (0, empty) for an empty cell; None for a row not downloaded."""
        row = self.rows.get(code)
        if row is None:
            return None
        return row.get((year, kind), (0, (None, None)))


@dataclass
class ParsedSheet:
    region_code: str
    cycle_year: int | None
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    columns: dict[tuple[int, str, str], str] = field(default_factory=dict)
    stamp: Stamp | None = None  # None: no stamp, or one that does not verify (an older template, an edited file)

    def column(self, year: int, kind: str, part: str = "n") -> str:
        """Return the letter of a figure's column («J»)."""
        return self.columns.get((year, kind, part), "")

    def cell(self, row: int, year: int, kind: str, part: str = "n") -> str:
        """Return the name of a figure's cell («J5»); empty when the sheet has no such column."""
        column = self.column(year, kind, part)
        return f"{column}{row}" if column else ""


def cell_order(name: str) -> tuple:
    """Return a sort key placing problems as a person reads the file: the file's own first (no cell), then
    the Formulario H by row and column, then other sheets."""
    if not name:
        return (0,)
    sheet, _sep, coordinate = name.rpartition("!")
    try:
        column, row = coordinate_from_string(coordinate.replace("$", ""))
    except ValueError:
        return (3, name)
    return (2, sheet, row, column_index_from_string(column)) if sheet else (1, row, column_index_from_string(column))


def check_package(stream: BinaryIO, size: int) -> None:
    """Refuse, before opening it, a file too large, not a zip package, or that would inflate too much."""
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB.")
            % {"size": format_number(Decimal(size) / 2**20, 1), "limit": MAX_FILE_BYTES // 2**20}
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
    """Return the Formulario H's region, cycle, figures and stamp, with every problem found per cell.

    Raises SpreadsheetError when the file as a whole cannot be used (see the module's docstring). A
    formula in any cell of any sheet is a problem of that cell. Empty figure cells are None; numbers
    written as text follow the Chilean format (1.078 and 71,5).
    """
    check_package(stream, size)
    try:
        workbook = load_workbook(stream, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise SpreadsheetError(_("No se pudo leer la planilla: el archivo está dañado o no es .xlsx.")) from exc
    if SHEET not in workbook.sheetnames or not isinstance(workbook[SHEET], Worksheet):
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
    formulas: set[tuple[int, int]] = set()
    problems: list[CellProblem] = []
    for worksheet in workbook.worksheets:
        for cell, message in _formula_cells(worksheet):
            if worksheet is sheet:
                formulas.add((cell.row, cell.column))
                name = cell.coordinate
            else:
                name = f"{quote_sheetname(worksheet.title)}!{cell.coordinate}"
            problems.append(CellProblem(name, message))
    for name in ("B2", "D2"):
        if (sheet[name].row, sheet[name].column) in formulas:
            raise SpreadsheetError(
                _("La celda %(cell)s tiene una fórmula; escriba su valor o use la plantilla descargada.")
                % {"cell": name}
            )
    year = sheet["D2"].value
    if isinstance(year, bool) or not isinstance(year, int):
        raise SpreadsheetError(
            _("La celda D2 debe tener el año del ciclo (por ejemplo 2012); use la plantilla descargada.")
        )
    parsed = ParsedSheet(region_code=str(sheet["B2"].value or "").strip(), cycle_year=year, problems=problems)
    keys = {}
    parsed_columns: dict[tuple[int, str, str], str] = {}
    for cell in sheet[KEY_ROW]:
        if (cell.row, cell.column) in formulas:
            continue
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
        broken: set[tuple[int, str]] = set()
        for cell in row:
            if cell.column not in keys:
                continue
            year_key, kind, part = keys[cell.column]
            if (cell.row, cell.column) in formulas:
                broken.add((year_key, kind))  # reported above, once
                continue
            value, problem = _cell_number(cell)
            if problem:
                parsed.problems.append(CellProblem(cell.coordinate, problem))
                broken.add((year_key, kind))
                continue
            pair = figures.setdefault((year_key, kind), [None, None])
            pair[0 if part == "n" else 1] = value
        if (row[0].row, 1) in formulas:
            continue  # the indicator's code is a formula: reported above; its figures were still checked
        parsed.rows.append(
            ParsedRow(row[0].row, str(code).strip(), {k: (v[0], v[1]) for k, v in figures.items()}, broken)
        )
    parsed.stamp = _read_stamp(workbook)
    return parsed


def _formula_cells(worksheet: Worksheet):
    """Yield each cell holding a formula (plain, shared, array or data table) with the message for it."""
    # The stored cells only: iterating the sheet's dimensions would create every empty cell of a far range.
    for cell in list(worksheet._cells.values()):
        value = cell.value
        if isinstance(value, ArrayFormula):
            yield cell, _("Contiene una fórmula matricial (%(range)s); escriba los valores.") % {"range": value.ref}
        elif isinstance(value, DataTableFormula):
            yield cell, _("Contiene una tabla de datos (%(range)s); escriba los valores.") % {"range": value.ref}
        elif cell.data_type == "f":
            yield cell, _("Contiene una fórmula; escriba el valor.")


def _read_stamp(workbook) -> Stamp | None:
    """Return the stamp of the download when the file has one that verifies; else None."""
    if STAMP_SHEET not in workbook.sheetnames:
        return None
    sheet = workbook[STAMP_SHEET]
    if not isinstance(sheet, Worksheet) or sheet.max_row > MAX_ROWS + 1 or sheet.max_column > 5:
        return None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_col=5)]
    head = values[0] if values else []
    if len(head) < 5 or not all(isinstance(v, str) for v in head) or head[0] != STAMP_MARK:
        return None
    lines = []
    for code, token, *rest in values[1:]:
        if not isinstance(code, str) or not isinstance(token, str | None) or any(v is not None for v in rest):
            return None
        lines.append((code, token or ""))
    if not hmac.compare_digest(_sign(_stamp_payload(head[:4], lines)), head[4]):
        return None
    try:
        rows: dict[str, dict[tuple[int, str], tuple[int, Figure]]] = {}
        for code, token in lines:
            row = rows.setdefault(code, {})
            for figure in filter(None, token.split(";")):
                year, kind, version, numerator, denominator = figure.split("|")
                row[(int(year), kind)] = (
                    int(version),
                    (Decimal(numerator) if numerator else None, Decimal(denominator) if denominator else None),
                )
        return Stamp(head[1], int(head[2]), datetime.fromisoformat(head[3]), rows)
    except (ValueError, ArithmeticError):  # signed, so only a change of format would get here
        return None


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
    if isinstance(value, str):  # typed as text: read as Chile writes it, with the one rule for two readings
        try:
            return parse_decimal(value), None
        except AmbiguousNumberError as exc:
            return None, str(exc)
        except NumberFormatError:
            return None, _("«%(value)s» no es un número (escriba 1078 o 71,5).") % {"value": value[:40]}
    return None, _("No es un número.")


# The budget by spreadsheet: the budget page's export, filled in and uploaded again (indicators.services.budget).
BUDGET_HEADERS = ("n°", "nº", "no.", "no", "n.°")
BUDGET_COLUMNS = 6  # N°, product, allocated, executed, output, unit


@dataclass
class BudgetSheetRow:
    """A product's row as read: its number in the sheet, the product's number and the amounts as text."""

    number: int
    product: str
    allocated: str
    executed: str
    output: str


def read_budget(stream: BinaryIO, size: int) -> list[BudgetSheetRow]:
    """Return the products' rows of the budget sheet (the first worksheet, under the header row whose first
    cell is «N°»). Raises SpreadsheetError when the file cannot be used."""
    check_package(stream, size)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise SpreadsheetError(_("No se pudo leer la planilla: el archivo está dañado o no es .xlsx.")) from exc
    rows, header_seen = [], False
    for number, cells in enumerate(workbook.worksheets[0].iter_rows(max_col=BUDGET_COLUMNS, values_only=True), 1):
        if number > MAX_ROWS:
            raise SpreadsheetError(_("La planilla tiene más de %(max)s filas.") % {"max": MAX_ROWS})
        values = ["" if value is None else str(value).strip() for value in cells] + [""] * BUDGET_COLUMNS
        if not header_seen:
            header_seen = values[0].lower() in BUDGET_HEADERS
            continue
        if any(values[:5]):
            rows.append(BudgetSheetRow(number, values[0], values[2], values[3], values[4]))
    workbook.close()
    if not header_seen:
        raise SpreadsheetError(_("La planilla no tiene la fila de encabezados («N°» primero): use la descargada."))
    return rows
