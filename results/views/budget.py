"""Money beside results: the region's products' budgets in a cycle, entered by its analysts, beside the ex ante
recommendations of the programs they deliver (programs) that DIPRES weighs before allocating."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import exports
from core.exports import Table
from core.numbers import format_percent
from evaluation import selectors as cycle_selectors
from indicators import forms, selectors, services
from indicators.services.budget import over_executed
from indicators.spreadsheets import SpreadsheetError
from programs import selectors as program_selectors
from regions.selectors import can_edit_region, region_get_for_user


@login_required
def budget(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's products' money in the cycle's year: allocated and executed (M$) and the output each
    delivered, with the execution and the cost per unit, beside the ex ante recommendation of the programs
    each product delivers. The region's analysts edit it while its data is with them (the same lock as the
    figures); whoever may see the region reads it."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    products = list(selectors.cycle_products(region=region, cycle=cycle))
    submission = cycle_selectors.submission_for(region=region, cycle=cycle)
    editable = can_edit_region(user=request.user, region=region) and submission.is_editable and not cycle.is_closed
    budgets = selectors.product_budgets(products=products, year=cycle.year)
    form = forms.BudgetForm(request.POST or None, products=products, budgets=budgets)
    status = 200
    sheet_form = BudgetSheetForm(too_large=getattr(request, "upload_too_large", False))
    if request.method == "POST" and request.POST.get("accion") == "planilla":
        if not can_edit_region(user=request.user, region=region):
            raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
        form = forms.BudgetForm(None, products=products, budgets=budgets)
        sheet_form = BudgetSheetForm(request.POST, request.FILES, too_large=getattr(request, "upload_too_large", False))
        if sheet_form.is_valid():
            try:
                saved = services.product_budgets_import(
                    user=request.user,
                    region=region,
                    cycle=cycle,
                    upload=sheet_form.cleaned_data["file"],
                    products=products,
                )
            except SpreadsheetError as error:
                sheet_form.add_error("file", str(error))
            except ValidationError as error:  # per row, or sent, approved or closed meanwhile
                sheet_form.add_error("file", error.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Planilla aplicada: %(count)s presupuesto cambió.",
                        "Planilla aplicada: %(count)s presupuestos cambiaron.",
                        saved,
                    )
                    % {"count": saved},
                )
                _say_over_executed(request, products, budgets, cycle.year)
                return redirect(request.path)
        status = 400
    elif request.method == "POST":
        if not can_edit_region(user=request.user, region=region):
            raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
        if form.is_valid():
            try:
                saved = services.product_budgets_save(
                    user=request.user,
                    region=region,
                    cycle=cycle,
                    rows=form.budget_inputs(),
                    reason=_("presupuesto por producto"),
                )
            except services.BudgetErrors as errors:
                # What is stored now is shown, and a stale budget's version becomes the stored one: saving
                # again is then a choice made knowing it.
                budgets = selectors.product_budgets(products=products, year=cycle.year)
                data = request.POST.copy()
                for product_id in errors.by_product:
                    data[f"p{product_id}_v"] = budgets[product_id].version if product_id in budgets else 0
                form = forms.BudgetForm(data, products=products, budgets=budgets)
                form.is_valid()
                form.add_budget_errors(errors)
                status = 400
            except ValidationError as error:  # sent, approved or closed meanwhile
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            else:
                messages.success(
                    request,
                    ngettext("Se guardó %(count)s presupuesto.", "Se guardaron %(count)s presupuestos.", saved)
                    % {"count": saved}
                    if saved
                    else _("No había cambios que guardar."),
                )
                _say_over_executed(request, products, budgets, cycle.year)
                return redirect(request.path)
        else:
            status = 400
    context = {
        "region": region,
        "cycle": cycle,
        "form": form,
        "editable": editable,
        "submission": submission,
        "ex_ante": program_selectors.ex_ante_by_product(region=region, cycle=cycle),
        "sheet_form": sheet_form,
    }
    return render(request, "results/budget.html", context, status=status)


def _say_over_executed(request: HttpRequest, products: list, before: dict, year: int) -> None:
    """After a save, warn of the budgets it changed whose executed exceeds the allocated: saved (a supplement
    may have raised the budget), and said so that a slip does not pass unseen."""
    after = selectors.product_budgets(products=products, year=year)
    over = [
        str(product) if budget.execution is None else f"{product} ({format_percent(budget.execution, 1)})"
        for product in products
        if (budget := after.get(product.pk)) is not None
        and budget.version != getattr(before.get(product.pk), "version", 0)
        and over_executed(budget)
    ]
    if over:
        message = ngettext(
            "Lo ejecutado supera lo asignado en %(products)s: se guardó; revise si hubo un suplemento o un error.",
            "Lo ejecutado supera lo asignado en %(products)s: se guardaron; revise si hubo suplementos o errores.",
            len(over),
        )
        messages.warning(request, message % {"products": "; ".join(over)})


class BudgetSheetForm(forms.LimitedUploadForm):
    too_large_message = gettext_lazy("La planilla supera el máximo de %(limit)s MB; no se leyó.")
    file = django_forms.FileField(
        label=gettext_lazy("Planilla de presupuesto (.xlsx)"),
        help_text=gettext_lazy("La descargada desde esta página, con los montos completados."),
        widget=django_forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "sheet-%s")
        super().__init__(*args, **kwargs)


@login_required
def budget_export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's products' money in the cycle's year as a spreadsheet: to read, or to fill in and upload."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year, region=region)
    products = list(selectors.cycle_products(region=region, cycle=cycle))
    budgets = selectors.product_budgets(products=products, year=cycle.year)
    table = Table(
        "presupuesto",
        _("Presupuesto"),
        [_("N°"), _("Producto"), _("Asignado M$"), _("Ejecutado M$"), _("Producción"), _("Unidad de producción")],
        [
            [
                product.number,
                product.name,
                getattr(budgets.get(product.pk), "allocated", None),
                getattr(budgets.get(product.pk), "executed", None),
                getattr(budgets.get(product.pk), "output", None),
                product.output_unit,
            ]
            for product in products
        ],
    )
    return exports.download([table], name=f"presupuesto-{region.iso_code}-{cycle.year}", fmt="xlsx")
