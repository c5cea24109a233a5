"""DIPRES's observations on an indicator and their threads, the formulation checklist, and the indicator's
responsible person: the actions behind the indicator's page and the review page."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evaluation import selectors as cycle_selectors
from indicators import selectors, services
from indicators.vocabulary import CheckItem, ObservationTopic
from regions.selectors import region_get_for_user


class OpenForm(django_forms.Form):
    topic = django_forms.ChoiceField(label=gettext_lazy("Sobre"), choices=ObservationTopic.choices, required=False)
    check_item = django_forms.ChoiceField(
        label=gettext_lazy("Punto de la revisión"), choices=[("", "—"), *CheckItem.choices], required=False
    )
    text = django_forms.CharField(
        label=gettext_lazy("Observación"), max_length=5000, widget=django_forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(django_forms.Form):
    text = django_forms.CharField(label=gettext_lazy("Respuesta"), max_length=5000, required=False)
    version = django_forms.IntegerField(min_value=0)


def _place(request: HttpRequest, code: str, year: int, indicator: str):
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    found = selectors.indicator_detail(region=region, cycle=cycle, code=indicator).indicator
    return region, cycle, found


def _back(request: HttpRequest, region, cycle, indicator, anchor: str = "observaciones") -> HttpResponse:
    """Back where the person acted: the review page (field «back») or the indicator's page."""
    if request.POST.get("back") == "review":
        url = reverse("results:review", kwargs={"code": region.iso_code, "year": cycle.year})
        return redirect(f"{url}#rev-{indicator.code}")
    kwargs = {"code": region.iso_code, "year": cycle.year, "indicator": indicator.code}
    return redirect(reverse("indicators:indicator", kwargs=kwargs) + f"#{anchor}")


def _tags(indicator) -> str:
    """The messages of these actions are shown beside the indicator's observations, on whichever page."""
    return f"observations {indicator.code}:obs"


def _refused(request, error: ValidationError, indicator) -> None:
    messages.error(request, " ".join(error.messages), extra_tags=_tags(indicator))


@require_POST
@login_required
def observation_open(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """DIPRES opens an observation on the indicator (from its page or the review page)."""
    region, cycle, found = _place(request, code, year, indicator)
    form = OpenForm(request.POST)
    if not form.is_valid():
        _refused(request, ValidationError(_("Escriba la observación: no se abrió.")), found)
        return _back(request, region, cycle, found)
    item = form.cleaned_data["check_item"]
    topic = form.cleaned_data["topic"] or (CheckItem(item).topic if item else ObservationTopic.OTHER)
    try:
        services.observation_open(
            user=request.user,
            indicator=found,
            cycle=cycle,
            topic=topic,
            text=form.cleaned_data["text"],
            check_item=item,
        )
    except ValidationError as error:
        _refused(request, error, found)
    else:
        messages.success(
            request, _("Se abrió la observación sobre %(code)s.") % {"code": found.code}, extra_tags=_tags(found)
        )
    return _back(request, region, cycle, found)


def _thread_action(request, code, year, indicator, pk, action, done: str) -> HttpResponse:
    region, cycle, found = _place(request, code, year, indicator)
    observation = selectors.observation_get(indicator=found, cycle=cycle, pk=pk)
    if observation is None:
        raise Http404(_("Esa observación no es de %(code)s en el ciclo %(year)s.") % {"code": found.code, "year": year})
    form = ReplyForm(request.POST)
    if not form.is_valid():
        _refused(request, ValidationError(_("No se guardó nada: recargue la página.")), found)
        return _back(request, region, cycle, found)
    try:
        action(
            user=request.user,
            observation=observation,
            text=form.cleaned_data["text"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        _refused(request, error, found)
    else:
        messages.success(request, done, extra_tags=_tags(found))
    return _back(request, region, cycle, found, anchor=f"observacion-{observation.pk}")


@require_POST
@login_required
def observation_reply(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> HttpResponse:
    """The region answers, or DIPRES replies, on an observation's thread."""
    return _thread_action(request, code, year, indicator, pk, services.observation_reply, _("Se agregó su respuesta."))


@require_POST
@login_required
def observation_resolve(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> HttpResponse:
    """DIPRES resolves an observation."""
    return _thread_action(
        request, code, year, indicator, pk, services.observation_resolve, _("La observación quedó resuelta.")
    )


@require_POST
@login_required
def formulation_check(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """DIPRES ticks a point of the indicator's formulation as conforme (or clears it)."""
    region, cycle, found = _place(request, code, year, indicator)
    try:
        services.formulation_check_set(
            user=request.user,
            indicator=found,
            cycle=cycle,
            item=request.POST.get("item", ""),
            conforming=request.POST.get("state") == "conforme",
        )
    except ValidationError as error:
        _refused(request, error, found)
    return _back(request, region, cycle, found, anchor="revision-formulacion")


@require_POST
@login_required
def responsible_set(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """The region's analysts (and admins) name who answers for the indicator."""
    region, cycle, found = _place(request, code, year, indicator)
    chosen = request.POST.get("responsible") or None
    choices = {str(person.pk): person for person in selectors.responsible_choices(found)}
    current = request.POST.get("current") or None
    if chosen is not None and chosen not in choices:
        messages.error(request, _("Elija a un analista de la región."))
        return _back(request, region, cycle, found, anchor="responsable")
    try:
        services.indicator_responsible_set(
            user=request.user,
            indicator=found,
            responsible=choices.get(chosen) if chosen else None,
            current_id=int(current) if current and current.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Se guardó el responsable del indicador."))
    return _back(request, region, cycle, found, anchor="responsable")
