"""Every URL of the API × every kind of caller → the expected status (the pages' matrix is
tests/test_access_matrix.py). The patterns come from the resolver, so an endpoint added without a row fails.

Callers: anyone (no credentials); Camila, analyst of Coquimbo, with a read-only token and with one that
writes; Bruno, analyst of Biobío; Daniela (DIPRES) with a token (DIPRES's only read) and
Ana (admin) with one that writes; Charlie (no role)
and Héctor (head of Coquimbo) signed in with a session. The rows are Coquimbo's 2012 data, not published:
who does not see Coquimbo gets 404 for them, as for a row that does not exist.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator, Measurement
from investments import services as investment_services
from programs import services as program_services
from programs.models import EvaluationLine
from tests.api.conftest import bearer
from tests.test_access_matrix import named_patterns

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "camila_read", "camila", "bruno", "daniela", "ana", "charlie", "hector"]
ALL = dict.fromkeys(CALLERS, 200)


def seen_by_coquimbo(anonymous=404, bruno=404, charlie=404) -> dict:
    """Statuses of a row of Coquimbo's unpublished data: read by who sees Coquimbo."""
    return {**dict.fromkeys(CALLERS, 200), "anonymous": anonymous, "bruno": bruno, "charlie": charlie}


# name: (method, kwargs, expected). "{x}" is filled from the records.
MATRIX = {
    "api:api-root": ("get", {}, ALL),
    "api:schema": ("get", {}, ALL),
    "api:docs": ("get", {}, ALL),
    "api:region-list": ("get", {}, ALL),
    "api:region-detail": ("get", {"code": "CL-CO"}, ALL),
    "api:cycle-list": ("get", {}, ALL),
    "api:cycle-detail": ("get", {"year": 2012}, ALL),
    "api:cycle-export": ("get", {"year": 2012}, ALL),  # each reads its own part (tests/api/test_cycle_export.py)
    # An IATI file holds at least one activity: who reads no region's results gets a 404 (tests/api/test_iati.py).
    "api:cycle-iati": ("get", {"year": 2012}, {**ALL, "anonymous": 404, "charlie": 404}),
    "api:cycle-export-schema": ("get", {}, ALL),
    "api:definition-list": ("get", {}, ALL),
    "api:definition-detail": ("get", {"pk": "{definition}"}, seen_by_coquimbo()),
    "api:product-list": ("get", {}, ALL),
    "api:product-detail": ("get", {"pk": "{product}"}, seen_by_coquimbo()),
    "api:indicator-list": ("get", {}, ALL),
    "api:indicator-detail": ("get", {"pk": "{indicator}"}, seen_by_coquimbo()),
    "api:figure-list": ("get", {}, ALL),
    "api:figure-detail": ("get", {"pk": "{figure}"}, seen_by_coquimbo()),
    "api:result-list": ("get", {}, ALL),
    "api:analysis-list": ("get", {}, ALL),
    "api:analysis-detail": ("get", {"pk": "{analysis}"}, seen_by_coquimbo()),
    "api:commitment-list": ("get", {}, ALL),
    "api:commitment-detail": ("get", {"pk": "{commitment}"}, seen_by_coquimbo()),
    "api:evaluation-list": ("get", {}, ALL),
    "api:evaluation-detail": ("get", {"pk": "{evaluation}"}, seen_by_coquimbo()),
    "api:initiative-list": ("get", {}, ALL),
    "api:initiative-detail": ("get", {"pk": "{initiative}"}, seen_by_coquimbo()),
    "api:not_found": ("get", {}, dict.fromkeys(CALLERS, 404)),
    # A POST only (who may import: tests/api/test_csv_import.py).
    "api:figure-import-csv": ("get", {}, dict.fromkeys(CALLERS, 405)),  # /api/ itself, and any unknown address
}


# Writes to Coquimbo's data: (method, url name, url kwargs, body, expected). No credentials: 401 (with the scheme to
# use); a session without a role, a read-only token, another region's analyst, DIPRES, the head: 403 (404 where they
# do not even read the row); its analyst's token that writes and the admin's: 200 (201 for a new row).
def writes(ok: int) -> dict:
    return {
        "anonymous": 401,
        "camila_read": 403,
        "camila": ok,
        "bruno": 403,
        "daniela": 403,
        "ana": ok,
        "charlie": 403,
        "hector": 403,
    }


FIGURE = {
    "indicator": "CO-01",
    "year": 2011,
    "kind": "estimado",
    "numerator": "248",
    "denominator": "263",
    "version": 1,
}
WRITES = {
    "figures": ("post", "api:figure-list", {}, {"region": "CL-CO", "cycle": 2012, "figures": [FIGURE]}, writes(200)),
    "analysis": (
        "post",
        "api:analysis-list",
        {},
        {"region": "CL-CO", "cycle": 2012, "indicator": "CO-01", "causes": "Paro nacional", "version": 1},
        writes(200),
    ),
    "commitment": (
        "post",
        "api:commitment-list",
        {},
        {
            "region": "CL-CO",
            "cycle": 2012,
            "indicator": "CO-01",
            "description": "Otro",
            "owner": "DAF",
            "due_date": str(datetime.date.today() + datetime.timedelta(days=30)),  # due from today on
        },
        writes(201),
    ),
    "follow-up": (
        "patch",
        "api:commitment-detail",
        {"pk": "{commitment}"},
        {"cycle": 2012, "status": "en_curso", "follow_up": "Avance", "version": 1},
        {**writes(200), "bruno": 404, "charlie": 404},
    ),
}


def test_every_api_url_is_in_the_matrix():
    api_names = {name for name, _route in _api_patterns()}
    assert api_names == set(MATRIX), f"add these API URLs to the matrix: {sorted(api_names - set(MATRIX))}"
    assert not any(name.startswith("api:") for name, _route in named_patterns())  # the pages' matrix skips them


def _api_patterns():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == "api/":
            yield from named_patterns(entry, "", "api:")  # "" : the pages' matrix skips routes under api/


@pytest.fixture
def records(camila, daniela, coquimbo):
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[], version=0
    )
    services.result_analysis_save(
        user=camila, indicator=indicator, cycle=cycle, causes="Paro", external_causes=False,
        overachievement_justification="",
    )  # fmt: skip
    commitment = services.improvement_commitment_add(
        user=camila, indicator=indicator, cycle=cycle, description="Responder", owner="Jefa DAF",
        due_date=datetime.date(2012, 12, 31), recorded_on=datetime.date(2012, 1, 1),
    )  # fmt: skip
    evaluation = program_services.evaluation_save(
        user=daniela,
        region=coquimbo,
        cycle=cycle,
        data=program_services.EvaluationInput(
            line=EvaluationLine.objects.get(code="epg"), program="Fomento", evaluator="Panel"
        ),
    )
    investment_services.initiatives_save(
        user=camila,
        region=coquimbo,
        cycle=cycle,
        year=2012,
        rows=[investment_services.InitiativeInput("30000001-1", "Ruta", "Transporte", "Ovalle", programmed=100)],
    )
    return {
        "definition": objective.definition_id,
        "product": indicator.product_id,
        "indicator": indicator.pk,
        "figure": Measurement.objects.filter(indicator=indicator).first().pk,
        "analysis": indicator.analyses.get().pk,
        "commitment": commitment.pk,
        "evaluation": evaluation.pk,
        "initiative": coquimbo.investment_initiatives.get().pk,
    }


@pytest.fixture
def callers(cast, token_for):
    """caller → a client as that caller."""

    def client_for(caller: str) -> APIClient:
        client = APIClient()
        if caller in ("charlie", "hector"):
            client.force_login(cast[caller])
        elif caller == "camila_read":
            client.credentials(**bearer(token_for(cast["camila"])))
        elif caller != "anonymous":  # DIPRES enters no data: its tokens only read
            client.credentials(**bearer(token_for(cast[caller], write=caller != "daniela")))
        return client

    return client_for


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_api_access(callers, records, name, caller):
    method, kwargs, expected = MATRIX[name]
    kwargs = {key: records[value[1:-1]] if str(value).startswith("{") else value for key, value in kwargs.items()}
    response = getattr(callers(caller), method)(reverse(name, kwargs=kwargs))
    assert response.status_code == expected[caller], response.content[:300]
    if response.status_code == 404:
        assert response["Content-Type"] in ("application/json", "application/xml")  # never the pages' HTML


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_api_writes(callers, records, write, caller):
    method, name, kwargs, body, expected = WRITES[write]
    kwargs = {key: records[value[1:-1]] if str(value).startswith("{") else value for key, value in kwargs.items()}
    response = getattr(callers(caller), method)(reverse(name, kwargs=kwargs), body, format="json")
    assert response.status_code == expected[caller], response.content[:300]
    changed = {
        "figures": lambda: Measurement.objects.filter(indicator__code="CO-01", year=2011, numerator=248).exists(),
        "analysis": lambda: Indicator.objects.get(code="CO-01").analyses.get().causes == "Paro nacional",
        "commitment": lambda: Indicator.objects.get(code="CO-01").improvement_commitments.filter(owner="DAF").exists(),
        "follow-up": lambda: (
            Indicator.objects.get(code="CO-01").improvement_commitments.get(pk=records["commitment"]).status
            == "en_curso"
        ),
    }[write]()
    assert changed == (response.status_code in (200, 201))
