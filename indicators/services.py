"""Writes to indicators' data: yearly figures, deviation analyses, improvement commitments, evidence.

Every function here is atomic, checks who acts and whether the region's data is still editable in the
cycle, validates with the models' rules, and records the acting person in the audit history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionStatus
from evaluation.services import submission_get_locked
from indicators import evidence as evidence_rules
from indicators import spreadsheets
from indicators.models import (
    Deviation,
    Evidence,
    ImportLog,
    ImportStatus,
    ImprovementCommitment,
    Indicator,
    Measurement,
    MeasurementKind,
)
from regions.models import Region
from regions.selectors import can_edit_region, can_review


class DataLockedError(ValidationError):
    """The region's data for the cycle is sent or approved: nothing may change until it is returned."""


@dataclass(frozen=True)
class CellInput:
    """One figure as the person submitted it, with the version of the value they saw (0: none).

    `original` is the (numerator, denominator) the person's form showed, when known: a cell the person
    left as it was is then neither saved nor a conflict, even if someone changed it meanwhile.
    """

    indicator: Indicator
    year: int
    kind: str
    numerator: Decimal | None
    denominator: Decimal | None
    version: int
    original: tuple[Decimal | None, Decimal | None] | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator.pk, self.year, self.kind)


@dataclass(frozen=True)
class Conflict:
    """A figure someone else changed after the person loaded the form; `current` is what is stored now."""

    cell: CellInput
    current: Measurement | None


class StaleDataError(Exception):
    """Someone changed some of the figures meanwhile; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__(f"{len(conflicts)} stale figures")
        self.conflicts = conflicts


class CellErrors(ValidationError):
    """Some figures are invalid; `by_cell` maps (indicator id, year, kind) to {field: [messages]}."""

    def __init__(self, by_cell: dict[tuple[int, int, str], dict[str, list[str]]]):
        super().__init__(_("Hay valores con errores."))
        self.by_cell = by_cell


def _locked_error(region: Region, cycle: EvaluationCycle, submission: Submission) -> DataLockedError:
    if cycle.is_closed:
        return DataLockedError(
            _("El ciclo %(year)s está cerrado: sus datos no se pueden modificar.") % {"year": cycle.year}
        )
    return DataLockedError(
        _("Los datos de %(region)s para el ciclo %(year)s están %(status)s: no se pueden modificar.")
        % {"region": region.name, "year": cycle.year, "status": SubmissionStatus(submission.status).predicate}
    )


def _authorize_edit(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle) -> Submission:
    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    submission = submission_get_locked(region=region, cycle=cycle)
    if cycle.is_closed or not submission.is_editable:
        raise _locked_error(region, cycle, submission)
    return submission


def _cycles_sharing(
    *, cycle: EvaluationCycle, keys: set[tuple[int, str]], indicator_ids: set[int]
) -> list[EvaluationCycle]:
    """Return the cycle and every other open cycle that commits one of the indicators and whose entry
    columns include one of the (year, kind) figures, by year. Closed cycles are left out: their results
    are frozen in snapshots. A cycle without the indicators does not show their figures, so it neither
    locks nor blocks them (an illustrative 2011 cycle beside the 2012 one, for instance)."""
    from indicators.selectors import cycle_entry_columns

    owners = {cycle.pk: cycle}
    if keys and indicator_ids:
        years = [year for year, _kind in keys]
        candidates = (
            EvaluationCycle.objects.exclude(stage=Stage.CLOSED)
            .filter(year__gte=min(years), year__lte=max(years) + 10, commitments__indicator_id__in=indicator_ids)
            .distinct()
        )
        for other in candidates:
            if keys & {(c.year, c.kind) for c in cycle_entry_columns(other)}:
                owners[other.pk] = other
    return sorted(owners.values(), key=lambda c: c.year)


def _authorize_shared_edit(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    keys: set[tuple[int, str]],
    indicator_ids: set[int] = frozenset(),
) -> dict[int, tuple[EvaluationCycle, Submission]]:
    """Authorise a change to figures that several cycles show, locking their submissions in year order.

    Figures are stored once per indicator, year and kind, but overlapping cycles show them: the 2013
    form shows the 2012 efectivo that the 2012 evaluation is scored on. Every writer locks all the cycles
    involved, always in the same order (no deadlocks), and the caller refuses changes to figures that a
    sent or approved cycle shows. Raises PermissionDenied or DataLockedError (for the page's own cycle).
    """
    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    locked = {}
    for owner in _cycles_sharing(cycle=cycle, keys=keys, indicator_ids=indicator_ids):
        locked[owner.pk] = (owner, submission_get_locked(region=region, cycle=owner))
    own = locked[cycle.pk][1]
    if cycle.is_closed or not own.is_editable:
        raise _locked_error(region, cycle, own)
    return locked


def _check_window(*, cycle: EvaluationCycle, year: int) -> None:
    if not cycle.first_year <= year <= cycle.year:
        raise ValidationError(
            _("El año %(year)s está fuera de la ventana del ciclo %(cycle)s (%(first)s–%(last)s).")
            % {"year": year, "cycle": cycle.year, "first": cycle.first_year, "last": cycle.year}
        )


@transaction.atomic
def measurements_save(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, cells: list[CellInput], reason: str = ""
) -> int:
    """Save the changed figures all together and return how many changed; nothing is saved on any error.

    Raises PermissionDenied (not the person's region), DataLockedError (sent, approved or closed),
    StaleDataError (someone changed a figure the person also changed, after the person loaded it) or
    CellErrors (invalid figures, or figures that another sent or approved cycle shows), per cell.
    """
    from indicators.selectors import cycle_entry_columns

    if len({cell.key for cell in cells}) != len(cells):
        raise ValidationError(_("El mismo valor viene más de una vez; no se guardó nada."))
    for cell in cells:
        if cell.indicator.region_id != region.pk:
            raise PermissionDenied(_("El indicador no pertenece a la región."))
    locked = _authorize_shared_edit(
        user=user,
        region=region,
        cycle=cycle,
        keys={(c.year, c.kind) for c in cells},
        indicator_ids={c.indicator.pk for c in cells},
    )
    errors: dict[tuple[int, int, str], dict[str, list[str]]] = {}
    for cell in cells:
        try:
            _check_window(cycle=cycle, year=cell.year)
        except ValidationError as exc:
            errors.setdefault(cell.key, {}).setdefault("year", []).extend(exc.messages)
    if errors:
        raise CellErrors(errors)

    indicator_ids = {cell.indicator.pk for cell in cells}
    stored = {
        (m.indicator_id, m.year, m.kind): m
        for m in Measurement.objects.select_for_update().filter(
            indicator_id__in=indicator_ids, year__gte=cycle.first_year, year__lte=cycle.year
        )
    }
    changed: list[tuple[CellInput, Measurement | None]] = []
    conflicts: list[Conflict] = []
    for cell in cells:
        current = stored.get(cell.key)
        posted = (cell.numerator, cell.denominator)
        if cell.original is not None and posted == cell.original:
            continue  # the person left this figure as it was shown
        if current is None and posted == (None, None):
            continue
        if current is not None and (current.numerator, current.denominator) == posted:
            continue
        if (current.version if current else 0) != cell.version:
            conflicts.append(Conflict(cell, current))
            continue
        changed.append((cell, current))
    if conflicts:
        raise StaleDataError(conflicts)

    shown_by = {pk: {(c.year, c.kind) for c in cycle_entry_columns(owner)} for pk, (owner, _s) in locked.items()}
    to_save = []
    for cell, current in changed:
        for pk, (owner, submission) in locked.items():
            if pk != cycle.pk and (cell.year, cell.kind) in shown_by[pk] and not submission.is_editable:
                errors.setdefault(cell.key, {})["numerator"] = [
                    _(
                        "Este valor forma parte también del ciclo %(year)s, cuyos datos están %(status)s: no se "
                        "puede modificar."
                    )
                    % {"year": owner.year, "status": SubmissionStatus(submission.status).predicate}
                ]
        if cell.key in errors:
            continue
        if cell.numerator is None and cell.denominator is None:
            errors.setdefault(cell.key, {})["numerator"] = [
                _("No se puede dejar vacío un valor ya registrado: corríjalo o pida a un administrador que lo anule.")
            ]
            continue
        measurement = current or Measurement(indicator=cell.indicator, year=cell.year, kind=cell.kind)
        measurement.indicator = cell.indicator
        measurement.numerator, measurement.denominator = cell.numerator, cell.denominator
        if cell.numerator is None:
            errors.setdefault(cell.key, {})["numerator"] = [_("Falta el numerador.")]
            continue
        try:
            # Field validators give the messages; the database enforces the check constraints (validating
            # them here would cost a query per constraint and figure).
            measurement.full_clean(exclude=["indicator", "version"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.setdefault(cell.key, {}).update(exc.message_dict)
            continue
        to_save.append(measurement)
    if errors:
        raise CellErrors(errors)

    _write_measurements(to_save, user=user, reason=reason)
    return len(to_save)


def _open_cycle_showing(*, year: int, kind: str) -> EvaluationCycle:
    """Return the newest open cycle whose entry grid shows the (year, kind) figure.

    Raises ValidationError when only closed cycles (or none) show it: their results are frozen.
    """
    from indicators.selectors import cycle_entry_columns

    for cycle in EvaluationCycle.objects.exclude(stage=Stage.CLOSED).filter(year__gte=year).order_by("-year"):
        if (year, kind) in {(c.year, c.kind) for c in cycle_entry_columns(cycle)}:
            return cycle
    raise ValidationError(
        _("Ningún ciclo abierto incluye el %(kind)s %(year)s: los ciclos cerrados no cambian.")
        % {"kind": MeasurementKind(kind).label.lower(), "year": year}
    )


def measurement_save(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    year: int,
    kind: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
    version: int,
    reason: str = "",
) -> Measurement:
    """Save one figure through `measurements_save` (the admin's path), in the newest open cycle showing it.

    Raises what `measurements_save` raises: a figure changed by someone else since `version` was read is a
    StaleDataError, never a silent overwrite.
    """
    cycle = _open_cycle_showing(year=year, kind=kind)
    cell = CellInput(
        indicator=indicator, year=year, kind=kind, numerator=numerator, denominator=denominator, version=version
    )
    measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell], reason=reason)
    return Measurement.objects.get(indicator=indicator, year=year, kind=kind)


@transaction.atomic
def measurement_delete(*, user: AbstractBaseUser, measurement: Measurement, version: int) -> None:
    """Remove a figure (only administrators do): while every open cycle showing it is editable, if unchanged.

    Raises PermissionDenied (not an administrator), DataLockedError (a cycle showing it is sent, approved or
    closed), StaleDataError (changed since `version` was read).
    """
    if not user.is_superuser:
        raise PermissionDenied(_("Solo un administrador anula valores registrados."))
    indicator = measurement.indicator
    cycle = _open_cycle_showing(year=measurement.year, kind=measurement.kind)
    locked = _authorize_shared_edit(
        user=user, region=indicator.region, cycle=cycle, keys={(measurement.year, measurement.kind)}
    )
    for owner, submission in locked.values():
        if not submission.is_editable:
            raise _locked_error(indicator.region, owner, submission)
    current = Measurement.objects.select_for_update().filter(pk=measurement.pk).first()
    if current is None or current.version != version:
        cell = CellInput(
            indicator=indicator,
            year=measurement.year,
            kind=measurement.kind,
            numerator=None,
            denominator=None,
            version=version,
        )
        raise StaleDataError([Conflict(cell, current)])
    current._history_user = user
    current.delete()


def _write_measurements(measurements: list[Measurement], *, user: AbstractBaseUser, reason: str) -> None:
    """Insert and update the figures in bulk, each with its audit record (who, why), and bump the data
    version once: a spreadsheet of 50.000 figures is saved in seconds, through the same path as a form."""
    from evaluation.caching import bump_data_version

    new = [m for m in measurements if m.pk is None]
    changed = [m for m in measurements if m.pk is not None]
    for measurement in changed:
        measurement.version += 1
    if new:
        bulk_create_with_history(new, Measurement, batch_size=1000, default_user=user, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed,
            Measurement,
            ["numerator", "denominator", "version"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
        )
    if measurements:
        bump_data_version()


@transaction.atomic
def deviation_save(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    causes: str,
    external_causes: bool,
    overachievement_justification: str,
) -> Deviation:
    """Record the analysis of the indicator's result in the cycle; a change of causes resets DIPRES's decision."""
    _authorize_edit(user=user, region=indicator.region, cycle=cycle)
    deviation, _created = Deviation.objects.select_for_update().get_or_create(indicator=indicator, cycle=cycle)
    if (deviation.causes, deviation.external_causes) != (causes.strip(), external_causes):
        deviation.external_accepted = None
    deviation.causes = causes.strip()
    deviation.external_causes = external_causes
    deviation.overachievement_justification = overachievement_justification.strip()
    deviation.full_clean()
    deviation._history_user = user
    deviation.save()
    return deviation


@transaction.atomic
def deviation_decide(*, user: AbstractBaseUser, deviation: Deviation, accepted: bool) -> Deviation:
    """Record DIPRES's decision on the external causes claimed for a missed target, while under review.

    Only while the region's data is sent (the analyst cannot change the causes then); the decision is
    written alone, so it never reverts the analyst's text.
    """
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES decide sobre las causas externas."))
    region, cycle = deviation.indicator.region, deviation.cycle
    submission = submission_get_locked(region=region, cycle=cycle)
    if submission.status != SubmissionStatus.SENT:
        raise ValidationError(
            _("Las causas externas se deciden durante la revisión; los datos están %(status)s.")
            % {"status": SubmissionStatus(submission.status).predicate}
        )
    deviation = Deviation.objects.select_for_update().get(pk=deviation.pk)
    if not deviation.external_causes:
        raise ValidationError(_("El análisis no declara causas externas."))
    deviation.external_accepted = accepted
    deviation._history_user = user
    deviation.save(update_fields=["external_accepted"])
    return deviation


@transaction.atomic
def improvement_commitment_add(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    description: str,
    owner: str,
    due_date,
) -> ImprovementCommitment:
    """Create a compromiso de mejora for the indicator in the cycle."""
    _authorize_edit(user=user, region=indicator.region, cycle=cycle)
    commitment = ImprovementCommitment(
        indicator=indicator, cycle=cycle, description=description.strip(), owner=owner.strip(), due_date=due_date
    )
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def improvement_commitment_follow_up(
    *,
    user: AbstractBaseUser,
    commitment: ImprovementCommitment,
    cycle: EvaluationCycle,
    status: str,
    follow_up: str,
) -> ImprovementCommitment:
    """Update a commitment's status and follow-up, from the cycle being worked on.

    A commitment is followed up from its own cycle, or from a later one while it is still open; a closed
    commitment of an earlier cycle belongs to that cycle's (locked) record.
    """
    _authorize_edit(user=user, region=commitment.indicator.region, cycle=cycle)
    if commitment.cycle.year > cycle.year or (commitment.cycle_id != cycle.pk and not commitment.is_open):
        raise ValidationError(_("Este compromiso se sigue desde el ciclo %(year)s.") % {"year": commitment.cycle.year})
    commitment.status = status
    commitment.follow_up = follow_up.strip()
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def evidence_add(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    year: int,
    upload: UploadedFile,
    description: str = "",
) -> Evidence:
    """Store a medio de verificación after checking its size and its content's type.

    Raises ValidationError with the reason when the file is too large, empty, or not one of the allowed
    types (pdf, xlsx, docx, png, jpg), whatever its name says. The file is written only after every check
    passed, and removed again if its row cannot be saved.
    """
    _authorize_edit(user=user, region=indicator.region, cycle=cycle)
    _check_window(cycle=cycle, year=year)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB.")
            % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        )
    kind = evidence_rules.detect(upload)
    if kind is None:
        raise ValidationError(_("El contenido del archivo no es PDF, XLSX, DOCX, PNG ni JPG; no se guardó."))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        indicator=indicator,
        year=year,
        original_name=evidence_rules.safe_name(upload.name or "archivo", kind),
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description.strip(),
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["file"])
    evidence.file.save(evidence.original_name, upload, save=False)
    stored_name = evidence.file.name
    try:
        evidence._history_user = user
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored_name)  # the row was not written: leave no orphan file
        raise
    return evidence


@transaction.atomic
def evidence_withdraw(*, user: AbstractBaseUser, evidence: Evidence, cycle: EvaluationCycle) -> Evidence:
    """Withdraw a file from the indicator's evidence; it is kept, never deleted.

    Refused while any open cycle that covers the file's year has the region's data sent or approved.
    """
    region = evidence.indicator.region
    _check_window(cycle=cycle, year=evidence.year)
    locked = _authorize_shared_edit(user=user, region=region, cycle=cycle, keys=set())
    for other in EvaluationCycle.objects.exclude(stage=Stage.CLOSED).filter(year__gte=evidence.year).order_by("year"):
        if other.pk in locked or other.first_year > evidence.year:
            continue
        submission = submission_get_locked(region=region, cycle=other)
        if not submission.is_editable:
            raise _locked_error(region, other, submission)
    evidence.withdrawn = True
    evidence._history_user = user
    evidence.save()
    return evidence


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
    from indicators.selectors import cycle_entry_columns

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
        i.code: i for i in Indicator.objects.filter(region=region, commitments__cycle=cycle).select_related("region")
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
            with transaction.atomic():
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
            i.pk: i for i in Indicator.objects.filter(pk__in=wanted, region=log.region, commitments__cycle=log.cycle)
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
            log.save(update_fields=["status", "applied", "applied_at", "changes"])
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
