"""Figures imported by CSV through the API: a dry run by default (the same checks as saving, nothing kept),
then all or nothing; every problem of the file at once, by line; the spreadsheet's Chilean format accepted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import RegionDataVersion
from indicators.models import Measurement
from results.services import workflow
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

IMPORT = reverse("api:figure-import-csv")
HEADER = "indicator,year,kind,numerator,denominator,version\n"


def post(api, body: str, dry_run: bool | None = None, region: str = "CL-CO"):
    query = f"?region={region}&cycle=2012" + ("" if dry_run is None else f"&dry_run={str(dry_run).lower()}")
    return api.post(IMPORT + query, body.encode(), content_type="text/csv")


def estimate() -> Measurement:
    return Measurement.objects.get(indicator__code="CO-01", year=2011, kind="estimado")


@pytest.fixture
def writer(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    return api


def test_a_dry_run_shows_each_change_and_keeps_nothing(writer, coquimbo):
    versions = list(RegionDataVersion.objects.values_list("region_id", "cycle_id", "value"))
    history = estimate().history.count()
    response = post(writer, HEADER + "CO-01,2011,estimado,248,263,1\nCO-01,2010,efectivo,262,281,1\n")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["dry_run"], body["saved"], body["would_save"]) == (True, 0, 1)
    assert body["changes"] == [
        {
            "index": 0,
            "line": 2,
            "indicator": "CO-01",
            "year": 2011,
            "kind": "estimado",
            "old": {"numerator": "247.0000", "denominator": "263.0000", "version": 1},
            "new": {"numerator": "248", "denominator": "263"},
        }
    ]  # 2010 was sent as it is stored: not a change
    assert estimate().numerator == Decimal(247)
    assert estimate().history.count() == history
    assert list(RegionDataVersion.objects.values_list("region_id", "cycle_id", "value")) == versions


def test_applying_saves_all_with_history(writer, camila):
    response = post(writer, HEADER + "CO-01,2011,estimado,248,263,1\n", dry_run=False)
    assert response.json()["saved"] == 1
    assert estimate().numerator == Decimal(248)
    record = estimate().history.latest()
    assert record.history_user == camila
    assert record.history_change_reason == "API, CSV: programa"


def test_the_chilean_spreadsheet_format_is_read(writer):
    body = "indicator;year;kind;numerator;denominator;version\nCO-01;2011;estimado;1.248,5;1263;1\n"
    response = post(writer, "\ufeff" + body, dry_run=False)
    assert response.status_code == 200, response.json()
    assert (estimate().numerator, estimate().denominator) == (Decimal("1248.5"), Decimal(1263))


def test_every_problem_of_the_file_is_said_by_line_and_nothing_is_saved(writer):
    body = HEADER + "CO-01,2011,estimado,248,263,1\nCO-01,20x1,meta,1,2,0\nCO-01,2012,presupuesto,abc,2,0\n"
    response = post(writer, body, dry_run=False)
    assert response.status_code == 400
    problems = {problem["line"]: problem["errors"] for problem in response.json()["errors"]}
    assert problems == {
        3: {"year": ["El año debe ser un número entero, p. ej. 2012."]},
        4: {"kind": ["El tipo debe ser efectivo, estimado o meta."], "numerator": ["«abc» no es un número."]},
    }
    assert estimate().numerator == Decimal(247)


def test_the_services_checks_answer_by_line_too(writer):
    body = HEADER + "CO-01,2011,estimado,248,263,1\nCO-01,2012,meta,250,,1\n"  # CO-01 needs a denominator
    response = post(writer, body, dry_run=False)
    assert response.status_code == 400
    assert [(p["line"], p["errors"]) for p in response.json()["errors"]] == [
        (3, {"denominator": ["Este indicador requiere denominador."]})
    ]
    stale = post(writer, HEADER + "CO-01,2011,estimado,248,263,0\n")  # version 0: it read no figure
    assert stale.status_code == 409
    assert stale.json()["conflicts"][0]["line"] == 2
    assert stale.json()["conflicts"][0]["current"]["version"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "El CSV está vacío."),
        ("indicator,year\nCO-01,2011\n", "Faltan las columnas: kind, numerator."),
    ],
    ids=["empty", "columns"],
)
def test_a_file_that_is_not_a_figures_csv_is_refused(writer, body, message):
    response = post(writer, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["errors"]["csv"] == [message]


def test_a_file_not_in_utf8_is_refused(writer):
    response = writer.post(
        IMPORT + "?region=CL-CO&cycle=2012",
        HEADER.encode() + "CO-01,2011,año\n".encode("latin-1"),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_the_region_and_cycle_are_needed(writer):
    assert writer.post(IMPORT, HEADER.encode(), content_type="text/csv").status_code == 400
    assert post(writer, HEADER + "CO-01,2011,estimado,1,2,1\n", region="CL-ZZ").status_code == 404


def test_only_who_may_write_imports_even_a_dry_run(api, token_for, camila, bruno, coquimbo, cycle):
    body = HEADER + "CO-01,2011,estimado,248,263,1\n"
    assert post(api, body).status_code == 401  # no credentials
    api.credentials(**bearer(token_for(camila)))  # read only
    assert post(api, body).status_code == 403
    api.credentials(**bearer(token_for(bruno, write=True)))
    assert post(api, body).status_code == 403
    api.credentials(**bearer(token_for(camila, write=True)))
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    locked = post(api, body)
    assert locked.status_code == 409
    assert locked.json()["code"] == "locked"


def test_a_file_the_csv_reader_cannot_read_is_a_problem_not_an_error(writer):
    """Found by schemathesis: a carriage return inside a field, or a field beyond the CSV reader's limit."""
    carriage = post(writer, HEADER + "CO-01,2011,estimado,2\r48,263,1\n", dry_run=True)
    assert carriage.status_code == 400  # the carriage return ends a line, as CSV says: «48,263,1» has no kind
    assert carriage.json()["errors"][0]["line"] == 3
    huge = post(writer, HEADER + "CO-01,2011,estimado," + "9" * 200_000 + ",263,1\n", dry_run=True)
    assert huge.status_code == 400
    (problem,) = huge.json()["errors"]
    assert problem["line"] == 2
    assert problem["errors"]["csv"][0].startswith("El CSV no se pudo leer en la línea 2: field larger than field limit")
    assert estimate().numerator == Decimal(247)


def test_a_line_with_two_problems_says_both(writer):
    """«abc» over 0: the numerator is not a number and the denominator breaks the figure's rule; both are told."""
    response = post(writer, HEADER + "CO-01,2011,estimado,abc,0,1\n", dry_run=False)
    assert response.status_code == 400
    assert response.json()["errors"][0]["errors"] == {
        "numerator": ["«abc» no es un número."],
        "denominator": ["El denominador debe ser mayor que cero."],
    }
    assert estimate().numerator == Decimal(247)
