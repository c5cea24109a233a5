"""The analysis of a result (causes, external cause and its decision) and the compromisos de mejora with their
follow-up."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, SubmissionStatus
from evaluation.services import submission_get_locked
from indicators.models import (
    ImprovementCommitment,
    Indicator,
    ResultAnalysis,
)
from indicators.selectors.people import indicator_recipients
from indicators.selectors.rows import indicator_rows
from indicators.services.commitments import commitment_due_date_check, commitment_follow_up_apply
from indicators.services.guards import authorize_edit, check_version
from notifications.services import notify
from notifications.vocabulary import Event
from regions.selectors import can_review


@transaction.atomic
def result_analysis_save(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    causes: str,
    external_causes: bool,
    overachievement_justification: str,
    version: int | None = None,
) -> ResultAnalysis:
    """Record the analysis of the indicator's result in the cycle; a change of causes resets DIPRES's decision.

    Causes are required when the result misses cumplido or external causes are claimed, a justification when it
    exceeds the sobrecumplimiento threshold (ValidationError by field, the form's own messages); `version` is
    the one the person read (0: none), VersionConflict when someone changed it since."""
    authorize_edit(user=user, region=indicator.region, cycle=cycle)
    [row] = indicator_rows(cycle=cycle, indicators=Indicator.objects.filter(pk=indicator.pk))
    errors: dict[str, list[str]] = {}
    if (row.missed or external_causes) and not causes.strip():
        errors["causes"] = [
            _("El indicador no alcanzó la meta: indique las causas.")
            if row.missed
            else _("Describa las causas externas.")
        ]
    if row.overachieved and not overachievement_justification.strip():
        errors["overachievement_justification"] = [
            _("El resultado supera el umbral de sobrecumplimiento: justifíquelo.")
        ]
    if errors:
        raise ValidationError(errors)
    analysis, created = ResultAnalysis.objects.select_for_update().get_or_create(indicator=indicator, cycle=cycle)
    check_version(None if created else analysis, version)
    if not created:
        analysis.version += 1
    if (analysis.causes, analysis.external_causes) != (causes.strip(), external_causes):
        analysis.external_accepted = None
    analysis.causes = causes.strip()
    analysis.external_causes = external_causes
    analysis.overachievement_justification = overachievement_justification.strip()
    analysis.full_clean()
    analysis._history_user = user
    analysis.save()
    return analysis


@transaction.atomic
def result_analysis_decide(*, user: AbstractBaseUser, analysis: ResultAnalysis, accepted: bool) -> ResultAnalysis:
    """Record DIPRES's decision on the external causes claimed for a missed target, while under review.

    Only while the region's data is sent (the analyst cannot change the causes then); the decision is
    written alone, so it never reverts the analyst's text.
    """
    if not can_review(user):
        raise PermissionDenied(_("Solo DIPRES decide sobre las causas externas."))
    region, cycle = analysis.indicator.region, analysis.cycle
    submission = submission_get_locked(region=region, cycle=cycle)
    if submission.status != SubmissionStatus.SENT:
        raise ValidationError(
            _("Las causas externas se deciden durante la revisión; los datos están %(status)s.")
            % {"status": SubmissionStatus(submission.status).predicate}
        )
    analysis = ResultAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if not analysis.external_causes:
        raise ValidationError(_("El análisis no declara causas externas."))
    analysis.external_accepted = accepted
    analysis.version += 1
    analysis._history_user = user
    analysis.save(update_fields=["external_accepted", "version"])
    indicator = analysis.indicator
    notify(
        event=Event.CAUSE_DECIDED,
        recipients=indicator_recipients(indicator),
        path=reverse(
            "indicators:indicator", kwargs={"code": region.iso_code, "year": cycle.year, "indicator": indicator.code}
        ),
        region=region,
        cycle=cycle,
        actor=user,
        params={"indicator": indicator.code, "accepted": accepted},
    )
    return analysis


@transaction.atomic
def improvement_commitment_add(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    description: str,
    owner: str,
    due_date,
    recorded_on=None,
) -> ImprovementCommitment:
    """Create a compromiso de mejora for the indicator in the cycle, due from the day it is recorded on (today
    unless `recorded_on` says when it was agreed: the demonstration's overdue one)."""
    authorize_edit(user=user, region=indicator.region, cycle=cycle)
    commitment_due_date_check(due_date=due_date, recorded_on=recorded_on)
    commitment = ImprovementCommitment(
        indicator=indicator, cycle=cycle, description=description.strip(), owner=owner.strip(), due_date=due_date
    )
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def improvement_commitment_follow_up(
    *,
    user: AbstractBaseUser,
    commitment: ImprovementCommitment,
    cycle: EvaluationCycle,
    status: str,
    follow_up: str,
    version: int | None = None,
) -> ImprovementCommitment:
    """Update a commitment's status and follow-up, from the cycle being worked on (see
    commitment_follow_up_apply)."""
    return commitment_follow_up_apply(
        version=version,
        user=user,
        commitment=commitment,
        region=commitment.indicator.region,
        committed_in=commitment.cycle,
        cycle=cycle,
        status=status,
        follow_up=follow_up,
    )
