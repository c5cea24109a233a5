"""One indicator's page in a cycle: its definition, figures, result, analysis, commitments, evidence and, for an
indicator computed from a list, the computed efectivos beside its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators import calculations
from indicators.models import (
    CommitmentStatus,
    ComputedFigure,
    Evidence,
    ImprovementCommitment,
    Indicator,
    Measurement,
    MediumTermTarget,
    PriorityAxis,
)
from indicators.results import figure_terms, rounded_terms, rounding_misleads
from indicators.selectors.rows import IndicatorRow, cycle_entry_columns, indicator_rows
from indicators.vocabulary import FigureSource, MeasurementKind
from regions.models import Region


@dataclass
class ComputedRow:
    """A year's efectivo computed from the indicator's source, beside the efectivo the indicator has."""

    computed: ComputedFigure
    efectivo: Measurement | None

    @property
    def matches(self) -> bool | None:
        if self.efectivo is None:
            return None
        indicator = self.computed.indicator
        denominator = self.computed.denominator if indicator.has_denominator else None
        return (self.efectivo.numerator, self.efectivo.denominator) == (self.computed.numerator, denominator)


@dataclass
class MediumTermCheck:
    """A medium-term target of the indicator, and whether the cycle's meta is on the way to it."""

    target: MediumTermTarget
    baseline: tuple[int, Decimal] | None  # the last efectivo before the cycle's year
    meta: Decimal | None
    path: Decimal | None  # where the straight path from the baseline to the target stands in the cycle's year

    @property
    def consistent(self) -> bool | None:
        if self.meta is None or self.path is None:
            return None
        return calculations.meta_on_the_way(self.meta, self.path, descending=self.target.indicator.is_descending)


def medium_term_checks(*, row: IndicatorRow, cycle: EvaluationCycle, targets) -> list[MediumTermCheck]:
    """Return the checks of the cycle's meta against each medium-term target (years after the cycle's)."""
    actuals = sorted(
        (year, measurement.value)
        for (year, kind), measurement in row.figures.items()
        if kind == MeasurementKind.ACTUAL and year < cycle.year and measurement.value is not None
    )
    baseline = actuals[-1] if actuals else None
    meta = row.figures.get((cycle.year, MeasurementKind.TARGET))
    meta_value = meta.value if meta is not None else None
    return [
        MediumTermCheck(
            target,
            baseline,
            meta_value,
            calculations.medium_term_path(baseline, (target.year, target.value), cycle.year),
        )
        for target in targets
        if target.year > cycle.year
    ]


@dataclass
class IndicatorDetail:
    """An indicator's file for one cycle."""

    indicator: Indicator
    row: IndicatorRow
    years: list[int]
    commitments: list[ImprovementCommitment]
    evidence: list[Evidence]
    computed: list[ComputedRow] = field(default_factory=list)
    medium_term: list[MediumTermCheck] = field(default_factory=list)
    axes: list[PriorityAxis] = field(default_factory=list)  # served directly or through its product's objectives

    @property
    def actual(self) -> Measurement | None:
        """Return the efectivo of the cycle's year (None while it is not entered)."""
        return self.row.figures.get((self.years[-1], MeasurementKind.ACTUAL))

    @property
    def target(self) -> Measurement | None:
        """Return the meta of the cycle's year (None while it is not entered)."""
        return self.row.figures.get((self.years[-1], MeasurementKind.TARGET))

    @property
    def rounded_actual_terms(self) -> tuple[Decimal, Decimal] | None:
        """Return the efectivo's numerator and denominator where its rounded value misleads (rounded_terms)."""
        return self._terms_shown(self.actual)

    @property
    def rounded_target_terms(self) -> tuple[Decimal, Decimal] | None:
        """Return the meta's numerator and denominator where its rounded value misleads (rounded_terms)."""
        return self._terms_shown(self.target)

    def _terms_shown(self, measurement: Measurement | None) -> tuple[Decimal, Decimal] | None:
        actual, target = (figure.value if figure else None for figure in (self.actual, self.target))
        percent = self.row.result.percent if self.row.result else None
        decimals = self.indicator.decimals
        if measurement is None or not rounding_misleads(
            actual, target, percent, decimals, self.indicator.is_descending
        ):
            return None
        return rounded_terms(measurement.value, figure_terms(measurement), decimals)

    @property
    def asks_analysis(self) -> bool:
        """Return whether the result asks for an analysis, as result_analysis_save requires one: known and short
        of cumplido (its causes) or above the sobrecumplimiento threshold (its justification). A pending result
        (no efectivo or no meta yet) and a met one ask for none."""
        return self.row.missed or self.row.overachieved

    @property
    def offers_analysis_form(self) -> bool:
        """Return whether the page offers the analysis's form: where the result asks for one, or where one was
        recorded (it stays correctable, whatever the result became since)."""
        return self.asks_analysis or self.row.analysis is not None

    @property
    def active_evidence(self) -> list[Evidence]:
        return [item for item in self.evidence if not item.withdrawn]

    @property
    def withdrawn_evidence(self) -> list[Evidence]:
        return [item for item in self.evidence if item.withdrawn]


def indicator_detail(*, region: Region, cycle: EvaluationCycle, code: str) -> IndicatorDetail:
    """Return the indicator's file: figures in the entry columns, result, analysis, commitments, evidence.

    Commitments are this cycle's and the earlier cycles' still open ones (they are followed up here).
    Raises Http404 for an unknown code in the region. A constant number of queries.
    """
    queryset = Indicator.objects.filter(region=region, code=code, weightings__cycle=cycle).select_related(
        "product", "region"
    )
    rows = indicator_rows(cycle=cycle, indicators=queryset, columns=cycle_entry_columns(cycle))
    if not rows:
        raise Http404(
            _("%(region)s no tiene el indicador %(code)s en el ciclo %(year)s.")
            % {"code": code, "region": region.name, "year": cycle.year}
        )
    row = rows[0]
    commitments = list(
        ImprovementCommitment.objects.filter(indicator=row.indicator, cycle__year__lte=cycle.year)
        .filter(Q(cycle=cycle) | Q(status__in=[CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS]))
        .select_related("cycle")
        .order_by("due_date", "pk")
    )
    evidence = list(
        Evidence.objects.filter(indicator=row.indicator, year__gte=cycle.first_year, year__lte=cycle.year)
        .select_related("uploaded_by")
        .order_by("-year", "-uploaded_at")
    )
    years = list(range(cycle.first_year, cycle.year + 1))
    computed = []
    if row.indicator.source != FigureSource.ENTERED:
        figures = ComputedFigure.objects.filter(indicator=row.indicator, year__in=years, source=row.indicator.source)
        computed = [
            ComputedRow(figure, row.figures.get((figure.year, MeasurementKind.ACTUAL)))
            for figure in figures.order_by("year")
        ]
    targets = MediumTermTarget.objects.filter(indicator=row.indicator, year__gt=cycle.year).select_related(
        "objective", "indicator"
    )
    checks = medium_term_checks(row=row, cycle=cycle, targets=targets.order_by("year"))
    axes = list(
        PriorityAxis.objects.filter(
            Q(indicators=row.indicator)
            | Q(objectives__products__indicators=row.indicator, objectives__definition__cycle=cycle)
        ).distinct()
    )
    return IndicatorDetail(row.indicator, row, years, commitments, evidence, computed, checks, axes)
