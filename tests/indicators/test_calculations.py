"""The pure arithmetic of indicators: exact values, the DIPRES rounding, the product × ámbito table."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import round_half_up
from indicators.calculations import (
    ScopeCounts,
    count_scopes,
    cycle_columns,
    indicator_value,
)

D = Decimal


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        # The document's Coquimbo table.
        (152, 214, 71),
        (242, 263, 92),
        (262, 281, 93),
        (247, 263, 94),
        (250, 262, 95),
        # The document's Bío Bío table.
        (761, 928, 82),
        (1078, 1142, 94),
        (1045, 1095, 95),
        (1020, 1020, 100),
        (960, 1000, 96),
    ],
)
def test_document_values_round_to_the_published_percentages(numerator, denominator, shown):
    value = indicator_value(D(numerator), D(denominator), D(100))
    assert round_half_up(value, 0) == D(shown)


def test_value_is_exact_not_float():
    assert indicator_value(D(1), D(3), D(100)) == D("33.33333333333333333333333333333333")
    assert indicator_value(D("0.1"), D("0.3"), D(1)) == D("0.3333333333333333333333333333333333")


def test_denominator_zero_is_undefined_not_a_crash():
    assert indicator_value(D(5), D(0), D(100)) is None


def test_count_indicator_value_is_the_numerator():
    assert indicator_value(D(4), None, D(1)) == D(4)
    assert indicator_value(D(4), None, D(100)) == D(4)


def test_missing_numerator_is_undefined():
    assert indicator_value(None, D(10), D(100)) is None


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("94.5", 0, "95"),
        ("94.4999", 0, "94"),
        ("95.425", 2, "95.43"),
        ("0.5", 0, "1"),
        ("-0.5", 0, "-1"),
        ("71.0280373", 1, "71.0"),
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(D(value), places) == D(expected)


@given(
    numerator=st.integers(min_value=0, max_value=10**12),
    extra=st.integers(min_value=0, max_value=10**12),
)
def test_a_share_of_a_whole_stays_between_0_and_the_factor(numerator, extra):
    denominator = numerator + extra
    if denominator == 0:
        assert indicator_value(D(numerator), D(denominator), D(100)) is None
        return
    value = indicator_value(D(numerator), D(denominator), D(100))
    assert D(0) <= value <= D(100)


@given(
    numerator=st.decimals(min_value=0, max_value=10**9, places=4),
    denominator=st.decimals(min_value=D("0.0001"), max_value=10**9, places=4),
)
def test_value_times_denominator_gives_back_the_numerator(numerator, denominator):
    value = indicator_value(numerator, denominator, D(1))
    assert abs(value * denominator - numerator) <= D("1e-20") * max(numerator, D(1))


def test_antofagasta_table_counts_and_shares():
    product_1 = count_scopes(["producto"] * 3 + ["proceso"] * 2)
    product_2 = count_scopes(["producto"] * 2)
    product_3 = count_scopes([])
    product_4 = count_scopes(["producto"])
    assert (product_1.total, product_1.result, product_1.product, product_1.process) == (5, 0, 3, 2)
    assert product_3 == ScopeCounts(0, 0, 0)
    total = product_1 + product_2 + product_3 + product_4
    assert (total.total, total.result, total.product, total.process) == (8, 0, 6, 2)
    assert total.shares() == {"total": D(100), "result": D(0), "product": D(75), "process": D(25)}


def test_result_column_adds_intermediate_and_final_results():
    counts = count_scopes(["resultado_intermedio", "resultado_final", "proceso"])
    assert counts == ScopeCounts(result=2, product=0, process=1)


def test_shares_of_an_empty_table_are_undefined():
    assert ScopeCounts().shares() == {"total": None, "result": None, "product": None, "process": None}


def test_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="unknown control scope"):
        count_scopes(["impacto"])


def test_cycle_columns_follow_the_document_headers():
    assert cycle_columns(2012, 4) == [
        (2008, "efectivo"),
        (2009, "efectivo"),
        (2010, "efectivo"),
        (2011, "estimado"),
        (2012, "meta"),
    ]
    assert cycle_columns(2013, 2) == [(2011, "efectivo"), (2012, "estimado"), (2013, "meta")]
    assert cycle_columns(2013, 1) == [(2012, "estimado"), (2013, "meta")]
    with pytest.raises(ValueError, match="at least"):
        cycle_columns(2012, 0)
