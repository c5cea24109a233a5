"""The fixtures reproduce the document and domain.md §5–6, and loading them twice changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import Indicator, IndicatorWeighting, Measurement, StrategicProduct
from regions.models import Region
from tests.conftest import DOCUMENT_FIXTURES

pytestmark = pytest.mark.django_db

REGIONS = {
    "CL-AP": ("XV", "15"),
    "CL-TA": ("I", "01"),
    "CL-AN": ("II", "02"),
    "CL-AT": ("III", "03"),
    "CL-CO": ("IV", "04"),
    "CL-VS": ("V", "05"),
    "CL-RM": ("XIII", "13"),
    "CL-LI": ("VI", "06"),
    "CL-ML": ("VII", "07"),
    "CL-NB": ("XVI", "16"),
    "CL-BI": ("VIII", "08"),
    "CL-AR": ("IX", "09"),
    "CL-LR": ("XIV", "14"),
    "CL-LL": ("X", "10"),
    "CL-AI": ("XI", "11"),
    "CL-MA": ("XII", "12"),
}


def snapshot():
    return {
        model.__name__: sorted(tuple(row.values()) for row in model.objects.values())
        for model in (Region, StrategicProduct, Indicator, IndicatorWeighting, Measurement)
    }


def test_loading_the_fixtures_twice_changes_nothing():
    before = snapshot()
    history_before = Measurement.history.count()
    call_command("load_document", verbosity=0)
    call_command("loaddata", *DOCUMENT_FIXTURES, verbosity=0)
    assert snapshot() == before
    assert Measurement.history.count() == history_before == Measurement.objects.count()


def test_every_loaded_row_has_an_audit_baseline():
    assert Measurement.history.filter(history_type="+", history_user=None).count() == Measurement.objects.count()


def test_sixteen_regions_with_their_codes():
    assert {r.iso_code: (r.roman_numeral, r.cut_code) for r in Region.objects.all()} == REGIONS


def test_fifteen_regions_in_2012_and_nuble_from_2018():
    assert Region.objects.active_on(datetime.date(2012, 1, 1)).count() == 15
    assert not Region.objects.active_on(datetime.date(2012, 1, 1)).filter(iso_code="CL-NB").exists()
    assert Region.objects.get(iso_code="CL-NB").valid_from == datetime.date(2018, 9, 6)
    assert Region.objects.active_on(datetime.date(2018, 9, 6)).count() == 16


def series(code):
    return [
        (m.year, m.kind, m.numerator, m.denominator)
        for m in Measurement.objects.filter(indicator__code=code).order_by("year", "kind")
    ]


def test_coquimbo_series_is_the_document_table():
    D = Decimal
    assert series("CO-01") == [
        (2008, "efectivo", D(152), D(214)),
        (2009, "efectivo", D(242), D(263)),
        (2010, "efectivo", D(262), D(281)),
        (2011, "estimado", D(247), D(263)),
        (2012, "meta", D(250), D(262)),
    ]


def test_biobio_series_is_the_document_table():
    D = Decimal
    assert series("BI-01") == [
        (2008, "efectivo", D(761), D(928)),
        (2009, "efectivo", D(1078), D(1142)),
        (2010, "efectivo", D(1045), D(1095)),
        (2011, "estimado", D(1020), D(1020)),
        (2012, "meta", D(960), D(1000)),
    ]


def test_antofagasta_indicators_are_all_illustrative_and_the_others_are_not():
    assert set(Indicator.objects.filter(region__iso_code="CL-AN").values_list("is_illustrative", flat=True)) == {True}
    assert not Indicator.objects.exclude(region__iso_code="CL-AN").filter(is_illustrative=True).exists()


def test_every_fixture_row_passes_model_validation():
    for model in (Region, StrategicProduct, Indicator, IndicatorWeighting, Measurement):
        for row in model.objects.all():
            row.full_clean()


def test_weights_of_each_region_add_up_to_100():
    for code in ("CL-AN", "CL-CO", "CL-BI"):
        weights = IndicatorWeighting.objects.filter(indicator__region__iso_code=code, cycle__year=2012)
        assert sum(c.weight for c in weights) == Decimal(100)
