"""Reading a PROPIR spreadsheet: the columns of the PROPIR's export (BIP code, name, sector, comuna, programmed
and executed M$, MIDEPLAN's result code, state), one initiative per row under the header row. Pure: no ORM.

The whole file is refused (SpreadsheetError) when it is not a usable .xlsx or has no header row; every other
problem is a row's, kept with the row number as the sheet shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from indicators.spreadsheets import SpreadsheetError, check_package

MAX_ROWS = 20_000
COLUMNS = 8
HEADER_NAMES = {"código bip", "codigo bip", "bip code"}


@dataclass
class SheetRow:
    """A row as read: its number in the sheet and its cells as text (numbers normalised), or its problems."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)


NAMES = ("bip_code", "name", "sector", "comuna", "programmed", "executed", "result", "state")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value).strip()


def read(stream: BinaryIO, size: int) -> list[SheetRow]:
    """Return the initiatives of the sheet's first worksheet, under its header row («Código BIP» first)."""
    check_package(stream, size)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise SpreadsheetError(_("No se pudo leer la planilla: el archivo está dañado o no es .xlsx.")) from exc
    sheet = workbook.worksheets[0]
    rows: list[SheetRow] = []
    header_seen = False
    for number, cells in enumerate(sheet.iter_rows(max_col=COLUMNS, values_only=True), start=1):
        if number > MAX_ROWS:
            raise SpreadsheetError(_("La planilla tiene más de %(max)s filas.") % {"max": MAX_ROWS})
        values = [_text(cell) for cell in cells] + [""] * (COLUMNS - len(cells))
        if not header_seen:
            header_seen = values[0].lower() in HEADER_NAMES
            continue
        if not any(values):
            continue
        row = SheetRow(number, dict(zip(NAMES, values, strict=True)))
        if any(value.startswith("=") for value in values):
            row.problems.append(_("La fila tiene una fórmula: escriba los valores."))
        rows.append(row)
    workbook.close()
    if not header_seen:
        raise SpreadsheetError(
            _("La planilla no tiene la fila de encabezados (la primera columna, «Código BIP»): use la exportación.")
        )
    return rows
