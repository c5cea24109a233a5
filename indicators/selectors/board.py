"""The region's page in a cycle: its products with their indicators' rows, and what still blocks sending."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage
from indicators import calculations
from indicators.models import (
    MeasurementKind,
    StrategicDefinition,
    StrategicProduct,
)
from indicators.selectors.rows import (
    Column,
    IndicatorRow,
    cycle_display_columns,
    cycle_indicators,
    cycle_products,
    indicator_rows,
)
from regions.models import Region


@dataclass
class ProductBlock:
    product: StrategicProduct
    rows: list[IndicatorRow] = field(default_factory=list)
    scope_counts: calculations.ScopeCounts = field(default_factory=calculations.ScopeCounts)


@dataclass
class RegionBoard:
    """What the region page shows for one cycle: the Formulario H tables and the product × ámbito table."""

    region: Region
    cycle: EvaluationCycle
    definition: StrategicDefinition | None
    columns: list[Column]
    products: list[ProductBlock]
    scope_total: calculations.ScopeCounts

    @property
    def indicator_count(self) -> int:
        return self.scope_total.total

    @property
    def has_illustrative(self) -> bool:
        return any(row.indicator.is_illustrative for block in self.products for row in block.rows)


def region_board(*, region: Region, cycle: EvaluationCycle) -> RegionBoard:
    """Return the region's indicators for the cycle grouped by product, with the cycle's yearly figures.

    Seven queries whatever the number of products, indicators or years.
    """
    columns = cycle_display_columns(cycle)
    rows = indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle), columns=columns)
    by_product: dict[int, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_product[row.indicator.product_id].append(row)

    blocks = []
    for product in cycle_products(region=region, cycle=cycle):
        block = ProductBlock(product=product, rows=by_product.get(product.pk, []))
        block.scope_counts = calculations.count_scopes(row.indicator.control_scope for row in block.rows)
        blocks.append(block)

    definition = StrategicDefinition.objects.filter(region=region, cycle=cycle).prefetch_related("objectives").first()
    total = sum((block.scope_counts for block in blocks), calculations.ScopeCounts())
    return RegionBoard(region, cycle, definition, columns, blocks, total)


def submission_problems(*, region: Region, cycle: EvaluationCycle, rows: list[IndicatorRow] | None = None) -> list[str]:
    """Return what blocks sending the region's data: missing metas, missing causes or justifications.

    `rows` may pass the region's rows already built for the cycle.
    """
    problems = []
    if rows is None:
        rows = indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle))
    evaluating = cycle.stage == Stage.EVALUATION
    if not rows:
        return [
            _("%(region)s no tiene indicadores comprometidos en el ciclo %(year)s: no hay nada que enviar.")
            % {"region": region.government_name, "year": cycle.year}
        ]
    for row in rows:
        code = row.indicator.code
        if (cycle.year, MeasurementKind.TARGET) not in row.figures:
            problems.append(_("%(code)s: falta la meta %(year)s.") % {"code": code, "year": cycle.year})
        if evaluating and (cycle.year, MeasurementKind.ACTUAL) not in row.figures:
            problems.append(
                _("%(code)s: falta el efectivo %(year)s, con el que se evalúa la meta.")
                % {"code": code, "year": cycle.year}
            )
        if row.needs_causes:
            problems.append(_("%(code)s: no alcanzó la meta; indique las causas y si son externas.") % {"code": code})
        if row.needs_justification:
            problems.append(_("%(code)s: justifique el sobrecumplimiento.") % {"code": code})
    return problems
