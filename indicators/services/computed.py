"""Efectivos computed from a list the region keeps in pbr (the PROPIR's initiatives), reconciled with the
efectivos the indicator has. The computed value becomes the efectivo, written through the figures' own
service (permission, lock, window, version, history), while nobody typed another one; a value typed by hand
is never overwritten: the mismatch is shown, and the analyst may choose the computed one."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from evaluation.models import EvaluationCycle
from indicators.models import ComputedFigure, Indicator, Measurement
from indicators.services.entry import CellInput, measurements_save
from indicators.vocabulary import FigureSource, MeasurementKind
from regions.models import Region


def _efectivo(indicator: Indicator, year: int) -> Measurement | None:
    return (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, year=year, kind=MeasurementKind.ACTUAL)
        .first()
    )


def _write(*, user, region, cycle, computed: ComputedFigure, version: int, reason: str) -> None:
    """Write the computed value as the efectivo, checked against the efectivo's version the writer saw, and
    remember the version it got (the efectivo follows the computed value while it keeps that version)."""
    cell = CellInput(
        indicator=computed.indicator,
        year=computed.year,
        kind=MeasurementKind.ACTUAL,
        numerator=computed.numerator,
        denominator=_stored(computed)[1],
        version=version,
    )
    measurements_save(user=user, region=region, cycle=cycle, cells=[cell], reason=reason)
    computed.applied_version = _efectivo(computed.indicator, computed.year).version


@transaction.atomic
def computed_figures_record(
    *,
    user: AbstractBaseUser,
    region: Region,
    cycle: EvaluationCycle,
    year: int,
    source: FigureSource,
    pair: tuple[Decimal, Decimal | None] | None,
    reason: str,
) -> int:
    """Record what the source gives for the year to every indicator of the region computed from it; None when
    the source has nothing for the year (its computed figures are dropped; efectivos stay as they are). The
    efectivo follows the computed value unless someone typed another since; return how many efectivos
    were written. Raises what measurements_save raises (the whole write is then undone)."""
    written = 0
    for indicator in Indicator.objects.filter(region=region, source=source).select_related("region"):
        computed = ComputedFigure.objects.select_for_update().filter(indicator=indicator, year=year, source=source)
        computed = computed.first()
        if pair is None:
            if computed is not None:
                computed._history_user = user
                computed.delete()
            continue
        if computed is None:
            computed = ComputedFigure(indicator=indicator, year=year, source=source)
        computed.numerator, computed.denominator = pair
        current = _efectivo(indicator, year)
        follows = current is None or (computed.applied_version and current.version == computed.applied_version)
        if follows and (current is None or (current.numerator, current.denominator) != _stored(computed)):
            version = current.version if current else 0
            _write(user=user, region=region, cycle=cycle, computed=computed, version=version, reason=reason)
            written += 1
        computed._history_user = user
        computed._change_reason = reason
        computed.save()
    return written


def _stored(computed: ComputedFigure) -> tuple[Decimal, Decimal | None]:
    """Return the (numerator, denominator) the efectivo would hold (a count indicator keeps no denominator)."""
    return computed.numerator, computed.denominator if computed.indicator.has_denominator else None


@transaction.atomic
def computed_figure_apply(
    *, user: AbstractBaseUser, computed: ComputedFigure, cycle: EvaluationCycle, version: int, reason: str
) -> ComputedFigure:
    """Make the computed value the efectivo (the analyst's choice where they differ), checked against the
    efectivo's version the person saw; from then on the efectivo follows the computed value again."""
    computed = ComputedFigure.objects.select_for_update().select_related("indicator__region").get(pk=computed.pk)
    region = computed.indicator.region
    _write(user=user, region=region, cycle=cycle, computed=computed, version=version, reason=reason)
    computed._history_user = user
    computed.save(update_fields=["applied_version"])
    return computed
