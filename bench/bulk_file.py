"""Prepares the bulk-import benchmark: a region with enough indicators committed in 2012 that its
Formulario H holds 50.000 figures, and that spreadsheet filled in. Prints the file's path."""

import io
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbr.settings")

import django

django.setup()

import openpyxl  # noqa: E402

from evaluation.models import EvaluationCycle  # noqa: E402
from indicators.models import Indicator, IndicatorWeighting, StrategicProduct  # noqa: E402
from indicators.selectors import cycle_entry_columns, template_workbook  # noqa: E402
from regions.models import Region  # noqa: E402
from regions.services import user_upsert  # noqa: E402

FIGURES = int(os.environ.get("BENCH_IMPORT_FIGURES", "50000"))

if __name__ == "__main__":
    cycle = EvaluationCycle.objects.get(year=2012)
    region = Region.objects.get(iso_code="CL-RM")
    user_upsert(username="bench.analyst", password="bench-only-not-a-secret", analyst_of=[region])
    per_indicator = len(cycle_entry_columns(cycle))
    count = -(-FIGURES // per_indicator)
    product, _ = StrategicProduct.objects.get_or_create(region=region, number=90, defaults={"name": "Producto masivo"})
    if not Indicator.objects.filter(region=region, code__startswith="BK-").exists():
        indicators = Indicator.objects.bulk_create(
            Indicator(
                region=region,
                product=product,
                code=f"BK-{i:05d}",
                name=f"Indicador masivo {i}",
                formula="a / b",
                numerator_description="a",
                denominator_description="b",
                dimension="eficacia",
                control_scope="proceso",
            )
            for i in range(count)
        )
        IndicatorWeighting.objects.bulk_create(
            IndicatorWeighting(indicator=indicator, cycle=cycle, weight=Decimal("0.01")) for indicator in indicators
        )
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(region=region, cycle=cycle)))
    sheet = workbook["Formulario H"]
    figure_columns = [cell.column for cell in sheet[3] if isinstance(cell.value, str) and "|" in cell.value]
    for row in sheet.iter_rows(min_row=5, max_row=4 + count):
        for offset, column in enumerate(figure_columns):
            row[column - 1].value = 1000 if offset % 2 else 500 + row[0].row % 400
    path = Path(__file__).resolve().parent / "results" / "bulk-formulario-h.xlsx"
    path.parent.mkdir(exist_ok=True)
    workbook.save(path)
    print(f"{count * per_indicator}\t{path}")
