"""Every write to evaluations and their compromisos institucionales: DIPRES's reviewers record evaluations,
their verdicts and reports, and the commitments agreed; the region's analysts follow the commitments up.

Each function is atomic, authorised here (the roles come from regions.selectors), validated by the models'
rules, version-checked where two people may edit the same row, and recorded in the audit history with who
and why. The admin, the pages and the demonstration all write through these functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import StrategicProduct
from indicators.services import checked_upload, commitment_due_date_check, commitment_follow_up_apply
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict
from regions.models import Region
from regions.selectors import can_review


class StaleEvaluationError(ValidationError):
    """Someone else changed the evaluation after the person loaded it; nothing was saved."""


@dataclass(frozen=True)
class EvaluationInput:
    """An evaluation as a person sent it, with the version they saw (0 for a new one)."""

    line: EvaluationLine
    evaluator: str
    program: str = ""
    product: StrategicProduct | None = None
    started_on: datetime.date | None = None
    finished_on: datetime.date | None = None
    verdict: Verdict | None = None
    summary: str = ""
    report: UploadedFile | None = None
    is_illustrative: bool = False
    version: int = 0


def authorize_record(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle) -> None:
    """Check that the person may record evaluations of the region in the cycle: DIPRES's reviewers (and
    admins), in a cycle that is not closed, for a region that takes part in it."""
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES registra evaluaciones y sus compromisos."))
    if cycle.is_closed:
        raise ValidationError(
            _("El ciclo %(year)s está cerrado: sus evaluaciones no se pueden modificar.") % {"year": cycle.year}
        )
    if not region.exists_in(cycle.year):
        raise ValidationError(
            _("%(region)s no participa en el ciclo %(year)s.") % {"region": region.name, "year": cycle.year}
        )


@transaction.atomic
def evaluation_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    data: EvaluationInput,
    evaluation: ProgramEvaluation | None = None,
    reason: str = "",
) -> ProgramEvaluation:
    """Record a new evaluation of the region in the cycle, or change one (`evaluation`), all or nothing.

    A report, when sent, replaces the shown one (the earlier file stays in the history). Raises
    PermissionDenied (not DIPRES), StaleEvaluationError (changed by someone else since data.version) or
    ValidationError (the models' rules, the report's checks, a closed cycle).
    """
    authorize_record(user=user, region=region, cycle=cycle)
    if evaluation is None:
        if data.version:
            raise StaleEvaluationError(_("La evaluación ya no existe."))
        evaluation = ProgramEvaluation(region=region, cycle=cycle, recorded_by=user)
    else:
        evaluation = ProgramEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if (evaluation.region_id, evaluation.cycle_id) != (region.pk, cycle.pk):
            raise PermissionDenied(_("La evaluación no es de esta región y ciclo."))
        if evaluation.version != data.version:
            raise StaleEvaluationError(
                _("Otra persona cambió esta evaluación mientras usted la editaba: revise la actual.")
            )
        evaluation.version += 1
    evaluation.line = data.line
    evaluation.program = data.program.strip()
    evaluation.product = data.product
    evaluation.evaluator = data.evaluator.strip()
    evaluation.started_on = data.started_on
    evaluation.finished_on = data.finished_on
    evaluation.verdict = data.verdict
    evaluation.summary = data.summary.strip()
    evaluation.is_illustrative = data.is_illustrative or cycle.is_illustrative
    evaluation.full_clean(exclude=["report"])
    stored_name = None
    if data.report is not None:
        checked = checked_upload(data.report)
        evaluation.report_name = checked.name
        evaluation.report_type = checked.kind.content_type
        evaluation.report_sha256 = checked.sha256
        evaluation.report.save(checked.name, data.report, save=False)
        stored_name = evaluation.report.name
    try:
        evaluation._history_user = user
        evaluation._change_reason = reason
        evaluation.save()
    except Exception:
        if stored_name:
            evaluation.report.storage.delete(stored_name)  # the row was not written: leave no orphan file
        raise
    return evaluation


@transaction.atomic
def institutional_commitment_add(
    *,
    user: AbstractBaseUser,
    evaluation: ProgramEvaluation,
    description: str,
    owner: str,
    due_date: datetime.date,
    recorded_on: datetime.date | None = None,
) -> InstitutionalCommitment:
    """Record a compromiso institucional the evaluation leaves (agreed with DIPRES, recorded by a reviewer), due
    from the day it is recorded on (today unless `recorded_on` says when it was agreed)."""
    authorize_record(user=user, region=evaluation.region, cycle=evaluation.cycle)
    commitment_due_date_check(due_date=due_date, recorded_on=recorded_on)
    commitment = InstitutionalCommitment(
        evaluation=evaluation, description=description.strip(), owner=owner.strip(), due_date=due_date
    )
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def institutional_commitment_change(
    *,
    user: AbstractBaseUser,
    commitment: InstitutionalCommitment,
    description: str,
    owner: str,
    due_date: datetime.date,
) -> InstitutionalCommitment:
    """Correct what was agreed (text, owner, due date): DIPRES's reviewers, while the evaluation's cycle is
    open. The follow-up stays the analysts'."""
    evaluation = commitment.evaluation
    authorize_record(user=user, region=evaluation.region, cycle=evaluation.cycle)
    commitment = InstitutionalCommitment.objects.select_for_update().get(pk=commitment.pk)
    commitment_due_date_check(due_date=due_date, previous=commitment.due_date)  # a past date it had stays
    commitment.description, commitment.owner, commitment.due_date = description.strip(), owner.strip(), due_date
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def institutional_commitment_follow_up(
    *,
    user: AbstractBaseUser,
    commitment: InstitutionalCommitment,
    cycle: EvaluationCycle,
    status: str,
    follow_up: str,
    version: int | None = None,
) -> InstitutionalCommitment:
    """Record the state and follow-up of a commitment from the cycle being worked on: the region's analysts,
    with the rule of every commitment (indicators.services.commitment_follow_up_apply)."""
    commitment = InstitutionalCommitment.objects.select_related("evaluation__cycle", "evaluation__region").get(
        pk=commitment.pk
    )
    evaluation = commitment.evaluation
    if evaluation.cycle.is_illustrative != cycle.is_illustrative:
        raise ValidationError(_("Este compromiso se sigue desde el ciclo %(year)s.") % {"year": evaluation.cycle.year})
    return commitment_follow_up_apply(
        user=user,
        commitment=commitment,
        region=evaluation.region,
        committed_in=evaluation.cycle,
        cycle=cycle,
        status=status,
        follow_up=follow_up,
        version=version,
    )
