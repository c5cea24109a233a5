"""Scale data for the benchmark: the 15 regions of 2012 × 40 indicators (BENCH_INDICATORS) × 15 years × 3 kinds,
the results of 12 regions published (approved),
and sessions for an administrator, a reviewer and an analyst of Antofagasta and Coquimbo.

Run by bench/run.py with the benchmark's DATABASE_URL (and REDIS_URL, for sessions kept in the cache); prints
the counts on its first line and the three session keys on the last three, in that order.
"""

import os
import sys
from decimal import Decimal
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbr.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import transaction  # noqa: E402

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus  # noqa: E402
from evaluation.versions import raise_everything  # noqa: E402
from indicators.models import Indicator, IndicatorWeighting, Measurement, StrategicProduct  # noqa: E402
from regions.models import Region  # noqa: E402
from regions.services import user_upsert  # noqa: E402

INDICATORS_PER_REGION = int(os.environ.get("BENCH_INDICATORS", "40"))
YEARS = range(1998, 2013)  # 15 years
KINDS = ("efectivo", "estimado", "meta")
DIMENSIONS = ("eficacia", "eficiencia", "economia", "calidad")
SCOPES = ("producto", "proceso", "resultado_intermedio", "resultado_final")


@transaction.atomic
def seed() -> int:
    cycle = EvaluationCycle.objects.get(year=2012)
    created = 0
    for r, region in enumerate(Region.objects.in_year(cycle.year)):  # Ñuble has no 2012 cycle
        if Indicator.objects.filter(region=region, code__startswith="ES-").exists():
            continue
        products = [
            StrategicProduct.objects.get_or_create(
                region=region, number=20 + p, defaults={"name": f"Producto de escala {p}"}
            )[0]
            for p in range(1, 5)
        ]
        indicators = Indicator.objects.bulk_create(
            Indicator(
                region=region,
                product=products[i % 4],
                code=f"ES-{i:02d}",
                name=f"Indicador de escala {i} de {region.name}",
                formula="(a / b) × 100",
                numerator_description="a",
                denominator_description="b",
                dimension=DIMENSIONS[i % 4],
                control_scope=SCOPES[i % 4],
                is_share=True,
            )
            for i in range(1, INDICATORS_PER_REGION + 1)
        )
        IndicatorWeighting.objects.bulk_create(
            IndicatorWeighting(indicator=indicator, cycle=cycle, weight=Decimal("2.5")) for indicator in indicators
        )
        Measurement.objects.bulk_create(
            Measurement(
                indicator=indicator,
                year=year,
                kind=kind,
                numerator=Decimal(700 + (year - 1998) * 10 + (i * 7 + r) % 50),
                denominator=Decimal(1000),
            )
            for i, indicator in enumerate(indicators)
            for year in YEARS
            for kind in KINDS
        )
        created += len(indicators)
    # Publish the results of the regions the benchmark never changes (its changes are in Antofagasta and
    # Coquimbo, its bulk import in Metropolitana, bench/bulk_file.py): the public national view lists twelve.
    for region in Region.objects.in_year(cycle.year).exclude(iso_code__in=["CL-AN", "CL-CO", "CL-RM"]):
        Submission.objects.update_or_create(region=region, cycle=cycle, defaults={"status": SubmissionStatus.APPROVED})
    raise_everything()  # bulk inserts send no model signals: store every region's results once
    return created


def session_key(username: str, **role) -> str:
    """Return the key of a new logged-in session of that user (created with that role), stored by the
    project's own session engine, whichever it is."""
    user = user_upsert(username=username, password="bench-only-not-a-secret", **role)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "pbr.auth_cache.CachedModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def committed(iso_code: str) -> int:
    """Return how many indicators the region has committed in 2012."""
    return IndicatorWeighting.objects.filter(cycle__year=2012, indicator__region__iso_code=iso_code).count()


if __name__ == "__main__":
    created = seed()
    print(
        f"indicators created: {created}; measurements: {Measurement.objects.count()}; committed in 2012: "
        f"CL-AN {committed('CL-AN')}, CL-BI {committed('CL-BI')}; sessions: {settings.SESSION_ENGINE}"
    )
    print(session_key("bench.admin", is_superuser=True))
    print(session_key("bench.reviewer", reviewer=True))
    print(session_key("bench.analyst.norte", analyst_of=list(Region.objects.filter(iso_code__in=["CL-AN", "CL-CO"]))))
