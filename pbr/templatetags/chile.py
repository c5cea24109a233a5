"""Number filters in the active locale's format: in Chile 1.078, 71,4 and «71 %».

Registered as template builtins (settings.TEMPLATES), so every template has them without {% load %}.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.calculations import round_half_up

register = template.Library()

MISSING = "—"
NBSP = "\u00a0"


def _as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, places: int | None = None) -> str:
    """Return the number grouped and with the locale's decimal mark; «—» for None or non-numbers.

    places None shows exactly the significant decimals (152.0000 → 152, 29.2500 → 29,25).
    """
    number = _as_decimal(value)
    if number is None:
        return MISSING
    if places is None:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    else:
        number = round_half_up(number, places)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_percent(value, places: int = 0) -> str:
    """Return the percentage as the locale writes it: «71 %» in Spanish (non-breaking space)."""
    text = format_number(value, places)
    if text == MISSING:
        return MISSING
    # Translators: a percentage; Spanish puts a space before the sign, English does not.
    return (_("%(number)s %%") % {"number": text}).replace(" %", NBSP + "%")


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
    from django.utils.formats import get_format

    return str(get_format(name))


@register.filter
def achievement_class(result) -> str:
    """Return the Bootstrap colour of an Achievement's classification (None: pending)."""
    return classification_class("pendiente" if result is None else str(result.classification))


@register.filter
def achievement_label(result) -> str:
    """Return an Achievement's classification in words, or «pendiente» without efectivo or meta yet."""
    return classification_label("pendiente" if result is None else str(result.classification))


@register.filter
def classification_class(classification: str) -> str:
    """Return the Bootstrap colour of a classification code (the word is always shown beside it)."""
    return {"cumplido": "success", "parcialmente_cumplido": "warning", "no_cumplido": "danger"}.get(
        str(classification), "secondary"
    )


@register.filter
def classification_label(classification: str) -> str:
    """Return a classification code in words («pendiente» when there is no result yet)."""
    labels = {
        "cumplido": _("cumplido"),
        "parcialmente_cumplido": _("parcialmente cumplido"),
        "no_cumplido": _("no cumplido"),
        "pendiente": _("pendiente"),
    }
    return labels.get(str(classification), str(classification))


@register.filter
def heat_class(share) -> str:
    """Return the heat-map class of a share of cumplidos (the number is always shown in the cell)."""
    number = _as_decimal(share)
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
def trend_label(trend) -> str:
    """Return an indicator's trend as an arrow and a word («↑ mejora»), or «—» without two efectivos."""
    labels = {"mejora": _("↑ mejora"), "empeora": _("↓ empeora"), "estable": _("→ estable")}
    return labels.get(trend, MISSING)


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
