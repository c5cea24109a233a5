"""Every URL of the product × every kind of person → the expected status.

The patterns come from the resolver, so a view added without a row here fails this test. People:
Camila is the analyst of the region in the URLs (Coquimbo), Bruno the analyst of another region,
Daniela a DIPRES reviewer, Ana an admin, Charlie a user with no role, Héctor the head of Coquimbo. The admin
site (Django's own permission system) and the language switcher are checked elsewhere.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator
from investments.models import MideplanResult
from programs.models import EvaluationLine

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "i18n/", "api/")  # the API has its own matrix: tests/api/test_api_access.py
PEOPLE = ["anonymous", "camila", "bruno", "daniela", "ana", "charlie", "hector"]
LOGIN = "login"  # redirected to the login page


def row(anonymous, camila, bruno, daniela, ana, charlie, hector=None):
    """The expected statuses per person. Héctor, the head of Coquimbo, gets what Camila (its analyst) and
    Daniela (DIPRES) both get — he reads what both may read — and is refused the rest, unless said otherwise."""
    if hector is None:
        hector = camila if camila == daniela else 403
    return dict(zip(PEOPLE, [anonymous, camila, bruno, daniela, ana, charlie, hector], strict=True))


CO = {"code": "CL-CO", "year": 2012}
CO01 = {**CO, "indicator": "CO-01"}

# name: (method, kwargs, expected statuses). "{commitment}" and "{evidence}" are filled per test.
MATRIX = {
    "login": ("get", {}, row(200, 302, 302, 302, 302, 302)),
    "logout": ("get", {}, row(405, 405, 405, 405, 405, 405)),
    "home": ("get", {}, row(LOGIN, 200, 200, 200, 200, 200)),
    "health": ("get", {}, row(200, 200, 200, 200, 200, 200)),
    "favicon": ("get", {}, row(302, 302, 302, 302, 302, 302)),
    "indicators:region_current": ("get", {"code": "CL-CO"}, row(LOGIN, 302, 403, 302, 302, 403)),
    "indicators:region": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:entry_start": ("get", CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:entry": ("get", {**CO, "product": 1}, row(LOGIN, 200, 403, 403, 200, 403)),
    "indicators:indicator": ("get", CO01, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:spreadsheet": ("get", CO, row(LOGIN, 200, 403, 403, 200, 403)),
    "results:budget": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:budget_xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:spreadsheet_download": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    # Only who uploaded a preview applies it (Camila here): the admin too is refused.
    "indicators:spreadsheet_apply": ("post", {**CO, "pk": "{import}"}, row(LOGIN, 302, 403, 403, 403, 403)),
    "indicators:history": ("get", CO01, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:analysis": ("post", CO01, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:analysis_decide": ("post", CO01, row(LOGIN, 403, 403, 302, 302, 403)),
    "indicators:commitment_add": ("post", CO01, row(LOGIN, 400, 403, 403, 400, 403)),
    "indicators:commitment_follow_up": (
        "post",
        {**CO01, "pk": "{commitment}"},
        row(LOGIN, 302, 403, 403, 302, 403),
    ),
    "indicators:evidence_upload": ("post", CO01, row(LOGIN, 400, 403, 403, 400, 403)),
    "indicators:evidence_download": ("get", {**CO01, "pk": "{evidence}"}, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:evidence_withdraw": ("post", {**CO01, "pk": "{evidence}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "results:pending": ("get", {}, row(LOGIN, 200, 200, 200, 200, 200)),
    "results:national_current": ("get", {}, row(LOGIN, 403, 403, 302, 302, 403)),
    "results:national": ("get", {"year": 2012}, row(LOGIN, 403, 403, 200, 200, 403)),
    "results:dashboard": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:compare": ("get", {"code": "CL-CO"}, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:dashboard_xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:dashboard_csv": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:national_xlsx": ("get", {"year": 2012}, row(LOGIN, 403, 403, 200, 200, 403)),
    "results:national_csv": ("get", {"year": 2012}, row(LOGIN, 403, 403, 200, 200, 403)),
    "results:report": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:report_pdf": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:review_queue": ("get", {}, row(LOGIN, 403, 403, 200, 200, 403)),
    "results:review": ("get", CO, row(LOGIN, 403, 403, 200, 200, 403)),
    "results:send": ("post", CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "results:return": ("post", CO, row(LOGIN, 403, 403, 302, 302, 403)),
    "results:approve": ("post", CO, row(LOGIN, 403, 403, 302, 302, 403)),
    # DIPRES reviews a region's formulation (refused outside Formulación, with a message on the region page).
    "results:formulation_review": ("post", CO, row(LOGIN, 403, 403, 302, 302, 403)),
    "results:reopen": ("post", CO, row(LOGIN, 403, 403, 302, 302, 403)),
    "programs:evaluations": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "programs:xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "programs:csv": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "programs:evaluation": ("get", {**CO, "pk": "{evaluation}"}, row(LOGIN, 200, 403, 200, 200, 403)),
    "programs:report_download": ("get", {**CO, "pk": "{evaluation}"}, row(LOGIN, 200, 403, 200, 200, 403)),
    # DIPRES records evaluations and agrees their commitments; the region's analysts follow them up.
    "programs:commitment_add": ("post", {**CO, "pk": "{evaluation}"}, row(LOGIN, 403, 403, 302, 302, 403)),
    "programs:commitment_change": (
        "post",
        {**CO, "pk": "{evaluation}", "commitment": "{institutional}"},
        row(LOGIN, 403, 403, 302, 302, 403),
    ),
    "programs:commitment_follow_up": (
        "post",
        {**CO, "pk": "{evaluation}", "commitment": "{institutional}"},
        row(LOGIN, 302, 403, 403, 302, 403),
    ),
    "indicators:computed_apply": ("post", {**CO01, "pk": "{computed}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "investments:propir": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "pmg:pmg": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "results:stage": ("get", {"year": 2012}, row(LOGIN, 403, 403, 200, 200, 403)),
    "pmg:xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "pmg:csv": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    # DIPRES validates the PMG; the region's analysts commit and report.
    "pmg:validate": ("post", {**CO, "pk": "{pmg}"}, row(LOGIN, 403, 403, 302, 302, 403)),
    # The axes: everyone with a role, over the regions they see.
    "results:axes_current": ("get", {}, row(LOGIN, 302, 302, 302, 302, 403)),
    "results:axes": ("get", {"year": 2012}, row(LOGIN, 200, 200, 200, 200, 403)),
    "results:axis": ("get", {"year": 2012, "code": "crecimiento"}, row(LOGIN, 200, 200, 200, 200, 403)),
    "results:axis_xlsx": ("get", {"year": 2012, "code": "crecimiento"}, row(LOGIN, 200, 200, 200, 200, 403)),
    "results:axis_csv": ("get", {"year": 2012, "code": "crecimiento"}, row(LOGIN, 200, 200, 200, 200, 403)),
    # DIPRES keeps the axes (an empty form: said on the page).
    "results:axis_create": ("post", {"year": 2012}, row(LOGIN, 403, 403, 400, 400, 403)),
    "results:axis_change": (
        "post",
        {"year": 2012, "code": "crecimiento"},
        row(LOGIN, 403, 403, 302, 302, 403),
    ),
    "investments:initiative": ("get", {**CO, "pk": "{initiative}"}, row(LOGIN, 200, 403, 200, 200, 403)),
    "investments:xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "investments:csv": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "investments:spreadsheet": ("get", CO, row(LOGIN, 200, 403, 403, 200, 403)),
    "investments:preview": ("get", {**CO, "pk": "{propir_import}"}, row(LOGIN, 200, 403, 403, 200, 403)),
    # The definiciones estratégicas: whoever sees the region reads them; its analysts (and admins) formulate them,
    # DIPRES links their objectives to axes.
    "indicators:definitions": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:definitions_xlsx": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:definitions_csv": ("get", CO, row(LOGIN, 200, 403, 200, 200, 403)),
    "indicators:mission_save": ("post", CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:objective_add": ("post", CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:objective_change": ("post", {**CO, "pk": "{objective}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:objective_delete": ("post", {**CO, "pk": "{objective}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:objective_axes": ("post", {**CO, "pk": "{objective}"}, row(LOGIN, 403, 403, 302, 302, 403)),
    "indicators:target_add": ("post", CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:target_change": ("post", {**CO, "pk": "{target}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "indicators:target_delete": ("post", {**CO, "pk": "{target}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    # Observations: DIPRES opens, resolves and ticks the checklist; the region's analysts answer and name the
    # indicator's responsible.
    "indicators:observation_open": ("post", CO01, row(LOGIN, 403, 403, 302, 302, 403)),
    "indicators:observation_reply": (
        "post",
        {**CO01, "pk": "{observation}"},
        row(LOGIN, 302, 403, 302, 302, 403, hector=403),  # the head reads the thread, does not answer
    ),
    "indicators:observation_resolve": ("post", {**CO01, "pk": "{observation}"}, row(LOGIN, 403, 403, 302, 302, 403)),
    "indicators:formulation_check": ("post", CO01, row(LOGIN, 403, 403, 302, 302, 403)),
    "indicators:responsible_set": ("post", CO01, row(LOGIN, 302, 403, 403, 302, 403)),
    # Notifications: each person their own (another's is not found).
    "notifications:list": ("get", {}, row(LOGIN, 200, 200, 200, 200, 200)),
    "notifications:open": ("post", {"pk": "{notification}"}, row(LOGIN, 302, 404, 404, 404, 404, 404)),
    "notifications:read_all": ("post", {}, row(LOGIN, 302, 302, 302, 302, 302)),
    "notifications:preferences": ("get", {}, row(LOGIN, 200, 200, 200, 200, 200)),
    # The public portal: the same for everyone, signed in or not; Coquimbo's 2012 data is not published here.
    "public:index": ("get", {}, row(200, 200, 200, 200, 200, 200, 200)),
    "public:national": ("get", {"year": 2012}, row(404, 404, 404, 404, 404, 404, 404)),
    "public:national_csv": ("get", {"year": 2012}, row(404, 404, 404, 404, 404, 404, 404)),
    "public:national_xlsx": ("get", {"year": 2012}, row(404, 404, 404, 404, 404, 404, 404)),
    "public:region": ("get", CO, row(404, 404, 404, 404, 404, 404, 404)),
    "public:region_csv": ("get", CO, row(404, 404, 404, 404, 404, 404, 404)),
    "public:region_xlsx": ("get", CO, row(404, 404, 404, 404, 404, 404, 404)),
    "public:report": ("get", CO, row(404, 404, 404, 404, 404, 404, 404)),
    "public:report_pdf": ("get", CO, row(404, 404, 404, 404, 404, 404, 404)),
    "public:indicator": ("get", CO01, row(404, 404, 404, 404, 404, 404, 404)),
    # Sign-in with an identity provider: none is configured here (tests/test_oidc.py configures a fake one).
    "oidc_authentication_init": ("get", {}, row(404, 404, 404, 404, 404, 404, 404)),
    "oidc_authentication_callback": ("get", {}, row(404, 404, 404, 404, 404, 404, 404)),
    # Each person their own API tokens; a person with no role makes none.
    "api_tokens": ("get", {}, row(LOGIN, 200, 200, 200, 200, 403)),
    "api_token_revoke": ("post", {"pk": "{api_token}"}, row(LOGIN, 302, 404, 404, 404, 404, 404)),
}

# Pages that also take a POST (the same URL as their GET): name → (kwargs, expected statuses of the POST).
POST_MATRIX = {
    "programs:evaluations": (CO, row(LOGIN, 403, 403, 302, 302, 403)),
    "programs:evaluation": ({**CO, "pk": "{evaluation}"}, row(LOGIN, 403, 403, 302, 302, 403)),
    # The region's analysts (and admins) keep the PROPIR; a spreadsheet is applied by who uploaded it.
    "investments:propir": (CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "investments:initiative": ({**CO, "pk": "{initiative}"}, row(LOGIN, 302, 403, 403, 302, 403)),
    "investments:spreadsheet": (CO, row(LOGIN, 400, 403, 403, 400, 403)),  # no file: said on the form
    "investments:preview": ({**CO, "pk": "{propir_import}"}, row(LOGIN, 302, 403, 403, 403, 403)),
    "pmg:pmg": (CO, row(LOGIN, 302, 403, 403, 302, 403)),
    "results:stage": ({"year": 2012}, row(LOGIN, 403, 403, 302, 302, 403)),  # DIPRES moves a cycle on
    "notifications:preferences": ({}, row(LOGIN, 302, 302, 302, 302, 302)),  # each person their own
    "api_tokens": ({}, row(LOGIN, 200, 200, 200, 200, 403)),  # the new key is shown on the page itself
}


def post_data(name: str) -> dict:
    if name.startswith("investments:"):
        result = MideplanResult.objects.get(code="RS").pk
        bip = "30000001-1" if name == "investments:initiative" else "30000002-2"
        return {
            "bip_code": bip,
            "name": "Ruta",
            "sector": "Transporte",
            "comuna": "Ovalle",
            "programmed": "100",
            "result": result,
            "state": "programada",
            "version": 1 if name == "investments:initiative" else 0,
        }
    if name == "results:stage":
        return {"reason": "Ley de presupuestos promulgada"}
    if name == "pmg:pmg":
        return {"accion": "autoevaluacion"}  # no scores: nothing to change, saved as it is
    if name == "api_tokens":
        return {"name": "Carga", "expires_on": str(date.today() + timedelta(days=300))}
    if name == "notifications:preferences":
        from notifications.vocabulary import Delivery, Event

        return {"language": "en", **{event.value: Delivery.DIGEST for event in Event}}
    return evaluation_post_data(1 if name == "programs:evaluation" else 0)


POST_DATA = {
    "indicators:analysis": {"causes": "Aumento de consultas", "external_causes": "on", "version": 1},
    "indicators:analysis_decide": {"accepted": "1"},
    "indicators:commitment_follow_up": {"status": "en_curso", "follow_up": "Avance", "version": 1},
    "programs:commitment_follow_up": {"status": "en_curso", "follow_up": "Avance", "version": 1},
    "pmg:validate": {"validated_stage": "2", "notes": "", "version": "1"},
    "results:axis_change": {"accion": "indicadores"},
    "programs:commitment_add": {
        "description": "Rediseñar",
        "owner": "Jefe DIPLAN",
        "due_date": str(date.today() + timedelta(days=30)),  # a commitment is due from today on
    },
    "programs:commitment_change": {"description": "Rediseñar", "owner": "Jefa DIPLAN", "due_date": "2013-03-31"},
    "results:return": {"comment": "Revisar 2010"},
    "results:formulation_review": {"version": "0"},
    "results:reopen": {"comment": "Corrección"},
    "indicators:mission_save": {"mission": "Misión", "version": 1},
    "indicators:objective_add": {"number": 2, "description": "Dos", "version": 0},
    "indicators:objective_change": {"number": 1, "description": "Uno", "version": 1},
    "indicators:objective_delete": {"version": 1},
    "indicators:objective_axes": {"version": 1},
    "indicators:target_add": {
        "objective": "{objective}",
        "indicator": "{co01}",
        "year": 2015,
        "value": "97",
        "version": 0,
    },
    "indicators:target_change": {
        "objective": "{objective}",
        "indicator": "{co01}",
        "year": 2014,
        "value": "98",
        "version": 1,
    },
    "indicators:target_delete": {"version": 1},
    "indicators:observation_open": {"topic": "cifra", "text": "Revise 2009"},
    "indicators:observation_reply": {"text": "Respuesta", "version": 1},
    "indicators:observation_resolve": {"text": "", "version": 1},
    "indicators:formulation_check": {"item": "medible", "state": "conforme"},
    "indicators:responsible_set": {"responsible": "", "current": ""},
}


def named_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", route


def test_every_url_pattern_is_in_the_matrix():
    names = {name for name, _route in named_patterns()}
    assert names == set(MATRIX), f"add these URLs to the access matrix: {sorted(names - set(MATRIX))}"


def evaluation_post_data(version: int) -> dict:
    """A valid evaluation: a new one (version 0) or the fixture's, as first recorded (version 1)."""
    line = EvaluationLine.objects.get(code="epg").pk
    return {"line": line, "program": "Fomento", "evaluator": "Panel", "version": version}


@pytest.fixture
def records(camila, daniela):
    """A commitment, a piece of evidence and a result analysis claiming external causes, for CO-01 in 2012."""
    indicator = Indicator.objects.get(code="CO-01")
    cycle = EvaluationCycle.objects.get(year=2012)
    commitment = services.improvement_commitment_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        description="Responder en 3 días",
        owner="Jefa DAF",
        due_date=date(2012, 12, 31),
        recorded_on=date(2012, 1, 1),
    )
    evidence = services.evidence_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        year=2010,
        upload=SimpleUploadedFile("informe.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Paro",
        external_causes=True,
        overachievement_justification="",
    )
    from indicators.models import ImportLog

    log = ImportLog.objects.create(
        user=camila, region=indicator.region, cycle=cycle, file_name="f.xlsx", file_sha256="0"
    )
    from programs import services as program_services

    evaluation = program_services.evaluation_save(
        user=daniela,
        region=indicator.region,
        cycle=cycle,
        data=program_services.EvaluationInput(
            line=EvaluationLine.objects.get(code="epg"),
            program="Programa de Fomento",
            evaluator="Panel de expertos",
            report=SimpleUploadedFile("informe.pdf", b"%PDF-1.4\n%%EOF\n"),
        ),
    )
    institutional = program_services.institutional_commitment_add(
        user=daniela, evaluation=evaluation, description="Rediseñar", owner="Jefe DIPLAN", due_date=date(2013, 3, 31),
        recorded_on=date(2012, 1, 1),
    )  # fmt: skip
    from investments import services as investment_services
    from investments.models import PropirImport

    investment_services.initiatives_save(
        user=camila,
        region=indicator.region,
        cycle=cycle,
        year=2012,
        rows=[investment_services.InitiativeInput("30000001-1", "Ruta", "Transporte", "Ovalle", programmed=100)],
    )
    initiative = indicator.region.investment_initiatives.get()
    propir_import = PropirImport.objects.create(user=camila, region=indicator.region, cycle=cycle, year=2012)
    from indicators.models import ComputedFigure

    Indicator.objects.filter(pk=indicator.pk).update(source="propir")
    from indicators.models import PriorityAxis

    PriorityAxis.objects.create(code="crecimiento", name="Crecimiento económico")
    computed = ComputedFigure.objects.create(
        indicator=indicator, year=2010, source="propir", numerator=1, denominator=2
    )
    from pmg import services as pmg_services
    from pmg.models import ManagementSystem

    system = ManagementSystem.objects.filter(cycle=cycle).first()
    pmg_services.pmg_commitments_save(
        user=camila, region=indicator.region, cycle=cycle, rows=[pmg_services.CommitmentInput(system, 2, None, 0)]
    )
    objective = services.objective_save(
        user=camila, region=indicator.region, cycle=cycle, objective=None, number=1, description="Uno", products=[],
        version=0,
    )  # fmt: skip
    target = services.medium_term_target_save(
        user=camila,
        objective=objective,
        target=None,
        data=services.TargetInput(indicator, 2014, Decimal(97)),
        version=0,
    )
    observation = services.observation_open(
        user=daniela, indicator=indicator, cycle=cycle, topic="cifra", text="¿Por qué cambió 2009?"
    )
    from notifications.models import Notification

    notification = Notification.objects.create(recipient=camila, event="devuelto", path="/pendientes/")
    from api.services import token_create

    api_token, _key = token_create(
        user=camila, name="Carga", can_write=False, regions=[], expires_on=date.today() + timedelta(days=30)
    )
    return {
        "api_token": api_token.pk,
        "notification": notification.pk,
        "observation": observation.pk,
        "objective": objective.pk,
        "target": target.pk,
        "co01": indicator.pk,
        "pmg": indicator.region.pmg_commitments.get().pk,
        "initiative": initiative.pk,
        "propir_import": propir_import.pk,
        "computed": computed.pk,
        "commitment": commitment.pk,
        "evidence": evidence.pk,
        "import": log.pk,
        "evaluation": evaluation.pk,
        "institutional": institutional.pk,
    }


def prepare_state(name, records, camila):
    """Put the submission where the step under test starts from."""
    from evaluation.models import Submission, SubmissionStatus

    status = {
        "results:return": SubmissionStatus.SENT,
        "results:approve": SubmissionStatus.SENT,
        "results:reopen": SubmissionStatus.APPROVED,
    }.get(name)
    if status:
        Submission.objects.filter(region__iso_code="CL-CO").update(status=status)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, cast, records, name, person):
    method, kwargs, expected = MATRIX[name]
    kwargs = {
        key: records[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
        for key, value in kwargs.items()
    }
    prepare_state(name, records, cast["camila"])
    if person != "anonymous":
        client.force_login(cast[person])
    url = reverse(name, kwargs=kwargs)
    data = {
        key: records[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
        for key, value in POST_DATA.get(name, {}).items()
    }
    response = getattr(client, method)(url, data)
    response.close()  # a streamed file holds its handle until closed
    want = expected[person]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want
    if method == "post":
        assert client.get(url).status_code in (405, 302)  # mutating views refuse GET


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_post_access(client, cast, records, name, person):
    kwargs, expected = POST_MATRIX[name]
    kwargs = {key: records[value[1:-1]] if str(value).startswith("{") else value for key, value in kwargs.items()}
    if person != "anonymous":
        client.force_login(cast[person])
    response = client.post(reverse(name, kwargs=kwargs), post_data(name))
    want = expected[person]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, response.content[:500]


def test_csrf_is_enforced_on_mutating_views(cast, records):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["camila"])
    response = client.post(reverse("indicators:analysis", kwargs=CO01), {"causes": "x"})
    assert response.status_code == 403
