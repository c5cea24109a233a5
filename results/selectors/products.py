"""The dashboard's productos estratégicos: their indicators by ámbito, how many met, and their money."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.models import (
    EvaluationCycle,
)
from indicators import calculations
from indicators.models import ProductBudget
from indicators.selectors import cycle_products
from results.summary import PENDING


def budgets_by_product(*, region, year: int) -> dict[int, object]:
    """Return {product number: ProductBudget} for the region's products in that year."""

    budgets = ProductBudget.objects.filter(product__region=region, year=year).select_related("product")
    return {budget.product.number: budget for budget in budgets}


@dataclass
class ProductSummary:
    """A producto estratégico on the dashboard: its indicators by ámbito, how many met, and its money."""

    number: int
    name: str
    is_institutional: bool
    scope_counts: object
    met: int
    measured: int
    budget: object | None


def product_summaries(*, region, cycle: EvaluationCycle, result) -> list[ProductSummary]:
    """Return a summary per product the cycle lists for the region (products without indicators too), with
    its budget for the cycle's year. Two queries."""

    budgets = budgets_by_product(region=region, year=result.cycle_year)
    indicators = result.indicators if result else []
    summaries = []
    for product in cycle_products(region=region, cycle=cycle):
        own = [item for item in indicators if item.product_number == product.number]
        summaries.append(
            ProductSummary(
                number=product.number,
                name=product.name,
                is_institutional=product.is_institutional,
                scope_counts=calculations.count_scopes(item.control_scope for item in own),
                met=sum(1 for item in own if item.state.is_met),
                measured=sum(1 for item in own if item.classification != PENDING),
                budget=budgets.get(product.number),
            )
        )
    return summaries
