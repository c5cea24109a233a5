"""Reading figures from a CSV sent to the API: one figure per line, named columns (indicator, year, kind,
numerator, denominator, version; any order, more columns ignored). Either «,» with the decimal point, as
programs write it, or «;» with the decimal comma and dot thousands, as Excel writes it in Chile; in both, a
number with two readings («1.021») is refused (indicators.parsing), and the figure's field rules (a denominator
above zero) are told with the rest. No database: text in, rows and problems out (every problem of the file at
once, by line)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import Measurement
from indicators.parsing import AmbiguousNumberError, NumberFormatError, parse_decimal
from indicators.vocabulary import MeasurementKind

REQUIRED = ("indicator", "year", "kind", "numerator")
MAX_LINES = 20_000


def _number(text: str, chilean: bool) -> Decimal | None:
    """Read a figure: «1.248,5» (dot thousands, decimal comma) in the «;» dialect, «1248.5» in the «,» one. A
    single mark followed by three digits («1.021») is refused in both, naming its two readings: a person may
    have written it either way (indicators.parsing, the rule of every path)."""
    text = text.strip()
    try:
        return parse_decimal(text, decimal_sep="," if chilean else ".", thousand_sep="." if chilean else "")
    except AmbiguousNumberError as exc:
        raise ValueError(str(exc)) from None
    except NumberFormatError:
        raise ValueError(_("«%(text)s» no es un número.") % {"text": text[:40]}) from None


def read(text: str) -> tuple[list[dict], list[dict]]:
    """Return the figures (each with its `line`) and the problems ({line, errors: {column: [messages]}})."""
    if not isinstance(text, str) or not text.strip():
        return [], [{"line": 1, "errors": {"csv": [_("El CSV está vacío.")]}}]
    first = text.splitlines()[0]
    chilean = first.count(";") > first.count(",")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if chilean else ",")
    records: list[dict] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as error:  # a field beyond the reader's limit, a stray quote: which record, and what
        line = len(records) + 2
        message = _("El CSV no se pudo leer en la línea %(line)s: %(error)s.") % {"line": line, "error": error}
        return [], [{"line": line, "errors": {"csv": [message]}}]
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        message = _("Faltan las columnas: %(columns)s.") % {"columns": ", ".join(missing)}
        return [], [{"line": 1, "errors": {"csv": [message]}}]
    rows, problems = [], []
    for line, raw in enumerate(records, start=2):
        if line > MAX_LINES + 1:
            problems.append({"line": line, "errors": {"csv": [_("Más de %(max)s líneas.") % {"max": MAX_LINES}]}})
            break
        record = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items() if key}
        if not any(record.values()):
            continue  # a blank line
        errors: dict[str, list[str]] = {}
        row = {"line": line, "indicator": record["indicator"], "kind": record["kind"].lower()}
        if not row["indicator"]:
            errors["indicator"] = [_("Falta el código del indicador.")]
        try:
            row["year"] = int(record["year"])
        except ValueError:
            errors["year"] = [_("El año debe ser un número entero, p. ej. 2012.")]
            row["year"] = 0
        if row["kind"] not in MeasurementKind.values:
            errors["kind"] = [_("El tipo debe ser efectivo, estimado o meta.")]
        for name in ("numerator", "denominator"):
            try:
                row[name] = _number(record.get(name, ""), chilean)
                # The figure's own field rules (a denominator above zero), told beside the other problems.
                if row[name] is not None:
                    Measurement._meta.get_field(name).run_validators(row[name])
            except ValueError as error:
                errors[name] = [str(error)]
            except ValidationError as error:
                errors[name] = list(error.messages)
        version = record.get("version", "") or "0"
        if version.isdigit():
            row["version"] = int(version)
        else:
            errors["version"] = [_("La versión es un número entero (0 si no había valor).")]
        if errors:
            problems.append({"index": line - 2, "line": line, "indicator": row["indicator"], "year": row["year"],
                             "kind": row["kind"], "errors": errors})  # fmt: skip
        else:
            rows.append(row)
    return rows, problems
