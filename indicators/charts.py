"""Plotly figures as plain dicts: a dashboard with dozens of charts must not pay for building
`plotly.graph_objects.Figure` objects (about 2 ms each) on every request. Pure: no ORM.

The dicts follow plotly.js's schema; the tests validate them with plotly's own Figure.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import round_half_up
from indicators import calculations
from indicators.results import IndicatorResult

ACTUAL_COLOUR = "#0f3d6e"
ESTIMATE_COLOUR = "#6c757d"
TARGET_COLOUR = "#b35c00"

_LAYOUT = {
    "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
    "height": 180,
    "showlegend": False,
    "xaxis": {"type": "linear", "dtick": 1, "tickformat": "d", "fixedrange": True},
    "yaxis": {"fixedrange": True, "rangemode": "tozero"},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}
_CONFIG = {"displayModeBar": False, "responsive": True, "locale": "es"}


def _number(value: Decimal | None, decimals: int) -> float | None:
    """Return the value as the tables show it (rounded half up by the one helper), as a JSON number."""
    return None if value is None else float(round_half_up(value, decimals))


def series_figure(
    *,
    actuals: list[tuple[int, Decimal | None]],
    estimate: tuple[int, Decimal | None] | None,
    target: tuple[int, Decimal | None] | None,
    decimals: int,
    labels: dict[str, str],
) -> dict:
    """Return {"data", "layout", "config"} for an indicator's series: efectivo line, estimado, meta marked.

    `labels` names the traces in the page's language ({"actual", "estimate", "target"}).
    """
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": labels["actual"],
            "x": [year for year, _ in actuals],
            "y": [_number(value, decimals) for _, value in actuals],
            "line": {"color": ACTUAL_COLOUR},
            "hovertemplate": "%{x}: %{y}<extra>" + labels["actual"] + "</extra>",
        }
    ]
    if estimate is not None and estimate[1] is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": labels["estimate"],
                "x": [estimate[0]],
                "y": [_number(estimate[1], decimals)],
                "marker": {"color": ESTIMATE_COLOUR, "symbol": "circle-open", "size": 9},
                "hovertemplate": "%{x}: %{y}<extra>" + labels["estimate"] + "</extra>",
            }
        )
    shapes = []
    if target is not None and target[1] is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": labels["target"],
                "x": [target[0]],
                "y": [_number(target[1], decimals)],
                "marker": {"color": TARGET_COLOUR, "symbol": "star", "size": 13},
                "hovertemplate": "%{x}: %{y}<extra>" + labels["target"] + "</extra>",
            }
        )
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": _number(target[1], decimals),
                "y1": _number(target[1], decimals),
                "line": {"color": TARGET_COLOUR, "dash": "dot", "width": 1},
            }
        )
    return {"data": data, "layout": {**_LAYOUT, "shapes": shapes}, "config": _CONFIG}


def indicator_figure(item: IndicatorResult, cycle_year: int) -> dict:
    """Return the plotly figure of an indicator's series in the cycle: efectivos, estimado, meta."""
    actuals = [(year, value) for year, kind, value in item.series if kind == calculations.ACTUAL]
    estimate = next(((year, value) for year, kind, value in item.series if kind == calculations.ESTIMATE), None)
    target = next(
        ((year, value) for year, kind, value in item.series if kind == calculations.TARGET and year == cycle_year), None
    )
    labels = {"actual": _("Efectivo"), "estimate": _("Estimado"), "target": _("Meta")}
    return series_figure(actuals=actuals, estimate=estimate, target=target, decimals=item.decimals, labels=labels)
