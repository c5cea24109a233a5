"""Number filters in the active locale's format: in Chile 1.078, 71,4 and «71 %».

Registered as template builtins (settings.TEMPLATES), so every template has them without {% load %}.
"""

from __future__ import annotations

from django import template
from django.utils.formats import get_format

from evaluation.scoring import Classification
from indicators.calculations import Trend
from pbr.numbers import MISSING, as_decimal, format_number, format_percent

register = template.Library()


@register.filter
def num(value, places=None) -> str:
    """{{ value|num }} or {{ value|num:2 }}."""
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def pct(value, places=0) -> str:
    """{{ value|pct }} or {{ value|pct:2 }}."""
    return format_percent(value, int(places))


@register.filter
def indicator_value(value, indicator) -> str:
    """Return a computed indicator value with the indicator's decimals, as a percentage where it is one."""
    if indicator.unit == "porcentaje":
        return format_percent(value, indicator.decimals)
    return format_number(value, indicator.decimals)


@register.simple_tag
def locale_format(name: str) -> str:
    """{% locale_format "DECIMAL_SEPARATOR" %}: a format setting of the active language."""
    return str(get_format(name))


@register.filter
def achievement_class(result) -> str:
    """Return the Bootstrap colour of an Achievement's classification (None: pending)."""
    return _classification(Classification.PENDING if result is None else result.classification).css


@register.filter
def achievement_label(result) -> str:
    """Return an Achievement's classification in words, or «pendiente» without efectivo or meta yet."""
    return _classification(Classification.PENDING if result is None else result.classification).label


@register.filter
def classification_class(classification: str) -> str:
    """Return the Bootstrap colour of a classification (the word is always shown beside it)."""
    return _classification(classification).css


@register.filter
def classification_label(classification: str) -> str:
    """Return a classification in words («pendiente» when there is no result yet)."""
    return _classification(classification).label


def _classification(code) -> Classification:
    try:
        return Classification(code)
    except ValueError:
        return Classification.PENDING


@register.filter
def heat_class(share) -> str:
    """Return the heat-map class of a share of cumplidos (the number is always shown in the cell)."""
    number = as_decimal(share)
    if number is None:
        return "heat-none"
    if number >= 95:
        return "heat-4"
    if number >= 80:
        return "heat-3"
    if number >= 50:
        return "heat-2"
    return "heat-1"


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
    # Imported here: template libraries load before the apps' models are ready.
    from indicators.models import MeasurementKind

    try:
        return str(MeasurementKind(code).label)
    except ValueError:
        return str(code)


@register.filter
def dimension_label(code: str) -> str:
    from indicators.models import Dimension

    try:
        return str(Dimension(code).label)
    except ValueError:
        return str(code)


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dictionary's value in a template."""
    return mapping.get(key) if mapping else None


@register.filter
def submission_status_label(code: str) -> str:
    """Return a submission status code in words."""
    from evaluation.models import SubmissionStatus

    try:
        return str(SubmissionStatus(code).label)
    except ValueError:
        return str(code)
