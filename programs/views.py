"""The evaluations' pages: a region's evaluations in a cycle (DIPRES records them there), one evaluation with
its commitments (DIPRES agrees them, the region's analysts follow them up) and its history, the report, and
both as spreadsheets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports
from evaluation import selectors as cycle_selectors
from indicators.selectors import cycle_products
from indicators.vocabulary import CommitmentStatus
from programs import exports as tables
from programs import forms, selectors, services
from regions.selectors import can_edit_region, can_review, region_get_for_user


def _refused(request: HttpRequest, region, cycle) -> bool:
    """Check that the person may record evaluations in the cycle: PermissionDenied (403) when not DIPRES; a
    message and True when the cycle refuses it (closed, a region outside it)."""
    try:
        services.authorize_record(user=request.user, region=region, cycle=cycle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return True
    return False


def _page(request: HttpRequest, code: str, year: int):
    region = region_get_for_user(user=request.user, iso_code=code)
    return region, cycle_selectors.cycle_get(year=year, region=region)


def _evaluation_form(region, cycle, *args, **kwargs) -> forms.EvaluationForm:
    return forms.EvaluationForm(
        *args,
        lines=selectors.lines_active(),
        products=cycle_products(region=region, cycle=cycle),
        verdicts=selectors.verdicts_of(cycle),
        **kwargs,
    )


def _save(request, region, cycle, form, evaluation=None) -> bool:
    """Save the form's evaluation through the service, putting its refusals on the form; True when saved."""
    try:
        saved = services.evaluation_save(
            user=request.user,
            region=region,
            cycle=cycle,
            data=form.evaluation_input(),
            evaluation=evaluation,
            reason=_("registro de evaluación"),
        )
    except services.StaleEvaluationError as error:
        form.add_error(None, error)
        if evaluation is not None:
            # What is stored now is the version a second save is made against, knowingly.
            data = form.data.copy()
            data["version"] = type(evaluation).objects.get(pk=evaluation.pk).version
            form.data = data
        return False
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error("file" if form.cleaned_data.get("file") else None, error)
        return False
    form.saved = saved
    return True


@login_required
def evaluations(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A region's evaluations shown in a cycle (its own and earlier ones with open commitments), with their
    commitments' state; DIPRES records a new one here."""
    region, cycle = _page(request, code, year)
    recording = can_review(request.user) and not cycle.is_closed
    form = _evaluation_form(region, cycle, request.POST or None, request.FILES or None) if recording else None
    status = 200
    if request.method == "POST":
        if _refused(request, region, cycle):  # 403 for whoever does not record; a closed cycle is said
            return redirect(request.path)
        form.too_large = getattr(request, "upload_too_large", False)
        if form.is_valid() and _save(request, region, cycle, form):
            messages.success(request, _("Se registró la evaluación."))
            return redirect("programs:evaluation", code=region.iso_code, year=cycle.year, pk=form.saved.pk)
        status = 400
    context = {
        "region": region,
        "cycle": cycle,
        "shown": selectors.region_evaluations(region=region, cycle=cycle, today=timezone.localdate()),
        "form": form,
    }
    return render(request, "programs/evaluations.html", context, status=status)


def _detail_context(request, region, cycle, row, **overrides) -> dict:
    evaluation = row.evaluation
    own_cycle = evaluation.cycle_id == cycle.pk
    recording = can_review(request.user) and not evaluation.cycle.is_closed and own_cycle
    context = {
        "region": region,
        "cycle": cycle,
        "row": row,
        "evaluation": evaluation,
        "recording": recording,
        "following": can_edit_region(user=request.user, region=region)
        and not cycle.is_closed
        and cycle_selectors.submission_for(region=region, cycle=cycle).is_editable,
        "form": _evaluation_form(region, cycle, initial=forms.EvaluationForm.initial_of(evaluation))
        if recording
        else None,
        "commitment_form": forms.InstitutionalCommitmentForm() if recording else None,
        "statuses": CommitmentStatus.choices,
        "changes": selectors.evaluation_changes(evaluation=evaluation),
    }
    context.update(overrides)
    return context


def _detail(request, code, year, pk):
    region, cycle = _page(request, code, year)
    return region, cycle, selectors.evaluation_get(region=region, cycle=cycle, pk=pk, today=timezone.localdate())


def _back(region, cycle, evaluation, anchor: str = "") -> HttpResponse:
    response = redirect("programs:evaluation", code=region.iso_code, year=cycle.year, pk=evaluation.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
def evaluation_detail(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    """One evaluation: what was evaluated, by whom, its verdict and report, its commitments and its history.
    DIPRES corrects it here (POST) while its cycle is open."""
    region, cycle, row = _detail(request, code, year, pk)
    if request.method != "POST":
        return render(request, "programs/evaluation_detail.html", _detail_context(request, region, cycle, row))
    if row.evaluation.cycle_id != cycle.pk:
        raise Http404(_("La evaluación se corrige desde el ciclo %(year)s.") % {"year": row.evaluation.cycle.year})
    if _refused(request, region, cycle):
        return _back(region, cycle, row.evaluation)
    form = _evaluation_form(region, cycle, request.POST, request.FILES or None)
    form.too_large = getattr(request, "upload_too_large", False)
    if form.is_valid() and _save(request, region, cycle, form, evaluation=row.evaluation):
        messages.success(request, _("Se guardaron los cambios de la evaluación."))
        return _back(region, cycle, row.evaluation)
    context = _detail_context(request, region, cycle, row, form=form)
    return render(request, "programs/evaluation_detail.html", context, status=400)


@require_POST
@login_required
def commitment_add(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    region, cycle, row = _detail(request, code, year, pk)
    if _refused(request, region, row.evaluation.cycle):
        return _back(region, cycle, row.evaluation, "compromisos")
    form = forms.InstitutionalCommitmentForm(request.POST)
    if form.is_valid():
        try:
            services.institutional_commitment_add(user=request.user, evaluation=row.evaluation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Se registró el compromiso institucional."))
            return _back(region, cycle, row.evaluation, "compromisos")
    context = _detail_context(request, region, cycle, row, commitment_form=form)
    return render(request, "programs/evaluation_detail.html", context, status=400)


def _commitment(row, pk: int):
    commitment = next((c for c in row.commitments if c.pk == pk), None)
    if commitment is None:
        raise Http404(_("El compromiso no es de esta evaluación."))
    return commitment


@require_POST
@login_required
def commitment_change(request: HttpRequest, code: str, year: int, pk: int, commitment: int) -> HttpResponse:
    region, cycle, row = _detail(request, code, year, pk)
    item = _commitment(row, commitment)
    if _refused(request, region, row.evaluation.cycle):
        return _back(region, cycle, row.evaluation, "compromisos")
    form = forms.InstitutionalCommitmentForm(request.POST, auto_id=f"change-{item.pk}-%s")
    if form.is_valid():
        try:
            services.institutional_commitment_change(user=request.user, commitment=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Se corrigió el compromiso institucional."))
            return _back(region, cycle, row.evaluation, f"compromiso-{item.pk}")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return render(request, "programs/evaluation_detail.html", _detail_context(request, region, cycle, row), status=400)


@require_POST
@login_required
def commitment_follow_up(request: HttpRequest, code: str, year: int, pk: int, commitment: int) -> HttpResponse:
    region, cycle, row = _detail(request, code, year, pk)
    item = _commitment(row, commitment)
    form = forms.FollowUpForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.institutional_commitment_follow_up(
                user=request.user, commitment=item, cycle=cycle, **form.cleaned_data
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Se actualizó el seguimiento del compromiso."))
            return _back(region, cycle, row.evaluation, f"compromiso-{item.pk}")
    else:
        error = _("Revise el estado del compromiso.")
    messages.error(request, error)
    return render(request, "programs/evaluation_detail.html", _detail_context(request, region, cycle, row), status=400)


@login_required
def report_download(request: HttpRequest, code: str, year: int, pk: int) -> FileResponse:
    """Serve an evaluation's report, only to people who may see the region, always as a download."""
    _region, _cycle, row = _detail(request, code, year, pk)
    evaluation = row.evaluation
    if not evaluation.report:
        raise Http404(_("La evaluación no tiene informe."))
    try:
        handle = evaluation.report.open("rb")
    except FileNotFoundError:
        raise Http404(_("El archivo ya no está disponible en el almacenamiento.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=evaluation.report_name, content_type=evaluation.report_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def evaluations_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region's evaluations and commitments in the cycle as .xlsx (both tables) or .csv (?tabla=)."""
    region, cycle = _page(request, code, year)
    shown = selectors.region_evaluations(region=region, cycle=cycle, today=timezone.localdate())
    found = tables.evaluation_tables(shown)
    note = tables.illustrative_note(cycle, shown)
    return exports.download(
        found, name=f"evaluaciones-{region.iso_code}-{cycle.year}", fmt=fmt, slug=request.GET.get("tabla"), note=note
    )
