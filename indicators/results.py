"""Each indicator's result in a cycle as plain data: its figures, achievement against the meta, classification,
trend and the ambition flags of its meta. What the dashboards list and what closing a cycle freezes.

`IndicatorResult` holds no ORM object: it is stored as JSON (`encode`/`decode`), in the stored results and in a
closed cycle's snapshot, and read back as the same values.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from core.numbers import round_half_up
from evaluation.models import EvaluationCycle
from evaluation.scoring import Classification, achievement
from indicators import calculations
from indicators.calculations import Trend
from indicators.models import MeasurementKind


@dataclass
class IndicatorResult:
    code: str
    name: str
    product_number: int
    product_name: str
    dimension: str
    control_scope: str
    unit: str
    decimals: int
    is_descending: bool
    is_illustrative: bool
    weight: Decimal
    counts: bool
    excused: bool
    actual: Decimal | None
    target: Decimal | None
    percent: Decimal | None
    classification: str
    overachieved: bool
    trend: str | None
    ambition: list[str]
    series: list[tuple[int, str, Decimal | None]]
    # The linear trend of the efectivos at the meta's year, which the ambition flags are judged against.
    projection: Decimal | None = None
    # The efectivo's and the meta's numerator and denominator (None without the figure or a denominator).
    actual_terms: tuple[Decimal, Decimal] | None = None
    target_terms: tuple[Decimal, Decimal] | None = None
    # A digest of everything above, set when the result is stored: pages key what they draw of it by this.
    digest: str = ""

    def to_json(self) -> dict:
        """Return the result as JSON data (what `decode` reads back), built field by field: a region of
        thousands of indicators is stored in the writing transaction, where a deep copy would cost seconds."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        for name in _DECIMAL_FIELDS.intersection(data):
            if data[name] is not None:
                data[name] = str(data[name])
        data["ambition"] = list(self.ambition)
        data["series"] = [[year, kind, None if value is None else str(value)] for year, kind, value in self.series]
        for name in _TERMS_FIELDS:
            if data[name] is not None:
                data[name] = [str(term) for term in data[name]]
        return data

    @property
    def is_percentage(self) -> bool:
        return self.unit == "porcentaje"

    @property
    def state(self) -> Classification:
        """Return the classification as its enum member (its label, its colour, is_met…)."""
        return Classification(self.classification)

    @property
    def rounded_actual_terms(self) -> tuple[Decimal, Decimal] | None:
        """Return the efectivo's numerator and denominator where its rounded value misleads (rounded_terms)."""
        return self._terms_shown(self.actual, self.actual_terms)

    @property
    def rounded_target_terms(self) -> tuple[Decimal, Decimal] | None:
        """Return the meta's numerator and denominator where its rounded value misleads (rounded_terms)."""
        return self._terms_shown(self.target, self.target_terms)

    def _terms_shown(
        self, value: Decimal | None, terms: tuple[Decimal, Decimal] | None
    ) -> tuple[Decimal, Decimal] | None:
        if not rounding_misleads(self.actual, self.target, self.percent, self.decimals, self.is_descending):
            return None
        return rounded_terms(value, terms, self.decimals)

    @property
    def trend_state(self) -> Trend | None:
        return Trend(self.trend) if self.trend else None


_DECIMAL_FIELDS = {
    "weight",
    "projection",
    "actual",
    "target",
    "percent",
    "committed",
    "earned",
    "compliance",
    "bonus_rate",
    "bonus_share",
    "pmg_compliance",
    "incentive_compliance",
}
_TERMS_FIELDS = ("actual_terms", "target_terms")


def figure_terms(measurement) -> tuple[Decimal, Decimal] | None:
    """Return a figure's (numerator, denominator); None without the figure, its numerator or a denominator."""
    if measurement is None or measurement.numerator is None or measurement.denominator is None:
        return None
    return (measurement.numerator, measurement.denominator)


def rounding_misleads(
    actual: Decimal | None, target: Decimal | None, percent: Decimal | None, places: int, descending: bool
) -> bool:
    """Return whether the cumplimiento a reader redoes from the efectivo and the meta as shown (rounded to
    `places`) differs from the cumplimiento shown (`percent`, to 2 decimals); False while there is none."""
    if actual is None or target is None or percent is None:
        return False
    redone = achievement(round_half_up(actual, places), round_half_up(target, places), descending=descending)
    return redone is None or redone.percent != percent


def rounded_terms(
    value: Decimal | None, terms: tuple[Decimal, Decimal] | None, places: int
) -> tuple[Decimal, Decimal] | None:
    """Return the terms of a figure whose value, shown rounded to `places`, is not its exact value; None when
    the rounded value is exact (or there are no terms).

    Beside a rounded efectivo (72 %) and meta (95 %) a cumplimiento of 75,32 % cannot be redone; the figure's
    numerator and denominator (1.431/2.000) let the reader redo it. Pages show them only where the rounded
    values mislead (rounding_misleads).
    """
    if value is None or terms is None or round_half_up(value, places) == value:
        return None
    return terms


def encode(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(cls, data: dict):
    values = {}
    for name in _field_names(cls):
        if name not in data:
            continue
        value = data[name]
        if name in _DECIMAL_FIELDS and value is not None:
            value = Decimal(value)
        elif name == "series":
            value = [(year, kind, None if number is None else Decimal(number)) for year, kind, number in value]
        elif name in _TERMS_FIELDS and value is not None:
            value = tuple(Decimal(term) for term in value)
        values[name] = value
    return cls(**values)


@functools.cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls))


class StoredResults(Sequence[IndicatorResult]):
    """Indicators' results as stored (JSON), parsed and decoded only when first read: a page that draws most
    of them from its cache reads only their codes and digests (`keys`), and decodes the few it draws again.

    `stored` is the list of results as JSON data, or its JSON text (parsed when a result is first read)."""

    def __init__(self, stored: list[dict] | str, keys: list | None = None) -> None:
        self._stored = stored
        self._keys = None if keys is None else [(code, digest) for code, digest in keys]
        self._decoded: list[IndicatorResult | None] | None = None

    def _items(self) -> list[dict]:
        if isinstance(self._stored, str):
            self._stored = json.loads(self._stored)
        return self._stored

    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else len(self._items())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._decoded is None:
            self._decoded = [None] * len(self._items())
        item = self._decoded[index]
        if item is None:
            item = self._decoded[index] = decode(IndicatorResult, self._items()[index])
        return item

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def keys(self) -> list[tuple[str, str]]:
        """Return each result's (code, digest), in order, without decoding any."""
        if self._keys is None:
            self._keys = [(item["code"], item.get("digest", "")) for item in self._items()]
        return self._keys


def result_keys(results: Sequence[IndicatorResult]) -> list[tuple[str, str]]:
    """Return each result's (code, digest), in order; stored results are not decoded for it."""
    if isinstance(results, StoredResults):
        return results.keys()
    return [(item.code, item.digest) for item in results]


def results_with_codes(results: Sequence[IndicatorResult], codes: set[str]) -> list[IndicatorResult]:
    """Return the results of those codes, in order; of stored results only those are decoded."""
    return [results[index] for index, (code, _digest) in enumerate(result_keys(results)) if code in codes]


def indicator_result(row, cycle: EvaluationCycle):
    """Return the plain result of an indicator row (indicators.selectors.rows.IndicatorRow) in the cycle."""
    indicator, result = row.indicator, row.result
    values = {key: measurement.value for key, measurement in row.figures.items()}  # each computed once
    actual = values.get((cycle.year, MeasurementKind.ACTUAL))
    target = values.get((cycle.year, MeasurementKind.TARGET))
    actual_points = sorted(
        (year, value) for (year, kind), value in values.items() if kind == MeasurementKind.ACTUAL and value is not None
    )
    history = [(year, value) for year, value in actual_points if year < cycle.year]
    ceiling = indicator.factor if indicator.is_share else None
    series = sorted((year, kind, value) for (year, kind), value in values.items())
    return IndicatorResult(
        code=indicator.code,
        name=indicator.name,
        product_number=indicator.product.number,
        product_name=indicator.product.name,
        dimension=indicator.dimension,
        control_scope=indicator.control_scope,
        unit=indicator.unit,
        decimals=indicator.decimals,
        is_descending=indicator.is_descending,
        is_illustrative=indicator.is_illustrative,
        weight=row.weighting.weight if row.weighting else Decimal(0),
        counts=bool(row.weighting and row.weighting.counts_for_incentive),
        excused=bool(row.analysis and row.analysis.external_accepted),
        actual=actual,
        target=target,
        percent=result.percent if result else None,
        classification=result.classification.value if result else Classification.PENDING,
        overachieved=bool(result and result.overachieved),
        trend=calculations.trend([value for _, value in actual_points], descending=indicator.is_descending),
        ambition=calculations.ambition_flags(
            history,
            target,
            target_year=cycle.year,
            descending=indicator.is_descending,
            ceiling=ceiling,
        ),
        series=series,
        projection=calculations.trend_projection(history, cycle.year, ceiling=ceiling),
        actual_terms=figure_terms(row.figures.get((cycle.year, MeasurementKind.ACTUAL))),
        target_terms=figure_terms(row.figures.get((cycle.year, MeasurementKind.TARGET))),
    )
