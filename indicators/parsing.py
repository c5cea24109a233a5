"""Reading numbers as people type them, in the format of the page or file being read. No ORM, no request.

In Chile «1.078.000» is a million and seventy-eight thousand and «71,5» is seventy-one and a half; in English
«1,078,000» and «71.5». A mark that the format does not use that way (as «71.5» on a Spanish page, pasted
from an English spreadsheet) is refused with a message rather than guessed.

One rule for every path that reads typed text (the entry grid in either language, a spreadsheet's text cells,
the API's CSV in both dialects; docs/domain.md §2, «Números escritos»): a single mark followed by exactly
three digits, as in «1.078» or «1,500», is both a thousands group in one format and three decimals in the
other, so it is refused with a message that names both readings, unless the figure takes fewer than three
decimals and the mark is the format's thousands mark (then it can only be thousands; the format's decimal
mark stays decimal, and three decimals are too many for such a figure). A leading zero («0,078»), a second
group («1.078.000») or both marks («1.078,5») leave one reading only.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# One or more digits that do not start with 0, one mark, three digits: thousands or decimals?
TWO_READINGS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


class NumberFormatError(ValueError):
    """The text is not a number in the expected format; `code` says why («invalid», «wrong_mark»)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class AmbiguousNumberError(NumberFormatError):
    """The text reads as thousands in one format and as decimals in the other; str() is the message."""

    def __init__(self, text: str, *, whole: str, fraction: str):
        super().__init__("two_readings")
        self.text, self.whole, self.fraction = text, whole, fraction

    def __str__(self) -> str:
        return _(
            "«%(text)s» se puede leer de dos maneras: escriba %(whole)s (sin decimales) o %(fraction)s (con decimales)."
        ) % {"text": self.text, "whole": self.whole, "fraction": self.fraction}


def parse_decimal(
    text: str, *, decimal_sep: str = ",", thousand_sep: str = ".", decimals: int | None = None
) -> Decimal | None:
    """Return the Decimal that `text` writes, or None for empty text.

    Thousands separators are accepted only in groups of three («1.078.000»); spaces (also non-breaking)
    and a leading «+» are ignored. `decimals`: the most the figure takes (None: any); below three, a single
    thousands mark followed by three digits is thousands (its decimal mark stays decimal). Raises
    AmbiguousNumberError for the two readings (see the module) and NumberFormatError for the rest.
    """
    cleaned = text.replace("\u00a0", "").replace(" ", "").strip()
    if cleaned == "":
        return None
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    sign = ""
    if cleaned.startswith("-"):
        sign, cleaned = "-", cleaned[1:]
    # A figure that takes fewer than three decimals reads the format's thousands mark as thousands; its decimal
    # mark stays a decimal mark (read below, where too many decimals are refused), never a silent × 1000.
    ambiguous = TWO_READINGS.fullmatch(cleaned) and not (
        decimals is not None and decimals < 3 and cleaned[-4] == decimal_sep
    )
    if ambiguous:
        whole, fraction = Decimal(cleaned[:-4] + cleaned[-3:]), Decimal(cleaned[:-4] + "." + cleaned[-3:])
        if decimals is not None and decimals < 3:
            return Decimal(f"{sign}{whole}")
        raise AmbiguousNumberError(
            sign + cleaned, whole=f"{sign}{whole}", fraction=sign + _fraction_text(fraction, decimal_sep or ".")
        )
    integer, has_decimals, fraction_digits = cleaned.partition(decimal_sep)
    if (thousand_sep and thousand_sep in fraction_digits) or decimal_sep in fraction_digits:
        raise NumberFormatError("invalid")
    if thousand_sep and thousand_sep in integer:
        grouped = rf"\d{{1,3}}(?:{re.escape(thousand_sep)}\d{{3}})+"
        if not re.fullmatch(grouped, integer):
            raise NumberFormatError("wrong_mark")
        integer = integer.replace(thousand_sep, "")
    if not re.fullmatch(r"\d*", integer) or not re.fullmatch(r"\d*", fraction_digits):
        raise NumberFormatError("invalid")
    if integer == "" and fraction_digits == "":
        raise NumberFormatError("invalid")
    try:
        return Decimal(f"{sign}{integer or '0'}{'.' + fraction_digits if has_decimals and fraction_digits else ''}")
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise NumberFormatError("invalid") from None


def is_ambiguous(text: str) -> bool:
    """Whether `text` (as a page would show it) has the two readings of the module's rule."""
    return bool(TWO_READINGS.fullmatch(text.replace("\u00a0", "").replace(" ", "").strip().removeprefix("-")))


def _fraction_text(value: Decimal, decimal_sep: str) -> str:
    """Return the decimal reading written so that it has one reading only: «1,5», «1,0780», «1,0»."""
    digits = format(value.normalize(), "f")
    integer, _dot, fraction = digits.partition(".")
    fraction = {0: "0", 3: fraction + "0"}.get(len(fraction), fraction)
    return f"{integer}{decimal_sep}{fraction}"
