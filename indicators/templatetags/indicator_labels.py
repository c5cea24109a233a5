"""Template filters for the indicators' vocabularies: trend, kind of figure and dimensión in words.

Registered as template builtins (settings.TEMPLATES). Each filter reads the enum's own label: the words live
once, in indicators.calculations and indicators.models.
"""

from __future__ import annotations

from django import template

from core.numbers import MISSING
from indicators.calculations import Trend
from indicators.vocabulary import Dimension, MeasurementKind

register = template.Library()


@register.filter
def trend_label(item) -> str:
    """Return an indicator result's trend as an arrow and a word, or «—» without two efectivos.

    The arrow says where the values went, the word what that means by the indicator's sentido: efectivos
    falling 42 → 35 → 29,3 on a descendente indicator read «↓ mejora».
    """
    code, descending = getattr(item, "trend", item), bool(getattr(item, "is_descending", False))
    try:
        trend = Trend(code)
    except ValueError:
        return MISSING
    if trend is Trend.STEADY:
        return f"→ {trend.label}"
    rising = (trend is Trend.IMPROVING) != descending
    return f"{'↑' if rising else '↓'} {trend.label}"


@register.filter
def kind_label(code: str) -> str:
    """Return a kind of figure (efectivo, estimado, meta) in words of the page's language."""
    try:
        return str(MeasurementKind(code).label)
    except ValueError:
        return str(code)


@register.filter
def dimension_label(code: str) -> str:
    try:
        return str(Dimension(code).label)
    except ValueError:
        return str(code)
