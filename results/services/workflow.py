"""The review workflow of a region's data in a cycle: send, return, approve, reopen; and closing a cycle, which freezes
every region's results in a snapshot.

borrador → enviado → aprobado; enviado → devuelto (with the reviewer's comment); aprobado → reabierto
(with a reason). Analysts send again from borrador, devuelto or reabierto.

Each transition is atomic, checks who acts and from which state, and leaves an event with the comment.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    FormulationReview,
    Stage,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionStatus,
)
from evaluation.services import submission_get_locked
from indicators.selectors import (
    formulation_fingerprints,
    formulation_states,
    open_observations,
    submission_problems,
)
from notifications import selectors as notification_selectors
from notifications.services import notify
from notifications.vocabulary import Event
from regions.models import Region
from regions.selectors import can_edit_region, can_review
from results.compute import compute_cycle_results

# Who hears of each step, and which event it is for them.
_EVENTS = {
    SubmissionAction.SEND: Event.SENT,
    SubmissionAction.RETURN: Event.RETURNED,
    SubmissionAction.APPROVE: Event.APPROVED,
    SubmissionAction.REOPEN: Event.REOPENED,
}


def _tell(*, user: AbstractBaseUser, submission: Submission, action: str, comment: str) -> None:
    """Notify the step, with the comment: a sending to DIPRES's reviewers (to the review page) and to the
    region's heads, the GORE's management (to the region's page); the others to the region's analysts and
    heads (to the region's page)."""
    region, cycle = submission.region, submission.cycle
    region_page = reverse("indicators:region", kwargs={"code": region.iso_code, "year": cycle.year})
    told = {"event": _EVENTS[action], "region": region, "cycle": cycle, "actor": user}
    told["params"] = {"comment": comment.strip()} if comment.strip() else {}
    if action == SubmissionAction.SEND:
        review_page = reverse("results:review", kwargs={"code": region.iso_code, "year": cycle.year})
        reviewers = list(notification_selectors.reviewers())
        heads = notification_selectors.region_heads(region).exclude(pk__in=[person.pk for person in reviewers])
        notify(recipients=reviewers, path=review_page, **told)
        notify(recipients=heads, path=region_page, **told)
    else:
        notify(recipients=notification_selectors.region_followers(region), path=region_page, **told)


def _transition(
    *,
    user: AbstractBaseUser,
    submission: Submission,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    comment: str = "",
) -> Submission:
    if submission.status not in allowed_from:
        refusals = {
            SubmissionAction.SEND: _("No se pueden enviar a revisión: los datos están %(status)s."),
            SubmissionAction.RETURN: _("No se pueden devolver: los datos están %(status)s."),
            SubmissionAction.APPROVE: _("No se pueden aprobar: los datos están %(status)s."),
            SubmissionAction.REOPEN: _("No se pueden reabrir: los datos están %(status)s."),
        }
        raise ValidationError(refusals[action] % {"status": SubmissionStatus(submission.status).predicate})
    submission.status = to
    submission._history_user = user
    submission.save()
    SubmissionEvent.objects.create(submission=submission, action=action, actor=user, comment=comment.strip())
    _tell(user=user, submission=submission, action=action, comment=comment)
    return submission


@transaction.atomic
def submission_send(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle) -> Submission:
    """Send the region's data for review; refused while anything blocking is missing (listed in the error)."""

    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede enviar los datos de %(region)s.") % {"region": region.name})
    submission = submission_get_locked(region=region, cycle=cycle)
    if cycle.is_closed:
        raise ValidationError(_("El ciclo %(year)s está cerrado.") % {"year": cycle.year})
    problems = submission_problems(region=region, cycle=cycle)
    if problems and submission.is_editable:
        raise ValidationError(problems)
    return _transition(
        user=user,
        submission=submission,
        allowed_from=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED, SubmissionStatus.REOPENED),
        to=SubmissionStatus.SENT,
        action=SubmissionAction.SEND,
    )


def _reviewer_transition(
    *, user, region, cycle, allowed_from, to, action, comment="", comment_required=False
) -> Submission:
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    if comment_required and not comment.strip():
        raise ValidationError({"comment": _("Escriba el motivo: el analista lo verá en sus pendientes.")})
    submission = submission_get_locked(region=region, cycle=cycle)
    return _transition(
        user=user, submission=submission, allowed_from=allowed_from, to=to, action=action, comment=comment
    )


@transaction.atomic
def submission_return(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, comment: str) -> Submission:
    """Return sent data to the analysts with the reviewer's comment (required); they can edit again."""
    return _reviewer_transition(
        user=user,
        region=region,
        cycle=cycle,
        allowed_from=(SubmissionStatus.SENT,),
        to=SubmissionStatus.RETURNED,
        action=SubmissionAction.RETURN,
        comment=comment,
        comment_required=True,
    )


@transaction.atomic
def submission_approve(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, comment: str = ""
) -> Submission:
    """Approve sent data: it is locked from then on. Refused while an observation on one of its indicators is
    unresolved (the message lists them)."""
    unresolved = [
        _("%(code)s: observación %(status)s sobre «%(topic)s».")
        % {
            "code": observation.indicator.code,
            "status": observation.get_status_display().lower(),
            "topic": observation.get_topic_display().lower(),
        }
        for observations in open_observations(region=region, cycle=cycle).values()
        for observation in observations
    ]
    if unresolved and can_review(user):
        raise ValidationError([_("No se puede aprobar mientras haya observaciones sin resolver:"), *unresolved])
    return _reviewer_transition(
        user=user,
        region=region,
        cycle=cycle,
        allowed_from=(SubmissionStatus.SENT,),
        to=SubmissionStatus.APPROVED,
        action=SubmissionAction.APPROVE,
        comment=comment,
    )


@transaction.atomic
def submission_reopen(*, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, reason: str) -> Submission:
    """Reopen approved data with a reason (required): it is «reabierto» and the analysts can edit it again."""
    return _reviewer_transition(
        user=user,
        region=region,
        cycle=cycle,
        allowed_from=(SubmissionStatus.APPROVED,),
        to=SubmissionStatus.REOPENED,
        action=SubmissionAction.REOPEN,
        comment=reason,
        comment_required=True,
    )


@transaction.atomic
def cycle_close(*, user: AbstractBaseUser, cycle: EvaluationCycle) -> int:
    """Close the cycle, freezing every region's results in a snapshot; return how many regions were frozen.

    Only admins close cycles. A closed cycle's dashboards read the snapshots, so later edits to figures,
    weights or rules never change its evaluation.
    """

    if not (user.is_active and user.is_superuser):
        raise PermissionDenied(_("Solo un administrador cierra ciclos."))
    cycle = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_closed:
        raise ValidationError(_("El ciclo %(year)s ya está cerrado.") % {"year": cycle.year})
    results = compute_cycle_results(cycle=cycle)  # from the figures themselves, not from what was stored
    regions = {r.iso_code: r for r in Region.objects.all()}
    for result in results:
        CycleSnapshot.objects.create(
            cycle=cycle, region=regions[result.region_code], data=result.to_json(), created_by=user
        )
    cycle.stage = Stage.CLOSED
    cycle._history_user = user
    cycle.save()
    return len(results)


STAGE_ORDER = [Stage.FORMULATION, Stage.APPROVAL, Stage.EXECUTION, Stage.EVALUATION]


def next_stage(cycle: EvaluationCycle) -> Stage | None:
    """Return the stage that follows the cycle's (None in evaluation: closing is its own action, and for a
    closed cycle)."""
    if cycle.stage not in STAGE_ORDER or cycle.stage == Stage.EVALUATION:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(cycle.stage) + 1]


@transaction.atomic
def cycle_stage_advance(
    *, user: AbstractBaseUser, cycle: EvaluationCycle, reason: str, unreviewed_ok: bool = False
) -> EvaluationCycle:
    """Move the cycle to its next stage, recorded with who and why (the cycle's history). DIPRES's reviewers
    and the admins do it; the reason is required. Each stage changes what may be edited (docs/domain.md §6b)
    and what the pages stress; every region's pages of the cycle are drawn again.

    Leaving Formulación with regions whose formulation DIPRES has not reviewed (or that changed since) is
    refused, naming them, unless `unreviewed_ok` says the person chose to go on without them."""
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES cambia la etapa de un ciclo."))
    cycle = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    following = next_stage(cycle)
    if following is None:
        raise ValidationError(
            _("El ciclo %(year)s está en %(stage)s: no tiene una etapa siguiente (el cierre es aparte).")
            % {"year": cycle.year, "stage": cycle.get_stage_display()}
        )
    if not reason.strip():
        raise ValidationError(_("Indique por qué el ciclo pasa de etapa."))
    if cycle.stage == Stage.FORMULATION and not unreviewed_ok:
        pending = [state.region.name for state in formulation_states(cycle=cycle) if not state.is_current]
        if pending:
            raise ValidationError(
                _(
                    "Falta revisar la formulación de: %(regions)s. Revísela o marque que el ciclo pasa de etapa "
                    "sin esa revisión."
                )
                % {"regions": ", ".join(pending)}
            )
    cycle.stage = following
    cycle._history_user = user
    cycle._change_reason = reason.strip()[:100]
    cycle.save()
    return cycle


@transaction.atomic
def formulation_review_record(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, comment: str, version: int
) -> FormulationReview:
    """Record DIPRES's review of the region's formulation as it is now (its fingerprint), in Formulación only;
    `version` is the review the person saw (0: none), so two reviewers never overwrite each other unseen."""
    if not can_review(user):
        raise PermissionDenied(_("La formulación la revisa DIPRES."))
    cycle = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage != Stage.FORMULATION:
        raise ValidationError(
            _("La formulación se revisa en la etapa de formulación; el ciclo %(year)s está en %(stage)s.")
            % {"year": cycle.year, "stage": cycle.get_stage_display()}
        )
    fingerprint = formulation_fingerprints(cycle=cycle, region_ids={region.pk}).get(region.pk)
    if fingerprint is None:
        raise ValidationError(
            _("%(region)s no compromete indicadores en %(year)s: no hay formulación que revisar.")
            % {"region": region.name, "year": cycle.year}
        )
    review = FormulationReview.objects.select_for_update().filter(region=region, cycle=cycle).first()
    if (review.version if review else 0) != version:
        raise ValidationError(
            _("Otra persona revisó esta formulación mientras usted la veía: revise el estado actual.")
        )
    if review is None:
        review = FormulationReview(region=region, cycle=cycle, version=0)
    review.version += 1
    review.reviewed_by, review.reviewed_at = user, timezone.now()
    review.comment, review.fingerprint = comment.strip(), fingerprint
    review._history_user = user
    review.save()
    return review
