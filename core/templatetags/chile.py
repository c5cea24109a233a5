"""Number filters in the active locale's format: in Chile 1.078, 71,4 and «71 %».

Registered as template builtins (settings.TEMPLATES), so every template has them without {% load %}.
"""

from __future__ import annotations

from django import template
from django.utils.formats import get_format

from core.numbers import as_decimal, format_number, format_percent

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
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dictionary's value in a template."""
    return mapping.get(key) if mapping else None
