"""Dashboard tables as .xlsx and .csv files. Pure: plain rows in, bytes out.

Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
are neutralised with a leading apostrophe (OWASP's advice against CSV injection); numbers stay numbers.
CSV files use «;» and the decimal comma, as Excel expects them in Chile, and start with a UTF-8 BOM.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[object]]


def neutralise(value: object) -> object:
    """Return text that cannot start a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("sí") if value else _("no")
    if isinstance(value, Decimal | float | int):
        return format(Decimal(str(value)).normalize(), "f").replace(".", ",")
    return str(neutralise(str(value)))


def to_csv(table: Table, *, note: str = "") -> bytes:
    """Return the table as CSV (UTF-8 with BOM, «;», decimal comma); a note, when given, is its first line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    if note:
        writer.writerow([_csv_value(note)])
    writer.writerow([_csv_value(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table], *, note: str = "") -> bytes:
    """Return the tables as a workbook, one sheet each, numbers as numbers; a note, when given, is the
    first row of every sheet, above the headers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        if note:
            sheet.append([neutralise(note)])
        sheet.append([neutralise(str(header)) for header in table.headers])
        for row in sheet.iter_rows(max_row=sheet.max_row):
            for cell in row:
                cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, Decimal) else neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(tables: list[Table], *, name: str, fmt: str, slug: str | None = None, note: str = "") -> HttpResponse:
    """Return the tables as a download: one workbook (fmt «xlsx»), or the table `slug` (the first when None)
    as CSV. Raises Http404 for a table that does not exist."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(tables, note=note), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = next((t for t in tables if t.slug == (slug or tables[0].slug)), None)
    if table is None:
        raise Http404(_("No existe la tabla «%(slug)s».") % {"slug": slug})
    response = HttpResponse(to_csv(table, note=note), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.slug}.csv"'
    return response
