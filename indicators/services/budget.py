"""Money beside results: each producto estratégico's budget allocated and executed in a cycle's year, and what
it delivered, entered by the region's analysts (the budget page, the admin) through one save."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import bulk_save_with_history
from core.numbers import parse_whole_amount
from evaluation.models import EvaluationCycle
from evaluation.versions import raise_versions
from indicators import spreadsheets
from indicators.models import ProductBudget, StrategicProduct
from indicators.services.guards import authorize_edit
from regions.models import Region

AMOUNTS = ("allocated", "executed", "output")
# Each amount's column, as the page and the spreadsheet head it.
COLUMNS = {
    "allocated": gettext_lazy("Asignado M$"),
    "executed": gettext_lazy("Ejecutado M$"),
    "output": gettext_lazy("Producción"),
}


def over_executed(budget: ProductBudget | None) -> bool:
    """Return whether the budget executes more than it allocates. It is saved (supplements raise a budget
    during the year, after the allocation recorded here) and said, on saving and on the page."""
    return budget is not None and budget.executed is not None and budget.executed > budget.allocated


@dataclass(frozen=True)
class BudgetInput:
    """A product's budget as a person sent it, with the version of the stored one they saw (0: none)."""

    product: StrategicProduct
    allocated: Decimal | None
    executed: Decimal | None
    output: Decimal | None
    version: int

    @property
    def amounts(self) -> tuple[Decimal | None, ...]:
        return self.allocated, self.executed, self.output


class BudgetErrors(ValidationError):
    """Problems per product ({product id: {field: [messages]}}); nothing was saved."""

    def __init__(self, by_product: dict[int, dict[str, list[str]]]):
        self.by_product = by_product
        super().__init__([message for fields in by_product.values() for msgs in fields.values() for message in msgs])


@transaction.atomic
def product_budgets_save(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    rows: list[BudgetInput],
    reason: str = "",
    illustrative: bool = False,
) -> int:
    """Save the changed budgets of the region's products for the cycle's year, all or nothing; return how many
    changed. Each with its audit record (who, why); the region's results in the cycle are recomputed once.
    `illustrative` marks new budgets as the demonstration's (labelled, removed with it); a budget stays
    illustrative when corrected, since the rest of its amounts are still invented.

    Raises PermissionDenied (not the person's region), DataLockedError (sent, approved or closed) or
    BudgetErrors: invalid amounts, a budget someone else changed after the person loaded it, or a stored
    budget left empty (budgets are corrected, never erased, like figures).
    """
    authorize_edit(user=user, region=region, cycle=cycle)
    if any(row.product.region_id != region.pk for row in rows):
        raise PermissionDenied(_("El producto no pertenece a la región."))
    stored = {
        budget.product_id: budget
        for budget in ProductBudget.objects.select_for_update().filter(
            product__in=[row.product for row in rows], year=cycle.year
        )
    }
    errors: dict[int, dict[str, list[str]]] = {}
    changed: list[ProductBudget] = []
    for row in rows:
        current = stored.get(row.product.pk)
        if current is None and row.amounts == (None, None, None):
            continue
        if current is not None and tuple(getattr(current, name) for name in AMOUNTS) == row.amounts:
            continue
        if (current.version if current else 0) != row.version:
            errors[row.product.pk] = {
                "allocated": [_("Otra persona cambió este presupuesto mientras usted editaba: revise el actual.")]
            }
            continue
        if row.allocated is None:
            message = (
                _("No se puede dejar vacío un presupuesto ya registrado: corríjalo.")
                if current is not None
                else _("Falta el monto asignado.")
            )
            errors[row.product.pk] = {"allocated": [message]}
            continue
        budget = current or ProductBudget(product=row.product, year=cycle.year, is_illustrative=illustrative)
        budget.allocated, budget.executed, budget.output = row.amounts
        try:
            budget.full_clean(exclude=["product"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors[row.product.pk] = exc.message_dict
            continue
        changed.append(budget)
    if errors:
        raise BudgetErrors(errors)
    _write(changed, user=user, reason=reason, region=region, year=cycle.year)
    return len(changed)


def _write(budgets: list[ProductBudget], *, user: AbstractBaseUser, reason: str, region: Region, year: int) -> None:
    """Insert and update the budgets in bulk with their audit records, and raise the region's versions once in
    every cycle of that year (bulk writes send no model signals)."""
    bulk_save_with_history(ProductBudget, budgets, AMOUNTS, user=user, reason=reason)
    if budgets:
        cycles = EvaluationCycle.objects.filter(year=year).values_list("pk", flat=True)
        raise_versions(region_ids=[region.pk], cycle_ids=cycles, instruments=False)


def product_budget_save(
    *,
    user: AbstractBaseUser,
    product: StrategicProduct,
    year: int,
    allocated: Decimal | None,
    executed: Decimal | None,
    output: Decimal | None,
    version: int,
    reason: str = "",
) -> ProductBudget:
    """Save one product's budget through `product_budgets_save` (the admin's path), in the cycle of that year.

    Raises ValidationError when there is no cycle of that year, and what `product_budgets_save` raises."""
    cycle = EvaluationCycle.objects.filter(year=year).first()
    if cycle is None:
        raise ValidationError(_("No hay un ciclo %(year)s: el presupuesto acompaña a un ciclo.") % {"year": year})
    row = BudgetInput(product=product, allocated=allocated, executed=executed, output=output, version=version)
    product_budgets_save(user=user, region=product.region, cycle=cycle, rows=[row], reason=reason)
    return ProductBudget.objects.get(product=product, year=year)


class BudgetSheetErrors(ValidationError):
    """Problems of a budget spreadsheet by row and column ([(row number, column's name or "", message)]);
    nothing was saved."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        super().__init__([f"{_where(row, column)} {message}" for row, column, message in problems])


def _where(row: int, column: str) -> str:
    if column:
        return _("Fila %(row)s, %(column)s:") % {"row": row, "column": column}
    return _("Fila %(row)s:") % {"row": row}


def _sheet_amounts(line) -> tuple[list[Decimal | None], list[tuple[str, str]]]:
    """Return a spreadsheet line's three amounts (None where a cell is bad) and each bad cell's problem as
    (column's name, message): money is whole thousands of pesos, the production whole units."""
    amounts, problems = [], []
    for name in AMOUNTS:
        text = getattr(line, name)
        try:
            amounts.append(parse_whole_amount(text))
        except ValueError as error:
            amounts.append(None)
            message = (
                _("«%(value)s» no es una producción: escriba las unidades entregadas, un número entero.")
                % {"value": text[:40]}
                if name == "output"
                else str(error)
            )
            problems.append((str(COLUMNS[name]), message))
    return amounts, problems


@transaction.atomic
def product_budgets_import(
    *, user: AbstractBaseUser, region: Region, cycle: EvaluationCycle, upload, products: list[StrategicProduct]
) -> int:
    """Save the budgets of a spreadsheet (the budget page's download, filled in) through product_budgets_save,
    all or nothing; return how many changed. The file's values replace the stored ones (it carries no
    versions: the person uploads what they mean now). Raises SpreadsheetError (an unusable file),
    BudgetSheetErrors (per row: an unknown product, a bad amount, what the save refuses) and what the save
    raises (PermissionDenied, DataLockedError)."""
    authorize_edit(user=user, region=region, cycle=cycle)
    sheet = spreadsheets.read_budget(upload, upload.size)
    by_number = {str(product.number): product for product in products}
    stored = {b.product_id: b for b in ProductBudget.objects.filter(product__in=products, year=cycle.year)}
    problems: list[tuple[int, str, str]] = []
    rows, lines = [], {}
    for line in sheet:
        try:
            number = str(int(Decimal(line.product))) if line.product else ""
        except (ArithmeticError, ValueError):
            number = line.product
        product = by_number.get(number)
        if product is None:
            message = _("«%(number)s» no es un producto de la región en el ciclo.") % {"number": line.product}
            problems.append((line.number, "", message))
            continue
        amounts, bad = _sheet_amounts(line)
        if bad:
            problems.extend((line.number, column, message) for column, message in bad)
            continue
        current = stored.get(product.pk)
        rows.append(BudgetInput(product, *amounts, version=current.version if current else 0))
        lines[product.pk] = line.number
    if not problems:
        try:
            return product_budgets_save(
                user=user,
                region=region,
                cycle=cycle,
                rows=rows,
                reason=_("planilla de presupuesto %(file)s") % {"file": (upload.name or "")[-100:]},
            )
        except BudgetErrors as errors:
            problems = [
                (lines[pk], str(COLUMNS.get(name, "")), message)
                for pk, fields in errors.by_product.items()
                for name, ms in fields.items()
                for message in ms
            ]
    raise BudgetSheetErrors(sorted(problems, key=lambda problem: problem[0]))
