"""The data-entry grid of one product."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import (
    Indicator,
    Observation,
    StrategicProduct,
)
from indicators.selectors.rows import (
    Column,
    IndicatorRow,
    cycle_entry_columns,
    cycle_indicators,
    indicator_rows,
    products_with_indicators,
)
from indicators.vocabulary import ObservationStatus
from regions.models import Region


@dataclass
class EntryPage:
    """The data-entry page of one product: its indicators' rows, the columns, and the other products."""

    cycle: EvaluationCycle
    product: StrategicProduct
    products: list[StrategicProduct]
    columns: list[Column]
    rows: list[IndicatorRow]
    observed: dict[str, int] = field(default_factory=dict)  # {indicator code: its unresolved observations}


def entry_page(*, region: Region, cycle: EvaluationCycle, product_number: int) -> EntryPage:
    """Return the entry page of the product with that number; Http404 when it has no indicators in the cycle."""
    products = list(products_with_indicators(region=region, cycle=cycle))
    product = next((p for p in products if p.number == product_number), None)
    if product is None:
        raise Http404(_("El producto %(number)s no tiene indicadores en este ciclo.") % {"number": product_number})
    columns = cycle_entry_columns(cycle)
    indicators = cycle_indicators(region=region, cycle=cycle).filter(product=product)
    rows = indicator_rows(cycle=cycle, indicators=indicators, columns=columns)
    return EntryPage(cycle, product, products, columns, rows, _observed(rows, cycle))


def _observed(rows: list[IndicatorRow], cycle: EvaluationCycle) -> dict[str, int]:
    """Return {indicator code: how many of its observations in the cycle are unresolved} (one query)."""
    found = (
        Observation.objects.filter(indicator__in=[row.indicator.pk for row in rows], cycle=cycle)
        .exclude(status=ObservationStatus.RESOLVED)
        .values_list("indicator__code", flat=True)
    )
    counts: dict[str, int] = {}
    for code in found:
        counts[code] = counts.get(code, 0) + 1
    return counts


def entry_page_refreshed(page: EntryPage) -> EntryPage:
    """Return the same entry page with the figures as they are stored now."""
    indicators = Indicator.objects.filter(pk__in=[row.indicator.pk for row in page.rows]).order_by("code")
    rows = indicator_rows(cycle=page.cycle, indicators=indicators, columns=page.columns)
    return EntryPage(page.cycle, page.product, page.products, page.columns, rows, page.observed)
