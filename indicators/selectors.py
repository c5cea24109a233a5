"""Reads of strategic products, indicators and their yearly figures, shaped for the pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import EvaluationCycle, Stage
from evaluation.scoring import Achievement, Classification, achievement
from indicators import calculations
from indicators.models import (
    CommitmentStatus,
    Deviation,
    Evidence,
    ImprovementCommitment,
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
    return (
        Indicator.objects.filter(region=region, commitments__cycle=cycle)
        .select_related("product")
        .order_by("product__number", "code")
    )


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
        return self.missed and not (self.deviation and self.deviation.causes)

    @property
    def needs_justification(self) -> bool:
        """Return whether the result exceeds the sobrecumplimiento threshold without a justification."""
        return self.overachieved and not (self.deviation and self.deviation.overachievement_justification)


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
            actual.exact_value if actual else None,
            target.exact_value if target else None,
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


def cycle_required_columns(cycle: EvaluationCycle) -> list[Column]:
    """Return the figures an analyst owes the cycle now: the display ones, and in the evaluation stage also
    the efectivo of the meta's year, which the result is scored on (before that year ends it cannot exist)."""
    columns = cycle_display_columns(cycle)
    if cycle.stage == Stage.EVALUATION:
        columns.append(Column(cycle.year, MeasurementKind.ACTUAL))
    return columns


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


def cycle_products(*, region: Region, cycle: EvaluationCycle) -> QuerySet[StrategicProduct]:
    """Return the region's products a cycle's pages list, in order: every product, those without
    indicators in the cycle too, except that an illustrative cycle's products and the others never mix.

    An illustrative (demonstration) cycle lists only the products with indicators in it; every other
    cycle leaves out the products whose indicators belong to an illustrative cycle.
    """
    products = StrategicProduct.objects.filter(region=region)
    if cycle.is_illustrative:
        products = products.filter(indicators__commitments__cycle=cycle).distinct()
    else:
        products = products.exclude(indicators__commitments__cycle__is_illustrative=True)
    return products.order_by("number")


def products_with_indicators(*, region: Region, cycle: EvaluationCycle) -> QuerySet[StrategicProduct]:
    """Return the region's products that have indicators committed in the cycle, in order."""
    return (
        StrategicProduct.objects.filter(region=region, indicators__commitments__cycle=cycle)
        .distinct()
        .order_by("number")
    )


@dataclass
class EntryPage:
    """The data-entry page of one product: its indicators' rows, the columns, and the other products."""

    cycle: EvaluationCycle
    product: StrategicProduct
    products: list[StrategicProduct]
    columns: list[Column]
    rows: list[IndicatorRow]


def entry_page(*, region: Region, cycle: EvaluationCycle, product_number: int) -> EntryPage:
    """Return the entry page of the product with that number; Http404 when it has no indicators in the cycle."""
    products = list(products_with_indicators(region=region, cycle=cycle))
    product = next((p for p in products if p.number == product_number), None)
    if product is None:
        raise Http404(_("El producto %(number)s no tiene indicadores en este ciclo.") % {"number": product_number})
    columns = cycle_entry_columns(cycle)
    indicators = cycle_indicators(region=region, cycle=cycle).filter(product=product)
    rows = indicator_rows(cycle=cycle, indicators=indicators, columns=columns)
    return EntryPage(cycle, product, products, columns, rows)


def entry_page_refreshed(page: EntryPage) -> EntryPage:
    """Return the same entry page with the figures as they are stored now."""
    indicators = Indicator.objects.filter(pk__in=[row.indicator.pk for row in page.rows]).order_by("code")
    rows = indicator_rows(cycle=page.cycle, indicators=indicators, columns=page.columns)
    return EntryPage(page.cycle, page.product, page.products, page.columns, rows)


@dataclass
class IndicatorDetail:
    """An indicator's file for one cycle."""

    indicator: Indicator
    row: IndicatorRow
    years: list[int]
    commitments: list[ImprovementCommitment]
    evidence: list[Evidence]

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
    queryset = Indicator.objects.filter(region=region, code=code, commitments__cycle=cycle).select_related(
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
    return IndicatorDetail(row.indicator, row, years, commitments, evidence)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One recorded change: when, by whom, to what, and which fields went from what to what."""

    when: object
    who: object
    subject: str
    action: str
    fields: list[FieldChange]


# What the history page reports for each kind of record, by attribute name.
_HISTORY_FIELDS = {
    Indicator: [
        "name",
        "formula",
        "numerator_description",
        "denominator_description",
        "unit",
        "factor",
        "decimals",
        "dimension",
        "control_scope",
        "direction",
        "is_share",
        "verification_means",
        "assumptions",
        "notes",
        "is_active",
    ],
    IndicatorCommitment: ["weight", "counts_for_incentive", "notes"],
    Measurement: ["numerator", "denominator"],
    Deviation: ["causes", "external_causes", "external_accepted", "overachievement_justification"],
    ImprovementCommitment: ["description", "owner", "due_date", "status", "follow_up"],
    Evidence: ["original_name", "description", "withdrawn"],
}
_ACTIONS = {"+": gettext_lazy("creó"), "~": gettext_lazy("modificó"), "-": gettext_lazy("eliminó")}


def _display(model, name: str, value) -> str:
    from pbr.templatetags.chile import format_number

    field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("sí") if value else _("no")
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _subject(model, record) -> str:
    if model is Measurement:
        return f"{record.year} {MeasurementKind(record.kind).label}"
    if model is IndicatorCommitment:
        return str(_("Compromiso del ciclo"))
    if model is Indicator:
        return str(_("Definición del indicador"))
    if model is Evidence:
        return f"{_('Medio de verificación')} {record.year}"
    return str(model._meta.verbose_name).capitalize()


def indicator_changes(*, indicator: Indicator) -> list[Change]:
    """Return every recorded change to the indicator and what hangs from it, newest first.

    One query per kind of record (six), whatever the number of changes.
    """
    sources = [(Indicator, Indicator.history.filter(id=indicator.pk))]
    for model in (IndicatorCommitment, Measurement, Deviation, ImprovementCommitment, Evidence):
        sources.append((model, model.history.filter(indicator_id=indicator.pk)))
    changes = []
    for model, history in sources:
        previous_by_object = {}
        for record in history.select_related("history_user").order_by("id", "history_date", "history_id"):
            previous = previous_by_object.get(record.id)
            fields = []
            for name in _HISTORY_FIELDS[model]:
                label = str(model._meta.get_field(name).verbose_name)
                new = _display(model, name, getattr(record, name))
                old = _display(model, name, getattr(previous, name)) if previous else "—"
                if (record.history_type == "+" and new != "—") or (record.history_type == "~" and old != new):
                    fields.append(FieldChange(label, old, new))
            if record.history_type != "~" or fields:
                changes.append(
                    Change(
                        record.history_date,
                        record.history_user,
                        _subject(model, record),
                        str(_ACTIONS[record.history_type]),
                        fields,
                    )
                )
            previous_by_object[record.id] = record
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes


def template_workbook(*, region: Region, cycle: EvaluationCycle) -> bytes:
    """Return the region's Formulario H for the cycle as an .xlsx, pre-filled with what is entered."""
    from indicators import spreadsheets

    columns = cycle_entry_columns(cycle)
    rows = []
    for row in indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle), columns=columns):
        indicator = row.indicator
        rows.append(
            spreadsheets.TemplateRow(
                code=indicator.code,
                info={
                    "code": indicator.code,
                    "product": str(indicator.product),
                    "name": indicator.name,
                    "formula": indicator.formula,
                    "unit": str(indicator.get_unit_display()),
                    "dimension": str(indicator.get_dimension_display()),
                    "scope": str(indicator.get_control_scope_display()),
                    "direction": str(indicator.get_direction_display()),
                    "weight": row.commitment.weight if row.commitment else None,
                },
                has_denominator=indicator.has_denominator,
                figures={
                    (c.year, c.kind): (c.measurement.numerator, c.measurement.denominator)
                    for c in row.cells
                    if c.measurement is not None
                },
                versions={(c.year, c.kind): c.measurement.version for c in row.cells if c.measurement is not None},
            )
        )
    title = _("Formulario H · %(region)s · ciclo %(year)s") % {"region": region.government_name, "year": cycle.year}
    if cycle.is_illustrative:
        title += " · " + _("datos ilustrativos (ejemplos, no datos oficiales)")
    return spreadsheets.write_template(
        title=title,
        region_code=region.iso_code,
        cycle_year=cycle.year,
        columns=[(c.year, c.kind, f"{c.year} {c.kind_label}") for c in columns],
        rows=rows,
    )


def recent_imports(*, region: Region, cycle: EvaluationCycle, limit: int = 10) -> list:
    """Return the region's latest spreadsheet imports in the cycle, newest first."""
    from indicators.models import ImportLog

    return list(
        ImportLog.objects.filter(region=region, cycle=cycle).select_related("user").order_by("-created_at")[:limit]
    )
