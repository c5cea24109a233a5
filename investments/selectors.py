"""Reads of the PROPIR shaped for pages: a region's initiatives of a year with their totals and DIPRES's flags,
the summary the dashboard and the report show, and the cycle's summary per region. Each one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from evaluation.models import EvaluationCycle
from indicators.models import ComputedFigure, Indicator, Measurement
from indicators.vocabulary import FigureSource, MeasurementKind
from investments.models import InvestmentInitiative, MideplanResult, PropirImport
from investments.vocabulary import InitiativeState
from regions.models import Region

RUNNING = Q(state__in=InitiativeState.put_in_execution())
FUNDED = Q(programmed__gt=0) | Q(executed__gt=0)
UNRECOMMENDED = Q(result__isnull=True) | Q(result__is_recommended=False)


@dataclass
class PropirSummary:
    """How a region's PROPIR of a year stands: initiatives programmed and put in execution (the document's
    Biobío indicator), money programmed and executed (M$), and the initiatives funded without RS."""

    year: int
    programmed: int = 0
    running: int = 0
    finished: int = 0
    amount_programmed: Decimal | None = None
    amount_executed: Decimal | None = None
    unrecommended: int = 0

    def __bool__(self) -> bool:
        return bool(self.programmed)

    @property
    def running_share(self) -> Decimal | None:
        return Decimal(self.running) / self.programmed * 100 if self.programmed else None

    @property
    def execution(self) -> Decimal | None:
        if not self.amount_programmed or self.amount_executed is None:
            return None
        return self.amount_executed / self.amount_programmed * 100


_AGGREGATES = {
    "total": Count("pk"),  # not «programmed»: an aggregate cannot share a field's name
    "running": Count("pk", filter=RUNNING),
    "finished": Count("pk", filter=Q(state=InitiativeState.FINISHED)),
    "amount_programmed": Sum("programmed"),
    "amount_executed": Sum("executed"),
    "unrecommended": Count("pk", filter=FUNDED & UNRECOMMENDED),
}


def propir_summary(*, region: Region, year: int) -> PropirSummary:
    """Return the summary of the region's PROPIR of the year (one query)."""
    found = InvestmentInitiative.objects.filter(region=region, year=year).aggregate(**_AGGREGATES)
    return _summary(year, found)


def propir_summary_latest(*, region: Region, first_year: int, year: int) -> PropirSummary:
    """Return the summary of the region's PROPIR of `year` or, when it has none yet, of the latest year from
    `first_year` on that has one; the empty summary of `year` when none has (two queries at most)."""
    summary = propir_summary(region=region, year=year)
    if summary:
        return summary
    years = InvestmentInitiative.objects.filter(region=region, year__gte=first_year, year__lt=year)
    latest = years.aggregate(latest=Max("year"))["latest"]
    return propir_summary(region=region, year=latest) if latest is not None else summary


def _summary(year: int, found: dict) -> PropirSummary:
    """Return the summary of the aggregates (counts are 0, sums None, without initiatives)."""
    return PropirSummary(year, programmed=found.pop("total"), **found)


def cycle_propir(*, cycle: EvaluationCycle) -> dict[str, PropirSummary]:
    """Return {region ISO code: its PROPIR summary of the cycle's year} for the regions that have one."""
    rows = (
        InvestmentInitiative.objects.filter(year=cycle.year)
        .values("region__iso_code")
        .annotate(**_AGGREGATES)
        .order_by("region__iso_code")
    )
    return {row.pop("region__iso_code"): _summary(cycle.year, row) for row in rows}


@dataclass
class Propir:
    """A region's PROPIR of a year as its page lists it."""

    year: int
    initiatives: list[InvestmentInitiative] = field(default_factory=list)
    summary: PropirSummary | None = None


def propir(*, region: Region, year: int, state: str = "", flagged: bool = False) -> Propir:
    """Return the region's initiatives of the year (those in a state, or only the flagged ones), with the
    summary of the whole list (two queries)."""
    initiatives = InvestmentInitiative.objects.filter(region=region, year=year).select_related("result")
    if state:
        initiatives = initiatives.filter(state=state)
    if flagged:
        initiatives = initiatives.filter(FUNDED & UNRECOMMENDED)
    return Propir(year, list(initiatives.order_by("bip_code")), propir_summary(region=region, year=year))


def initiative_get(*, region: Region, year: int, pk: int) -> InvestmentInitiative | None:
    return InvestmentInitiative.objects.filter(region=region, year=year, pk=pk).select_related("result").first()


def results() -> QuerySet[MideplanResult]:
    return MideplanResult.objects.all()


def has_illustrative(region: Region, year: int) -> bool:
    return InvestmentInitiative.objects.filter(region=region, year=year, is_illustrative=True).exists()


@dataclass
class Reconciled:
    """An indicator computed from the PROPIR, in a year: what the list gives and the efectivo it has."""

    indicator: Indicator
    computed: ComputedFigure | None
    efectivo: Measurement | None

    @property
    def matches(self) -> bool | None:
        """Return whether the efectivo is the computed value (None when either is missing)."""
        if self.computed is None or self.efectivo is None:
            return None
        denominator = self.computed.denominator if self.indicator.has_denominator else None
        return (self.efectivo.numerator, self.efectivo.denominator) == (self.computed.numerator, denominator)


def reconciliation(*, region: Region, year: int) -> list[Reconciled]:
    """Return the region's indicators computed from the PROPIR with the year's computed value and efectivo
    (three queries)."""
    indicators = list(Indicator.objects.filter(region=region, source=FigureSource.PROPIR).order_by("code"))
    computed = {
        c.indicator_id: c
        for c in ComputedFigure.objects.filter(indicator__in=indicators, year=year, source=FigureSource.PROPIR)
    }
    efectivos = {
        m.indicator_id: m
        for m in Measurement.objects.filter(indicator__in=indicators, year=year, kind=MeasurementKind.ACTUAL)
    }
    return [Reconciled(i, computed.get(i.pk), efectivos.get(i.pk)) for i in indicators]


def imports(*, region: Region, year: int) -> list[PropirImport]:
    """Return the region's last spreadsheets of the year's PROPIR, newest first."""
    return list(PropirImport.objects.filter(region=region, year=year).select_related("user")[:10])


def import_get(*, region: Region, year: int, pk: int) -> PropirImport | None:
    return PropirImport.objects.filter(region=region, year=year, pk=pk).select_related("user").first()


def latest_year(*, region: Region, cycle: EvaluationCycle) -> int:
    """Return the newest year of the cycle's window with a PROPIR of the region, else the cycle's year."""
    years = InvestmentInitiative.objects.filter(region=region, year__gte=cycle.first_year, year__lte=cycle.year)
    return years.order_by("-year").values_list("year", flat=True).first() or cycle.year
