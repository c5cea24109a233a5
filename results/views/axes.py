"""The Delivery Unit's priority axes: the catalogue with how many indicators serve each axis in a cycle, and
a page per axis with every region's indicators serving it and their results (the regions the person sees)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import exports
from core.exports import Table
from core.numbers import round_half_up
from evaluation import selectors as cycle_selectors
from evaluation.templatetags.cycle_labels import classification_label
from indicators import services
from regions.selectors import Role, can_review, user_role
from results.selectors import axes as selectors


def _cycle(request: HttpRequest, year: int):
    if user_role(request.user) == Role.NONE:
        raise PermissionDenied(_("No tiene acceso a ninguna región."))
    return cycle_selectors.cycle_get(year=year)


@login_required
def axes_current(request: HttpRequest) -> HttpResponse:
    """Redirect to the axes of the current cycle."""
    if user_role(request.user) == Role.NONE:
        raise PermissionDenied(_("No tiene acceso a ninguna región."))
    cycle = cycle_selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("results:axes", year=cycle.year)


@login_required
def axes(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    context = {
        "cycle": cycle,
        "cycles": cycle_selectors.cycles_all(),
        "axes": selectors.axes_overview(cycle=cycle, user=request.user),
        "form": AxisForm() if can_review(request.user) else None,
    }
    return render(request, "results/axes.html", context)


@login_required
def axis(request: HttpRequest, year: int, code: str) -> HttpResponse:
    cycle = _cycle(request, year)
    found, regions = selectors.axis_detail(code=code, cycle=cycle, user=request.user)
    return render(request, "results/axis.html", _axis_context(request, cycle, found, regions))


@login_required
def axis_export(request: HttpRequest, year: int, code: str, fmt: str) -> HttpResponse:
    """An axis's indicators across the regions the person sees, with their results, as .xlsx or .csv."""
    cycle = _cycle(request, year)
    found, regions = selectors.axis_detail(code=code, cycle=cycle, user=request.user)
    table = Table(
        "eje",
        found.label[:31],
        [_("Región"), _("Código"), _("Indicador"), _("Efectivo"), _("Meta"), _("Cumplimiento (%)"), _("Estado")],
        [
            [
                region.region_name,
                item.code,
                item.name,
                None if item.actual is None else round_half_up(item.actual, item.decimals),
                None if item.target is None else round_half_up(item.target, item.decimals),
                None if item.percent is None else round_half_up(item.percent, 2),
                classification_label(item.classification),
            ]
            for region in regions
            for item in region.indicators
        ],
    )
    return exports.download([table], name=f"eje-{found.code}-{cycle.year}", fmt=fmt)


class AxisForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Código"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Nombre"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Nombre en inglés"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    is_active = forms.BooleanField(label=gettext_lazy("Vigente"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "axis-%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_of(cls, axis) -> dict:
        fields = ("code", "name", "name_en", "description", "is_active", "version")
        return {name: getattr(axis, name) for name in fields}


def _save_axis(request, form, axis) -> bool:
    if not form.is_valid():
        return False
    try:
        services.priority_axis_save(user=request.user, axis=axis, **form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


@require_POST
@login_required
def axis_create(request: HttpRequest, year: int) -> HttpResponse:
    """DIPRES adds an axis to the catalogue."""
    cycle = _cycle(request, year)
    if not can_review(request.user):
        raise PermissionDenied(_("Los ejes prioritarios los mantiene DIPRES."))
    form = AxisForm(request.POST)
    if _save_axis(request, form, None):
        messages.success(request, _("Se agregó el eje «%(name)s».") % {"name": form.cleaned_data["name"]})
        return redirect("results:axes", year=cycle.year)
    context = {
        "cycle": cycle,
        "cycles": cycle_selectors.cycles_all(),
        "axes": selectors.axes_overview(cycle=cycle, user=request.user),
        "form": form,
    }
    return render(request, "results/axes.html", context, status=400)


@require_POST
@login_required
def axis_change(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """DIPRES corrects an axis, or sets which of the cycle's indicators serve it directly."""
    cycle = _cycle(request, year)
    if not can_review(request.user):
        raise PermissionDenied(_("Los ejes prioritarios los mantiene DIPRES."))
    axis, regions = selectors.axis_detail(code=code, cycle=cycle, user=request.user)
    if request.POST.get("accion") == "indicadores":
        chosen = selectors.committed_indicators(cycle=cycle, ids=request.POST.getlist("indicador"))
        changed = services.axis_indicators_set(user=request.user, axis=axis, cycle=cycle, indicators=chosen)
        messages.success(request, _("Vínculos del eje guardados (%(count)s cambios).") % {"count": changed})
        return redirect("results:axis", year=cycle.year, code=axis.code)
    form = AxisForm(request.POST)
    if _save_axis(request, form, axis):
        messages.success(request, _("Se guardó el eje."))
        return redirect("results:axis", year=cycle.year, code=form.cleaned_data["code"])
    context = _axis_context(request, cycle, axis, regions, form=form)
    return render(request, "results/axis.html", context, status=400)


def _axis_context(request, cycle, axis, regions, **extra) -> dict:
    context = {"cycle": cycle, "axis": axis, "regions": regions, "cycles": cycle_selectors.cycles_all()}
    if can_review(request.user):
        context["form"] = AxisForm(initial=AxisForm.initial_of(axis))
        context["linkable"] = selectors.linkable_indicators(cycle=cycle, axis=axis)
    context.update(extra)
    return context
