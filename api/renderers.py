"""CSV beside JSON: `?format=csv` or `Accept: text/csv`. A page of a list is one row per item, nested values
flattened into dotted columns (lists of plain values joined by «; », lists of records as JSON).

For programs, not for Excel: commas and the decimal point (RFC 4180), the values exactly as in JSON. The pages'
own CSV downloads are the ones in Chile's spreadsheet format (core.exports). Text that a spreadsheet would run
as a formula is neutralised all the same."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

from rest_framework.renderers import BaseRenderer

from core.exports import neutralise


def _flatten(item, prefix: str = "") -> dict[str, str]:
    row: dict[str, str] = {}
    if isinstance(item, dict):
        for key, value in item.items():
            row.update(_flatten(value, f"{prefix}{key}."))
        return row
    name = prefix.rstrip(".")
    if item is None:
        row[name] = ""
    elif isinstance(item, list):
        if all(not isinstance(value, dict | list) for value in item):
            row[name] = "; ".join("" if value is None else str(value) for value in item)
        else:
            row[name] = json.dumps(item, ensure_ascii=False)
    else:
        row[name] = str(item)
    return row


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]  # a page of a list: its items
        items = data if isinstance(data, list) else [data]
        rows = [_flatten(item) for item in items]
        columns: list[str] = []
        for row in rows:
            columns.extend(name for name in row if name not in columns)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: value if _number(value) else neutralise(value) for name, value in row.items()})
        return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheets then read the accents right


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class XMLBytesRenderer(BaseRenderer):
    """An XML document already written (the IATI file); an error is written as the API's JSON would be, in XML
    form for the client that asked for XML."""

    media_type = "application/xml"
    format = "xml"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        root = ET.Element("error")
        for key, value in (data or {}).items():
            ET.SubElement(root, str(key)).text = (
                json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            )
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
