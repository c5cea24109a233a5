"""What every write to a region's data in a cycle checks first: who writes, whether the data is still with the
analysts in every open cycle that shows it, and whether the cycle's entry window admits the year."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionStatus
from evaluation.services import submission_get_locked
from indicators.selectors import cycle_entry_columns
from regions.models import Region
from regions.selectors import can_edit_region


class VersionConflict(ValidationError):
    """Someone changed the record after the person read it (its version moved); nothing was saved. `current` is
    the record as it is now (None when it no longer exists)."""

    def __init__(self, current=None):
        super().__init__(
            _(
                "Otra persona cambió esto después de que usted lo leyó: revise lo que está registrado y vuelva a "
                "guardar."
            )
        )
        self.current = current


def check_version(current, version: int | None) -> None:
    """Refuse the write when the person read another version than the stored one (`current` None: there is
    none yet, version 0). `version` None: the caller read nothing to compare (commands, the demonstration)."""
    stored = 0 if current is None else current.version
    if version is not None and version != stored:
        raise VersionConflict(current)


class DataLockedError(ValidationError):
    """The region's data for the cycle is sent or approved: nothing may change until it is returned."""


def locked_error(region: Region, cycle: EvaluationCycle, submission: Submission) -> DataLockedError:
    if cycle.is_closed:
        return DataLockedError(
            _("El ciclo %(year)s está cerrado: sus datos no se pueden modificar.") % {"year": cycle.year}
        )
    return DataLockedError(
        _("Los datos de %(region)s para el ciclo %(year)s están %(status)s: no se pueden modificar.")
        % {"region": region.name, "year": cycle.year, "status": SubmissionStatus(submission.status).predicate}
    )


def authorize_edit(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle) -> Submission:
    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    submission = submission_get_locked(region=region, cycle=cycle)
    if cycle.is_closed or not submission.is_editable:
        raise locked_error(region, cycle, submission)
    return submission


def cycles_sharing(
    *, cycle: EvaluationCycle, keys: set[tuple[int, str]], indicator_ids: set[int]
) -> list[EvaluationCycle]:
    """Return the cycle and every other open cycle that commits one of the indicators and whose entry
    columns include one of the (year, kind) figures, by year. Closed cycles are left out: their results
    are frozen in snapshots. A cycle without the indicators does not show their figures, so it neither
    locks nor blocks them (an illustrative 2011 cycle beside the 2012 one, for instance)."""

    owners = {cycle.pk: cycle}
    if keys and indicator_ids:
        years = [year for year, _kind in keys]
        candidates = (
            EvaluationCycle.objects.exclude(stage=Stage.CLOSED)
            .filter(year__gte=min(years), year__lte=max(years) + 10, weightings__indicator_id__in=indicator_ids)
            .distinct()
        )
        for other in candidates:
            if keys & {(c.year, c.kind) for c in cycle_entry_columns(other)}:
                owners[other.pk] = other
    return sorted(owners.values(), key=lambda c: c.year)


def authorize_shared_edit(
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
    for owner in cycles_sharing(cycle=cycle, keys=keys, indicator_ids=indicator_ids):
        locked[owner.pk] = (owner, submission_get_locked(region=region, cycle=owner))
    own = locked[cycle.pk][1]
    if cycle.is_closed or not own.is_editable:
        raise locked_error(region, cycle, own)
    return locked


def shared_edit_refusals(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    keys: set[tuple[int, str]],
    indicator_ids: set[int],
    lock: bool,
) -> list[str]:
    """Return why the figures cannot change now (empty: they can): the person may not edit the region, or an
    open cycle showing them is sent or approved (`cycles_sharing`). With `lock` the submissions are locked, as
    `authorize_shared_edit` does, for a write that follows; without it nothing is written (a confirmation
    page: a region with no submission yet has its data with the analysts)."""
    if not can_edit_region(user=user, region=region):
        return [_("No puede modificar los datos de %(region)s.") % {"region": region.name}]
    refusals = []
    for owner in cycles_sharing(cycle=cycle, keys=keys, indicator_ids=indicator_ids):
        if lock:
            submission = submission_get_locked(region=region, cycle=owner)
        else:
            submission = Submission.objects.filter(region=region, cycle=owner).first()
        if owner.is_closed or (submission is not None and not submission.is_editable):
            refusals.extend(locked_error(region, owner, submission).messages)
    return refusals


def check_window(*, cycle: EvaluationCycle, year: int) -> None:
    if not cycle.first_year <= year <= cycle.year:
        raise ValidationError(
            _("El año %(year)s está fuera de la ventana del ciclo %(cycle)s (%(first)s–%(last)s).")
            % {"year": year, "cycle": cycle.year, "first": cycle.first_year, "last": cycle.year}
        )
