"""Shaping a RegionResult for the dashboard page: chart figures and the labels around them. Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import Table
from core.numbers import format_number, format_percent, round_half_up
from evaluation.templatetags.cycle_labels import classification_label
from indicators import calculations
from indicators.charts import indicator_figure
from indicators.results import IndicatorResult, results_with_codes
from indicators.templatetags.indicator_labels import dimension_label, trend_label

AMBITION_LABELS = {
    calculations.LAX_VS_LAST: gettext_lazy("meta menos exigente que el último efectivo"),
    calculations.LAX_VS_TREND: gettext_lazy("meta menos exigente que la tendencia"),
    calculations.STEEP_VS_TREND: gettext_lazy("meta mucho más exigente que la tendencia"),
}


@dataclass(frozen=True)
class AmbitionFlag:
    """A flag on a meta's ambition: a short label and the sentence that explains it with the figures."""

    code: str
    label: str
    explanation: str


def _value(item: IndicatorResult, value) -> str:
    return format_percent(value, item.decimals) if item.is_percentage else format_number(value, item.decimals)


# Whole sentences per case (never sentences assembled from words), by flag and sentido.
_LAST_EXPLANATIONS = {
    False: gettext_lazy(
        "La meta (%(target)s) queda bajo el último efectivo (%(last)s, %(year)s): pide menos de lo ya logrado."
    ),
    True: gettext_lazy(
        "La meta (%(target)s) queda sobre el último efectivo (%(last)s, %(year)s): en este indicador descendente, "
        "menos es mejor, así que pide menos de lo ya logrado."
    ),
}
_TREND_EXPLANATIONS = {
    (calculations.LAX_VS_TREND, False): gettext_lazy(
        "La tendencia lineal de los efectivos %(first)s–%(last)s proyecta %(projection)s; la meta (%(target)s) "
        "queda bajo esa línea: es menos exigente que lo que la tendencia ya promete."
    ),
    (calculations.LAX_VS_TREND, True): gettext_lazy(
        "La tendencia lineal de los efectivos %(first)s–%(last)s proyecta %(projection)s; la meta (%(target)s) "
        "queda sobre esa línea: en este indicador descendente, menos es mejor, así que es menos exigente que lo "
        "que la tendencia ya promete."
    ),
    (calculations.STEEP_VS_TREND, False): gettext_lazy(
        "La tendencia lineal de los efectivos %(first)s–%(last)s proyecta %(projection)s; la meta (%(target)s) "
        "queda muy por sobre esa línea: revise si es alcanzable."
    ),
    (calculations.STEEP_VS_TREND, True): gettext_lazy(
        "La tendencia lineal de los efectivos %(first)s–%(last)s proyecta %(projection)s; la meta (%(target)s) "
        "queda muy por debajo de esa línea: en este indicador descendente es mucho más exigente; revise si es "
        "alcanzable."
    ),
}


def ambition_labels(item: IndicatorResult) -> list[AmbitionFlag]:
    """Return the ambition flags of the indicator's meta, each with the sentence that explains it with the
    figures, by the indicator's sentido (above a falling line is the lax side of a descendente meta)."""
    meta_year = item_year(item)
    history = [
        (year, value)
        for year, kind, value in item.series
        if kind == calculations.ACTUAL and value is not None and year < meta_year
    ]
    flags = []
    for code in item.ambition:
        if code not in AMBITION_LABELS:
            continue
        explanation = ""
        if code == calculations.LAX_VS_LAST and history:
            year, last = history[-1]
            explanation = str(_LAST_EXPLANATIONS[item.is_descending]) % {
                "target": _value(item, item.target),
                "last": _value(item, last),
                "year": year,
            }
        elif (code, item.is_descending) in _TREND_EXPLANATIONS and history and item.projection is not None:
            explanation = str(_TREND_EXPLANATIONS[(code, item.is_descending)]) % {
                "first": history[0][0],
                "last": history[-1][0],
                "projection": _value(item, item.projection),
                "target": _value(item, item.target),
            }
        flags.append(AmbitionFlag(code, str(AMBITION_LABELS[code]), explanation))
    return flags


def item_year(item: IndicatorResult) -> int:
    """Return the year of the indicator's meta in the cycle (the newest meta of its series)."""
    targets = [year for year, kind, _value in item.series if kind == calculations.TARGET]
    return max(targets) if targets else max((year for year, _k, _v in item.series), default=0) + 1


DIMENSIONS = [
    ("eficacia", gettext_lazy("Eficacia")),
    ("eficiencia", gettext_lazy("Eficiencia")),
    ("economia", gettext_lazy("Economía")),
    ("calidad", gettext_lazy("Calidad")),
]


@dataclass
class Card:
    """An indicator on the dashboard: its result, its chart's figure and id, its ambition flags."""

    item: IndicatorResult
    figure: dict
    chart_id: str
    ambition: list[AmbitionFlag]


def cards(result, codes: set[str] | None = None) -> list[Card]:
    """Return a card per indicator of the region's result (or of those `codes`), in product and code order."""
    items = result.indicators if codes is None else results_with_codes(result.indicators, codes)
    return [
        Card(item, indicator_figure(item, result.cycle_year), f"chart-{item.code}", ambition_labels(item))
        for item in items
    ]


@dataclass
class RankingRow:
    position: int | None
    result: object
    heat: list[tuple[str, object]]


def deciding_compliance(result) -> Decimal | None:
    """Return the compliance that decides the region's incentive: the indicators' alone, or blended with the
    PMG's where the cycle gives the PMG a weight (a result stored before the PMG existed has only the first)."""
    return result.compliance if result.incentive_compliance is None else result.incentive_compliance


def ranking(results: list) -> list[RankingRow]:
    """Return the regions ordered by the compliance that decides their incentive (the indicators', blended with
    the PMG's where the cycle gives it a weight), each with its share of cumplidos per dimensión.

    Ties go to the region that reported more (fewer indicators pending, then more figures entered), then by
    name; regions without a score come last, by name.
    """
    scored = sorted(
        (r for r in results if r.compliance is not None),
        key=lambda r: (-deciding_compliance(r), r.pending, -(r.completeness or 0), r.region_name),
    )
    unscored = sorted((r for r in results if r.compliance is None), key=lambda r: r.region_name)
    rows = []
    for position, result in enumerate(scored, start=1):
        rows.append(RankingRow(position, result, _heat(result)))
    rows.extend(RankingRow(None, result, _heat(result)) for result in unscored)
    return rows


def _heat(result) -> list[tuple[str, object]]:
    return [(code, result.dimension_share_met(code)) for code, _label in DIMENSIONS]


@dataclass
class ComparedIndicator:
    code: str
    name: str
    first: IndicatorResult | None
    second: IndicatorResult | None


@dataclass
class Comparison:
    first: object
    second: object
    indicators: list[ComparedIndicator] = field(default_factory=list)
    # Whether each result's institutional compliance is «pendiente»: nothing scored yet (see compliance_pending).
    first_pending: bool = False
    second_pending: bool = False


def compliance_pending(result) -> bool:
    """Return whether the result's institutional compliance says nothing yet: every indicator that counts is
    still «pendiente» (no efectivo t or meta t), so its 0 is no score (the dashboard marks it provisional)."""
    if result is None or not result.pending:
        return False
    return result.pending == sum(1 for item in result.indicators if item.counts and not item.excused)


def compare(first, second) -> Comparison | None:
    """Return two results of a region side by side, indicator by indicator (by code); None when neither exists."""
    if first is None and second is None:
        return None
    by_code: dict[str, list] = {}
    for index, result in enumerate((first, second)):
        for item in result.indicators if result else []:
            by_code.setdefault(item.code, [item.name, None, None])[index + 1] = item
    rows = [ComparedIndicator(code, name, a, b) for code, (name, a, b) in sorted(by_code.items())]
    return Comparison(first, second, rows, compliance_pending(first), compliance_pending(second))


def _label(code: str) -> str:
    return classification_label(code)


def region_tables(result) -> list:
    """Return the region dashboard's tables (achievements, by dimensión, by product) for export."""

    achievements = Table(
        "cumplimiento",
        _("Cumplimiento"),
        [
            _("Código"),
            _("Indicador"),
            _("Producto"),
            _("Dimensión"),
            _("Ponderación (%)"),
            _("Cuenta"),
            _("Efectivo"),
            _("Meta"),
            _("Cumplimiento (%)"),
            _("Estado"),
            _("Tendencia"),
            _("Ambición de la meta"),
        ],
        [
            [
                item.code,
                item.name,
                item.product_name,
                _dimension(item.dimension),
                item.weight,
                item.counts and not item.excused,
                _rounded(item.actual, item.decimals),
                _rounded(item.target, item.decimals),
                item.percent,
                _label(item.classification),
                trend_label(item) if item.trend else "",
                " ".join(flag.explanation or flag.label for flag in ambition_labels(item)),
            ]
            for item in result.indicators
        ],
    )
    dimensions = Table(
        "dimension",
        _("Por dimensión"),
        [_("Dimensión"), _("Cumplidos"), _("Parciales"), _("No cumplidos"), _("Pendientes")],
        [
            [
                _dimension(code),
                counts["cumplido"],
                counts["parcialmente_cumplido"],
                counts["no_cumplido"],
                counts["pendiente"],
            ]
            for code, counts in result.by_dimension.items()
        ],
    )
    by_product = Table(
        "producto",
        _("Por producto"),
        [
            _("N°"),
            _("Producto"),
            _("Indicadores"),
            _("Resultado"),
            _("Producto"),
            _("Proceso"),
            _("Cumplidos"),
            _("Asignado M$"),
            _("Ejecutado M$"),
            _("Ejecución (%)"),
            _("Producción"),
            _("Unidad de producción"),
            _("Costo por unidad M$"),
            _("Montos ilustrativos"),
        ],
        [
            [
                p.number,
                p.name,
                p.scope_counts.total,
                p.scope_counts.result,
                p.scope_counts.product,
                p.scope_counts.process,
                p.met,
                p.allocated,
                p.executed,
                round_half_up(p.execution, 1) if p.execution is not None else None,
                p.output,
                p.output_unit,
                round_half_up(p.unit_cost, 1) if p.unit_cost is not None else None,
                _("sí") if p.money_is_illustrative else "",
            ]
            for p in result.products
        ],
    )
    return [achievements, dimensions, by_product]


@dataclass(frozen=True)
class RegionEvaluationsRow:
    """A region's line in the national table of evaluations: how many, and how their commitments stand."""

    region_code: str
    region_name: str
    evaluations: int
    commitments: object  # programs.selectors.CommitmentCounts


def evaluation_rows(ranking: list[RankingRow], summary: dict) -> list[RegionEvaluationsRow]:
    """Return a line per region of the ranking that has evaluations in the cycle, by region name."""
    rows = [
        RegionEvaluationsRow(row.result.region_code, row.result.region_name, *summary[row.result.region_code])
        for row in ranking
        if row.result.region_code in summary
    ]
    return sorted(rows, key=lambda row: row.region_name)


def regions_with(ranking: list[RankingRow], by_code: dict) -> list[tuple[str, str, object]]:
    """Return (region code, name, its entry of `by_code`) for each region of the ranking that has one, by name:
    the national view's tables of an instrument (the PROPIR's summaries, the PMG's)."""
    rows = [
        (r.result.region_code, r.result.region_name, by_code[r.result.region_code])
        for r in ranking
        if r.result.region_code in by_code
    ]
    return sorted(rows, key=lambda row: row[1])


def on_time_label(sent_on_time: bool | None) -> str:
    """Return whether the region sent its data by the deadline, in words: «sí», «no», «—» (no deadline, or not
    sent and not yet due)."""
    if sent_on_time is None:
        return "—"
    return _("sí") if sent_on_time else _("no")


def national_tables(rows, evaluations: list[RegionEvaluationsRow] = (), propir: list = (), pmg: list = ()) -> list:
    """Return the national overview's tables (ranking, heat map) for export."""

    ranking = Table(
        "ranking",
        _("Ranking"),
        [
            _("Posición"),
            _("Región"),
            _("Cumplimiento (%)"),
            _("Cumplimiento que decide el incentivo (%)"),
            _("Bono (% remuneración)"),
            _("Cumplidos"),
            _("Parciales"),
            _("No cumplidos"),
            _("Pendientes"),
            _("Datos ingresados (%)"),
            _("Envío"),
            _("A tiempo"),
        ],
        [
            [
                row.position,
                row.result.region_name,
                _rounded(row.result.compliance, 2),
                _rounded(deciding_compliance(row.result), 2),
                _rounded(row.result.bonus_rate, 1),
                row.result.counts["cumplido"],
                row.result.counts["parcialmente_cumplido"],
                row.result.counts["no_cumplido"],
                row.result.counts["pendiente"],
                _rounded(row.result.completeness, 0),
                row.result.submission_status,
                on_time_label(row.result.sent_on_time),
            ]
            for row in rows
        ],
    )
    heat = Table(
        "mapa",
        _("Mapa de calor"),
        [_("Región")] + [str(label) for _code, label in DIMENSIONS],
        [[row.result.region_name] + [_rounded(share, 0) for _code, share in row.heat] for row in rows],
    )
    evaluated = Table(
        "evaluaciones",
        _("Evaluaciones"),
        [
            _("Región"),
            _("Evaluaciones"),
            _("Compromisos"),
            _("Cumplidos"),
            _("No cumplidos"),
            _("Abiertos"),
            _("Vencidos"),
        ],
        [
            [
                row.region_name,
                row.evaluations,
                row.commitments.total,
                row.commitments.done,
                row.commitments.missed,
                row.commitments.open,
                row.commitments.overdue,
            ]
            for row in evaluations
        ],
    )
    invested = Table(
        "propir",
        _("PROPIR"),
        [
            _("Región"),
            _("Iniciativas programadas"),
            _("Puestas en ejecución"),
            _("Puestas en ejecución (%)"),
            _("Programado M$"),
            _("Ejecutado M$"),
            _("Con fondos sin RS"),
        ],
        [
            [
                name,
                summary.programmed,
                summary.running,
                _rounded(summary.running_share, 1),
                summary.amount_programmed,
                summary.amount_executed,
                summary.unrecommended,
            ]
            for _code, name, summary in propir
        ],
    )
    improvement = Table(
        "pmg",
        _("PMG"),
        [_("Región"), _("Sistemas comprometidos"), _("Validados"), _("Cumplidos"), _("Cumplimiento del PMG (%)")],
        [
            [name, summary.committed, summary.validated, summary.met, _rounded(summary.compliance, 1)]
            for _code, name, summary in pmg
        ],
    )
    return [ranking, heat, evaluated, invested, improvement]


def _rounded(value, places: int):
    """Return a number rounded as the page shows it (exports never carry more digits than the page)."""
    return None if value is None else round_half_up(value, places)


def _dimension(code: str) -> str:
    return dimension_label(code)
