"""Audit records of bulk writes (core/history.py): the same records simple-history writes on a save."""

from decimal import Decimal as D

import pytest

from core import history
from core.history import CHANGED, CREATED, record_history
from indicators.models import Indicator, Measurement

FIELDS = ("id", "indicator_id", "year", "kind", "numerator", "denominator", "version", "history_user_id")


def record(measurement, history_type):
    return Measurement.history.filter(id=measurement.pk, history_type=history_type).latest("history_id")


@pytest.mark.django_db
def test_bulk_records_equal_those_of_a_save(camila):
    indicator = Indicator.objects.get(code="CO-01")
    saved = Measurement(indicator=indicator, year=2012, kind="efectivo", numerator=D("250"), denominator=D("262"))
    saved._history_user = camila
    saved._change_reason = "a save"
    saved.save()
    bulk = Measurement.objects.create(indicator=indicator, year=2011, kind="efectivo", numerator=D("1.5"))
    record_history(Measurement, [bulk.pk], user=camila, reason="a bulk write", history_type=CREATED)

    by_save, by_sql = record(saved, "+"), record(bulk, "+")
    assert [getattr(by_sql, name) for name in FIELDS] == [
        bulk.pk,
        indicator.pk,
        2011,
        "efectivo",
        D("1.5"),
        None,
        bulk.version,
        camila.pk,
    ]
    assert [getattr(by_save, name) for name in FIELDS][1:] == [
        indicator.pk,
        2012,
        "efectivo",
        D("250"),
        D("262"),
        saved.version,
        camila.pk,
    ]
    assert (by_sql.history_change_reason, by_save.history_change_reason) == ("a bulk write", "a save")
    assert by_sql.history_date >= by_save.history_date
    assert by_sql.instance == bulk  # reads back as the row it records


@pytest.mark.django_db
def test_a_change_records_the_new_values_and_a_long_reason_is_cut_to_the_column(camila):
    indicator = Indicator.objects.get(code="CO-01")
    figure = Measurement.objects.create(indicator=indicator, year=2011, kind="efectivo", numerator=D("1"))
    Measurement.objects.filter(pk=figure.pk).update(numerator=D("2"), version=1)
    record_history(Measurement, [figure.pk], user=None, reason="x" * 300, history_type=CHANGED)
    changed = record(figure, "~")
    assert (changed.numerator, changed.version, changed.history_user_id) == (D("2"), 1, None)
    assert len(changed.history_change_reason) == 100


@pytest.mark.django_db
def test_records_are_written_in_batches(camila, monkeypatch):
    monkeypatch.setattr(history, "BATCH", 60)
    indicators = list(Indicator.objects.all())
    figures = Measurement.objects.bulk_create(
        Measurement(indicator=indicator, year=year, kind=kind, numerator=D(year))
        for indicator in indicators
        for year in range(1990, 2000)
        for kind in ("efectivo", "meta")
    )
    assert len(figures) > 2 * history.BATCH  # three statements or more
    record_history(Measurement, [m.pk for m in figures], user=camila, reason="many", history_type=CREATED)
    recorded = Measurement.history.filter(history_change_reason="many")
    assert sorted(recorded.values_list("id", flat=True)) == sorted(m.pk for m in figures)
