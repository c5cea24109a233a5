"""Writes to a region's definiciones estratégicas in a cycle (Formulario A1): its misión, its objetivos
estratégicos with the products that serve them and their medium-term targets, which the region's analysts
formulate; and which priority axes each objective serves, which DIPRES decides.

The region's analysts (and the admins) write while the cycle is in Formulación or Discusión y aprobación and
the region's data is with them (the figures' lock): from Ejecución on, the definitions the budget was
approved on are fixed. DIPRES's reviewers (and the admins) link objectives to axes while the cycle is open.
Every write is atomic, version-checked (a change made by someone else after the page was loaded is refused)
and recorded in the audit history with who and why. The admin only shows these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage
from indicators.models import Indicator, MediumTermTarget, PriorityAxis, StrategicDefinition, StrategicObjective
from indicators.selectors.rows import cycle_products
from indicators.services.guards import DataLockedError, authorize_edit
from regions.models import Region
from regions.selectors import can_review

# The stages in which a cycle's definitions are formulated (docs/domain.md §6b).
FORMULATION_STAGES = (Stage.FORMULATION, Stage.APPROVAL)


class StaleDefinitionError(ValidationError):
    """Someone else changed (or removed) the row after the person loaded the page: nothing was saved."""


def definitions_editable(cycle: EvaluationCycle) -> bool:
    """Return whether the cycle's stage still admits changes to its definitions (Formulación, Discusión)."""
    return cycle.stage in FORMULATION_STAGES


def _authorize_formulation(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle) -> None:
    """The region's analysts and the admins, while the region's data is with them and the cycle formulates.

    Raises PermissionDenied (not the person's region) or DataLockedError (sent, approved, closed, or a stage
    from Ejecución on)."""
    authorize_edit(user=user, region=region, cycle=cycle)
    if not definitions_editable(cycle):
        raise DataLockedError(
            _(
                "Las definiciones estratégicas del ciclo %(year)s quedaron fijas al pasar a %(stage)s: se "
                "formulan en Formulación y en Discusión y aprobación."
            )
            % {"year": cycle.year, "stage": cycle.get_stage_display()}
        )


def _check_version(row: models.Model | None, version: int, what: str) -> None:
    """Refuse a change to a row that is gone, or that changed after the person loaded it."""
    if row is None:
        raise StaleDefinitionError(
            _("Ya no existe %(what)s (otra persona hizo ese cambio). Recargue la página.") % {"what": what}
        )
    if row.version != version:
        raise StaleDefinitionError(
            _("Otra persona cambió %(what)s mientras usted editaba: no se guardó nada; revise lo actual.")
            % {"what": what}
        )


def _record(row: models.Model, *, user: AbstractBaseUser, reason: str) -> None:
    row._history_user = user
    row._change_reason = reason[:100]


def _locked_definition(region: Region, cycle: EvaluationCycle) -> StrategicDefinition | None:
    return StrategicDefinition.objects.select_for_update().filter(region=region, cycle=cycle).first()


@transaction.atomic
def definition_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    mission: str,
    version: int,
    reason: str = "",
    illustrative: bool = False,
) -> StrategicDefinition:
    """Create the region's definition for the cycle (version 0: the page showed none) or change its misión,
    which is required (a definition exists without one only when its first objective created it).

    Raises PermissionDenied, DataLockedError, StaleDefinitionError or ValidationError (an empty misión, the
    model's rules)."""
    _authorize_formulation(user=user, region=region, cycle=cycle)
    if not mission.strip():
        raise ValidationError({"mission": [_("Escriba la misión institucional: no se guarda vacía.")]})
    definition = _locked_definition(region, cycle)
    if definition is None and version:
        raise StaleDefinitionError(_("Las definiciones estratégicas ya no existen: otra persona las quitó."))
    if definition is not None:
        _check_version(definition, version, _("la misión"))
        definition.version += 1
    else:
        definition = StrategicDefinition(region=region, cycle=cycle, is_illustrative=illustrative)
    definition.mission = mission.strip()
    definition.full_clean(exclude=["version"])
    _record(definition, user=user, reason=reason or _("misión institucional"))
    definition.save()
    return definition


def _definition_for_objectives(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, reason: str
) -> StrategicDefinition:
    """Return the region's definition in the cycle, locked; created (without misión) for its first objective."""
    definition = _locked_definition(region, cycle)
    if definition is None:
        definition = StrategicDefinition(region=region, cycle=cycle)
        _record(definition, user=user, reason=reason)
        definition.save()
    return definition


def _set_products(
    *, objective: StrategicObjective, cycle: EvaluationCycle, products: list, user: AbstractBaseUser, reason: str
) -> None:
    """Make exactly `products` (among those the cycle lists for the region) serve the objective, each change
    in the product's history."""
    listed = {p.pk: p for p in cycle_products(region=objective.definition.region, cycle=cycle)}
    wanted = {product.pk for product in products}
    if not wanted <= set(listed):
        message = _("Solo se vinculan productos estratégicos de la región en el ciclo %(year)s.")
        raise ValidationError({"products": [message % {"year": cycle.year}]})
    current = set(objective.products.filter(pk__in=listed).values_list("pk", flat=True))
    for pk in wanted - current:
        _record(listed[pk], user=user, reason=reason)
        listed[pk].objectives.add(objective)
    for pk in current - wanted:
        _record(listed[pk], user=user, reason=reason)
        listed[pk].objectives.remove(objective)


@transaction.atomic
def objective_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    objective: StrategicObjective | None,
    number: int,
    description: str,
    products: list,
    version: int,
    reason: str = "",
) -> StrategicObjective:
    """Add an objective to the region's definitions in the cycle (objective None, version 0) or change one:
    its number, its text and which of the cycle's products serve it.

    Raises PermissionDenied, DataLockedError, StaleDefinitionError or ValidationError by field."""
    _authorize_formulation(user=user, region=region, cycle=cycle)
    reason = reason or _("objetivo estratégico")
    definition = _definition_for_objectives(user=user, region=region, cycle=cycle, reason=reason)
    if objective is None:
        if version:
            raise StaleDefinitionError(_("El objetivo ya no existe: otra persona lo quitó."))
        objective = StrategicObjective(definition=definition)
    else:
        objective = StrategicObjective.objects.select_for_update().filter(pk=objective.pk, definition=definition)
        objective = objective.first()
        _check_version(objective, version, _("el objetivo"))
        objective.version += 1
    objective.number, objective.description = number, description.strip()
    objective.full_clean(exclude=["version"])
    _record(objective, user=user, reason=reason)
    objective.save()
    _set_products(objective=objective, cycle=cycle, products=products, user=user, reason=reason)
    return objective


@transaction.atomic
def objective_delete(*, user: AbstractBaseUser, objective: StrategicObjective, version: int, reason: str = "") -> None:
    """Remove an objective with its medium-term targets and its products' links, each in the history."""
    definition = objective.definition
    _authorize_formulation(user=user, region=definition.region, cycle=definition.cycle)
    reason = reason or _("objetivo estratégico quitado")
    stored = StrategicObjective.objects.select_for_update().filter(pk=objective.pk).first()
    _check_version(stored, version, _("el objetivo"))
    for target in stored.medium_term_targets.all():
        _record(target, user=user, reason=reason)
        target.delete()
    _set_products(objective=stored, cycle=definition.cycle, products=[], user=user, reason=reason)
    _record(stored, user=user, reason=reason)
    stored.delete()


@transaction.atomic
def objective_axes_set(
    *, user: AbstractBaseUser, objective: StrategicObjective, axes: list[PriorityAxis], version: int
) -> StrategicObjective:
    """DIPRES sets which priority axes the objective serves (reviewers and admins, while the cycle is open).

    Raises PermissionDenied, DataLockedError (closed cycle) or StaleDefinitionError."""
    if not can_review(user):
        raise PermissionDenied(_("Los vínculos de los objetivos con los ejes prioritarios los decide DIPRES."))
    cycle = objective.definition.cycle
    if cycle.is_closed:
        raise DataLockedError(
            _("El ciclo %(year)s está cerrado: sus datos no se pueden modificar.") % {"year": cycle.year}
        )
    stored = StrategicObjective.objects.select_for_update().filter(pk=objective.pk).first()
    _check_version(stored, version, _("el objetivo"))
    wanted = {axis.pk for axis in axes}
    current = set(stored.axes.values_list("pk", flat=True))
    if wanted == current:
        return stored
    stored.version += 1
    _record(stored, user=user, reason=_("ejes prioritarios del objetivo"))
    stored.save(update_fields=["version"])
    stored.axes.set(list(wanted))
    return stored


@dataclass(frozen=True)
class TargetInput:
    """A medium-term target as a person sent it."""

    indicator: Indicator
    year: int
    value: Decimal
    notes: str = ""


@transaction.atomic
def medium_term_target_save(
    *,
    user: AbstractBaseUser,
    objective: StrategicObjective,
    target: MediumTermTarget | None,
    data: TargetInput,
    version: int,
    reason: str = "",
    illustrative: bool = False,
) -> MediumTermTarget:
    """Add a medium-term target to an objective (target None, version 0) or correct one. Its indicator is one
    of the region's indicators committed in the objective's cycle; its year is after the cycle's.

    Raises PermissionDenied, DataLockedError, StaleDefinitionError or ValidationError by field."""
    definition = objective.definition
    cycle = definition.cycle
    _authorize_formulation(user=user, region=definition.region, cycle=cycle)
    if target is None:
        if version:
            raise StaleDefinitionError(_("La meta de mediano plazo ya no existe: otra persona la quitó."))
        target = MediumTermTarget(objective=objective, is_illustrative=illustrative)
    else:
        stored = MediumTermTarget.objects.select_for_update().filter(pk=target.pk, objective__definition=definition)
        target = stored.first()
        _check_version(target, version, _("la meta de mediano plazo"))
        target.version += 1
        target.objective = objective
    committed = Indicator.objects.filter(pk=data.indicator.pk, region=definition.region, weightings__cycle=cycle)
    if not committed.exists():
        raise ValidationError(
            {
                "indicator": [
                    _("Elija un indicador de la región comprometido en el ciclo %(year)s.") % {"year": cycle.year}
                ]
            }
        )
    decimals = data.indicator.decimals
    if data.value != round(data.value, decimals):
        message = (
            _("Use a lo más %(count)s decimales, como el indicador.") % {"count": decimals}
            if decimals
            else _("Escriba un número entero, como el indicador.")
        )
        raise ValidationError({"value": [message]})
    target.indicator, target.year, target.value, target.notes = data.indicator, data.year, data.value, data.notes
    target.notes = target.notes.strip()
    target.full_clean(exclude=["version"])
    _record(target, user=user, reason=reason or _("meta de mediano plazo"))
    target.save()
    return target


@transaction.atomic
def medium_term_target_delete(*, user: AbstractBaseUser, target: MediumTermTarget, version: int) -> None:
    """Remove a medium-term target, in the history."""
    definition = target.objective.definition
    _authorize_formulation(user=user, region=definition.region, cycle=definition.cycle)
    stored = MediumTermTarget.objects.select_for_update().filter(pk=target.pk).first()
    _check_version(stored, version, _("la meta de mediano plazo"))
    _record(stored, user=user, reason=_("meta de mediano plazo quitada"))
    stored.delete()
