"""Writes to the planning catalogue DIPRES keeps: the Delivery Unit's priority axes and which indicators serve
each one directly. Reviewers and admins; version-checked; with history (who, why)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, PriorityAxis
from regions.selectors import can_review


def _authorize(user: AbstractBaseUser) -> None:
    if not can_review(user):
        raise PermissionDenied(_("Los ejes prioritarios los mantiene DIPRES."))


@transaction.atomic
def priority_axis_save(
    *,
    user: AbstractBaseUser,
    axis: PriorityAxis | None,
    code: str,
    name: str,
    name_en: str,
    description: str,
    is_active: bool,
    version: int,
    is_illustrative: bool = False,
) -> PriorityAxis:
    """Create an axis (axis None, version 0) or change one, refusing a change made by someone else meanwhile."""
    _authorize(user)
    if axis is None:
        if version:
            raise ValidationError(_("El eje ya no existe."))
        axis = PriorityAxis(order=PriorityAxis.objects.count() + 1, is_illustrative=is_illustrative)
    else:
        axis = PriorityAxis.objects.select_for_update().get(pk=axis.pk)
        if axis.version != version:
            raise ValidationError(_("Otra persona cambió este eje mientras usted lo editaba: revise el actual."))
        axis.version += 1
    axis.code, axis.name, axis.name_en = code.strip(), name.strip(), name_en.strip()
    axis.description, axis.is_active = description.strip(), is_active
    axis.full_clean(exclude=["version"])
    axis._history_user = user
    axis.save()
    return axis


@transaction.atomic
def axis_indicators_set(
    *, user: AbstractBaseUser, axis: PriorityAxis, cycle: EvaluationCycle, indicators: list[Indicator]
) -> int:
    """Make exactly `indicators` (committed in the cycle) serve the axis directly, among the cycle's indicators;
    links of indicators the cycle does not commit are kept. Return how many links changed."""
    _authorize(user)
    committed = set(Indicator.objects.filter(weightings__cycle=cycle).values_list("pk", flat=True))
    wanted = {indicator.pk for indicator in indicators}
    if not wanted <= committed:
        raise ValidationError(
            _("Solo se vinculan indicadores comprometidos en el ciclo %(year)s.") % {"year": cycle.year}
        )
    current = set(axis.indicators.filter(pk__in=committed).values_list("pk", flat=True))
    added, removed = wanted - current, current - wanted
    for pk in added:
        indicator = Indicator.objects.get(pk=pk)
        indicator._history_user = user
        indicator.axes.add(axis)
    for pk in removed:
        indicator = Indicator.objects.get(pk=pk)
        indicator._history_user = user
        indicator.axes.remove(axis)
    return len(added) + len(removed)
