"""The Formulario H spreadsheet: a dry-run preview of an upload (every problem by its cell, every change and
conflict) and applying it through the same writer as the grid."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import EvaluationCycle
from evaluation.versions import trial_write
from indicators import spreadsheets
from indicators.models import (
    ImportLog,
    ImportStatus,
    Indicator,
    Measurement,
)
from indicators.selectors import cycle_entry_columns
from indicators.services.entry import CellErrors, CellInput, StaleDataError, measurements_save
from regions.models import Region
from regions.selectors import can_edit_region

KEEP, TAKE = "keep", "take"  # for a figure someone else changed since the download: the stored value, or the file's


class _DryRun(Exception):
    """Raised to roll back a trial run of the save."""


def _problem(cell: str, message: str) -> dict[str, str]:
    """Return a problem as the import log keeps it: the cell as the spreadsheet names it («V5»; «» for the file)."""
    return {"cell": cell, "message": message}


def _check_sheet_identity(*, parsed: spreadsheets.ParsedSheet, region: Region, cycle: EvaluationCycle) -> None:
    """Raise SpreadsheetError when the sheet (B2, D2) or its download stamp is of another region or cycle."""
    if parsed.region_code.upper() != region.iso_code:
        raise spreadsheets.SpreadsheetError(
            _("La planilla es de la región %(sheet)s, no de %(region)s (%(code)s).")
            % {"sheet": parsed.region_code or "—", "region": region.name, "code": region.iso_code}
        )
    if parsed.cycle_year != cycle.year:
        raise spreadsheets.SpreadsheetError(
            _("La planilla es del ciclo %(sheet)s, no del ciclo %(year)s.")
            % {"sheet": parsed.cycle_year, "year": cycle.year}
        )
    stamp = parsed.stamp
    if stamp is not None and (stamp.region_code.upper(), stamp.cycle_year) != (region.iso_code, cycle.year):
        raise spreadsheets.SpreadsheetError(
            _(
                "La planilla se descargó para la región %(stamp_region)s y el ciclo %(stamp_year)s, aunque sus celdas "
                "B2 y D2 digan %(code)s y %(year)s: descargue la plantilla de %(region)s para el ciclo %(year)s."
            )
            % {
                "stamp_region": stamp.region_code,
                "stamp_year": stamp.cycle_year,
                "code": region.iso_code,
                "region": region.name,
                "year": cycle.year,
            }
        )


def _last_changes(measurement_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Return, per figure, who made its latest change (name, or «» when unknown) and when (ISO 8601)."""
    latest: dict[int, tuple[str, str]] = {}
    for start in range(0, len(measurement_ids), 500):  # SQLite caps the parameters of one query
        records = (
            Measurement.history.filter(id__in=measurement_ids[start : start + 500])
            .select_related("history_user")
            .order_by("id", "-history_date", "-history_id")
        )
        for record in records:
            if record.id not in latest:
                person = record.history_user
                name = (person.get_full_name() or person.get_username()) if person else ""
                latest[record.id] = (name, record.history_date.isoformat())
    return latest


def spreadsheet_preview(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    upload: UploadedFile,
    trial: bool = True,
    parsed: spreadsheets.ParsedSheet | None = None,
) -> ImportLog:
    """Read an uploaded Formulario H and record, without changing any figure, what applying it would
    change (cell by cell, old → new) and every problem of the file at once, each named by its cell («V5»).

    A figure the file leaves as it was downloaded is never a change, whatever is stored now. A figure the
    file changes that someone else also changed since the download is a conflict (`change["conflict"]`):
    applying needs the person's choice for it. A file without a valid download stamp cannot say what the
    person saw, so every change replacing a stored figure is a conflict. The trial runs the very save the
    forms use, and rolls it back, so its checks (values, locks, cross-cycle rules) are reported with the
    file's own problems; `trial=False` skips it when the import is applied right after, which validates
    the same way. Raises SpreadsheetError (the file as a whole is unusable, or is another region's or
    cycle's: nothing is recorded) or PermissionDenied.
    """

    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    if parsed is None:
        parsed = spreadsheets.read_template(upload, upload.size)
    _check_sheet_identity(parsed=parsed, region=region, cycle=cycle)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    problems = [_problem(p.cell, p.message) for p in parsed.problems]
    indicators = {
        i.code: i for i in Indicator.objects.filter(region=region, weightings__cycle=cycle).select_related("region")
    }
    allowed = {(c.year, c.kind) for c in cycle_entry_columns(cycle)}
    stored = {
        (m.indicator_id, m.year, m.kind): m
        for m in Measurement.objects.filter(
            indicator__in=indicators.values(), year__gte=cycle.first_year, year__lte=cycle.year
        )
    }
    stamp = parsed.stamp
    cells, changes, where, disputed = [], [], {}, {}
    first_row: dict[str, int] = {}
    for row in parsed.rows:
        if row.code in first_row:
            problems.append(
                _problem(
                    f"A{row.row}",
                    _("El indicador «%(code)s» ya aparece en la celda %(first)s: deje una sola fila por indicador.")
                    % {"code": row.code, "first": f"A{first_row[row.code]}"},
                )
            )
            continue
        first_row[row.code] = row.row
        indicator = indicators.get(row.code)
        if indicator is None:
            problems.append(
                _problem(
                    f"A{row.row}",
                    _("No existe el indicador «%(code)s» en %(region)s para el ciclo %(year)s.")
                    % {"code": row.code, "region": region.name, "year": cycle.year},
                )
            )
            continue
        for (year, kind), posted in sorted(row.figures.items()):
            if (year, kind) not in allowed or (year, kind) in row.broken:
                continue  # another cycle's column (not this cycle's to change), or a cell already reported
            if not indicator.has_denominator and posted[1] is not None:
                problems.append(
                    _problem(
                        parsed.cell(row.row, year, kind, "d"), _("Este indicador es de conteo y no lleva denominador.")
                    )
                )
                continue
            current = stored.get((indicator.pk, year, kind))
            now = (current.version, (current.numerator, current.denominator)) if current else (0, (None, None))
            if posted == now[1]:
                continue
            seen = stamp.seen(row.code, year, kind) if stamp else None
            if seen is not None and posted == seen[1]:
                continue  # left as downloaded: not a change, even if someone changed the stored value since
            conflict = now != seen if seen is not None else current is not None
            cell = CellInput(
                indicator=indicator, year=year, kind=kind, numerator=posted[0], denominator=posted[1], version=now[0]
            )
            cells.append(cell)
            where[cell.key] = row.row
            name = parsed.cell(row.row, year, kind)
            if indicator.has_denominator:
                name += ":" + parsed.cell(row.row, year, kind, "d")
            change = {
                "id": f"{indicator.pk}-{year}-{kind}",
                "code": indicator.code,
                "indicator": indicator.pk,
                "row": row.row,
                "cell": name,
                "year": year,
                "kind": kind,
                "old": [_plain(v) for v in now[1]],
                "new": [_plain(v) for v in posted],
                "version": now[0],
                "conflict": None,
            }
            if conflict:
                change["conflict"] = {"downloaded": [_plain(v) for v in seen[1]] if seen else None, "by": "", "at": ""}
                if current is not None:
                    disputed[current.pk] = change
            changes.append(change)
    if trial and cells:
        try:
            with trial_write(), transaction.atomic():
                measurements_save(user=user, region=region, cycle=cycle, cells=cells)
                raise _DryRun
        except _DryRun:
            pass
        except CellErrors as errors:
            for key, fields in errors.by_cell.items():
                _indicator, year, kind = key
                for field_name, messages in fields.items():
                    name = parsed.cell(where[key], year, kind, "d" if field_name == "denominator" else "n")
                    problems.extend(_problem(name, message) for message in messages)
        except StaleDataError:  # a figure changed between reading it above and the trial's lock
            problems.append(
                _problem("", _("Otra persona cambió valores mientras se leía la planilla; súbala de nuevo."))
            )
        except ValidationError as error:  # locked: sent, approved or closed
            problems.append(_problem("", " ".join(error.messages)))
    for pk, (name, when) in _last_changes(list(disputed)).items():
        disputed[pk]["conflict"].update(by=name, at=when)
    problems.sort(key=lambda problem: spreadsheets.cell_order(problem["cell"]))
    return ImportLog.objects.create(
        user=user,
        region=region,
        cycle=cycle,
        file_name=(upload.name or "planilla.xlsx")[:255],
        file_sha256=digest.hexdigest(),
        downloaded_at=stamp.downloaded_at if stamp else None,
        rows=len(parsed.rows),
        changes=changes,
        errors=problems,
        status=ImportStatus.REJECTED if problems else ImportStatus.PREVIEW,
    )


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def spreadsheet_apply(*, user: AbstractBaseUser, log: ImportLog, choices: Mapping[str, str] | None = None) -> ImportLog:
    """Apply a previewed import all or nothing, through the same save as the forms, and record the result.

    `choices` maps each conflict's change id to KEEP (the stored value stays) or TAKE (the file's value is
    saved); every conflict needs one, recorded in the log. Refused when the preview had problems, was
    already applied, is someone else's, a conflict has no choice, a figure to save changed since the
    preview (the log is then marked «desactualizada»: preview the file again), or a value is invalid in a
    preview made without its trial run (the log is then rejected, with each problem by its cell).
    """
    choices = dict(choices or {})
    stale, problems = False, []
    with transaction.atomic():
        log = ImportLog.objects.select_for_update().select_related("region", "cycle").get(pk=log.pk)
        if log.user_id != user.pk:
            raise PermissionDenied(_("Solo quien subió la planilla puede aplicarla."))
        if log.status != ImportStatus.PREVIEW:
            raise ValidationError(
                _("Esta importación ya está %(status)s.") % {"status": log.get_status_display().lower()}
            )
        conflicts = [c for c in log.changes if c.get("conflict")]
        undecided = sum(1 for c in conflicts if choices.get(c["id"]) not in (KEEP, TAKE))
        if undecided:
            raise ValidationError(
                ngettext(
                    "Otra persona cambió %(count)s valor después de que se descargó la planilla: elija si queda el "
                    "valor actual o el del archivo.",
                    "Otras personas cambiaron %(count)s valores después de que se descargó la planilla: elija para "
                    "cada uno si queda el valor actual o el del archivo.",
                    undecided,
                )
                % {"count": undecided}
            )
        taken = [c for c in log.changes if not c.get("conflict") or choices[c["id"]] == TAKE]
        wanted = {c["indicator"] for c in taken}
        indicators = {
            i.pk: i for i in Indicator.objects.filter(pk__in=wanted, region=log.region, weightings__cycle=log.cycle)
        }
        if set(indicators) != wanted:
            raise ValidationError(
                _("Los indicadores del ciclo cambiaron después de la vista previa; suba la planilla de nuevo.")
            )
        cells = [
            CellInput(
                indicator=indicators[c["indicator"]],
                year=c["year"],
                kind=c["kind"],
                numerator=None if c["new"][0] is None else Decimal(c["new"][0]),
                denominator=None if c["new"][1] is None else Decimal(c["new"][1]),
                version=c["version"],
            )
            for c in taken
        ]
        try:
            with transaction.atomic():
                saved = measurements_save(
                    user=user,
                    region=log.region,
                    cycle=log.cycle,
                    cells=cells,
                    reason=_("planilla %(file)s") % {"file": log.file_name},
                )
        except StaleDataError:
            stale = True
        except CellErrors as errors:  # a preview without its trial run (the command's --apply)
            by_key = {(c["indicator"], c["year"], c["kind"]): c for c in taken}
            problems = [
                _problem(_cell_of(by_key[key], field_name), message)
                for key, fields in errors.by_cell.items()
                for field_name, messages in fields.items()
                for message in messages
            ]
        else:
            for change in conflicts:
                change["choice"] = choices[change["id"]]
            log.status, log.applied, log.applied_at = ImportStatus.APPLIED, saved, timezone.now()
            # The changes are written again only to record the choices (50.000 of them take a second to write).
            log.save(update_fields=["status", "applied", "applied_at", *(["changes"] if conflicts else [])])
    if stale:
        ImportLog.objects.filter(pk=log.pk).update(status=ImportStatus.STALE)
        raise ValidationError(_("Alguien cambió valores de esta planilla después de la vista previa; súbala de nuevo."))
    if problems:
        problems.sort(key=lambda problem: spreadsheets.cell_order(problem["cell"]))
        ImportLog.objects.filter(pk=log.pk).update(status=ImportStatus.REJECTED, errors=problems)
        raise ValidationError([f"{p['cell']}: {p['message']}" if p["cell"] else p["message"] for p in problems])
    return log


def _cell_of(change: dict, field_name: str) -> str:
    """Return the cell of a change's numerator or denominator («V5» of «V5:W5»)."""
    numerator, _sep, denominator = change.get("cell", "").partition(":")
    return denominator if field_name == "denominator" and denominator else numerator
