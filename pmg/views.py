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
            "errors": errors.get(f"s{system.pk}", []),
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
    errors: dict[str, list[str]] = {}
    try:
        if request.POST.get("accion") == "autoevaluacion":
            scores = {}
            for criterion in selectors.criteria():
                try:
                    scores[criterion] = _whole(request.POST.get(f"c{criterion.pk}", ""))
                except ValueError:
                    errors[f"c{criterion.pk}"] = [_("Escriba un puntaje entero.")]
            if not errors:
                changed = services.self_assessment_save(
                    user=request.user, region=region, cycle=cycle, scores=scores, reason=_("autoevaluación")
                )
                messages.success(request, _("Se guardó la autoevaluación (%(count)s cambios).") % {"count": changed})
                return redirect(request.path + "#autoevaluacion")
        else:
            rows = []
            for system, _commitment in selectors.region_pmg(region=region, cycle=cycle).rows:
                try:
                    committed = _whole(request.POST.get(f"s{system.pk}_committed", ""))
                    reported = _whole(request.POST.get(f"s{system.pk}_reported", ""))
                    version = _whole(request.POST.get(f"s{system.pk}_v", "")) or 0
                except ValueError:
                    errors[f"s{system.pk}"] = [_("Escriba el número de la etapa.")]
                    continue
                rows.append(services.CommitmentInput(system, committed, reported, version))
            if not errors:
                changed = services.pmg_commitments_save(
                    user=request.user, region=region, cycle=cycle, rows=rows, reason=_("compromisos PMG")
                )
                messages.success(
                    request, _("Se guardaron los compromisos PMG (%(count)s cambios).") % {"count": changed}
                )
                return redirect(request.path)
    except services.PmgErrors as refused:
        errors.update({f"s{pk}": messages_ for pk, messages_ in refused.by_system.items()})
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    context = _context(request, region, cycle, errors=errors)
    return render(request, "pmg/pmg.html", context, status=400)


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
