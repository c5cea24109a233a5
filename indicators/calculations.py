"""Pure, exact arithmetic of Formulario H indicators. No ORM here: plain values in, Decimal out.

Rule source: DIPRES, Formulario H (value = numerator / denominator × factor) and domain.md §2.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from core.numbers import PRECISION

# The four ámbitos de control and the three columns the DIPRES table groups them in.
SCOPE_RESULT_INTERMEDIATE = "resultado_intermedio"
SCOPE_RESULT_FINAL = "resultado_final"
SCOPE_PRODUCT = "producto"
SCOPE_PROCESS = "proceso"
SCOPE_COLUMNS = {
    SCOPE_RESULT_INTERMEDIATE: "result",
    SCOPE_RESULT_FINAL: "result",
    SCOPE_PRODUCT: "product",
    SCOPE_PROCESS: "process",
}


def indicator_value(
    numerator: Decimal | None, denominator: Decimal | None, factor: Decimal = Decimal(100)
) -> Decimal | None:
    """Return numerator / denominator × factor, exact to 34 digits.

    A count indicator has no denominator: its value is the numerator itself (the factor only scales
    ratios). None where the value is undefined: no numerator, or a denominator of 0 (invalid input that
    the forms and the database refuse, never a crash here).
    """
    if numerator is None:
        return None
    if denominator is None:
        return numerator
    if denominator == 0:
        return None
    with localcontext(prec=PRECISION):
        return numerator / denominator * factor


def indicator_ratio(
    numerator: Decimal | None, denominator: Decimal | None, factor: Decimal = Decimal(100)
) -> Fraction | None:
    """Return numerator / denominator × factor as an exact fraction, for scoring; None where undefined.

    `indicator_value` is the same number to 34 digits, for showing; achievement divides two of these
    values, so it must start from the exact ones (a meta of 1/3 and an efectivo of 1/3 give exactly 100 %).
    """
    if numerator is None:
        return None
    if denominator is None:
        return Fraction(numerator)
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator) * Fraction(factor)


@dataclass(frozen=True)
class ScopeCounts:
    """Numbers of indicators in each column of the DIPRES table «por producto × ámbito de control»."""

    result: int = 0
    product: int = 0
    process: int = 0

    @property
    def total(self) -> int:
        return self.result + self.product + self.process

    def __add__(self, other: ScopeCounts) -> ScopeCounts:
        return ScopeCounts(self.result + other.result, self.product + other.product, self.process + other.process)

    def shares(self) -> dict[str, Decimal | None]:
        """Return each column's share of the total in percent (total 100); None for all when total is 0."""
        total = self.total
        columns = {"total": total, "result": self.result, "product": self.product, "process": self.process}
        if total == 0:
            return dict.fromkeys(columns)
        with localcontext(prec=PRECISION):
            return {key: Decimal(count) / Decimal(total) * 100 for key, count in columns.items()}


def budget_execution(executed: Decimal | None, allocated: Decimal | None) -> Decimal | None:
    """Return executed / allocated × 100; None without execution or with nothing allocated."""
    if executed is None or not allocated:
        return None
    return indicator_value(executed, allocated, Decimal(100))


def unit_cost(executed: Decimal | None, output: Decimal | None) -> Decimal | None:
    """Return the money executed per unit of output (M$ per unit); None without execution or output."""
    if executed is None or not output:
        return None
    with localcontext(prec=PRECISION):
        return executed / output


def count_scopes(scopes: Iterable[str]) -> ScopeCounts:
    """Return the counts of the given ámbitos de control, resultado intermedio and final together.

    Raises ValueError for an ámbito the table does not know.
    """
    tally = {"result": 0, "product": 0, "process": 0}
    for scope in scopes:
        try:
            tally[SCOPE_COLUMNS[scope]] += 1
        except KeyError:
            raise ValueError(f"unknown control scope: {scope!r}") from None
    return ScopeCounts(**tally)


ACTUAL, ESTIMATE, TARGET = "efectivo", "estimado", "meta"


def cycle_columns(year: int, history_years: int) -> list[tuple[int, str]]:
    """Return the (year, kind) columns of a cycle's Formulario H, oldest first.

    For the 2012 cycle with 4 years of history: efectivo 2008–2010, estimado 2011, meta 2012, as the
    DIPRES tables lay them out. Raises ValueError when history_years is below 1 (no room for an estimate).
    """
    if history_years < 1:
        raise ValueError("a cycle shows at least an estimate and a target")
    actual_years = range(year - history_years, year - 1)
    return [(y, ACTUAL) for y in actual_years] + [(year - 1, ESTIMATE), (year, TARGET)]


class Trend(enum.StrEnum):
    """Where an indicator's last two efectivos went, judged by its sentido."""

    IMPROVING = "mejora"
    WORSENING = "empeora"
    STEADY = "estable"

    @property
    def label(self) -> str:
        """Return the judgement in words of the page's language («mejora»)."""
        return str({Trend.IMPROVING: _("mejora"), Trend.WORSENING: _("empeora"), Trend.STEADY: _("estable")}[self])


IMPROVING, WORSENING, STEADY = Trend.IMPROVING, Trend.WORSENING, Trend.STEADY


def trend(values: list[Decimal], *, descending: bool) -> Trend | None:
    """Return whether the last two values show the indicator improving, worsening or steady.

    Improving means rising for an ascendente indicator and falling for a descendente one. None with fewer
    than two values.
    """
    if len(values) < 2:
        return None
    previous, last = values[-2], values[-1]
    if last == previous:
        return STEADY
    rising = last > previous
    return IMPROVING if rising != descending else WORSENING


def linear_projection(points: list[tuple[int, Decimal]], year: int) -> Decimal | None:
    """Return the least-squares line through (year, value) points evaluated at `year`; None below 3 points."""
    if len(points) < 3:
        return None
    with localcontext(prec=PRECISION):
        n = Decimal(len(points))
        mean_x = sum(Decimal(x) for x, _ in points) / n
        mean_y = sum(y for _, y in points) / n
        sxx = sum((Decimal(x) - mean_x) ** 2 for x, _ in points)
        if sxx == 0:
            return None
        sxy = sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in points)
        return mean_y + sxy / sxx * (Decimal(year) - mean_x)


LAX_VS_LAST = "meta_bajo_ultimo_efectivo"
LAX_VS_TREND = "meta_bajo_tendencia"
STEEP_VS_TREND = "meta_sobre_tendencia"


def trend_projection(
    actuals: list[tuple[int, Decimal]], year: int, *, ceiling: Decimal | None = None
) -> Decimal | None:
    """Return the linear trend of the efectivos at `year`, capped by `ceiling` (100 % for a share of a
    whole: a trend cannot promise 118 %); None below three efectivos."""
    projection = linear_projection(actuals, year)
    if projection is not None and ceiling is not None:
        projection = min(projection, ceiling)
    return projection


def ambition_flags(
    actuals: list[tuple[int, Decimal]],
    target: Decimal | None,
    *,
    target_year: int,
    descending: bool,
    tolerance: Decimal = Decimal("0.10"),
    ceiling: Decimal | None = None,
) -> list[str]:
    """Return the flags a reviewer should see about a meta's ambition, judged by the indicator's sentido.

    - LAX_VS_LAST: the meta asks for less than the last efectivo already achieved (below it when
      ascendente, above it when descendente).
    - LAX_VS_TREND / STEEP_VS_TREND: the meta lies more than `tolerance` (share of the projected value)
      on the lax or the steep side of the linear trend of the efectivos (three or more of them): for a
      descendente indicator whose efectivos fall, the lax side is above the falling line.
    """
    if target is None or not actuals:
        return []
    flags = []
    last = sorted(actuals)[-1][1]
    if (target < last) if not descending else (target > last):
        flags.append(LAX_VS_LAST)
    projection = trend_projection(actuals, target_year, ceiling=ceiling)
    if projection is not None and projection > 0:
        with localcontext(prec=PRECISION):
            gap = (target - projection) / projection
        lax_side = -gap if not descending else gap
        if lax_side > tolerance:
            flags.append(LAX_VS_TREND)
        elif lax_side < -tolerance:
            flags.append(STEEP_VS_TREND)
    return flags


def medium_term_path(baseline: tuple[int, Decimal] | None, target: tuple[int, Decimal], year: int) -> Decimal | None:
    """Return where the straight path from the baseline (the last efectivo: year, value) to a medium-term
    target (year, value) stands in `year`; None without a baseline. The path is the least a meta on the way
    should ask for."""
    if baseline is None:
        return None
    (first, start), (last, end) = baseline, target
    if last <= first:
        return end
    with localcontext(prec=PRECISION):
        return start + (end - start) * (year - first) / (last - first)


def meta_on_the_way(meta: Decimal, path: Decimal, *, descending: bool) -> bool:
    """Return whether a meta asks at least what the path to the medium-term target needs that year (at most,
    for a descendente indicator: less is better)."""
    return meta <= path if descending else meta >= path
