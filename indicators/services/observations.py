"""Review at the level of an indicator: DIPRES's observations and their threads, the formulation checklist, and
who answers for an indicator in its GORE.

A reviewer opens an observation on an indicator in a cycle (its formula, a figure, its meta's ambition, its
medios de verificación, its causes); the region answers; either side replies; the reviewer resolves it. While
any is unresolved the region's data in the cycle is not approved (results.services.workflow). Observations do
not touch the region's data, so they go on whatever its lock, until the cycle closes. Each step notifies the
other side.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import FormulationCheck, Indicator, Observation, ObservationMessage
from indicators.selectors.people import indicator_recipients
from indicators.vocabulary import CheckItem, CheckState, ObservationStatus, ObservationTopic
from notifications.services import notify
from notifications.vocabulary import Event
from regions.selectors import can_edit_region, can_review

MAX_TEXT = 5000


def _indicator_path(indicator: Indicator, cycle: EvaluationCycle) -> str:
    kwargs = {"code": indicator.region.iso_code, "year": cycle.year, "indicator": indicator.code}
    return reverse("indicators:indicator", kwargs=kwargs) + "#observaciones"


def _check_open_cycle(cycle: EvaluationCycle) -> None:
    if cycle.is_closed:
        raise ValidationError(
            _("El ciclo %(year)s está cerrado: sus observaciones ya no cambian.") % {"year": cycle.year}
        )


def _check_text(text: str, *, required: bool = True) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError({"text": [_("Escriba la observación o la respuesta.")]})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": [_("Use a lo más %(count)s caracteres.") % {"count": MAX_TEXT}]})
    return text


def _tell(observation: Observation, *, user: AbstractBaseUser, action: str, text: str, to_region: bool) -> None:
    """Notify the other side: the indicator's people when DIPRES wrote, the thread's reviewers when the
    region did."""
    indicator, cycle = observation.indicator, observation.cycle
    if to_region:
        recipients = indicator_recipients(indicator)
    else:
        authors = set(observation.messages.values_list("author_id", flat=True)) | {observation.opened_by_id}
        recipients = [person for person in _people(authors) if can_review(person)]
    notify(
        event=Event.OBSERVATION,
        recipients=recipients,
        path=_indicator_path(indicator, cycle),
        region=indicator.region,
        cycle=cycle,
        actor=user,
        params={"indicator": indicator.code, "action": action, "comment": text[:300]},
    )


def _people(ids):
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


@transaction.atomic
def observation_open(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    topic: str,
    text: str,
    check_item: str = "",
) -> Observation:
    """DIPRES opens an observation on an indicator committed in the cycle, with its first message; an
    observation of a checklist point marks that point «observado». Raises PermissionDenied or
    ValidationError (by field)."""
    if not can_review(user):
        raise PermissionDenied(_("Las observaciones las abre DIPRES."))
    _check_open_cycle(cycle)
    if not indicator.weightings.filter(cycle=cycle).exists():
        raise ValidationError(
            _("%(code)s no está comprometido en el ciclo %(year)s.") % {"code": indicator.code, "year": cycle.year}
        )
    if topic not in ObservationTopic.values:
        raise ValidationError({"topic": [_("Elija sobre qué es la observación.")]})
    if check_item and check_item not in CheckItem.values:
        raise ValidationError({"check_item": [_("Ese punto no es de la revisión.")]})
    text = _check_text(text)
    observation = Observation(indicator=indicator, cycle=cycle, topic=topic, check_item=check_item, opened_by=user)
    observation._history_user = user
    observation.save()
    ObservationMessage.objects.create(observation=observation, author=user, text=text)
    if check_item:
        _check_set(user=user, indicator=indicator, cycle=cycle, item=check_item, state=CheckState.OBSERVED)
    _tell(observation, user=user, action="abierta", text=text, to_region=True)
    return observation


def _locked(observation: Observation, version: int) -> Observation:
    stored = Observation.objects.select_for_update().select_related("indicator__region", "cycle").get(pk=observation.pk)
    if stored.version != version:
        raise ValidationError(
            _("La conversación cambió mientras usted escribía: lea lo nuevo y vuelva a intentarlo."), code="stale"
        )
    if stored.status == ObservationStatus.RESOLVED:
        raise ValidationError(_("La observación ya está resuelta."))
    _check_open_cycle(stored.cycle)
    return stored


@transaction.atomic
def observation_reply(*, user: AbstractBaseUser, observation: Observation, text: str, version: int) -> Observation:
    """Add a message to an unresolved thread: the region's analysts (and admins) answer, DIPRES replies.
    Raises PermissionDenied, or ValidationError when the thread changed since the person read it (version),
    is resolved, or the text is empty."""
    region = observation.indicator.region
    reviewer, analyst = can_review(user), can_edit_region(user=user, region=region)
    if not (reviewer or analyst):
        raise PermissionDenied(_("Responden las observaciones los analistas de la región y DIPRES."))
    stored = _locked(observation, version)
    text = _check_text(text)
    ObservationMessage.objects.create(observation=stored, author=user, text=text)
    from_region = not reviewer  # an admin, who may do both, speaks for DIPRES
    stored.status = ObservationStatus.ANSWERED if from_region else ObservationStatus.OPEN
    stored.version += 1
    stored._history_user = user
    stored.save(update_fields=["status", "version"])
    _tell(stored, user=user, action="respuesta", text=text, to_region=not from_region)
    return stored


@transaction.atomic
def observation_resolve(*, user: AbstractBaseUser, observation: Observation, text: str, version: int) -> Observation:
    """DIPRES resolves a thread it has read to the end (version), with an optional closing message."""
    if not can_review(user):
        raise PermissionDenied(_("Las observaciones las resuelve DIPRES."))
    stored = _locked(observation, version)
    text = _check_text(text, required=False)
    if text:
        ObservationMessage.objects.create(observation=stored, author=user, text=text)
    stored.status = ObservationStatus.RESOLVED
    stored.resolved_by, stored.resolved_at = user, timezone.now()
    stored.version += 1
    stored._history_user = user
    stored.save(update_fields=["status", "resolved_by", "resolved_at", "version"])
    _tell(stored, user=user, action="resuelta", text=text, to_region=True)
    return stored


def _check_set(*, user, indicator, cycle, item, state) -> FormulationCheck:
    check = FormulationCheck.objects.filter(indicator=indicator, cycle=cycle, item=item).first() or FormulationCheck(
        indicator=indicator, cycle=cycle, item=item
    )
    check.state, check.checked_by = state, user
    check._history_user = user
    check.save()
    return check


@transaction.atomic
def formulation_check_set(
    *, user: AbstractBaseUser, indicator: Indicator, cycle: EvaluationCycle, item: str, conforming: bool
) -> FormulationCheck | None:
    """DIPRES ticks a point of an indicator's formulation as conforme, or clears its tick (None). Observing a
    point is opening an observation on it (observation_open with check_item)."""
    if not can_review(user):
        raise PermissionDenied(_("La revisión de la formulación la hace DIPRES."))
    _check_open_cycle(cycle)
    if item not in CheckItem.values:
        raise ValidationError(_("Ese punto no es de la revisión."))
    if not indicator.weightings.filter(cycle=cycle).exists():
        raise ValidationError(
            _("%(code)s no está comprometido en el ciclo %(year)s.") % {"code": indicator.code, "year": cycle.year}
        )
    if conforming:
        return _check_set(user=user, indicator=indicator, cycle=cycle, item=item, state=CheckState.OK)
    for check in FormulationCheck.objects.filter(indicator=indicator, cycle=cycle, item=item):
        check._history_user = user
        check.delete()
    return None


@transaction.atomic
def indicator_responsible_set(
    *, user: AbstractBaseUser, indicator: Indicator, responsible: AbstractBaseUser | None, current_id: int | None
) -> Indicator:
    """Name who answers for the indicator in its GORE (one of its region's analysts; None: nobody), as the
    region's analysts and the admins do; refused when someone else changed it since the page was read."""
    if not can_edit_region(user=user, region=indicator.region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": indicator.region.name})
    stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if stored.responsible_id != current_id:
        raise ValidationError(_("Otra persona cambió el responsable mientras usted editaba: revise el actual."))
    stored.responsible = responsible
    stored.full_clean(validate_unique=False, validate_constraints=False)
    stored._history_user = user
    stored._change_reason = _("responsable del indicador")
    stored.save(update_fields=["responsible"])
    return stored
