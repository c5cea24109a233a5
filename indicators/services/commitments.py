"""Following up a commitment (a compromiso de mejora, a compromiso institucional), and its date: the rules
every kind of commitment shares, so that they behave the same wherever they are made or shown."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import Commitment
from indicators.services.guards import authorize_edit, check_version
from regions.models import Region


def commitment_due_date_check(
    *,
    due_date: datetime.date,
    previous: datetime.date | None = None,
    recorded_on: datetime.date | None = None,
) -> None:
    """Refuse a due date before the day the commitment is recorded (today in Chile unless `recorded_on` says
    otherwise: the demonstration's overdue commitments, agreed earlier), with the message on the date: a
    commitment dated in the past would be overdue, and mailed as such, the moment it is saved. A commitment
    being corrected keeps the date it had (`previous`), past or not."""
    if due_date is None or due_date == previous:
        return
    day = recorded_on or timezone.localdate()
    if due_date < day:
        raise ValidationError(
            {
                "due_date": _(
                    "La fecha comprometida (%(due)s) ya pasó: un compromiso se fija desde hoy (%(today)s) en adelante."
                )
                % {"due": date_format(due_date, "SHORT_DATE_FORMAT"), "today": date_format(day, "SHORT_DATE_FORMAT")}
            }
        )


def commitment_follow_up_apply(
    *,
    user: AbstractBaseUser,
    commitment: Commitment,
    region: Region,
    committed_in: EvaluationCycle,
    cycle: EvaluationCycle,
    status: str,
    follow_up: str,
    version: int | None = None,
) -> Commitment:
    """Record a commitment's state and follow-up, from the cycle being worked on; call inside a transaction.

    The region's analysts follow up while its data in that cycle is with them (the lock of the figures). A
    commitment is followed up from the cycle it was made in, or from a later one while it is still open; a
    closed commitment of an earlier cycle belongs to that cycle's record. `version` is the one the person read;
    VersionConflict when someone changed it since.
    """
    authorize_edit(user=user, region=region, cycle=cycle)
    commitment = type(commitment).objects.select_for_update().get(pk=commitment.pk)
    check_version(commitment, version)
    if committed_in.year > cycle.year or (committed_in.pk != cycle.pk and not commitment.is_open):
        raise ValidationError(_("Este compromiso se sigue desde el ciclo %(year)s.") % {"year": committed_in.year})
    commitment.status = status
    commitment.follow_up = follow_up.strip()
    commitment.version += 1
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment
