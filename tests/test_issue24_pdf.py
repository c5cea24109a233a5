"""Every table of every PDF the app serves fits its page (issue 24): the internal report of each region and cycle
and the public one, drawn with the widest data the fields hold, show every column header of every table in their
text, every word of them inside the page's width (poppler's pdftotext gives each word's box: text drawn off the
page is cut or missing there), and WeasyPrint warns about nothing while drawing them."""

from __future__ import annotations

import datetime
import io
import logging
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from core import pdf
from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import (
    Indicator,
    MediumTermTarget,
    ProductBudget,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from investments import services as investment_services
from programs import services as program_services
from programs.models import EvaluationLine
from regions.models import Region
from results.services import workflow
from tests.html import soup, text

pytestmark = [pytest.mark.django_db, pytest.mark.once]
REPORT = Path(settings.BASE_DIR, "templates", "results", "report.html")
LARGEST = Decimal("9" * 15)  # the amounts' fields hold 16 digits; SQLite's Decimal reads 15 exactly


@pytest.fixture
def widest(camila, daniela, coquimbo):
    """Coquimbo's 2012 data at its widest, filling every table of the report: long product name, unit of output,
    objective and program, the largest amounts, commitments with a long address and owner; sent by its analyst and
    approved by DIPRES (so the public report has them too)."""
    cycle = EvaluationCycle.objects.get(year=2012)
    co01 = Indicator.objects.get(code="CO-01")
    # The admin edits products (no service): the names as a person could type them, at the fields' lengths.
    StrategicProduct.objects.filter(pk=co01.product_id).update(
        name="Servicios de Información y Comunicación a la Comunidad Regional mediante plataformas interoperables "
        "(Ventanilla Única Regional de Atención Ciudadana e Interoperabilidad Institucional)",
        output_unit="atenciones ciudadanas respondidas dentro de plazo por la Ventanilla Única Regional"[:80],
    )
    budget = ProductBudget.objects.filter(product_id=co01.product_id, year=cycle.year).first()
    row = services.BudgetInput(
        product=co01.product, allocated=LARGEST, executed=LARGEST, output=Decimal(7),
        version=budget.version if budget else 0,
    )  # fmt: skip
    services.product_budgets_save(user=camila, region=coquimbo, cycle=cycle, rows=[row])
    services.improvement_commitment_add(
        user=camila, indicator=co01, cycle=cycle,
        description="Publicar el seguimiento en https://www.gorecoquimbo.cl/transparencia/compromisos-de-mejora/"
        "seguimiento-trimestral-del-indicador-de-respuesta-oportuna-a-solicitudes-ciudadanas",
        owner="Jefatura de la División de Planificación y Desarrollo Regional (DIPLADER)",
        due_date=datetime.date.today() + datetime.timedelta(days=60),
    )  # fmt: skip
    # A medium-term target under a long objective (models written directly, as the planning tests do: the
    # formulation window, which the services require, is over in 2012).
    definition, _new = StrategicDefinition.objects.get_or_create(region=coquimbo, cycle=cycle)
    objective = StrategicObjective.objects.create(
        definition=definition, number=9, description="Acercar los servicios del Gobierno Regional a cada comuna "
        "mediante atención digital oportuna, accesible e interoperable con los servicios públicos nacionales",
    )  # fmt: skip
    MediumTermTarget.objects.create(objective=objective, indicator=co01, year=2015, value=Decimal(99))
    evaluation = program_services.evaluation_save(
        user=daniela, region=coquimbo, cycle=cycle,
        data=program_services.EvaluationInput(
            line=EvaluationLine.objects.get(code="epg"), program="Programa de Fortalecimiento de la Atención "
            "Ciudadana", evaluator="Panel de evaluadores externos",
        ),
    )  # fmt: skip
    program_services.institutional_commitment_add(
        user=daniela, evaluation=evaluation,
        description="Rediseñar la matriz de marco lógico con indicadores de continuidad del servicio: "
        "https://www.gorecoquimbo.cl/transparencia/evaluaciones/matriz-de-marco-logico-del-programa-2012",
        owner="Jefatura de la División de Análisis y Control de Gestión (DACOG)",
        due_date=datetime.date.today() + datetime.timedelta(days=90),
    )  # fmt: skip
    investment_services.initiatives_save(
        user=camila, region=coquimbo, cycle=cycle, year=2012,
        rows=[investment_services.InitiativeInput(
            "30000001-1", "Conservación de la ruta D-485", "Transporte", "Ovalle", programmed=LARGEST,
            executed=LARGEST,
        )],
    )  # fmt: skip
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    return coquimbo


def served_pdfs(client, monkeypatch) -> list[tuple[str, str, bytes]]:
    """Return (address, the HTML it was drawn from, the PDF) of each report PDF the app serves with tables in it:
    the internal one of each region and cycle, and the public one in both languages."""
    drawn: list[str] = []
    draw = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: drawn.append(html) or draw(html))
    reports = [
        {"code": region.iso_code, "year": cycle.year}
        for cycle in EvaluationCycle.objects.all()
        for region in Region.objects.order_by("order")
        if region.exists_in(cycle.year)  # Ñuble has reports from 2018 on
    ]
    addresses = [
        reverse("results:report_pdf", kwargs=report)
        for report in reports
        if soup(client.get(reverse("results:report", kwargs=report))).select("table")
    ]
    public = reverse("public:report_pdf", kwargs={"code": "CL-CO", "year": 2012})
    served = []
    for address in [*addresses, public, public + "?lang=en"]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Type"] == "application/pdf"
        assert len(drawn) == len(served) + 1  # drawn now, not read from a cache
        served.append((address, drawn[-1], response.content))
    return served


def headers(html: str) -> dict[tuple[str, str], list[str]]:
    """Return {(section, table's class): its headers} of the report's HTML."""
    page = BeautifulSoup(html, "html.parser")
    return {
        (table.find_parent("section")["id"], " ".join(table.get("class", []))): [text(th) for th in table.select("th")]
        for table in page.select("table")
    }


def words(document: bytes) -> list[tuple[str, float, float, float]]:
    """Return the PDF's words as pdftotext finds them in drawing order: (word, left, right, page's width)."""
    xhtml = subprocess.run(
        ["pdftotext", "-raw", "-bbox", "-", "-"], input=document, capture_output=True, check=True, timeout=60
    ).stdout
    page_words = []
    for page in BeautifulSoup(xhtml, "html.parser").select("page"):
        width = float(page["width"])
        page_words += [(w.get_text(), float(w["xmin"]), float(w["xmax"]), width) for w in page.select("word")]
    return page_words


def joined(texts) -> str:
    """Return the texts as one line, a word cut at its hyphen at the end of a line joined again."""
    return " ".join(" ".join(texts).replace("\xa0", " ").split()).replace("- ", "-")


def test_every_table_of_every_pdf_fits_its_page(client, ana, widest, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    client.force_login(ana)
    served = served_pdfs(client, monkeypatch)
    assert not [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")]
    # The data fill every table the report has, so that each is drawn and checked.
    kinds = {kind for _address, html, _pdf in served for kind in headers(html)}
    assert len(kinds) == REPORT.read_text(encoding="utf-8").count("<table")
    for address, html, document in served:
        flat = joined(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
        for kind, names in headers(html).items():
            for name in names:
                assert joined([name]) in flat, (address, kind, name)
    if shutil.which("pdftotext") is None:
        pytest.skip("the columns' positions need Debian's poppler-utils (make install-dev installs it)")
    for address, html, document in served:
        found = words(document)
        off_page = [(word, left, right) for word, left, right, width in found if left < 0 or right > width]
        assert not off_page, (address, off_page[:10])
        drawn = joined(word for word, *_box in found)
        for kind, names in headers(html).items():
            for name in names:
                assert joined([name]) in drawn, (address, kind, name)
