"""Scoring rules of domain.md §3–4, as pure functions: every edge, and the invariants as properties."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.scoring import (
    Achievement,
    BonusTier,
    Classification,
    Rules,
    WeightedIndicator,
    Weighting,
    achievement,
    bonus_tier,
    classify,
    earned_weight,
    institutional_compliance,
)
from indicators.calculations import indicator_ratio

D = Decimal
MET, PARTIAL, NOT_MET = Classification.MET, Classification.PARTIAL, Classification.NOT_MET
percents = st.decimals(min_value=0, max_value=1000, places=2)


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        ("100", MET),
        ("95", MET),
        ("94.99", PARTIAL),
        ("80", PARTIAL),
        ("79.99", NOT_MET),
        ("0", NOT_MET),
        ("101.02", MET),
    ],
)
def test_classification_edges(percent, expected):
    assert classify(D(percent)) == expected


def test_classification_thresholds_come_from_the_cycle():
    strict = Rules(met_threshold=D(100), partial_threshold=D(90))
    assert classify(D("99.99"), strict) == PARTIAL
    assert classify(D("89.99"), strict) == NOT_MET


@pytest.mark.parametrize(
    ("actual", "target", "descending", "percent", "classification"),
    [
        # Ascendente: efectivo / meta × 100, uncapped.
        ("96", "96", False, "100.00", MET),
        ("91.2", "96", False, "95.00", MET),
        ("91.19", "96", False, "94.99", PARTIAL),
        ("76.8", "96", False, "80.00", PARTIAL),
        ("76.79", "96", False, "79.99", NOT_MET),
        ("101.02", "100", False, "101.02", MET),
        # Descendente: meta / efectivo × 100.
        ("20", "24", True, "120.00", MET),
        ("30", "24", True, "80.00", PARTIAL),
    ],
)
def test_achievement(actual, target, descending, percent, classification):
    result = achievement(D(actual), D(target), descending=descending)
    assert result.percent == D(percent)
    assert result.classification == classification


def test_achievement_is_rounded_to_two_decimals_before_classifying():
    # 94.995 % is shown as 95,00 %: it must not be called «parcialmente cumplido» beside that figure.
    result = achievement(D("94.995"), D(100), descending=False)
    assert result.percent == D("95.00")
    assert result.classification == MET


def test_target_zero_on_an_ascending_indicator_is_met_without_a_percentage():
    result = achievement(D(0), D(0), descending=False)
    assert result == Achievement(percent=None, classification=MET, overachieved=False)
    assert achievement(D(3), D(0), descending=False).classification == MET


def test_descending_indicator_with_actual_zero_is_met_without_a_percentage():
    result = achievement(D(0), D(24), descending=True)
    assert result.percent is None
    assert result.classification == MET


def test_descending_indicator_with_target_zero_and_actual_above_is_not_met():
    result = achievement(D(5), D(0), descending=True)
    assert result.percent == D("0.00")
    assert result.classification == NOT_MET


def test_missing_actual_or_target_is_pending_not_zero():
    assert achievement(None, D(95), descending=False) is None
    assert achievement(D(95), None, descending=False) is None


def test_overachievement_above_the_cycle_threshold():
    assert achievement(D("130.01"), D(100), descending=False).overachieved is True
    assert achievement(D(130), D(100), descending=False).overachieved is False
    assert achievement(D(120), D(100), descending=False, rules=Rules(overachievement_threshold=D(110))).overachieved


@pytest.mark.parametrize(
    ("compliance", "rate", "share"),
    [
        ("100", "7.6", "100"),
        ("90", "7.6", "100"),
        ("89.99", "3.8", "50.00"),
        ("75", "3.8", "50.00"),
        ("74.99", "0", "0"),
        ("0", "0", "0"),
    ],
)
def test_bonus_tier_edges(compliance, rate, share):
    assert bonus_tier(D(compliance)) == BonusTier(rate=D(rate), share=D(share))


def test_no_compliance_earns_no_bonus():
    assert bonus_tier(None) == BonusTier(rate=D(0), share=D(0))


def met(percent="100"):
    return achievement(D(percent), D(100), descending=False)


def test_all_or_nothing_weighted_compliance():
    items = [
        WeightedIndicator(D(40), met("100")),
        WeightedIndicator(D(35), met("96")),
        WeightedIndicator(D(25), met("94.99")),  # parcialmente cumplido earns nothing
    ]
    result = institutional_compliance(items)
    assert result.percent == D("75.00")
    assert result.earned == D(75)
    assert result.committed == D(100)
    assert bonus_tier(result.percent).rate == D("3.8")


def test_proportional_weighted_compliance_never_earns_more_than_committed():
    rules = Rules(weighting=Weighting.PROPORTIONAL)
    items = [WeightedIndicator(D(50), met("150")), WeightedIndicator(D(50), met("80"))]
    result = institutional_compliance(items, rules)
    assert result.percent == D("90.00")


def test_scoring_cap_limits_the_proportional_score():
    rules = Rules(weighting=Weighting.PROPORTIONAL, scoring_cap=D(100))
    assert met("150").score(rules) == D(100)
    assert met("150").score(Rules()) == D("150.00")


def test_indicators_that_do_not_count_are_left_out():
    items = [
        WeightedIndicator(D(50), met("100")),
        WeightedIndicator(D(50), met("10"), counts=False),  # excused: accepted external causes
    ]
    assert institutional_compliance(items).percent == D("100.00")


def test_pending_indicators_earn_nothing_and_are_counted():
    items = [WeightedIndicator(D(60), met("100")), WeightedIndicator(D(40), None)]
    result = institutional_compliance(items)
    assert result.percent == D("60.00")
    assert result.pending == 1


def test_no_weight_committed_means_no_compliance():
    assert institutional_compliance([]).percent is None
    assert institutional_compliance([WeightedIndicator(D(0), met())]).percent is None


@given(percent=percents, other=percents)
def test_classification_is_monotonic(percent, other):
    order = [NOT_MET, PARTIAL, MET]
    low, high = sorted([percent, other])
    assert order.index(classify(low)) <= order.index(classify(high))


@given(
    actual=st.decimals(min_value="0.01", max_value=10**6, places=2),
    target=st.decimals(min_value="0.01", max_value=10**6, places=2),
)
def test_descending_is_the_reciprocal_of_ascending(actual, target):
    up = achievement(actual, target, descending=False).percent
    down = achievement(target, actual, descending=True).percent
    assert up == down


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=100, places=2),
            st.one_of(st.none(), percents),
            st.booleans(),
        ),
        max_size=30,
    ),
    st.sampled_from(list(Weighting)),
)
def test_compliance_stays_between_0_and_100(rows, weighting):
    rules = Rules(weighting=weighting)
    items = [
        WeightedIndicator(weight, None if p is None else achievement(p, D(100), descending=False), counts)
        for weight, p, counts in rows
    ]
    for item in items:
        assert D(0) <= earned_weight(item, rules) <= item.weight
    result = institutional_compliance(items, rules)
    if result.percent is not None:
        assert D(0) <= result.percent <= D(100)


@given(
    compliance=st.decimals(min_value=0, max_value=100, places=2),
    other=st.decimals(min_value=0, max_value=100, places=2),
)
def test_bonus_never_falls_as_compliance_rises(compliance, other):
    low, high = sorted([compliance, other])
    assert bonus_tier(low).rate <= bonus_tier(high).rate


# Achievement from the figures themselves: exact at the rounding edges, whatever the intermediate values.
@pytest.mark.parametrize(
    ("target", "actual", "percent", "expected"),
    [
        # AN-04: a meta of 1.800 / 75 = 24 días; efectivos whose exact cumplimiento is 94,995 % and 79,995 %.
        ((1800, 75), (480000, 18999), "95.00", MET),
        ((1800, 75), (480000, 15999), "80.00", PARTIAL),
        ((1800, 75), (2400000, 94995), "95.00", MET),
        # Both values inexact: a meta of 1/3 against an efectivo of 1/3 is exactly 100 %.
        ((1, 3), (1, 3), "100.00", MET),
    ],
)
def test_descending_achievement_is_exact_at_the_edges(target, actual, percent, expected):
    meta = indicator_ratio(D(target[0]), D(target[1]), D(1))
    efectivo = indicator_ratio(D(actual[0]), D(actual[1]), D(1))
    result = achievement(efectivo, meta, descending=True)
    assert (result.percent, result.classification) == (D(percent), expected)


def _reference_classification(numerators, denominators, *, descending, factor):
    """The classification computed the slow, obvious way: Fractions all along, rounded half up once."""
    (actual_n, target_n), (actual_d, target_d) = numerators, denominators
    actual = Fraction(actual_n) / Fraction(actual_d) * Fraction(factor)
    target = Fraction(target_n) / Fraction(target_d) * Fraction(factor)
    dividend, divisor = (target, actual) if descending else (actual, target)
    if divisor == 0:
        return MET
    scaled = dividend / divisor * 10000
    cents = int(scaled) + (scaled - int(scaled) >= Fraction(1, 2))
    return classify(D(cents) / 100)


amounts = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(D),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)
positive_amounts = st.one_of(
    st.integers(min_value=1, max_value=10**9).map(D),
    st.decimals(min_value=D("0.0001"), max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)


@given(
    numerators=st.tuples(amounts, amounts),
    denominators=st.tuples(positive_amounts, positive_amounts),
    descending=st.booleans(),
    factor=st.sampled_from([D(1), D(100), D(1000)]),
)
def test_classification_equals_the_exact_rational_one(numerators, denominators, descending, factor):
    actual = indicator_ratio(numerators[0], denominators[0], factor)
    target = indicator_ratio(numerators[1], denominators[1], factor)
    result = achievement(actual, target, descending=descending)
    assert result.classification == _reference_classification(
        numerators, denominators, descending=descending, factor=factor
    )


@given(
    target=st.integers(min_value=1, max_value=10**6),
    cents=st.sampled_from([7999, 8000, 9499, 9500]),
    descending=st.booleans(),
)
def test_half_cent_edges_round_up(target, cents, descending):
    """An efectivo placed exactly at xx,xx5 % of its meta reads the rounded-up percentage."""
    exact_percent = Fraction(cents * 10 + 5, 1000)
    meta = Fraction(target)
    efectivo = meta * 100 / exact_percent if descending else meta * exact_percent / 100
    result = achievement(efectivo, meta, descending=descending)
    assert result.percent == D(cents + 1) / 100
