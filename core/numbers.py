"""Exact numbers and their text: the one rounding helper and the one decimal-to-text helper of the project.

Tables, charts, exports, spreadsheets and the scoring all round through `round_half_up` and write numbers
through `format_number` / `format_percent`, so a figure never reads 29,3 in a table and 29.2 in a chart.
The lowest layer: it imports nothing of the project (docs/domain.md, «Números»).
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Enough digits for any ratio of the 18-digit numbers the database stores.
PRECISION = 34
MISSING = "—"
NBSP = "\u00a0"

Number = Decimal | Fraction | int


def exact(value: Number) -> Fraction:
    """Return the value as an exact fraction (a Decimal converts without loss)."""
    return value if isinstance(value, Fraction) else Fraction(value)


def round_half_up(value: Number, places: int) -> Decimal:
    """Return value rounded once, exactly, to `places` decimals, halves away from zero (as DIPRES rounds).

    A Fraction is rounded from its exact value, so 18999/200 (94,995) gives 95,00 and never 94,99 through
    an intermediate rounding.
    """
    scaled = exact(value) * 10**places
    magnitude = abs(scaled)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(-whole if scaled < 0 else whole).scaleb(-places)


def as_decimal(value) -> Decimal | None:
    """Return a number given as Decimal, Fraction, int, float or text as a Decimal; None for anything else."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Fraction):
        return round_half_up(value, PRECISION // 2)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, places: int | None = None) -> str:
    """Return the number grouped and with the active language's decimal mark; «—» for None or non-numbers.

    In Spanish 1.078 and 29,3; in English 1,078 and 29.3. `places` None shows exactly the significant
    decimals (152.0000 → 152, 29.2500 → 29,25); otherwise the number is rounded half up to `places`.
    """
    number = as_decimal(value)
    if number is None:
        return MISSING
    if places is None:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    else:
        number = round_half_up(number, places)
    decimal_mark, thousands_mark, grouping = _marks(get_language())
    if grouping != 3:  # a locale grouping otherwise (none here): Django's general formatter
        return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    if not number:
        number = abs(number)  # never «-0»
    text = f"{number:,.{places}f}"  # grouped by three with «,», decimals after «.»
    return text.translate({ord(","): thousands_mark, ord("."): decimal_mark})


@functools.cache
def _marks(language: str | None) -> tuple[str, str, int]:
    """Return the language's decimal mark, thousands mark and grouping (read once per language)."""
    with translation.override(language):
        return get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR"), get_format("NUMBER_GROUPING")


def format_percent(value, places: int = 0) -> str:
    """Return the percentage as the active language writes it: «71 %» in Spanish (non-breaking space)."""
    text = format_number(value, places)
    if text == MISSING:
        return MISSING
    # Translators: a percentage; Spanish puts a space before the sign, English does not.
    return (_("%(number)s %%") % {"number": text}).replace(" %", NBSP + "%")


def plain_number(value, places: int | None = None) -> str:
    """Return the number as machine text («29.3», no grouping), rounded as `format_number` does; '' for None."""
    number = as_decimal(value)
    if number is None:
        return ""
    if places is not None:
        number = round_half_up(number, places)
    return format(number.normalize() if places is None else number, "f")


def parse_whole_amount(text: str) -> Decimal | None:
    """Return a whole amount a spreadsheet cell holds, as a number or as Chilean text (12.500 or 12500); None
    when empty. Raises ValueError with the message for the person (thousands of pesos have no decimals)."""
    if not text:
        return None
    cleaned = text.replace(" ", "")
    if "," in cleaned:
        raise ValueError(_("Los montos son miles de pesos enteros (sin decimales)."))
    if cleaned.count(".") and all(len(part) == 3 for part in cleaned.split(".")[1:]):
        cleaned = cleaned.replace(".", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("«%(text)s» no es un monto.") % {"text": text}) from None
    if number != number.to_integral_value():
        raise ValueError(_("Los montos son miles de pesos enteros (sin decimales)."))
    if number < 0:
        raise ValueError(_("El monto no puede ser negativo."))
    return number.quantize(Decimal(1))
