"""Scoring rules of domain.md §3–4, as pure functions: every edge, and the invariants as properties."""

from decimal import Decimal

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
