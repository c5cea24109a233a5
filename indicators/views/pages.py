"""Pages about a region's indicators: the Formulario H tables, data entry, an indicator's file and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import caching
from evaluation import selectors as cycle_selectors
from evaluation.models import Stage, SubmissionStatus
from indicators import forms, selectors, services
from indicators.charts import indicator_figure
from indicators.models import CommitmentStatus, Evidence, ImportLog
from indicators.results import indicator_result
from indicators.spreadsheets import SpreadsheetError
from indicators.views.observations import OpenForm
from regions.selectors import (
    authorize_edit,
    authorize_view,
    can_edit_region,
    can_review,
    region_get_for_editor,
    region_get_for_user,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def region_current(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to the region's page for the current cycle."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("indicators:region", code=region.iso_code, year=cycle.year)


@login_required
def region_indicators(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's Formulario H for one cycle: figures by product, and the product × ámbito table.

    The board (the same for every person who may see the region) is cached by the region's data version in
    the cycle: a change anywhere in the region's data raises it, a change elsewhere leaves it.
    """
    region, cycle, stamp = _region_in_cycle(request, code, year)

    def board_html() -> str:
        board = selectors.region_board(region=region, cycle=cycle)
        return render_to_string("indicators/_region_board.html", {"board": board, "region": region, "cycle": cycle})

    if stamp is None:  # versions never raised for this region and cycle: nothing to key a cache by
        fragment = caching.Fragment.of(board_html())
        cycles, submission = _cycles_and_submission(region, cycle)
    else:
        fragment = caching.cached_fragment(
            "region-board", region.pk, cycle.pk, version=stamp.version, render=board_html
        )
        cycles, submission = caching.cached(
            "region-header",
            region.pk,
            cycle.pk,
            version=stamp.version,
            compute=lambda: _cycles_and_submission(region, cycle),
        )
    context = {
        "region": region,
        "cycle": cycle,
        "cycles": cycles,
        "submission": submission,
        "can_edit": can_edit_region(user=request.user, region=region),
        "can_review": can_review(request.user),
        "formulation": _formulation(region, cycle, stamp),
    }
    return caching.fragment_response(request, "indicators/region.html", context, fragment)


def _formulation(region, cycle, stamp) -> selectors.FormulationState | None:
    """Return the state of DIPRES's review of the region's formulation while the cycle is in Formulación (None
    in other stages, or when the region commits no indicator in the cycle); cached by the region's version."""
    if cycle.stage != Stage.FORMULATION:
        return None

    def state():
        found = selectors.formulation_states(cycle=cycle, region=region)
        return found[0] if found else None

    if stamp is None:
        return state()
    return caching.cached("formulation-state", region.pk, cycle.pk, version=stamp.version, compute=state)


def _region_in_cycle(request: HttpRequest, code: str, year: int, *, editor: bool = False):
    """Return (region, cycle, stamp) for a page of the region in the cycle of that year, checking that the
    person may see the region (or change its data, for an editor's page)."""
    page = cycle_selectors.region_in_cycle(
        iso_code=code, year=year, authorize=authorize_edit if editor else authorize_view, user=request.user
    )
    return page.region, page.cycle, page.stamp


def _cycles_and_submission(region, cycle):
    return cycle_selectors.cycles_for_region(region), cycle_selectors.submission_for(region=region, cycle=cycle)


@login_required
def entry_start(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Redirect to the entry page of the region's first product with indicators in the cycle."""
    region = region_get_for_editor(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    product = selectors.products_with_indicators(region=region, cycle=cycle).first()
    if product is None:
        messages.info(request, _("La región no tiene indicadores comprometidos en el ciclo %(year)s.") % {"year": year})
        return redirect("indicators:region", code=region.iso_code, year=cycle.year)
    return redirect("indicators:entry", code=region.iso_code, year=cycle.year, product=product.number)


@login_required
def entry(request: HttpRequest, code: str, year: int, product: int) -> HttpResponse:
    """The data-entry grid of one product's indicators; saves all changed figures or none.

    The grid as drawn for a GET is the same for every editor of the region: it is cached by the region's data
    version in the cycle, with each response's own CSRF field put in.
    """
    region, cycle, stamp = _region_in_cycle(request, code, year, editor=True)
    shell = {"region": region, "cycle": cycle}
    if request.method != "POST":

        def grid() -> str:
            page = selectors.entry_page(region=region, cycle=cycle, product_number=product)
            submission = cycle_selectors.submission_for(region=region, cycle=cycle)
            form = forms.EntryGridForm(None, rows=page.rows, columns=page.columns, fixed=selectors.fixed_columns(cycle))
            return _grid_html(region, page, form, submission, csrf_input=caching.csrf_input())

        if stamp is None:
            fragment = caching.Fragment.of(grid())
        else:
            fragment = caching.cached_fragment(
                "entry-grid", region.pk, cycle.pk, product, version=stamp.version, render=grid
            )
        return caching.fragment_response(request, "indicators/entry.html", shell, fragment)
    page = selectors.entry_page(region=region, cycle=cycle, product_number=product)
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    form = forms.EntryGridForm(request.POST, rows=page.rows, columns=page.columns, fixed=selectors.fixed_columns(cycle))
    if not submission.is_editable:
        messages.error(
            request,
            _("Los datos están %(status)s: no se pueden modificar.")
            % {"status": SubmissionStatus(submission.status).predicate},
        )
        return redirect(request.path)
    status = 400
    if form.is_valid():
        try:
            saved = services.measurements_save(user=request.user, region=region, cycle=cycle, cells=form.cell_inputs())
        except services.StaleDataError as stale:
            page, form = _entry_after_conflict(request, page, stale)
            status = 409
        except services.CellErrors as errors:
            form.add_cell_errors(errors)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        else:
            messages.success(
                request,
                ngettext("Se guardó %(count)s valor.", "Se guardaron %(count)s valores.", saved) % {"count": saved}
                if saved
                else _("No había cambios que guardar."),
            )
            return redirect(request.path)
    fragment = caching.Fragment.of(_grid_html(region, page, form, submission, csrf_input=caching.csrf_input(request)))
    return caching.fragment_response(request, "indicators/entry.html", shell, fragment, status=status)


def _grid_html(region, page, form, submission, *, csrf_input: str) -> str:
    context = {"page": page, "form": form, "submission": submission, "csrf_input": csrf_input}
    return render_to_string("indicators/_entry_grid.html", {**context, "region": region, "cycle": page.cycle})


def _entry_after_conflict(request, page, stale):
    """Return the page with stored figures and a form keeping the person's values, flagged where stale.

    The hidden versions become the stored ones, so saving again is a deliberate choice made knowing
    the current values.
    """
    page = selectors.entry_page_refreshed(page)
    data = request.POST.copy()
    keys = set()
    for conflict in stale.conflicts:
        cell = conflict.cell
        keys.add(cell.key)
        prefix = f"c{cell.indicator.pk}_{cell.year}_{cell.kind}"
        data[f"{prefix}_v"] = conflict.current.version if conflict.current else 0
        data[f"{prefix}_o"] = forms.original_token(conflict.current)
    form = forms.EntryGridForm(data, rows=page.rows, columns=page.columns, fixed=selectors.fixed_columns(page.cycle))
    form.is_valid()
    form.mark_conflicts(keys)
    messages.error(
        request,
        ngettext(
            "Otra persona guardó un cambio en %(count)s valor mientras usted editaba. No se guardó nada: "
            "revise el valor actual y vuelva a guardar.",
            "Otra persona guardó cambios en %(count)s valores mientras usted editaba. No se guardó nada: "
            "revise los valores actuales y vuelva a guardar.",
            len(keys),
        )
        % {"count": len(keys)},
    )
    return page, form


@login_required
def indicator_detail(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """An indicator's file: Formulario H fields, figures, result, causes, commitments and evidence."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    detail = selectors.indicator_detail(region=region, cycle=cycle, code=indicator)
    return render(request, "indicators/indicator_detail.html", _detail_context(request, region, cycle, detail))


def _detail_context(request, region, cycle, detail, **forms_override) -> dict:
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    editable = can_edit_region(user=request.user, region=region) and submission.is_editable
    row = detail.row
    analysis = row.analysis
    context = {
        "region": region,
        "cycle": cycle,
        "detail": detail,
        "row": row,
        "submission": submission,
        "editable": editable,
        "can_review": can_review(request.user),
        "analysis_form": forms.ResultAnalysisForm(
            initial={
                "causes": analysis.causes if analysis else "",
                "external_causes": analysis.external_causes if analysis else False,
                "overachievement_justification": analysis.overachievement_justification if analysis else "",
                "version": analysis.version if analysis else 0,
            }
        ),
        "commitment_form": forms.ImprovementCommitmentForm(),
        "evidence_form": forms.EvidenceForm(years=detail.years),
        "commitment_statuses": CommitmentStatus.choices,
        "figure": indicator_figure(indicator_result(row, cycle), cycle.year),
        "can_answer": can_edit_region(user=request.user, region=region),
        "responsible_choices": selectors.responsible_choices(detail.indicator),
        "open_form": OpenForm(auto_id="observation-%s"),
    }
    observations = selectors.indicator_observations(indicator=detail.indicator, cycle=cycle)
    context["observations"] = observations
    context["open_count"] = sum(1 for observation in observations if observation.is_open)
    context.update(forms_override)
    return context


def _detail_for_post(request, code, year, indicator):
    region = region_get_for_editor(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    detail = selectors.indicator_detail(region=region, cycle=cycle, code=indicator)
    return region, cycle, detail


def _detail_redirect(region, cycle, detail, anchor: str) -> HttpResponse:
    response = redirect("indicators:indicator", code=region.iso_code, year=cycle.year, indicator=detail.indicator.code)
    response["Location"] += f"#{anchor}"
    return response


def _render_detail_errors(request, region, cycle, detail, error: ValidationError | None = None, **forms_override):
    if error is not None:
        messages.error(request, " ".join(error.messages))
    context = _detail_context(request, region, cycle, detail, **forms_override)
    return render(request, "indicators/indicator_detail.html", context, status=400)


@require_POST
@login_required
def result_analysis_save(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    form = forms.ResultAnalysisForm(
        request.POST, needs_causes=detail.row.missed, needs_justification=detail.row.overachieved
    )
    if not form.is_valid():
        return _render_detail_errors(request, region, cycle, detail, analysis_form=form)
    try:
        services.result_analysis_save(user=request.user, indicator=detail.indicator, cycle=cycle, **form.cleaned_data)
    except services.VersionConflict as error:
        # The person's text stays in the form; its version becomes the stored one, so that saving again is a
        # choice made knowing what the other person wrote (shown on the page).
        data = request.POST.copy()
        data["version"] = error.current.version if error.current else 0
        form = forms.ResultAnalysisForm(
            data, needs_causes=detail.row.missed, needs_justification=detail.row.overachieved
        )
        form.is_valid()
        return _render_detail_errors(request, region, cycle, detail, error, analysis_form=form)
    except ValidationError as error:
        return _render_detail_errors(request, region, cycle, detail, error, analysis_form=form)
    messages.success(request, _("Se guardó el análisis del resultado."))
    return _detail_redirect(region, cycle, detail, "analisis")


@require_POST
@login_required
def result_analysis_decide(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """DIPRES accepts or rejects the external causes claimed for a missed target."""
    region = region_get_for_user(user=request.user, iso_code=code)
    if not can_review(request.user):
        raise PermissionDenied(_("Solo DIPRES decide sobre las causas externas."))
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    detail = selectors.indicator_detail(region=region, cycle=cycle, code=indicator)
    if detail.row.analysis is None:
        raise Http404(_("El indicador no tiene análisis de causas en este ciclo."))
    try:
        services.result_analysis_decide(
            user=request.user, analysis=detail.row.analysis, accepted=request.POST.get("accepted") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Se registró la decisión sobre las causas externas."))
    if request.POST.get("back") == "review":  # decided on the region's review page: back there
        response = redirect("results:review", code=region.iso_code, year=cycle.year)
        response["Location"] += f"#rev-{detail.indicator.code}"
        return response
    return _detail_redirect(region, cycle, detail, "analisis")


@require_POST
@login_required
def commitment_add(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    form = forms.ImprovementCommitmentForm(request.POST)
    if not form.is_valid():
        return _render_detail_errors(request, region, cycle, detail, commitment_form=form)
    try:
        services.improvement_commitment_add(
            user=request.user, indicator=detail.indicator, cycle=cycle, **form.cleaned_data
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # on the fields it names (a past date: on the date)
            form.add_error(None, error)
        return _render_detail_errors(request, region, cycle, detail, error, commitment_form=form)
    messages.success(request, _("Se registró el compromiso de mejora."))
    return _detail_redirect(region, cycle, detail, "compromisos")


@require_POST
@login_required
def commitment_follow_up(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> HttpResponse:
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    commitment = next((c for c in detail.commitments if c.pk == pk), None)
    if commitment is None:  # only what this cycle's page shows can be followed up from it
        raise Http404(_("El compromiso no se sigue desde el ciclo %(year)s.") % {"year": cycle.year})
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        return _render_detail_errors(
            request, region, cycle, detail, ValidationError(_("Revise el estado del compromiso."))
        )
    try:
        services.improvement_commitment_follow_up(
            user=request.user, commitment=commitment, cycle=cycle, **form.cleaned_data
        )
    except ValidationError as error:
        return _render_detail_errors(request, region, cycle, detail, error)
    messages.success(request, _("Se actualizó el seguimiento del compromiso."))
    return _detail_redirect(region, cycle, detail, "compromisos")


@require_POST
@login_required
def computed_apply(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> HttpResponse:
    """Make a year's computed value the indicator's efectivo (where it differs from one typed by hand)."""
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    row = next((item for item in detail.computed if item.computed.pk == pk), None)
    if row is None:  # only what this cycle's page shows
        raise Http404(_("El valor calculado no se muestra en el ciclo %(year)s.") % {"year": cycle.year})
    version = request.POST.get("version", "")
    try:
        services.computed_figure_apply(
            user=request.user,
            computed=row.computed,
            cycle=cycle,
            version=int(version) if version.isdigit() else 0,
            reason=_("valor calculado elegido"),
        )
    except services.StaleDataError:
        messages.error(request, _("Otra persona cambió el efectivo mientras usted lo miraba: revise el actual."))
    except ValidationError as error:  # sent, approved or closed
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("El efectivo %(year)s es ahora el valor calculado.") % {"year": row.computed.year})
    return _detail_redirect(region, cycle, detail, "origen")


@require_POST
@login_required
def evidence_upload(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    form = forms.EvidenceForm(
        request.POST, request.FILES, years=detail.years, too_large=getattr(request, "upload_too_large", False)
    )
    if not form.is_valid():
        return _render_detail_errors(request, region, cycle, detail, evidence_form=form)
    try:
        services.evidence_add(
            user=request.user,
            indicator=detail.indicator,
            cycle=cycle,
            year=form.cleaned_data["year"],
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        form.add_error("file", error)
        return _render_detail_errors(request, region, cycle, detail, evidence_form=form)
    messages.success(request, _("Se guardó el medio de verificación."))
    return _detail_redirect(region, cycle, detail, "evidencia")


@require_POST
@login_required
def evidence_withdraw(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> HttpResponse:
    region, cycle, detail = _detail_for_post(request, code, year, indicator)
    evidence = next((item for item in detail.active_evidence if item.pk == pk), None)
    if evidence is None:  # only files of this cycle's years, still in use
        raise Http404(_("El archivo no forma parte de los medios de verificación de este ciclo."))
    try:
        services.evidence_withdraw(user=request.user, evidence=evidence, cycle=cycle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Se retiró el archivo; queda guardado en el historial."))
    return _detail_redirect(region, cycle, detail, "evidencia")


@login_required
def evidence_download(request: HttpRequest, code: str, year: int, indicator: str, pk: int) -> FileResponse:
    """Serve an evidence file, only to people who may see the region, always as a download."""
    region = region_get_for_user(user=request.user, iso_code=code)
    evidence = get_object_or_404(Evidence, pk=pk, indicator__region=region, indicator__code=indicator)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("El archivo ya no está disponible en el almacenamiento.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def indicator_history(request: HttpRequest, code: str, year: int, indicator: str) -> HttpResponse:
    """Every change to the indicator and its figures, analyses, commitments and evidence: who, when, what."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    detail = selectors.indicator_detail(region=region, cycle=cycle, code=indicator)
    changes = selectors.indicator_changes(indicator=detail.indicator)
    return render(
        request, "indicators/history.html", {"region": region, "cycle": cycle, "detail": detail, "changes": changes}
    )


@login_required
def spreadsheet_download(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's Formulario H for the cycle as an .xlsx, pre-filled."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    content = selectors.template_workbook(region=region, cycle=cycle)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="formulario-h-{region.iso_code}-{cycle.year}.xlsx"'
    return response


@login_required
def spreadsheet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Download the template; upload it filled in to see, cell by cell, what it would change."""
    region = region_get_for_editor(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = forms.SpreadsheetForm(*bound, too_large=getattr(request, "upload_too_large", False))
    log, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                log = services.spreadsheet_preview(
                    user=request.user, region=region, cycle=cycle, upload=form.cleaned_data["file"]
                )
            except SpreadsheetError as error:
                form.add_error("file", str(error))
                status = 400
            else:
                status = 400 if log.errors else 200
        else:
            status = 400
    context = {
        "region": region,
        "cycle": cycle,
        "form": form,
        "log": log,
        "apply_form": forms.SpreadsheetApplyForm(log=log) if log else None,
        "history": selectors.recent_imports(region=region, cycle=cycle),
    }
    return render(request, "indicators/spreadsheet.html", context, status=status)


@require_POST
@login_required
def spreadsheet_apply(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """Apply a previewed import, all or nothing, with the person's choice for each figure in conflict."""
    region = region_get_for_editor(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    log = get_object_or_404(ImportLog, pk=pk, region=region, cycle=cycle)
    form = forms.SpreadsheetApplyForm(request.POST, log=log)
    try:
        # The service refuses a conflict left without a choice.
        choices = form.choices() if form.is_valid() else {}
        log = services.spreadsheet_apply(user=request.user, log=log, choices=choices)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("indicators:spreadsheet", code=region.iso_code, year=cycle.year)
    messages.success(
        request,
        ngettext(
            "Planilla aplicada: se guardó %(count)s valor.",
            "Planilla aplicada: se guardaron %(count)s valores.",
            log.applied,
        )
        % {"count": log.applied},
    )
    return redirect("indicators:region", code=region.iso_code, year=cycle.year)
