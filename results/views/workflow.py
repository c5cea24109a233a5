"""Pages of the review workflow: sending, returning, approving and reopening a region's data; DIPRES's review
of a region; the analysts' pendientes and DIPRES's review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import selectors
from indicators import selectors as indicator_selectors
from indicators.forms import ReasonForm
from indicators.vocabulary import CheckItem, ObservationTopic
from regions.selectors import can_review, region_get_for_user
from results.selectors import pending as pending_selectors
from results.selectors import report, review
from results.services import workflow

# Messages of the workflow's steps carry this tag: pages show them beside the workflow's actions.
WORKFLOW = "workflow"


WORKFLOW_ANCHORS = {"indicators:region": "#envio", "results:review": "#decision"}


def _workflow_step(request: HttpRequest, code: str, year: int, step, done: str, *, back: str) -> HttpResponse:
    """Run one workflow step with the posted comment and go back to the page it was taken from (`back`: the
    region's page or its review page), at the workflow's actions, where its outcome is shown."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            step(user=request.user, region=region, cycle=cycle, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages), extra_tags=WORKFLOW)
        else:
            messages.success(request, done, extra_tags=WORKFLOW)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors), extra_tags=WORKFLOW)
    response = redirect(back, code=region.iso_code, year=cycle.year)
    response["Location"] += WORKFLOW_ANCHORS[back]
    return response


@require_POST
@login_required
def submission_send(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return workflow.submission_send(**kwargs)

    done = _("Los datos se enviaron a revisión de DIPRES.")
    return _workflow_step(request, code, year, step, done, back="indicators:region")


@require_POST
@login_required
def submission_return(request: HttpRequest, code: str, year: int) -> HttpResponse:
    done = _("Se devolvieron los datos con su comentario.")
    return _workflow_step(request, code, year, workflow.submission_return, done, back="results:review")


@require_POST
@login_required
def submission_approve(request: HttpRequest, code: str, year: int) -> HttpResponse:
    done = _("Se aprobaron los datos; quedan bloqueados.")
    return _workflow_step(request, code, year, workflow.submission_approve, done, back="results:review")


@require_POST
@login_required
def submission_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    def step(*, comment, **kwargs):
        return workflow.submission_reopen(reason=comment, **kwargs)

    done = _("Se reabrieron los datos para corrección.")
    return _workflow_step(request, code, year, step, done, back="results:review")


@login_required
def submission_review(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """DIPRES's review of a region's data in a cycle: each indicator's result and analysis, the institutional
    compliance and bonus, and the forms to approve, return or reopen, on one page."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    unresolved = indicator_selectors.open_observations(region=region, cycle=cycle)
    checklists = indicator_selectors.formulation_checklists(region=region, cycle=cycle)
    codes = indicator_selectors.indicator_codes(region=region, cycle=cycle)
    context = {
        "region": region,
        "cycle": cycle,
        "submission": selectors.submission_for(region=region, cycle=cycle),
        **report.region_report(region=region, cycle=cycle),
        "observations": {codes[pk]: found for pk, found in unresolved.items() if pk in codes},
        "checklists": {code: checklists.get(pk, indicator_selectors.Checklist()) for pk, code in codes.items()},
        "unresolved_count": sum(len(found) for found in unresolved.values()),
        "check_items": CheckItem.choices,
        "topics": ObservationTopic.choices,
    }
    return render(request, "results/review.html", context)


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """What each of the analyst's regions still lacks in every open cycle, and what DIPRES returned."""
    groups = pending_selectors.pending_by_cycle(user=request.user)
    context = {"groups": groups, "has_cycles": bool(selectors.cycle_current()), "today": timezone.localdate()}
    return render(request, "results/pending.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """DIPRES's queue: every open cycle's submissions, those awaiting review first."""
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES revisa los envíos."))
    return render(request, "results/review_queue.html", {"queues": review.review_queues()})
