"""The PMG page of a region in a cycle: the management systems with the region's commitments (analysts commit
and report stages, DIPRES validates) and the PMG's compliance; and the self-assessment against the excellence
model, with its trend across cycles (analysts score it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import exports as core_exports
from evaluation import selectors as cycle_selectors
from pmg import exports, selectors, services
from regions.selectors import can_edit_region, can_review, region_get_for_user


def _whole(text: str) -> int | None:
    """Return a whole number typed in a cell; None when empty. Raises ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


# A row's problems, in the order the page says them: the row's, then each cell's.
CELLS = (services.ROW, services.COMMITTED, services.REPORTED)


def _cell_key(pk: int, cell: str) -> str:
    """Return the name of the system's cell on the page ("s<pk>_committed"), or of its row ("s<pk>")."""
    return f"s{pk}_{cell}" if cell else f"s{pk}"


def _context(request, region, cycle, **extra) -> dict:
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    years, rows, totals = selectors.self_assessment(region=region, cycle=cycle)
    pmg = selectors.region_pmg(region=region, cycle=cycle)
    posted = request.POST if request.method == "POST" else None
    errors = extra.get("errors", {})
    lines = [
        {
            "system": system,
            "commitment": commitment,
            # What the person typed, after a refusal; else what is stored.
            "committed": posted.get(f"s{system.pk}_committed", "")
            if posted
            else getattr(commitment, "committed_stage", None),
            "reported": posted.get(f"s{system.pk}_reported", "")
            if posted
            else getattr(commitment, "reported_stage", None),
            "errors": [m for cell in CELLS for m in errors.get(_cell_key(system.pk, cell), [])],
            # Only the cells at fault are outlined.
            "bad_committed": _cell_key(system.pk, services.COMMITTED) in errors,
            "bad_reported": _cell_key(system.pk, services.REPORTED) in errors,
        }
        for system, commitment in pmg.rows
    ]
    assessment = [
        {
            "row": row,
            "typed": posted.get(f"c{row.criterion.pk}") if posted else None,
            "errors": errors.get(f"c{row.criterion.pk}", []),
        }
        for row in rows
    ]
    return {
        "region": region,
        "cycle": cycle,
        "pmg": pmg,
        "lines": lines,
        "years": years,
        "assessment": assessment,
        "totals": totals,
        "commitments_refused": any(line["errors"] for line in lines),
        "assessment_refused": any(item["errors"] for item in assessment),
        "max_total": sum(row.criterion.max_score for row in rows),
        "editable": can_edit_region(user=request.user, region=region)
        and submission.is_editable
        and not cycle.is_closed,
        "validating": can_review(request.user) and not cycle.is_closed,
        **extra,
    }


@login_required
def pmg(request: HttpRequest, code: str, year: int) -> HttpResponse:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    if request.method != "POST":
        return render(request, "pmg/pmg.html", _context(request, region, cycle))
    if not can_edit_region(user=request.user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    assessing = request.POST.get("accion") == "autoevaluacion"
    try:
        errors = (_assessment_post if assessing else _commitments_post)(request, region, cycle)
    except ValidationError as refused:  # sent, approved or closed meanwhile
        errors = {}
        messages.error(request, " ".join(refused.messages))
    else:
        if not errors:
            return redirect(request.path + ("#autoevaluacion" if assessing else ""))
    context = _context(request, region, cycle, errors=errors)
    return render(request, "pmg/pmg.html", context, status=400)


def _commitments_post(request: HttpRequest, region, cycle) -> dict[str, list[str]]:
    """Save the commitments as typed, or return every problem by cell ({"s<pk>_<cell>": [messages]}): those
    of the cells that are not stage numbers and those the service finds in the rest, in one answer."""
    errors: dict[str, list[str]] = {}
    rows = []
    for system, _commitment in selectors.region_pmg(region=region, cycle=cycle).rows:
        stages = {}
        for cell in (services.COMMITTED, services.REPORTED):
            try:
                stages[cell] = _whole(request.POST.get(f"s{system.pk}_{cell}", ""))
            except ValueError:
                errors[f"s{system.pk}_{cell}"] = [_("Escriba el número de la etapa.")]
        try:
            version = _whole(request.POST.get(f"s{system.pk}_v", "")) or 0
        except ValueError:
            version = -1  # a tampered version is a stale one
        if len(stages) == 2:
            rows.append(services.CommitmentInput(system, stages["committed"], stages["reported"], version))
    if errors:
        found = services.pmg_commitments_check(region=region, cycle=cycle, rows=rows)
    else:
        try:
            changed = services.pmg_commitments_save(
                user=request.user, region=region, cycle=cycle, rows=rows, reason=_("compromisos PMG")
            )
        except services.PmgErrors as refused:
            found = refused.by_cell
        else:
            messages.success(
                request, _saved(changed, _("Los compromisos PMG no cambiaron: no había nada que guardar."))
            )
            return {}
    for pk, cells in found.items():
        for cell, problems in cells.items():
            errors.setdefault(_cell_key(pk, cell), []).extend(problems)
    return errors


def _saved(changed: int, unchanged: str) -> str:
    """Return what a save did, in words: how many values it changed, or that there was nothing to change."""
    if not changed:
        return unchanged
    return ngettext("Se guardó %(count)s cambio.", "Se guardaron %(count)s cambios.", changed) % {"count": changed}


def _assessment_post(request: HttpRequest, region, cycle) -> dict[str, list[str]]:
    """Save the self-assessment as typed, or return every problem by criterion ({"c<pk>": [messages]})."""
    errors: dict[str, list[str]] = {}
    scores = {}
    for criterion in selectors.criteria():
        try:
            scores[criterion] = _whole(request.POST.get(f"c{criterion.pk}", ""))
        except ValueError:
            errors[f"c{criterion.pk}"] = [_("Escriba un puntaje entero.")]
    if errors:
        found = services.self_assessment_check(region=region, cycle=cycle, scores=scores)
    else:
        try:
            changed = services.self_assessment_save(
                user=request.user, region=region, cycle=cycle, scores=scores, reason=_("autoevaluación")
            )
        except services.AssessmentErrors as refused:
            found = refused.by_criterion
        else:
            messages.success(request, _saved(changed, _("La autoevaluación no cambió: no había nada que guardar.")))
            return {}
    for pk, problems in found.items():
        errors.setdefault(f"c{pk}", []).extend(problems)
    return errors


@require_POST
@login_required
def validate(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    commitment = selectors.commitment_get(region=region, cycle=cycle, pk=pk)
    if commitment is None:
        raise Http404(_("El compromiso PMG no es de esta región y ciclo."))
    try:
        services.pmg_validate(
            user=request.user,
            commitment=commitment,
            validated_stage=_whole(request.POST.get("validated_stage", "")),
            notes=request.POST.get("notes", ""),
            version=_whole(request.POST.get("version", "")) or 0,
        )
    except ValueError:
        messages.error(request, _("Escriba el número de la etapa."))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Se registró la validación de %(system)s.") % {"system": commitment.system.label})
    return redirect("pmg:pmg", code=region.iso_code, year=cycle.year)


@login_required
def pmg_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The region's PMG and self-assessment in the cycle as .xlsx (both) or .csv (?tabla=autoevaluacion)."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    years, rows, _totals = selectors.self_assessment(region=region, cycle=cycle)
    tables = exports.pmg_tables(selectors.region_pmg(region=region, cycle=cycle), years, rows)
    note = (
        _("Datos ilustrativos: el ciclo %(year)s es una demostración.") % {"year": cycle.year}
        if cycle.is_illustrative
        else ""
    )
    return core_exports.download(
        tables, name=f"pmg-{region.iso_code}-{cycle.year}", fmt=fmt, slug=request.GET.get("tabla"), note=note
    )
