"""Reading numbers as people type them, in the locale's format. Pure: no Django, no ORM.

In Chile «1.078» is one thousand and seventy-eight and «71,5» is seventy-one and a half. A dot that
is not a thousands separator (as in «71.5», pasted from an English spreadsheet) is ambiguous, so it
is refused with a message rather than guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation


class NumberFormatError(ValueError):
    """The text is not a number in the expected format; str() is the message for the person."""


def parse_decimal(text: str, *, decimal_sep: str = ",", thousand_sep: str = ".") -> Decimal | None:
    """Return the Decimal that `text` writes, or None for empty text.

    Thousands separators are accepted only in groups of three («1.078.000»); spaces (also non-breaking)
    and a leading «+» are ignored. Raises NumberFormatError with a message in the caller's words.
    """
    cleaned = text.replace("\u00a0", "").replace(" ", "").strip()
    if cleaned == "":
        return None
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    sign = ""
    if cleaned.startswith("-"):
        sign, cleaned = "-", cleaned[1:]
    integer, has_decimals, decimals = cleaned.partition(decimal_sep)
    if thousand_sep in decimals or decimal_sep in decimals:
        raise NumberFormatError("not a number")
    if thousand_sep and thousand_sep in integer:
        grouped = rf"\d{{1,3}}(?:{re.escape(thousand_sep)}\d{{3}})+"
        if not re.fullmatch(grouped, integer):
            raise NumberFormatError("ambiguous separator")
        integer = integer.replace(thousand_sep, "")
    if not re.fullmatch(r"\d*", integer) or not re.fullmatch(r"\d*", decimals):
        raise NumberFormatError("not a number")
    if integer == "" and decimals == "":
        raise NumberFormatError("not a number")
    try:
        return Decimal(f"{sign}{integer or '0'}{'.' + decimals if has_decimals and decimals else ''}")
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise NumberFormatError("not a number") from None
