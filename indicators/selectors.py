"""Reads of strategic products, indicators and their yearly figures, shaped for the pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from evaluation.scoring import Achievement, Classification, achievement
from indicators import calculations
from indicators.models import (
    Deviation,
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
    year: int
    kind: str
    measurement: Measurement | None
    value: Decimal | None


@dataclass
class IndicatorRow:
    """An indicator in a cycle: its figures in the cycle's columns, its result and its analysis."""

    indicator: Indicator
    commitment: IndicatorCommitment
    cells: list[Cell]
    figures: dict[tuple[int, str], Measurement] = field(default_factory=dict)
    result: Achievement | None = None
    deviation: Deviation | None = None

    @property
    def missing(self) -> list[Column]:
        """Return the cycle's columns that still have no figure."""
        return [Column(cell.year, cell.kind) for cell in self.cells if cell.measurement is None]

    @property
    def needs_causes(self) -> bool:
        """Return whether the result misses cumplido and the analyst has not given its causes yet."""
        missed = self.result is not None and self.result.classification != Classification.MET
        return missed and not (self.deviation and self.deviation.causes)

    @property
    def needs_justification(self) -> bool:
        """Return whether the result exceeds the sobrecumplimiento threshold without a justification."""
        over = self.result is not None and self.result.overachieved
        return over and not (self.deviation and self.deviation.overachievement_justification)


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


def indicator_rows(
    *, cycle: EvaluationCycle, indicators: QuerySet[Indicator], columns: list[Column] | None = None
) -> list[IndicatorRow]:
    """Return a row per indicator with its figures in the cycle's window, result and deviation analysis.

    Four queries whatever the number of indicators or years. `columns` defaults to the cycle's display
    columns (efectivo years, estimado, meta).
    """
    if columns is None:
        columns = cycle_display_columns(cycle)
    commitments = IndicatorCommitment.objects.filter(cycle=cycle)
    window = Measurement.objects.filter(year__gte=cycle.first_year, year__lte=cycle.year)
    indicators = indicators.prefetch_related(
        Prefetch("commitments", queryset=commitments, to_attr="cycle_commitments"),
        Prefetch("measurements", queryset=window, to_attr="window_measurements"),
        Prefetch("deviations", queryset=Deviation.objects.filter(cycle=cycle), to_attr="cycle_deviations"),
    )
    rules = cycle.rules()
    rows = []
    for indicator in indicators:
        figures = {}
        for measurement in indicator.window_measurements:
            measurement.indicator = indicator  # spares a query per figure
            figures[(measurement.year, measurement.kind)] = measurement
        cells = []
        for column in columns:
            measurement = figures.get((column.year, column.kind))
            cells.append(Cell(column.year, column.kind, measurement, measurement.value if measurement else None))
        actual = figures.get((cycle.year, MeasurementKind.ACTUAL))
        target = figures.get((cycle.year, MeasurementKind.TARGET))
        result = achievement(
            actual.value if actual else None,
            target.value if target else None,
            descending=indicator.is_descending,
            rules=rules,
        )
        commitment = indicator.cycle_commitments[0] if indicator.cycle_commitments else None
        deviation = indicator.cycle_deviations[0] if indicator.cycle_deviations else None
        rows.append(IndicatorRow(indicator, commitment, cells, figures, result, deviation))
    return rows


def cycle_display_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the columns the DIPRES tables show for the cycle: efectivo years, estimado, meta."""
    return [Column(year, kind) for year, kind in calculations.cycle_columns(cycle.year, cycle.history_years)]


def cycle_entry_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the columns an analyst fills in: the display ones plus the efectivo of t-1 and of t."""
    columns = cycle_display_columns(cycle)
    extra = [Column(cycle.year - 1, MeasurementKind.ACTUAL), Column(cycle.year, MeasurementKind.ACTUAL)]
    merged = columns + [c for c in extra if c not in columns]
    order = {MeasurementKind.ACTUAL: 0, MeasurementKind.ESTIMATE: 1, MeasurementKind.TARGET: 1}
    # Efectivo t-1 beside the estimate it replaces; efectivo t after the meta it is measured against.
    return sorted(merged, key=lambda c: (c.year, order[c.kind] if c.year < cycle.year else -order[c.kind]))


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
    for product in StrategicProduct.objects.filter(region=region).order_by("number"):
        block = ProductBlock(product=product, rows=by_product.get(product.pk, []))
        block.scope_counts = calculations.count_scopes(row.indicator.control_scope for row in block.rows)
        blocks.append(block)

    definition = StrategicDefinition.objects.filter(region=region, cycle=cycle).prefetch_related("objectives").first()
    total = sum((block.scope_counts for block in blocks), calculations.ScopeCounts())
    return RegionBoard(region, cycle, definition, columns, blocks, total)


def submission_problems(*, region: Region, cycle: EvaluationCycle) -> list[str]:
    """Return what blocks sending the region's data: missing metas, missing causes or justifications."""
    problems = []
    for row in indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle)):
        code = row.indicator.code
        if (cycle.year, MeasurementKind.TARGET) not in row.figures:
            problems.append(_("%(code)s: falta la meta %(year)s.") % {"code": code, "year": cycle.year})
        if row.needs_causes:
            problems.append(_("%(code)s: no alcanzó la meta; indique las causas y si son externas.") % {"code": code})
        if row.needs_justification:
            problems.append(_("%(code)s: justifique el sobrecumplimiento.") % {"code": code})
    return problems
