"""The region's definiciones estratégicas in a cycle (Formulario A1): the misión, the objetivos estratégicos with
the products that serve them and their medium-term targets, which the region's analysts formulate; the
priority axes each objective serves, which DIPRES links; their history and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports
from core.exports import Table
from core.numbers import round_half_up
from evaluation import selectors as cycle_selectors
from indicators import forms, selectors, services
from regions.selectors import can_edit_region, can_review, region_get_for_user

HISTORY_SHOWN = 30


def _place(request: HttpRequest, code: str, year: int):
    region = region_get_for_user(user=request.user, iso_code=code)
    return region, cycle_selectors.cycle_get(year=year, region=region)


def _page_context(request: HttpRequest, region, cycle, **bound) -> dict:
    """Return the page's context; `bound` replaces the named forms (a refused post, with its errors)."""
    page = selectors.definitions_page(region=region, cycle=cycle)
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    can_formulate = (
        can_edit_region(user=request.user, region=region)
        and submission.is_editable
        and not cycle.is_closed
        and services.definitions_editable(cycle)
    )
    can_link = can_review(request.user) and not cycle.is_closed
    objectives = [block.objective for block in page.objectives]
    forms_by_key = {}
    if can_formulate:
        definition = page.definition
        forms_by_key["mission"] = forms.MissionForm(
            initial={
                "mission": definition.mission if definition else "",
                "version": definition.version if definition else 0,
            }
        )
        next_number = max((o.number for o in objectives), default=0) + 1
        forms_by_key["objective-new"] = forms.ObjectiveForm(products=page.products, initial={"number": next_number})
        for block in page.objectives:
            objective = block.objective
            forms_by_key[f"objective-{objective.pk}"] = forms.ObjectiveForm(
                products=page.products,
                prefix_id=str(objective.pk),
                initial={
                    "number": objective.number,
                    "description": objective.description,
                    "products": [str(pk) for pk in block.product_ids],
                    "version": objective.version,
                },
            )
            for check in block.targets:
                target = check.target
                forms_by_key[f"target-{target.pk}"] = forms.MediumTermTargetForm(
                    objectives=objectives,
                    indicators=page.indicators,
                    cycle_year=cycle.year,
                    prefix_id=str(target.pk),
                    initial={
                        "objective": target.objective_id,
                        "indicator": target.indicator_id,
                        "year": target.year,
                        "value": round_half_up(target.value, target.indicator.decimals),
                        "notes": target.notes,
                        "version": target.version,
                    },
                )
        if objectives and page.indicators:
            forms_by_key["target-new"] = forms.MediumTermTargetForm(
                objectives=objectives, indicators=page.indicators, cycle_year=cycle.year
            )
    if can_link:
        for block in page.objectives:
            forms_by_key[f"axes-{block.objective.pk}"] = forms.ObjectiveAxesForm(
                axes=page.axes,
                prefix_id=str(block.objective.pk),
                initial={"axes": [str(pk) for pk in block.axis_ids], "version": block.objective.version},
            )
    forms_by_key.update(bound)
    changes = selectors.definitions_changes(definition=page.definition)
    blocks = [
        {
            "block": block,
            "form": forms_by_key.get(f"objective-{block.objective.pk}"),
            "form_key": f"objective-{block.objective.pk}",
            "axes_form": forms_by_key.get(f"axes-{block.objective.pk}"),
            "axes_key": f"axes-{block.objective.pk}",
            "targets": [
                (check, forms_by_key.get(f"target-{check.target.pk}"), f"target-{check.target.pk}")
                for check in block.targets
            ],
        }
        for block in page.objectives
    ]
    return {
        "region": region,
        "cycle": cycle,
        "page": page,
        "blocks": blocks,
        "submission": submission,
        "can_formulate": can_formulate,
        "can_link": can_link,
        "forms": forms_by_key,
        "open_form": next(iter(bound), None),
        "changes": changes[:HISTORY_SHOWN],
        "more_changes": max(len(changes) - HISTORY_SHOWN, 0),
    }


@login_required
def definitions(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's definitions in the cycle: whoever may see the region reads them."""
    region, cycle = _place(request, code, year)
    return render(request, "indicators/definitions.html", _page_context(request, region, cycle))


def _refused(
    request, region, cycle, key: str, form, error: ValidationError | None = None, status: int = 400
) -> HttpResponse:
    """Render the page again with the form as sent, its errors and the service's refusal (nothing was saved)."""
    if error is None:
        pass
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
    context = _page_context(request, region, cycle, **{key: form})
    return render(request, "indicators/definitions.html", context, status=status)


def _stale(request, region, cycle, key: str, form, error: ValidationError, current_version: int | None):
    """A change made by someone else meanwhile: the form keeps what the person typed, with the stored row's
    version, so that saving again is a choice made seeing what is there now (409)."""
    if current_version is None:  # the row is gone
        messages.error(request, " ".join(error.messages))
        return redirect("indicators:definitions", code=region.iso_code, year=cycle.year)
    data = request.POST.copy()
    data["version"] = current_version
    form = type(form)(data, **form.build_kwargs)
    form.is_valid()
    return _refused(request, region, cycle, key, form, error, status=409)


def _locked(request, region, cycle, error: ValidationError) -> HttpResponse:
    """Sent, approved, closed or past Formulación meanwhile: said on the page, nothing saved."""
    messages.error(request, " ".join(error.messages))
    return redirect("indicators:definitions", code=region.iso_code, year=cycle.year)


def _done(request, region, cycle, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    url = redirect("indicators:definitions", code=region.iso_code, year=cycle.year).url
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
@login_required
def mission_save(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's analysts write or correct the misión (creating the cycle's definitions the first time)."""
    region, cycle = _place(request, code, year)
    form = forms.MissionForm(request.POST)
    form.build_kwargs = {}
    if not form.is_valid():
        return _refused(request, region, cycle, "mission", form)
    try:
        services.definition_save(
            user=request.user,
            region=region,
            cycle=cycle,
            mission=form.cleaned_data["mission"],
            version=form.cleaned_data["version"],
        )
    except services.StaleDefinitionError as error:
        current = selectors.definitions_page(region=region, cycle=cycle).definition
        return _stale(request, region, cycle, "mission", form, error, current.version if current else None)
    except services.DataLockedError as error:
        return _locked(request, region, cycle, error)
    except ValidationError as error:
        return _refused(request, region, cycle, "mission", form, error)
    return _done(request, region, cycle, _("Se guardó la misión."), "mision")


@require_POST
@login_required
def objective_save(request: HttpRequest, code: str, year: int, pk: int | None = None) -> HttpResponse:
    """The region's analysts add an objective (no pk) or correct one: number, text, the products serving it."""
    region, cycle = _place(request, code, year)
    objective = selectors.objective_get(region=region, cycle=cycle, pk=pk) if pk is not None else None
    page = selectors.definitions_page(region=region, cycle=cycle)
    key = f"objective-{pk}" if pk is not None else "objective-new"
    build = {"products": page.products, "prefix_id": str(pk) if pk is not None else "new"}
    form = forms.ObjectiveForm(request.POST, **build)
    form.build_kwargs = build
    if not form.is_valid():
        return _refused(request, region, cycle, key, form)
    try:
        saved = services.objective_save(
            user=request.user,
            region=region,
            cycle=cycle,
            objective=objective,
            number=form.cleaned_data["number"],
            description=form.cleaned_data["description"],
            products=form.chosen_products(),
            version=form.cleaned_data["version"],
        )
    except services.StaleDefinitionError as error:
        current = next((b.objective for b in page.objectives if objective and b.objective.pk == objective.pk), None)
        return _stale(request, region, cycle, key, form, error, current.version if current else None)
    except services.DataLockedError as error:
        return _locked(request, region, cycle, error)
    except ValidationError as error:
        return _refused(request, region, cycle, key, form, error)
    message = _("Se guardó el objetivo %(number)s.") if objective else _("Se agregó el objetivo %(number)s.")
    return _done(request, region, cycle, message % {"number": saved.number}, f"objetivo-{saved.pk}")


def _removal(request, region, cycle, remove, message: str) -> HttpResponse:
    """Remove a row with the version the page showed (`remove(version)`, a service); a stale or locked row is
    said on the page and nothing is removed."""
    form = forms.VersionedForm(request.POST)
    if not form.is_valid():
        return _locked(request, region, cycle, ValidationError(_("No se quitó nada: recargue la página.")))
    try:
        remove(form.cleaned_data["version"])
    except ValidationError as error:  # stale, locked
        return _locked(request, region, cycle, error)
    return _done(request, region, cycle, message)


@require_POST
@login_required
def objective_delete(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """The region's analysts remove an objective, with its medium-term targets."""
    region, cycle = _place(request, code, year)
    objective = selectors.objective_get(region=region, cycle=cycle, pk=pk)
    return _removal(
        request,
        region,
        cycle,
        lambda version: services.objective_delete(user=request.user, objective=objective, version=version),
        _("Se quitó el objetivo %(number)s.") % {"number": objective.number},
    )


@require_POST
@login_required
def objective_axes(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """DIPRES sets which priority axes an objective serves."""
    region, cycle = _place(request, code, year)
    objective = selectors.objective_get(region=region, cycle=cycle, pk=pk)
    page = selectors.definitions_page(region=region, cycle=cycle)
    build = {"axes": page.axes, "prefix_id": str(pk)}
    form = forms.ObjectiveAxesForm(request.POST, **build)
    form.build_kwargs = build
    key = f"axes-{pk}"
    if not form.is_valid():
        return _refused(request, region, cycle, key, form)
    try:
        services.objective_axes_set(
            user=request.user, objective=objective, axes=form.chosen_axes(), version=form.cleaned_data["version"]
        )
    except services.StaleDefinitionError as error:
        return _stale(request, region, cycle, key, form, error, objective.version)
    except ValidationError as error:  # closed meanwhile
        return _locked(request, region, cycle, error)
    return _done(
        request, region, cycle, _("Se guardaron los ejes del objetivo %(number)s.") % {"number": objective.number}
    )


@require_POST
@login_required
def target_save(request: HttpRequest, code: str, year: int, pk: int | None = None) -> HttpResponse:
    """The region's analysts add a medium-term target to an objective (no pk) or correct one."""
    region, cycle = _place(request, code, year)
    target = selectors.target_get(region=region, cycle=cycle, pk=pk) if pk is not None else None
    page = selectors.definitions_page(region=region, cycle=cycle)
    key = f"target-{pk}" if pk is not None else "target-new"
    build = {
        "objectives": [block.objective for block in page.objectives],
        "indicators": page.indicators,
        "cycle_year": cycle.year,
        "prefix_id": str(pk) if pk is not None else "new",
    }
    form = forms.MediumTermTargetForm(request.POST, **build)
    form.build_kwargs = build
    if not form.is_valid():
        return _refused(request, region, cycle, key, form)
    data = form.cleaned_data
    try:
        saved = services.medium_term_target_save(
            user=request.user,
            objective=form.objectives[data["objective"]],
            target=target,
            data=services.TargetInput(
                indicator=form.indicators[data["indicator"]],
                year=data["year"],
                value=data["value"],
                notes=data["notes"],
            ),
            version=data["version"],
        )
    except services.StaleDefinitionError as error:
        return _stale(request, region, cycle, key, form, error, target.version if target else None)
    except services.DataLockedError as error:
        return _locked(request, region, cycle, error)
    except ValidationError as error:
        return _refused(request, region, cycle, key, form, error)
    message = _("Se guardó la meta de mediano plazo %(year)s de %(code)s.")
    return _done(request, region, cycle, message % {"year": saved.year, "code": saved.indicator.code})


@require_POST
@login_required
def target_delete(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """The region's analysts remove a medium-term target."""
    region, cycle = _place(request, code, year)
    target = selectors.target_get(region=region, cycle=cycle, pk=pk)
    return _removal(
        request,
        region,
        cycle,
        lambda version: services.medium_term_target_delete(user=request.user, target=target, version=version),
        _("Se quitó la meta de mediano plazo %(year)s de %(code)s.")
        % {"year": target.year, "code": target.indicator.code},
    )


@login_required
def definitions_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The definitions as .xlsx or .csv: a table of objectives and one of medium-term targets."""
    region, cycle = _place(request, code, year)
    page = selectors.definitions_page(region=region, cycle=cycle)
    mission = page.definition.mission if page.definition else ""
    objectives = Table(
        "objetivos",
        _("Objetivos estratégicos"),
        [
            _("Región"),
            _("Ciclo"),
            _("Misión"),
            _("N°"),
            _("Objetivo estratégico"),
            _("Productos"),
            _("Ejes prioritarios"),
        ],
        [
            [
                region.name,
                cycle.year,
                mission,
                block.objective.number,
                block.objective.description,
                "; ".join(str(product) for product in block.products),
                "; ".join(axis.label for axis in block.axes),
            ]
            for block in page.objectives
        ],
    )
    targets = Table(
        "metas",
        _("Metas de mediano plazo"),
        [
            _("N° objetivo"),
            _("Código"),
            _("Indicador"),
            _("Año"),
            _("Valor meta"),
            _("Meta del ciclo"),
            _("Camino en el año del ciclo"),
            _("Concuerda"),
            _("Notas"),
        ],
        [
            [
                block.objective.number,
                check.target.indicator.code,
                check.target.indicator.name,
                check.target.year,
                round_half_up(check.target.value, check.target.indicator.decimals),
                None if check.meta is None else round_half_up(check.meta, check.target.indicator.decimals),
                None if check.path is None else round_half_up(check.path, check.target.indicator.decimals),
                "" if check.consistent is None else (_("sí") if check.consistent else _("no")),
                check.target.notes,
            ]
            for block in page.objectives
            for check in block.targets
        ],
    )
    note = (
        _("Datos ilustrativos: estas definiciones estratégicas son ejemplos, no las del Gobierno Regional.")
        if page.is_illustrative
        else ""
    )
    return exports.download(
        [objectives, targets],
        name=f"definiciones-{region.iso_code}-{cycle.year}",
        fmt=fmt,
        slug=request.GET.get("tabla"),
        note=note,
    )
