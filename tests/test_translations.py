"""Every page in English says nothing in Spanish but the data people typed, and writes numbers the English way.

The catalog check (make check-translations) finds strings missing from the catalog; this test finds the
strings built outside it: codes shown as words («efectivo»), labels put together in code, Spanish number
formats. The data (names of regions, indicators, products, formulas, people's texts) are Spanish by nature
and are left out by collecting them from the database.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import (
    Client,
    Indicator,
    IndicatorWeighting,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from regions.models import Region
from results.services import workflow
from tests.evaluation.test_dashboards import enter_2012_actual
from tests.html import soup, text

pytestmark = pytest.mark.django_db

# Words that only Spanish text has (English UI text never contains them as whole words).
SPANISH_WORDS = {
    "de", "del", "los", "las", "el", "la", "que", "para", "con", "por", "sin", "una", "está", "están", "es",
    "valor", "valores", "año", "efectivo", "estimado", "meta", "cumplido", "pendiente", "pendientes", "región",
    "sí", "medio", "verificación", "ingresar", "datos", "enviar", "guardar", "aprobado", "devuelto", "borrador",
    "ciclo", "indicador", "indicadores", "producto", "tendencia", "mejora", "empeora", "ilustrativo",
}  # fmt: skip
CO = {"code": "CL-CO", "year": 2012}
CO01 = {**CO, "indicator": "CO-01"}
PAGES = [
    ("home", {}),
    ("results:pending", {}),
    ("results:review_queue", {}),
    ("results:national", {"year": 2012}),
    ("indicators:region", CO),
    ("indicators:entry", {**CO, "product": 1}),
    ("indicators:indicator", CO01),
    ("indicators:history", CO01),
    ("indicators:spreadsheet", CO),
    ("results:dashboard", CO),
    ("results:compare", {"code": "CL-CO"}),
    ("results:report", CO),
    ("results:review", CO),
    ("indicators:definitions", CO),
    ("notifications:list", {}),
    ("notifications:preferences", {}),
    ("api_tokens", {}),
]


def data_texts() -> list[str]:
    """Return the texts that are data, longest first, to be cut out of a page before reading it."""
    values: list[str] = []
    for region in Region.objects.all():
        values += [region.name, region.government_name]
    for indicator in Indicator.objects.all():
        values += [
            indicator.name,
            indicator.formula,
            indicator.numerator_description,
            indicator.denominator_description,
            indicator.verification_means,
            indicator.assumptions,
            indicator.notes,
        ]
    values += [p.name for p in StrategicProduct.objects.all()] + [p.description for p in StrategicProduct.objects.all()]
    values += [d.mission for d in StrategicDefinition.objects.all()]
    values += [o.description for o in StrategicObjective.objects.all()] + [c.name for c in Client.objects.all()]
    values += [c.notes for c in IndicatorWeighting.objects.all()]
    values += ["Causas del resultado escritas por el analista", "Protocolo de revisión"]
    pieces = {piece.strip() for value in values if value for piece in value.split("\n") if piece.strip()}
    return sorted(pieces, key=len, reverse=True)


def interface_text(page, data: list[str]) -> str:
    for node in page.select("script, style, textarea, [data-user-text]"):
        node.decompose()
    for node in page.find_all(string=True):
        shown = " ".join(node.split())
        # Data cut short on the page («Servicios de Información y Comunicación a la Comunidad Regi…»).
        cut = re.sub(r"^(?:\d+\.\s+|[A-Z]{2,3}-\d+\s+·\s+)+", "", shown)  # a product's number, a code
        if cut.endswith("…") and any(" ".join(value.split()).startswith(cut[:-1].strip()) for value in data):
            node.replace_with(shown[: len(shown) - len(cut)])
    content = text(page.select_one("main") or page)
    for value in data:
        content = content.replace(" ".join(value.split()), " ")
    return content


@pytest.fixture
def english(client, ana, camila):
    enter_2012_actual(camila, "CO-01", "200", "262")
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Causas del resultado escritas por el analista",
        external_causes=False,
        overachievement_justification="",
    )
    region = indicator.region
    workflow.submission_send(user=camila, region=region, cycle=cycle)
    workflow.submission_return(user=ana, region=region, cycle=cycle, comment="Protocolo de revisión")
    client.force_login(ana)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_english_pages_have_no_spanish_interface_text(english, name, kwargs):
    page = soup(english.get(reverse(name, kwargs=kwargs)))
    assert page.select_one("html")["lang"] == "en"
    content = interface_text(page, data_texts())
    leaked = sorted({word for word in re.findall(r"[^\W\d_]+", content.lower()) if word in SPANISH_WORDS})
    assert not leaked, f"Spanish words on {name}: {leaked}\n{content}"


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_english_pages_write_numbers_the_english_way(english, name, kwargs):
    content = interface_text(soup(english.get(reverse(name, kwargs=kwargs))), data_texts())
    assert not re.search(r"\d\s%", content), "a space before % is the Spanish way"
    assert not re.search(r"\d,\d{1,2}(?!\d)", content), "a decimal comma is the Spanish way"
    assert "p.m.." not in content
    assert "a.m.." not in content


def test_the_admin_names_login_throttling_in_spanish(client, ana):
    client.force_login(ana)
    page = text(soup(client.get(reverse("admin:index"))))
    assert "Bloqueo de ingresos" in page
    assert "Intentos de acceso" in page
    assert "Access attempts" not in page
