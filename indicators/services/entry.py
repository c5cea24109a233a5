"""Entering figures (efectivo, estimado, meta): the grid's bulk save, one figure's save, and removing figures
(the admin's, one or many). Each checks permission, lock, window, the stage's fixed metas and version,
validates every cell, and writes with history, or writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history import bulk_save_with_history
from evaluation.models import EvaluationCycle, Stage, SubmissionStatus
from evaluation.versions import trial_write
from indicators.models import (
    Indicator,
    Measurement,
    MeasurementKind,
)
from indicators.selectors import FIXED_META_STAGES, cycle_entry_columns
from indicators.services.guards import authorize_shared_edit, check_window, shared_edit_refusals
from indicators.signals import figures_changed
from regions.models import Region


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


@transaction.atomic
def measurements_save(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, cells: list[CellInput], reason: str = ""
) -> int:
    """Save the changed figures all together and return how many changed; nothing is saved on any error.

    Raises PermissionDenied (not the person's region), DataLockedError (sent, approved or closed),
    StaleDataError (someone changed a figure the person also changed, after the person loaded it) or
    CellErrors (invalid figures, or figures that another sent or approved cycle shows), per cell.
    """

    if len({cell.key for cell in cells}) != len(cells):
        raise ValidationError(_("El mismo valor viene más de una vez; no se guardó nada."))
    for cell in cells:
        if cell.indicator.region_id != region.pk:
            raise PermissionDenied(_("El indicador no pertenece a la región."))
    locked = authorize_shared_edit(
        user=user,
        region=region,
        cycle=cycle,
        keys={(c.year, c.kind) for c in cells},
        indicator_ids={c.indicator.pk for c in cells},
    )
    errors: dict[tuple[int, int, str], dict[str, list[str]]] = {}
    for cell in cells:
        try:
            check_window(cycle=cycle, year=cell.year)
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
    fixed = fixed_meta_years({cell.year for cell, _current in changed if cell.kind == MeasurementKind.TARGET})
    to_save = []
    for cell, current in changed:
        if cell.kind == MeasurementKind.TARGET and cell.year in fixed:
            errors.setdefault(cell.key, {})["numerator"] = [_fixed_meta_message(cell.year, fixed[cell.year])]
            continue
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


class _Rollback(Exception):
    def __init__(self, saved: int):
        super().__init__(saved)
        self.saved = saved


def measurements_try(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, cells: list[CellInput]) -> int:
    """Run `measurements_save` and undo it (a dry run, as a spreadsheet's preview does): return how many figures
    it would change, or raise what it would raise. Nothing remains, not even a version raised."""
    try:
        with trial_write(), transaction.atomic():
            raise _Rollback(measurements_save(user=user, region=region, cycle=cycle, cells=cells))
    except _Rollback as done:
        return done.saved


def fixed_meta_years(years: set[int]) -> dict[int, str]:  # the rule: indicators.selectors.fixed_columns
    """Return {year: its cycle's stage} for the years whose meta is fixed: the meta of year t is formulated
    and discussed with the budget of t, and from the execution stage of cycle t on it no longer changes."""
    if not years:
        return {}
    return dict(
        EvaluationCycle.objects.filter(year__in=years, stage__in=FIXED_META_STAGES).values_list("year", "stage")
    )


def _open_cycle_showing(*, year: int, kind: str) -> EvaluationCycle:
    """Return the newest open cycle whose entry grid shows the (year, kind) figure.

    Raises ValidationError when only closed cycles (or none) show it: their results are frozen.
    """

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


class DeleteRefused(ValidationError):
    """Some figures cannot be removed now; nothing was removed. `by_figure` maps each such figure's id to why;
    the messages name the figure ("BI-01 2012 Meta: …")."""

    def __init__(self, by_figure: dict[int, list[str]], figures: dict[int, Measurement]):
        super().__init__(
            [f"{figures[pk]}: {reason}" for pk, reasons in by_figure.items() for reason in reasons], code="refused"
        )
        self.by_figure = by_figure


def _fixed_meta_message(year: int, stage: str) -> str:
    return _(
        "La meta %(year)s quedó fija cuando su ciclo pasó a %(stage)s (el presupuesto ya se aprobó): no se modifica."
    ) % {"year": year, "stage": Stage(stage).label.lower()}


def measurement_delete_refusals(
    *, user: AbstractBaseUser, measurements: list[Measurement], lock: bool = False
) -> dict[int, list[str]]:
    """Return {figure id: why it cannot be removed now} for the figures that cannot (empty: all can), by the
    rules of changing it: only administrators remove, in an open cycle that shows the figure, never a meta its
    cycle fixed, never while an open cycle showing it is sent or approved.

    Without `lock` it only reads (what the admin's confirmation shows before asking); `measurements_delete`
    calls it with `lock`, holding the submissions until it has removed the figures.
    """
    if not user.is_superuser:
        return {m.pk: [_("Solo un administrador anula valores registrados.")] for m in measurements}
    fixed = fixed_meta_years({m.year for m in measurements if m.kind == MeasurementKind.TARGET})
    showing: dict[tuple[int, str], EvaluationCycle | ValidationError] = {}
    refusals: dict[int, list[str]] = {}
    # Region, then year: the submissions are locked in the same order as every other writer locks them.
    for measurement in sorted(measurements, key=lambda m: (m.indicator.region_id, m.year, m.kind, m.indicator_id)):
        key = (measurement.year, measurement.kind)
        reasons = []
        if measurement.kind == MeasurementKind.TARGET and measurement.year in fixed:
            reasons.append(_fixed_meta_message(measurement.year, fixed[measurement.year]))
        if key not in showing:
            try:
                showing[key] = _open_cycle_showing(year=measurement.year, kind=measurement.kind)
            except ValidationError as error:
                showing[key] = error
        cycle = showing[key]
        if isinstance(cycle, ValidationError):
            reasons.extend(cycle.messages)
        else:
            reasons.extend(
                shared_edit_refusals(
                    user=user,
                    region=measurement.indicator.region,
                    cycle=cycle,
                    keys={key},
                    indicator_ids={measurement.indicator_id},
                    lock=lock,
                )
            )
        if reasons:
            refusals[measurement.pk] = list(dict.fromkeys(reasons))
    return refusals


@transaction.atomic
def measurements_delete(*, user: AbstractBaseUser, figures: list[tuple[Measurement, int]], reason: str = "") -> int:
    """Remove the figures all together (only administrators do), each with the version the person saw, and
    return how many; nothing is removed on any refusal.

    A figure is removed only as it could be changed (`measurement_delete_refusals`). Raises DeleteRefused (the
    rules, per figure) or StaleDataError (changed since its version was read, or already removed).
    """
    by_pk = {measurement.pk: measurement for measurement, _version in figures}
    refusals = measurement_delete_refusals(user=user, measurements=list(by_pk.values()), lock=True)
    if refusals:
        raise DeleteRefused(refusals, by_pk)
    stored = Measurement.objects.select_for_update().select_related("indicator").in_bulk(list(by_pk))
    conflicts = [
        Conflict(
            CellInput(measurement.indicator, measurement.year, measurement.kind, None, None, version),
            stored.get(measurement.pk),
        )
        for measurement, version in figures
        if measurement.pk not in stored or stored[measurement.pk].version != version
    ]
    if conflicts:
        raise StaleDataError(conflicts)
    for current in stored.values():
        current._history_user = user
        current._change_reason = reason
        current.delete()  # its history records who removed it; its signal raises the region's data version
    return len(stored)


def measurement_delete(*, user: AbstractBaseUser, measurement: Measurement, version: int, reason: str = "") -> None:
    """Remove one figure through `measurements_delete` (the admin's page), and raise what it raises."""
    measurements_delete(user=user, figures=[(measurement, version)], reason=reason)


def _write_measurements(measurements: list[Measurement], *, user: AbstractBaseUser, reason: str) -> None:
    """Insert and update the figures in bulk, each with its audit record (who, why), and bump the data
    version once: a spreadsheet of 50.000 figures is saved in seconds, through the same path as a form."""

    bulk_save_with_history(Measurement, measurements, ["numerator", "denominator"], user=user, reason=reason)
    if measurements:  # bulk writes send no model signals: say what changed, in this transaction
        figures_changed(indicator_ids={measurement.indicator_id for measurement in measurements})
