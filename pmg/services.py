"""Every write to the PMG and the self-assessment: the region's analysts commit a stage per management system
and report what they reached, and score the excellence model's criteria, while the region's data is with
them (the figures' lock); DIPRES's reviewers validate the stage reached. Atomic, version-checked where two
people may edit the same row, with history (who, why)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.services.guards import authorize_edit
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment
from regions.models import Region
from regions.selectors import can_review

# The cells of a system's row on the PMG page; ROW: a problem of the whole row (a stale commitment).
COMMITTED, REPORTED, ROW = "committed", "reported", ""


@dataclass(frozen=True)
class CommitmentInput:
    """A system's commitment as the analyst sent it: the stage committed (None: not committed), the stage
    reached as they report it, and the version they saw (0: none yet)."""

    system: ManagementSystem
    committed_stage: int | None
    reported_stage: int | None
    version: int


class PmgErrors(ValidationError):
    """Problems per system and cell ({system id: {COMMITTED | REPORTED | ROW: [messages]}}); nothing was saved."""

    def __init__(self, by_cell: dict[int, dict[str, list[str]]]):
        self.by_cell = by_cell
        super().__init__([message for cells in by_cell.values() for ms in cells.values() for message in ms])

    @property
    def by_system(self) -> dict[int, list[str]]:
        """Return {system id: every message of its row}."""
        return {pk: [message for ms in cells.values() for message in ms] for pk, cells in self.by_cell.items()}


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


_FIELD_CELLS = {"committed_stage": COMMITTED, "reported_stage": REPORTED}


def _commitment_changes(
    *,
    region: Region,
    cycle: EvaluationCycle,
    rows: list[CommitmentInput],
    stored: dict[int, PmgCommitment],
    illustrative: bool,
) -> tuple[list[PmgCommitment], dict[int, dict[str, list[str]]]]:
    """Return the commitments the rows change (validated, not saved) and every row's problems by cell."""
    errors: dict[int, dict[str, list[str]]] = {}
    changed = []
    for row in rows:
        if row.system.cycle_id != cycle.pk:
            raise PermissionDenied(_("El sistema no es del ciclo."))
        current = stored.get(row.system.pk)
        if (current.version if current else 0) != row.version:
            errors[row.system.pk] = {
                ROW: [_("Otra persona cambió este compromiso mientras usted editaba: revise el actual.")]
            }
            continue
        if current is None and row.committed_stage is None:
            if row.reported_stage is not None:
                # Only a commitment is reported on: a stage reached in a system not committed counts for nothing.
                errors[row.system.pk] = {
                    REPORTED: [
                        _("%(system)s no tiene etapa comprometida: comprométala para informar la alcanzada.")
                        % {"system": row.system.label}
                    ]
                }
            continue
        if current is not None and (current.committed_stage, current.reported_stage) == (
            row.committed_stage,
            row.reported_stage,
        ):
            continue
        if row.committed_stage is None:
            errors[row.system.pk] = {COMMITTED: [_("Un compromiso registrado se corrige, no se quita.")]}
            continue
        if (
            current is not None
            and current.validated_stage is not None
            and current.committed_stage != row.committed_stage
        ):
            errors[row.system.pk] = {COMMITTED: [_("DIPRES ya validó este sistema: la etapa comprometida no cambia.")]}
            continue
        commitment = current or PmgCommitment(
            region=region, system=row.system, is_illustrative=illustrative or cycle.is_illustrative
        )
        commitment.committed_stage, commitment.reported_stage = row.committed_stage, row.reported_stage
        try:
            commitment.full_clean(exclude=["region", "system", "version"], validate_unique=False)
        except ValidationError as error:
            errors[row.system.pk] = {_FIELD_CELLS.get(name, ROW): ms for name, ms in error.message_dict.items()}
            continue
        if current is not None:
            commitment.version += 1
        changed.append(commitment)
    return changed, errors


def pmg_commitments_check(
    *, region: Region, cycle: EvaluationCycle, rows: list[CommitmentInput]
) -> dict[int, dict[str, list[str]]]:
    """Return what `pmg_commitments_save` would refuse in the rows, by system and cell, saving nothing: the
    page says it beside the cells it could not read, so that one save says every problem."""
    stored = {c.system_id: c for c in PmgCommitment.objects.filter(region=region, system__cycle=cycle)}
    return _commitment_changes(region=region, cycle=cycle, rows=rows, stored=stored, illustrative=False)[1]


@transaction.atomic
def pmg_commitments_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    rows: list[CommitmentInput],
    reason: str = "",
    illustrative: bool = False,
) -> int:
    """Save the region's PMG commitments of the cycle, all or nothing; return how many changed. A commitment
    already validated keeps its committed stage (the validation was of it); a stage is reported only on a
    committed system. New commitments are illustrative in an illustrative cycle, or when `illustrative` (the
    demonstration's, in a cycle of the document). Raises PmgErrors with every row's problems."""
    authorize_edit(user=user, region=region, cycle=cycle)
    stored = {
        c.system_id: c for c in PmgCommitment.objects.select_for_update().filter(region=region, system__cycle=cycle)
    }
    changed, errors = _commitment_changes(
        region=region, cycle=cycle, rows=rows, stored=stored, illustrative=illustrative
    )
    if errors:
        raise PmgErrors(errors)
    for commitment in changed:
        _save(commitment, user, reason)
    return len(changed)


@transaction.atomic
def pmg_validate(
    *, user: AbstractBaseUser, commitment: PmgCommitment, validated_stage: int | None, notes: str, version: int
) -> PmgCommitment:
    """Record the stage DIPRES validates for the commitment (None: not validated yet), while the cycle is open."""
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES valida el PMG."))
    commitment = PmgCommitment.objects.select_for_update().select_related("system__cycle").get(pk=commitment.pk)
    if commitment.system.cycle.is_closed:
        raise ValidationError(_("El ciclo %(year)s está cerrado.") % {"year": commitment.system.cycle.year})
    if commitment.version != version:
        raise ValidationError(_("Otra persona cambió este compromiso mientras usted lo validaba: revise el actual."))
    commitment.validated_stage, commitment.validation_notes = validated_stage, notes.strip()
    commitment.full_clean(exclude=["region", "system", "version"], validate_unique=False)
    commitment.version += 1
    _save(commitment, user, _("validación del PMG"))
    return commitment


class AssessmentErrors(ValidationError):
    """Problems per criterion ({criterion id: [messages]}); nothing was saved. Its messages name the criterion."""

    def __init__(self, by_criterion: dict[int, list[str]], labels: dict[int, str]):
        self.by_criterion = by_criterion
        super().__init__([f"{labels[pk]}: {m}" for pk, messages in by_criterion.items() for m in messages])


def _assessment_changes(
    *,
    region: Region,
    cycle: EvaluationCycle,
    scores: dict[ExcellenceCriterion, int | None],
    stored: dict[int, SelfAssessment],
) -> tuple[list[SelfAssessment], list[SelfAssessment], dict[int, list[str]]]:
    """Return the assessments the scores change (validated, not saved), those they remove, and every
    criterion's problems."""
    problems: dict[int, list[str]] = {}
    changed, removed = [], []
    for criterion, score in scores.items():
        current = stored.get(criterion.pk)
        if score is None:
            if current is not None:
                removed.append(current)
            continue
        if current is not None and current.score == score:
            continue
        assessment = current or SelfAssessment(
            region=region, cycle=cycle, criterion=criterion, is_illustrative=cycle.is_illustrative
        )
        assessment.score = score
        try:
            assessment.full_clean(exclude=["region", "cycle", "criterion"], validate_unique=False)
        except ValidationError as error:
            problems[criterion.pk] = [m for ms in error.message_dict.values() for m in ms]
            continue
        changed.append(assessment)
    return changed, removed, problems


def self_assessment_check(
    *, region: Region, cycle: EvaluationCycle, scores: dict[ExcellenceCriterion, int | None]
) -> dict[int, list[str]]:
    """Return what `self_assessment_save` would refuse in the scores, by criterion, saving nothing."""
    stored = {a.criterion_id: a for a in SelfAssessment.objects.filter(region=region, cycle=cycle)}
    return _assessment_changes(region=region, cycle=cycle, scores=scores, stored=stored)[2]


@transaction.atomic
def self_assessment_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    scores: dict[ExcellenceCriterion, int | None],
    reason: str = "",
) -> int:
    """Save the region's self-assessment scores of the cycle (a score left empty removes it), all or nothing;
    return how many changed. Raises AssessmentErrors (by criterion, its messages naming it) for a score above
    its criterion's maximum."""
    authorize_edit(user=user, region=region, cycle=cycle)
    stored = {a.criterion_id: a for a in SelfAssessment.objects.select_for_update().filter(region=region, cycle=cycle)}
    changed, removed, problems = _assessment_changes(region=region, cycle=cycle, scores=scores, stored=stored)
    if problems:
        raise AssessmentErrors(problems, {criterion.pk: criterion.label for criterion in scores})
    for assessment in changed:
        _save(assessment, user, reason)
    for assessment in removed:
        assessment._history_user = user
        assessment.delete()
    return len(changed) + len(removed)
