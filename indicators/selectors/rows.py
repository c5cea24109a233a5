"""The indicators of a region in a cycle as rows of figures: which indicators, which columns (years and kinds)
the cycle shows, requires and lets analysts enter, and each indicator's figures and result in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from evaluation.models import EvaluationCycle, Stage
from evaluation.scoring import Achievement, Classification, achievement
from indicators import calculations
from indicators.models import (
    Indicator,
    IndicatorWeighting,
    Measurement,
    MeasurementKind,
    ProductBudget,
    ResultAnalysis,
    StrategicProduct,
)
from regions.models import Region


def cycle_indicators(*, region: Region, cycle: EvaluationCycle) -> QuerySet[Indicator]:
    """Return the region's indicators committed in the cycle, in product and code order."""
    return (
        Indicator.objects.filter(region=region, weightings__cycle=cycle)
        .select_related("product")
        .order_by("product__number", "code")
    )


def indicator_counts_by_region(*, regions: Iterable[Region], cycle: EvaluationCycle | None) -> dict[int, int]:
    """Return {region id: number of indicators committed in the cycle}; regions without any are absent."""
    if cycle is None:
        return {}
    rows = (
        IndicatorWeighting.objects.filter(cycle=cycle, indicator__region__in=regions)
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
    weighting: IndicatorWeighting
    cells: list[Cell]
    figures: dict[tuple[int, str], Measurement] = field(default_factory=dict)
    result: Achievement | None = None
    analysis: ResultAnalysis | None = None

    @property
    def missing(self) -> list[Column]:
        """Return the cycle's columns that still have no figure."""
        return [Column(cell.year, cell.kind) for cell in self.cells if cell.measurement is None]

    @property
    def missed(self) -> bool:
        """Return whether the cycle's efectivo falls short of cumplido against its meta."""
        return self.result is not None and self.result.classification != Classification.MET

    @property
    def overachieved(self) -> bool:
        """Return whether the cycle's efectivo exceeds the sobrecumplimiento threshold."""
        return self.result is not None and self.result.overachieved

    @property
    def needs_causes(self) -> bool:
        """Return whether the result misses cumplido and the analyst has not given its causes yet."""
        return self.missed and not (self.analysis and self.analysis.causes)

    @property
    def needs_justification(self) -> bool:
        """Return whether the result exceeds the sobrecumplimiento threshold without a justification."""
        return self.overachieved and not (self.analysis and self.analysis.overachievement_justification)


def indicator_rows(
    *, cycle: EvaluationCycle, indicators: QuerySet[Indicator], columns: list[Column] | None = None
) -> list[IndicatorRow]:
    """Return a row per indicator with its figures in the cycle's window, result and its analysis.

    Four queries whatever the number of indicators or years. `columns` defaults to the cycle's display
    columns (efectivo years, estimado, meta).
    """
    if columns is None:
        columns = cycle_display_columns(cycle)
    weightings = IndicatorWeighting.objects.filter(cycle=cycle)
    window = Measurement.objects.filter(year__gte=cycle.first_year, year__lte=cycle.year)
    indicators = indicators.prefetch_related(
        Prefetch("weightings", queryset=weightings, to_attr="cycle_weightings"),
        Prefetch("measurements", queryset=window, to_attr="window_measurements"),
        Prefetch("analyses", queryset=ResultAnalysis.objects.filter(cycle=cycle), to_attr="cycle_analyses"),
    )
    rules = cycle.rules()
    rows = []
    for indicator in indicators:
        figures = {}
        for measurement in indicator.window_measurements:  # each with its indicator set by the prefetch
            figures[(measurement.year, measurement.kind)] = measurement
        cells = []
        for column in columns:
            measurement = figures.get((column.year, column.kind))
            cells.append(Cell(column.year, column.kind, measurement, measurement.value if measurement else None))
        actual = figures.get((cycle.year, MeasurementKind.ACTUAL))
        target = figures.get((cycle.year, MeasurementKind.TARGET))
        result = achievement(
            actual.exact_value if actual else None,
            target.exact_value if target else None,
            descending=indicator.is_descending,
            rules=rules,
        )
        weighting = indicator.cycle_weightings[0] if indicator.cycle_weightings else None
        analysis = indicator.cycle_analyses[0] if indicator.cycle_analyses else None
        rows.append(IndicatorRow(indicator, weighting, cells, figures, result, analysis))
    return rows


def cycle_display_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the columns the DIPRES tables show for the cycle: efectivo years, estimado, meta."""
    return [Column(year, kind) for year, kind in calculations.cycle_columns(cycle.year, cycle.history_years)]


def cycle_required_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the figures an analyst owes the cycle now: the display ones, and in the evaluation stage also
    the efectivo of the meta's year, which the result is scored on (before that year ends it cannot exist)."""
    columns = cycle_display_columns(cycle)
    if cycle.stage == Stage.EVALUATION:
        columns.append(Column(cycle.year, MeasurementKind.ACTUAL))
    return columns


# The meta of year t is formulated and discussed with the budget of t; from the execution stage of cycle t on
# it no longer changes (docs/domain.md §6b).
FIXED_META_STAGES = (Stage.EXECUTION, Stage.EVALUATION, Stage.CLOSED)


# What an indicator measures and how: fixed while a cycle that commits it is in execution or evaluation.
FIXED_DEFINITION_FIELDS = (
    "formula",
    "numerator_description",
    "denominator_description",
    "unit",
    "factor",
    "direction",
    "source",
)


def fixed_definition_cycles(indicator: Indicator) -> list[EvaluationCycle]:
    """Return the cycles in execution or evaluation that commit the indicator (its definition is fixed then)."""
    return list(
        EvaluationCycle.objects.filter(
            weightings__indicator=indicator, stage__in=(Stage.EXECUTION, Stage.EVALUATION)
        ).order_by("year")
    )


def fixed_columns(cycle: EvaluationCycle) -> set[Column]:
    """Return the cycle's columns that no longer change at its stage: its own meta, from the execution on."""
    return {Column(cycle.year, MeasurementKind.TARGET)} if cycle.stage in FIXED_META_STAGES else set()


def cycle_entry_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the columns an analyst fills in: the display ones plus the efectivo of t-1 and of t."""
    columns = cycle_display_columns(cycle)
    extra = [Column(cycle.year - 1, MeasurementKind.ACTUAL), Column(cycle.year, MeasurementKind.ACTUAL)]
    merged = columns + [c for c in extra if c not in columns]
    order = {MeasurementKind.ACTUAL: 0, MeasurementKind.ESTIMATE: 1, MeasurementKind.TARGET: 1}
    # Efectivo t-1 beside the estimate it replaces; efectivo t after the meta it is measured against.
    return sorted(merged, key=lambda c: (c.year, order[c.kind] if c.year < cycle.year else -order[c.kind]))


def cycle_products(
    *, cycle: EvaluationCycle, region: Region | None = None, regions: Iterable[Region] = ()
) -> QuerySet[StrategicProduct]:
    """Return the region's (or the regions') products a cycle's pages list, in order: every product, those
    without indicators in the cycle too, except that an illustrative cycle's products and the others never mix.

    An illustrative (demonstration) cycle lists only the products with indicators in it; every other
    cycle leaves out the products whose indicators belong to an illustrative cycle.
    """
    products = StrategicProduct.objects.filter(region__in=[region] if region is not None else list(regions))
    if cycle.is_illustrative:
        products = products.filter(indicators__weightings__cycle=cycle).distinct()
    else:
        products = products.exclude(indicators__weightings__cycle__is_illustrative=True)
    return products.order_by("number")


def product_budgets(*, products: list[StrategicProduct], year: int) -> dict[int, ProductBudget]:
    """Return {product id: its budget in that year} for those products (one query)."""
    return {budget.product_id: budget for budget in ProductBudget.objects.filter(product__in=products, year=year)}


def products_with_indicators(*, region: Region, cycle: EvaluationCycle) -> QuerySet[StrategicProduct]:
    """Return the region's products that have indicators committed in the cycle, in order."""
    return (
        StrategicProduct.objects.filter(region=region, indicators__weightings__cycle=cycle)
        .distinct()
        .order_by("number")
    )
