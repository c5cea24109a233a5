"""A cycle's stage: where it stands in the budget cycle, what each stage means, and DIPRES's move to the next
one (with the reason, recorded)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evaluation import selectors as cycle_selectors
from evaluation.models import Stage
from indicators.selectors import formulation_states
from regions.selectors import can_review, region_get_for_user
from results.selectors.stages import MEANING, stage_moves
from results.services import workflow

# What moving the cycle into each stage does to every region's data (docs/domain.md §6b): said before it is done.
CONSEQUENCE = {
    Stage.APPROVAL: gettext_lazy(
        "la formulación ya no se revisa; las definiciones, los indicadores y las metas aún se ajustan."
    ),
    Stage.EXECUTION: gettext_lazy(
        "la meta %(year)s de cada indicador queda fija, y lo que el indicador mide y cómo ya no cambia."
    ),
    Stage.EVALUATION: gettext_lazy(
        "el efectivo %(year)s pasa a ser obligatorio para enviar; se deciden el cumplimiento y el incentivo."
    ),
}


class AdvanceForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivo"), max_length=100)
    unreviewed_ok = forms.BooleanField(
        label=gettext_lazy("Pasar de etapa aunque falte revisar la formulación de alguna región"), required=False
    )

    def __init__(self, *args, formulating: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not formulating:
            del self.fields["unreviewed_ok"]


class FormulationReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comentario (opcional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


@login_required
def cycle_stage(request: HttpRequest, year: int) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied(_("Las etapas del ciclo las conduce DIPRES."))
    cycle = cycle_selectors.cycle_get(year=year)
    formulating = cycle.stage == Stage.FORMULATION
    form = AdvanceForm(request.POST or None, formulating=formulating)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cycle = workflow.cycle_stage_advance(
                    user=request.user,
                    cycle=cycle,
                    reason=form.cleaned_data["reason"],
                    unreviewed_ok=form.cleaned_data.get("unreviewed_ok", False),
                )
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
        "consequence": CONSEQUENCE[following] % {"year": cycle.year} if following else "",
        "form": form if following else None,
        "moves": stage_moves(cycle=cycle),
        "formulation": formulation_states(cycle=cycle) if cycle.stage == Stage.FORMULATION else None,
    }
    return render(request, "results/stage.html", context, status=status)


@require_POST
@login_required
def formulation_review(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """DIPRES records its review of the region's formulation as it stands; back to the region's page, where
    the review's state and any refusal are shown."""
    if not can_review(request.user):
        raise PermissionDenied(_("La formulación la revisa DIPRES."))
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    form = FormulationReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No se pudo registrar la revisión: recargue la página e inténtelo de nuevo."))
    else:
        try:
            workflow.formulation_review_record(
                user=request.user,
                region=region,
                cycle=cycle,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Formulación de %(region)s %(year)s revisada.") % {"region": region.name, "year": cycle.year},
            )
    return redirect(reverse("indicators:region", kwargs={"code": region.iso_code, "year": cycle.year}) + "#formulacion")
