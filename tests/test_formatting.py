"""Numbers as Chileans write them (and as English readers do, when they choose English)."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.chile import format_number, format_percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1078"), None, "1.078"),
        (Decimal("1078.0000"), None, "1.078"),
        (Decimal("960"), None, "960"),
        (Decimal("29.2500"), None, "29,25"),
        (Decimal("29.25"), 1, "29,3"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("0"), 0, "0"),
        (8, None, "8"),
        (None, None, "—"),
        ("no es número", None, "—"),
    ],
)
def test_chilean_numbers(value, places, expected):
    with translation.override("es-cl"):
        assert format_number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("71.028"), 0, f"71{NBSP}%"),
        (Decimal("100"), 0, f"100{NBSP}%"),
        (Decimal("101.015"), 2, f"101,02{NBSP}%"),
        (None, 0, "—"),
    ],
)
def test_chilean_percentages(value, places, expected):
    with translation.override("es-cl"):
        assert format_percent(value, places) == expected


def test_english_grouping_when_english_is_chosen():
    with translation.override("en"):
        assert format_number(Decimal("1078.5"), 1) == "1,078.5"
