"""Reads of strategic products, indicators and their yearly figures, shaped for the pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from evaluation.models import EvaluationCycle
from indicators import calculations
from indicators.models import (
    Indicator,
    IndicatorCommitment,
    Measurement,
    MeasurementKind,
    StrategicDefinition,
    StrategicProduct,
)
from regions.models import Region


def cycle_indicators(*, region: Region, cycle: EvaluationCycle) -> QuerySet[Indicator]:
    """Return the region's indicators committed in the cycle, in product and code order."""
    return Indicator.objects.filter(region=region, commitments__cycle=cycle).order_by("product__number", "code")


def indicator_counts_by_region(*, regions: Iterable[Region], cycle: EvaluationCycle | None) -> dict[int, int]:
    """Return {region id: number of indicators committed in the cycle}; regions without any are absent."""
    if cycle is None:
        return {}
    rows = (
        IndicatorCommitment.objects.filter(cycle=cycle, indicator__region__in=regions)
        .values("indicator__region")
        .annotate(n=Count("indicator", distinct=True))
    )
    return {row["indicator__region"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Column:
    year: int
    kind: str

    @property
    def kind_label(self) -> str:
        return MeasurementKind(self.kind).label


@dataclass
class Cell:
    measurement: Measurement | None
    value: Decimal | None


@dataclass
class IndicatorRow:
    indicator: Indicator
    commitment: IndicatorCommitment
    cells: list[Cell]


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

    Five queries whatever the number of products, indicators or years.
    """
    columns = [Column(year, kind) for year, kind in calculations.cycle_columns(cycle.year, cycle.history_years)]
    wanted = Q()
    for column in columns:
        wanted |= Q(year=column.year, kind=column.kind)
    commitments = IndicatorCommitment.objects.filter(cycle=cycle)
    indicators = list(
        cycle_indicators(region=region, cycle=cycle).prefetch_related(
            Prefetch("commitments", queryset=commitments, to_attr="cycle_commitments"),
            Prefetch("measurements", queryset=Measurement.objects.filter(wanted), to_attr="cycle_measurements"),
        )
    )
    by_product: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_product[indicator.product_id].append(indicator)

    blocks = []
    for product in StrategicProduct.objects.filter(region=region).order_by("number"):
        block = ProductBlock(product=product)
        for indicator in by_product.get(product.pk, []):
            figures = {(m.year, m.kind): m for m in indicator.cycle_measurements}
            cells = []
            for column in columns:
                measurement = figures.get((column.year, column.kind))
                if measurement is not None:
                    measurement.indicator = indicator  # spares a query per figure
                cells.append(Cell(measurement, measurement.value if measurement else None))
            block.rows.append(IndicatorRow(indicator, indicator.cycle_commitments[0], cells))
        block.scope_counts = calculations.count_scopes(row.indicator.control_scope for row in block.rows)
        blocks.append(block)

    definition = StrategicDefinition.objects.filter(region=region, cycle=cycle).prefetch_related("objectives").first()
    total = sum((block.scope_counts for block in blocks), calculations.ScopeCounts())
    return RegionBoard(region, cycle, definition, columns, blocks, total)
