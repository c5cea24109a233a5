"""Every write to the PROPIR: the region's analysts add, correct and remove investment initiatives of a year,
one by one in the browser or many from a spreadsheet, through one save. It is all or nothing, authorised and
locked like the figures (indicators.services.guards), version-checked per initiative, and recorded with who
and why. After it, the efectivos of the indicators computed from the PROPIR follow (through the figures'
own service)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.history import bulk_save_with_history
from core.numbers import parse_whole_amount
from evaluation.models import EvaluationCycle
from evaluation.versions import trial_write
from indicators.services import StaleDataError, computed_figures_record
from indicators.services.guards import authorize_edit, check_window
from indicators.vocabulary import FigureSource, ImportStatus
from investments import spreadsheets
from investments.models import InvestmentInitiative, MideplanResult, PropirImport
from investments.signals import initiatives_changed
from investments.vocabulary import InitiativeState
from regions.models import Region

FIELDS = ("name", "sector", "comuna", "programmed", "executed", "result", "state", "is_illustrative")


@dataclass(frozen=True)
class InitiativeInput:
    """An initiative as a person sent it, with the version of the stored one they saw (0: a new one)."""

    bip_code: str
    name: str = ""
    sector: str = ""
    comuna: str = ""
    programmed: Decimal | None = None
    executed: Decimal | None = None
    result: MideplanResult | None = None
    state: str = InitiativeState.PROGRAMMED
    version: int = 0
    remove: bool = False


class InitiativeErrors(ValidationError):
    """Problems per row sent ({row index: {field: [messages]}}); nothing was saved."""

    def __init__(self, by_row: dict[int, dict[str, list[str]]]):
        self.by_row = by_row
        super().__init__([message for fields in by_row.values() for msgs in fields.values() for message in msgs])


@dataclass(frozen=True)
class Saved:
    added: int
    changed: int
    removed: int
    efectivos: int  # efectivos of indicators computed from the PROPIR that were written

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def propir_pair(*, region: Region, year: int) -> tuple[Decimal, Decimal] | None:
    """Return (initiatives put in execution, initiatives programmed) of the region's PROPIR for the year; None
    when there is no list (one query)."""
    states = list(InvestmentInitiative.objects.filter(region=region, year=year).values_list("state", flat=True))
    if not states:
        return None
    running = sum(state in InitiativeState.put_in_execution() for state in states)
    return Decimal(running), Decimal(len(states))


@transaction.atomic
def initiatives_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    year: int,
    rows: list[InitiativeInput],
    reason: str = "",
    illustrative: bool = False,
) -> Saved:
    """Add, correct or remove the region's initiatives of the year, all or nothing; then let the indicators
    computed from the PROPIR follow. Raises PermissionDenied, DataLockedError, ValidationError (a year outside
    the cycle's window) or InitiativeErrors (per row: invalid fields, a BIP code twice, an initiative changed or
    removed by someone else since the person loaded it)."""
    authorize_edit(user=user, region=region, cycle=cycle)
    check_window(cycle=cycle, year=year)
    stored = {
        initiative.bip_code: initiative
        for initiative in InvestmentInitiative.objects.select_for_update().filter(region=region, year=year)
    }
    errors: dict[int, dict[str, list[str]]] = {}
    seen: set[str] = set()
    saving, removing = [], []
    for index, row in enumerate(rows):
        code = row.bip_code.strip()
        current = stored.get(code)
        if code in seen:
            errors[index] = {"bip_code": [_("El código BIP %(code)s viene más de una vez.") % {"code": code}]}
            continue
        seen.add(code)
        if row.version == 0 and current is not None:
            errors[index] = {"bip_code": [_("La iniciativa %(code)s ya está en el PROPIR del año.") % {"code": code}]}
            continue
        if row.version and (current is None or current.version != row.version):
            errors[index] = {
                "bip_code": [_("Otra persona cambió o quitó esta iniciativa mientras usted editaba: revise la actual.")]
            }
            continue
        if row.remove:
            if current is not None:
                removing.append(current)
            continue
        initiative = current or InvestmentInitiative(region=region, year=year, bip_code=code)
        before = tuple(getattr(initiative, name) for name in FIELDS) if current else None
        initiative.name, initiative.sector, initiative.comuna = row.name.strip(), row.sector.strip(), row.comuna.strip()
        initiative.programmed, initiative.executed = row.programmed, row.executed
        initiative.result, initiative.state = row.result, row.state
        initiative.is_illustrative = illustrative or (current.is_illustrative if current else cycle.is_illustrative)
        try:
            initiative.full_clean(exclude=["region", "version"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors[index] = error.message_dict
            continue
        if before != tuple(getattr(initiative, name) for name in FIELDS):
            saving.append(initiative)
    if errors:
        raise InitiativeErrors(errors)
    added = sum(initiative.pk is None for initiative in saving)
    bulk_save_with_history(InvestmentInitiative, saving, FIELDS, user=user, reason=reason)
    for initiative in removing:  # one by one: each deletion's audit record names who and why
        initiative._history_user = user
        initiative._change_reason = reason
        initiative.delete()
    efectivos = 0
    if saving or removing:
        initiatives_changed(region_id=region.pk, year=year)
        efectivos = computed_figures_record(
            user=user,
            region=region,
            cycle=cycle,
            year=year,
            source=FigureSource.PROPIR,
            pair=propir_pair(region=region, year=year),
            reason=reason or _("calculado desde el PROPIR"),
        )
    return Saved(added, len(saving) - added, len(removing), efectivos)


class _DryRun(Exception):
    """Raised to roll back a trial run of the save."""


def _state_of(text: str) -> str | None:
    """Return the state a cell names (its value or its label, in Spanish or English), or None."""
    wanted = text.strip().lower()
    for state in InitiativeState:
        with translation.override("en"):
            english = str(state.label).lower()
        with translation.override("es"):
            spanish = str(state.label).lower()
        if wanted in (state.value, spanish, english):
            return state.value
    return None


def _inputs(
    sheet_rows: list, stored: dict[str, InvestmentInitiative]
) -> tuple[list[InitiativeInput], list[int], list[dict]]:
    """Return the sheet's rows as the save's inputs (stored initiatives missing from the sheet removed), each
    input's sheet row number (0 for a removal), and the problems found reading them."""
    results = {result.code.upper(): result for result in MideplanResult.objects.all()}
    inputs, numbers, problems = [], [], []
    for row in sheet_rows:
        values = row.values
        found = list(row.problems)
        amounts = {}
        for name in ("programmed", "executed"):
            try:
                amounts[name] = parse_whole_amount(values[name])
            except ValueError as error:
                found.append(str(error))
        result = results.get(values["result"].upper()) if values["result"] else None
        if values["result"] and result is None:
            found.append(_("«%(code)s» no es un resultado MIDEPLAN del catálogo.") % {"code": values["result"]})
        state = _state_of(values["state"]) if values["state"] else InitiativeState.PROGRAMMED
        if state is None:
            found.append(
                _("«%(state)s» no es un estado (programada, en ejecución, terminada).") % {"state": values["state"]}
            )
        if found:
            problems.extend({"row": row.number, "message": message} for message in found)
            continue
        current = stored.get(values["bip_code"])
        inputs.append(
            InitiativeInput(
                bip_code=values["bip_code"],
                name=values["name"],
                sector=values["sector"],
                comuna=values["comuna"],
                programmed=amounts["programmed"],
                executed=amounts["executed"],
                result=result,
                state=state,
                version=current.version if current else 0,
            )
        )
        numbers.append(row.number)
    in_sheet = {row.values["bip_code"] for row in sheet_rows}
    for code, current in sorted(stored.items()):
        if code not in in_sheet:
            inputs.append(InitiativeInput(bip_code=code, version=current.version, remove=True))
            numbers.append(0)
    return inputs, numbers, problems


def _as_json(row: InitiativeInput) -> dict:
    return {
        "bip_code": row.bip_code,
        "name": row.name,
        "sector": row.sector,
        "comuna": row.comuna,
        "programmed": None if row.programmed is None else str(row.programmed),
        "executed": None if row.executed is None else str(row.executed),
        "result": row.result.code if row.result else "",
        "state": row.state,
        "version": row.version,
        "remove": row.remove,
    }


def _from_json(data: dict, results: dict[str, MideplanResult]) -> InitiativeInput:
    return InitiativeInput(
        **{
            **data,
            "programmed": None if data["programmed"] is None else Decimal(data["programmed"]),
            "executed": None if data["executed"] is None else Decimal(data["executed"]),
            "result": results.get(data["result"]),
        }
    )


def propir_preview(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, year: int, upload: UploadedFile
) -> PropirImport:
    """Read a spreadsheet of the region's PROPIR of the year (the year's whole list: initiatives it leaves out
    are removed) and try it through the save without keeping anything; return the import's record, a preview
    to apply or the problems per row. Raises PermissionDenied, DataLockedError, ValidationError (the year) or
    SpreadsheetError (a file that cannot be read)."""
    authorize_edit(user=user, region=region, cycle=cycle)
    check_window(cycle=cycle, year=year)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    sheet_rows = spreadsheets.read(upload, upload.size)
    stored = {i.bip_code: i for i in InvestmentInitiative.objects.filter(region=region, year=year)}
    inputs, numbers, problems = _inputs(sheet_rows, stored)
    log = PropirImport(
        user=user,
        region=region,
        cycle=cycle,
        year=year,
        file_name=(upload.name or "propir.xlsx")[-255:],
        file_sha256=digest.hexdigest(),
        rows=[_as_json(row) for row in inputs],
    )
    if not problems:
        try:
            with trial_write(), transaction.atomic():
                saved = initiatives_save(user=user, region=region, cycle=cycle, year=year, rows=inputs)
                raise _DryRun(saved)
        except _DryRun as run:
            saved = run.args[0]
            log.added, log.changed, log.removed = saved.added, saved.changed, saved.removed
        except InitiativeErrors as errors:
            for index, fields in errors.by_row.items():
                row = numbers[index]
                problems.extend(
                    {"row": row, "message": f"{inputs[index].bip_code}: {message}"}
                    for messages in fields.values()
                    for message in messages
                )
        except StaleDataError:
            problems.append({"row": 0, "message": _("Otra persona cambió datos mientras se leía la planilla.")})
    log.errors = sorted(problems, key=lambda problem: problem["row"])
    log.status = ImportStatus.REJECTED if problems else ImportStatus.PREVIEW
    log.save()
    return log


def propir_apply(*, user: AbstractBaseUser, log: PropirImport) -> Saved:
    """Apply a previewed spreadsheet, by who uploaded it, all or nothing. A list someone changed since the
    preview leaves the import «desactualizada» (nothing saved) and raises InitiativeErrors."""
    try:
        with transaction.atomic():
            locked = PropirImport.objects.select_for_update().get(pk=log.pk)
            if locked.user_id != user.pk:
                raise PermissionDenied(_("Solo quien subió la planilla la aplica."))
            if locked.status != ImportStatus.PREVIEW:
                raise ValidationError(
                    _("Esta planilla ya no se puede aplicar (%(status)s).") % {"status": locked.get_status_display()}
                )
            results = {result.code: result for result in MideplanResult.objects.all()}
            saved = initiatives_save(
                user=user,
                region=locked.region,
                cycle=locked.cycle,
                year=locked.year,
                rows=[_from_json(data, results) for data in locked.rows],
                reason=_("planilla del PROPIR %(file)s") % {"file": locked.file_name},
            )
            locked.status, locked.applied_at = ImportStatus.APPLIED, timezone.now()
            locked.save(update_fields=["status", "applied_at"])
            return saved
    except InitiativeErrors:
        # Recorded after the rollback: the import is marked, nothing of it is saved.
        PropirImport.objects.filter(pk=log.pk, status=ImportStatus.PREVIEW).update(status=ImportStatus.STALE)
        raise
