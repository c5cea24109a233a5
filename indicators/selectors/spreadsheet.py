"""The Formulario H spreadsheet of a region's cycle to download, and the region's recent imports."""

from __future__ import annotations

from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators import spreadsheets
from indicators.models import (
    ImportLog,
)
from indicators.selectors.rows import cycle_entry_columns, cycle_indicators, indicator_rows
from regions.models import Region


def template_workbook(*, region: Region, cycle: EvaluationCycle) -> bytes:
    """Return the region's Formulario H for the cycle as an .xlsx, pre-filled with what is entered."""

    columns = cycle_entry_columns(cycle)
    rows = []
    for row in indicator_rows(cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle), columns=columns):
        indicator = row.indicator
        rows.append(
            spreadsheets.TemplateRow(
                code=indicator.code,
                info={
                    "code": indicator.code,
                    "product": str(indicator.product),
                    "name": indicator.name,
                    "formula": indicator.formula,
                    "unit": str(indicator.get_unit_display()),
                    "dimension": str(indicator.get_dimension_display()),
                    "scope": str(indicator.get_control_scope_display()),
                    "direction": str(indicator.get_direction_display()),
                    "weight": row.weighting.weight if row.weighting else None,
                },
                has_denominator=indicator.has_denominator,
                figures={
                    (c.year, c.kind): (c.measurement.numerator, c.measurement.denominator)
                    for c in row.cells
                    if c.measurement is not None
                },
                versions={(c.year, c.kind): c.measurement.version for c in row.cells if c.measurement is not None},
            )
        )
    title = _("Formulario H · %(region)s · ciclo %(year)s") % {"region": region.government_name, "year": cycle.year}
    if cycle.is_illustrative:
        title += " · " + _("datos ilustrativos (ejemplos, no datos oficiales)")
    return spreadsheets.write_template(
        title=title,
        region_code=region.iso_code,
        cycle_year=cycle.year,
        columns=[(c.year, c.kind, f"{c.year} {c.kind_label}") for c in columns],
        rows=rows,
    )


def recent_imports(*, region: Region, cycle: EvaluationCycle, limit: int = 10) -> list:
    """Return the region's latest spreadsheet imports in the cycle, newest first."""

    return list(
        ImportLog.objects.filter(region=region, cycle=cycle).select_related("user").order_by("-created_at")[:limit]
    )
