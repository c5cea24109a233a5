"""A cycle's stage: where it stands in the budget cycle, what each stage means, and DIPRES's move to the next
one (with the reason, recorded)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation import selectors as cycle_selectors
from regions.selectors import can_review
from results.selectors.stages import MEANING, stage_moves
from results.services import workflow


class AdvanceForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivo"), max_length=100)


@login_required
def cycle_stage(request: HttpRequest, year: int) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied(_("Las etapas del ciclo las conduce DIPRES."))
    cycle = cycle_selectors.cycle_get(year=year)
    form = AdvanceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cycle = workflow.cycle_stage_advance(user=request.user, cycle=cycle, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("El ciclo %(year)s pasó a %(stage)s.") % {"year": cycle.year, "stage": cycle.get_stage_display()},
                )
                return redirect(request.path)
        status = 400
    following = workflow.next_stage(cycle)
    context = {
        "cycle": cycle,
        "stages": [(stage, MEANING[stage]) for stage in workflow.STAGE_ORDER],
        "following": following,
        "form": form if following else None,
        "moves": stage_moves(cycle=cycle),
    }
    return render(request, "results/stage.html", context, status=status)
