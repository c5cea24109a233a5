"""Rows that break the domain's invariants are refused by the database, with a message a person reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, IndicatorWeighting, Measurement, StrategicProduct
from regions.models import Region

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def co01():
    return Indicator.objects.get(code="CO-01")


@pytest.fixture
def an08():
    return Indicator.objects.get(code="AN-08")


def refused_by_database(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(**fields)


def messages(exc_info) -> str:
    return " ".join(str(m) for ms in exc_info.value.message_dict.values() for m in ms)


def test_one_value_per_indicator_year_and_kind(co01):
    refused_by_database(indicator=co01, year=2008, kind="efectivo", numerator=D(1), denominator=D(2))
    duplicate = Measurement(indicator=co01, year=2008, kind="efectivo", numerator=D(1), denominator=D(2))
    with pytest.raises(ValidationError) as exc_info:
        duplicate.full_clean()
    assert "Ya existe un valor de ese tipo para ese año en el indicador." in messages(exc_info)


def test_the_same_year_may_have_an_estimate_and_an_actual(co01):
    Measurement.objects.create(indicator=co01, year=2011, kind="efectivo", numerator=D(250), denominator=D(263))
    assert co01.measurements.filter(year=2011).count() == 2


@pytest.mark.parametrize("denominator", [D(0), D(-5)])
def test_denominator_must_be_positive(co01, denominator):
    refused_by_database(indicator=co01, year=2013, kind="meta", numerator=D(1), denominator=denominator)
    with pytest.raises(ValidationError) as exc_info:
        Measurement(indicator=co01, year=2013, kind="meta", numerator=D(1), denominator=denominator).full_clean()
    assert "denominator" in exc_info.value.message_dict


def test_numerator_must_not_be_negative(co01):
    refused_by_database(indicator=co01, year=2013, kind="meta", numerator=D(-1), denominator=D(10))
    with pytest.raises(ValidationError) as exc_info:
        Measurement(indicator=co01, year=2013, kind="meta", numerator=D(-1), denominator=D(10)).full_clean()
    assert "numerator" in exc_info.value.message_dict


def test_kind_must_be_known(co01):
    refused_by_database(indicator=co01, year=2013, kind="proyectado", numerator=D(1), denominator=D(10))


def test_ratio_indicator_needs_a_denominator(co01):
    with pytest.raises(ValidationError) as exc_info:
        Measurement(indicator=co01, year=2013, kind="meta", numerator=D(1)).full_clean()
    assert "Este indicador requiere denominador." in messages(exc_info)


def test_count_indicator_takes_no_denominator(an08):
    with pytest.raises(ValidationError) as exc_info:
        Measurement(indicator=an08, year=2013, kind="meta", numerator=D(1), denominator=D(3)).full_clean()
    assert "no lleva denominador" in messages(exc_info)


def test_share_numerator_may_not_exceed_its_whole(co01):
    with pytest.raises(ValidationError) as exc_info:
        Measurement(indicator=co01, year=2013, kind="meta", numerator=D(300), denominator=D(262)).full_clean()
    assert "no puede superar al denominador" in messages(exc_info)


def test_measurement_value_is_exact(co01):
    measurement = co01.measurements.get(year=2008)
    assert measurement.value == D("71.02803738317757009345794392523364")


def test_indicator_code_is_unique_within_its_region(co01):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            region=co01.region,
            product=co01.product,
            code="CO-01",
            name="x",
            formula="x",
            numerator_description="x",
            dimension="calidad",
            control_scope="producto",
        )


def test_indicator_product_must_belong_to_its_region(co01):
    other = Region.objects.get(iso_code="CL-BI")
    co01.region = other
    with pytest.raises(ValidationError) as exc_info:
        co01.full_clean()
    assert "misma región" in messages(exc_info)


def test_indicator_factor_must_be_positive(co01):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=co01.pk).update(factor=D(0))


def test_indicator_dimension_must_be_known(co01):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=co01.pk).update(dimension="belleza")


def test_weighting_between_0_and_100(co01):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorWeighting.objects.filter(indicator=co01).update(weight=D("100.01"))


def test_one_weighting_per_indicator_and_cycle(co01):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorWeighting.objects.create(indicator=co01, cycle=EvaluationCycle.objects.get(year=2012), weight=D(1))


def test_later_cycle_changes_the_weighting_without_rewriting_history(co01):
    cycle_2013 = EvaluationCycle.objects.create(year=2013)
    IndicatorWeighting.objects.create(indicator=co01, cycle=cycle_2013, weight=D(40), counts_for_incentive=False)
    by_year = {c.cycle.year: (c.weight, c.counts_for_incentive) for c in co01.weightings.select_related("cycle")}
    assert by_year == {2012: (D(100), True), 2013: (D(40), False)}


def test_only_the_institutional_group_is_number_zero(coquimbo):
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategicProduct.objects.create(region=coquimbo, number=0, name="Sin número")
    with pytest.raises(ValidationError) as exc_info:
        StrategicProduct(region=coquimbo, number=0, name="Sin número").full_clean()
    assert "Institucional" in messages(exc_info)


def test_cycle_rules_must_be_ordered():
    with pytest.raises(ValidationError) as exc_info:
        EvaluationCycle(year=2014, met_threshold=D(80), partial_threshold=D(90)).full_clean()
    assert "menor que el de cumplido" in messages(exc_info)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCycle.objects.create(year=2014, bonus_full_threshold=D(70), bonus_partial_threshold=D(75))


def test_cycle_defaults_are_dipres_rules():
    rules = EvaluationCycle(year=2015).rules()
    assert (rules.met_threshold, rules.partial_threshold, rules.overachievement_threshold) == (D(95), D(80), D(130))
    assert rules.scoring_cap is None
    assert (rules.bonus_full_threshold, rules.bonus_partial_threshold) == (D(90), D(75))
    assert (rules.bonus_full_rate, rules.bonus_partial_rate) == (D("7.6"), D("3.8"))


def test_region_validity_dates_must_be_ordered(coquimbo):
    import datetime

    coquimbo.valid_from = datetime.date(2020, 1, 1)
    coquimbo.valid_to = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as exc_info:
        coquimbo.full_clean()
    assert "no puede ser anterior" in messages(exc_info)
