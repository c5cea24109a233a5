"""Trend and target ambition: pure, exact."""

from decimal import Decimal

import pytest

from indicators.calculations import (
    LAX_VS_LAST,
    LAX_VS_TREND,
    STEEP_VS_TREND,
    ambition_flags,
    linear_projection,
    trend,
)

D = Decimal


@pytest.mark.parametrize(
    ("values", "descending", "expected"),
    [
        ([D(90), D(95)], False, "mejora"),
        ([D(95), D(90)], False, "empeora"),
        ([D(95), D(90)], True, "mejora"),
        ([D(90), D(90)], False, "estable"),
        ([D(90)], False, None),
        ([], True, None),
    ],
)
def test_trend(values, descending, expected):
    assert trend(values, descending=descending) == expected


def test_linear_projection_is_exact_on_a_line():
    points = [(2008, D(10)), (2009, D(20)), (2010, D(30))]
    assert linear_projection(points, 2012) == D(50)
    assert linear_projection(points[:2], 2012) is None


def test_coquimbo_2012_target_is_not_lax():
    # Efectivos 71 %, 92 %, 93 %: the straight line promises 118 % in 2012, but a share stops at 100 %,
    # and the meta of 95,42 % is within 10 % of that.
    actuals = [(2008, D(152) / D(214) * 100), (2009, D(242) / D(263) * 100), (2010, D(262) / D(281) * 100)]
    target = D(250) / D(262) * 100
    assert ambition_flags(actuals, target, target_year=2012, descending=False, ceiling=D(100)) == []
    assert ambition_flags(actuals, target, target_year=2012, descending=False) == [LAX_VS_TREND]


def test_a_target_below_the_last_actual_is_flagged():
    assert LAX_VS_LAST in ambition_flags([(2010, D(95))], D(94), target_year=2012, descending=False)
    assert LAX_VS_LAST in ambition_flags([(2010, D(20))], D(22), target_year=2012, descending=True)
    assert ambition_flags([(2010, D(20))], D(18), target_year=2012, descending=True) == []


def test_targets_far_off_the_trend_are_flagged_on_their_side():
    rising = [(2008, D(50)), (2009, D(60)), (2010, D(70))]  # projects 90 in 2012
    assert ambition_flags(rising, D(75), target_year=2012, descending=False) == [LAX_VS_TREND]
    assert ambition_flags(rising, D(120), target_year=2012, descending=False) == [STEEP_VS_TREND]
    assert ambition_flags(rising, D(90), target_year=2012, descending=False) == []
    falling_days = [(2008, D(42)), (2009, D(35)), (2010, D("29.25"))]  # AN-04: projects about 16,7 days
    assert LAX_VS_TREND in ambition_flags(falling_days, D(24), target_year=2012, descending=True)


def test_no_target_no_flags():
    assert ambition_flags([(2010, D(1))], None, target_year=2012, descending=False) == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Decimal(24), [LAX_VS_TREND]),  # above the falling line (16,3): lax
        (Decimal(17), []),  # on the line
        (Decimal(12), [STEEP_VS_TREND]),  # well below it: steep
        (Decimal(30), [LAX_VS_LAST, LAX_VS_TREND]),  # above the last efectivo too
    ],
)
def test_descending_meta_is_judged_against_the_falling_line(target, expected):
    actuals = [(2008, Decimal(42)), (2009, Decimal(35)), (2010, Decimal("29.25"))]
    assert ambition_flags(actuals, target, target_year=2012, descending=True) == expected
