"""The PROPIR's pages: a region's investment initiatives of a year (within a cycle's window), added and
corrected by its analysts one by one or from a spreadsheet, read by everyone who may see the region, with the
summary DIPRES reads (initiatives put in execution, money, initiatives funded without RS), and as
spreadsheets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import exports
from evaluation import selectors as cycle_selectors
from indicators.services import StaleDataError
from indicators.spreadsheets import SpreadsheetError
from investments import exports as tables
from investments import forms, selectors, services
from investments.vocabulary import InitiativeState
from regions.selectors import can_edit_region, region_get_for_user

PER_PAGE = 100


def _page(request: HttpRequest, code: str, year: int):
    """Return (region, cycle, the PROPIR year asked with ?anio=, whether the person may change it)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    asked = (
        request.GET.get("anio") or request.POST.get("anio") or str(selectors.latest_year(region=region, cycle=cycle))
    )
    if not asked.isdigit() or not cycle.first_year <= int(asked) <= cycle.year:
        raise Http404(
            _("El año %(year)s está fuera de la ventana del ciclo %(cycle)s (%(first)s–%(last)s).")
            % {"year": asked, "cycle": cycle.year, "first": cycle.first_year, "last": cycle.year}
        )
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    editable = can_edit_region(user=request.user, region=region) and submission.is_editable and not cycle.is_closed
    return region, cycle, int(asked), editable


def _url(region, cycle, propir_year: int, name: str = "propir", **kwargs) -> str:
    url = reverse(f"investments:{name}", kwargs={"code": region.iso_code, "year": cycle.year, **kwargs})
    return f"{url}?anio={propir_year}"


def _save(request, region, cycle, propir_year, form, *, remove=False) -> bool:
    """Save the form's initiative through the service, its refusals put on the form; True when saved."""
    try:
        saved = services.initiatives_save(
            user=request.user,
            region=region,
            cycle=cycle,
            year=propir_year,
            rows=[form.initiative_input(remove=remove)],
            reason=_("PROPIR en la página"),
        )
    except services.InitiativeErrors as errors:
        for row_errors in errors.by_row.values():
            form.add_row_errors(row_errors)
        return False
    except ValidationError as error:  # sent, approved or closed meanwhile; an efectivo it could not write
        form.add_error(None, error)
        return False
    except StaleDataError:
        form.add_error(None, _("Otra persona cambió un efectivo calculado desde el PROPIR: vuelva a intentarlo."))
        return False
    if saved.efectivos:
        messages.info(
            request,
            _("El efectivo %(year)s de los indicadores calculados desde el PROPIR se actualizó.")
            % {"year": propir_year},
        )
    return True


@login_required
def propir(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's PROPIR of a year: its initiatives (filtered by state, or only those DIPRES flags), the
    summary, and the indicators computed from it; the region's analysts add initiatives here."""
    region, cycle, propir_year, editable = _page(request, code, year)
    form = forms.InitiativeForm(request.POST or None) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            if not can_edit_region(user=request.user, region=region):
                raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
            messages.error(request, _("Los datos de la región en este ciclo ya no están en edición."))
            return redirect(_url(region, cycle, propir_year))
        if form.is_valid() and _save(request, region, cycle, propir_year, form):
            messages.success(request, _("Se agregó la iniciativa %(code)s.") % {"code": form.cleaned_data["bip_code"]})
            return redirect(_url(region, cycle, propir_year))
        status = 400
    state = request.GET.get("estado", "")
    state = state if state in InitiativeState.values else ""
    flagged = request.GET.get("marcadas") == "1"
    shown = selectors.propir(region=region, year=propir_year, state=state, flagged=flagged)
    page = Paginator(shown.initiatives, PER_PAGE).get_page(request.GET.get("pagina"))
    context = {
        "region": region,
        "cycle": cycle,
        "propir_year": propir_year,
        "years": list(range(cycle.year, cycle.first_year - 1, -1)),
        "shown": shown,
        "page": page,
        "state": state,
        "flagged": flagged,
        "states": InitiativeState.choices,
        "editable": editable,
        "form": form,
        "reconciliation": selectors.reconciliation(region=region, year=propir_year),
    }
    return render(request, "investments/propir.html", context, status=status)


@login_required
def initiative(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """One initiative: its analysts correct or remove it (version-checked); others read it."""
    region, cycle, propir_year, editable = _page(request, code, year)
    found = selectors.initiative_get(region=region, year=propir_year, pk=pk)
    if found is None:
        raise Http404(_("La iniciativa no está en el PROPIR %(year)s de la región.") % {"year": propir_year})
    initial = forms.InitiativeForm.initial_of(found)
    form = forms.InitiativeForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        if not can_edit_region(user=request.user, region=region):
            raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
        remove = "quitar" in request.POST
        if form.is_valid() and _save(request, region, cycle, propir_year, form, remove=remove):
            done = _("Se quitó la iniciativa %(code)s.") if remove else _("Se guardó la iniciativa %(code)s.")
            messages.success(request, done % {"code": found.bip_code})
            return redirect(_url(region, cycle, propir_year))
        status = 400
    context = {
        "region": region,
        "cycle": cycle,
        "propir_year": propir_year,
        "initiative": found,
        "form": form,
        "editable": editable,
    }
    return render(request, "investments/initiative.html", context, status=status)


@login_required
def propir_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region's PROPIR of the year as .xlsx or .csv (the same columns as the spreadsheet to import)."""
    region, _cycle, propir_year, _editable = _page(request, code, year)
    table = tables.initiatives_table(selectors.propir(region=region, year=propir_year).initiatives)
    note = _("Datos ilustrativos: iniciativas de ejemplo.") if selectors.has_illustrative(region, propir_year) else ""
    return exports.download([table], name=f"propir-{region.iso_code}-{propir_year}", fmt=fmt, note=note)


@login_required
def spreadsheet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload a spreadsheet of the year's whole PROPIR: it is read and tried without saving (a preview)."""
    region, cycle, propir_year, editable = _page(request, code, year)
    if not can_edit_region(user=request.user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    form = forms.PropirSpreadsheetForm(
        request.POST or None, request.FILES or None, too_large=getattr(request, "upload_too_large", False)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                log = services.propir_preview(
                    user=request.user,
                    region=region,
                    cycle=cycle,
                    year=propir_year,
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:  # sent, approved or closed; a year outside the window
                form.add_error("file", error.messages)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                return redirect(_url(region, cycle, propir_year, "preview", pk=log.pk))
        status = 400
    context = {
        "region": region,
        "cycle": cycle,
        "propir_year": propir_year,
        "form": form,
        "editable": editable,
        "imports": selectors.imports(region=region, year=propir_year),
    }
    return render(request, "investments/spreadsheet.html", context, status=status)


@login_required
def preview(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """A spreadsheet's preview: what it adds, changes and removes, or its problems per row; who uploaded it
    applies it (POST)."""
    region, cycle, propir_year, _editable = _page(request, code, year)
    if not can_edit_region(user=request.user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    log = selectors.import_get(region=region, year=propir_year, pk=pk)
    if log is None:
        raise Http404(_("No existe esa planilla del PROPIR %(year)s de la región.") % {"year": propir_year})
    if request.method == "POST":
        try:
            saved = services.propir_apply(user=request.user, log=log)
        except services.InitiativeErrors:
            messages.error(
                request, _("El PROPIR cambió desde la vista previa: no se guardó nada; suba la planilla de nuevo.")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except StaleDataError:
            messages.error(
                request, _("Otra persona cambió un efectivo calculado desde el PROPIR: vuelva a intentarlo.")
            )
        else:
            messages.success(
                request,
                _("Planilla aplicada: %(added)s nuevas, %(changed)s modificadas, %(removed)s quitadas.")
                % {"added": saved.added, "changed": saved.changed, "removed": saved.removed},
            )
            return redirect(_url(region, cycle, propir_year))
        return redirect(_url(region, cycle, propir_year, "preview", pk=log.pk))
    context = {"region": region, "cycle": cycle, "propir_year": propir_year, "log": log}
    return render(request, "investments/preview.html", context)
