"""The REST API: what anyone reads (published results only), what a token reads and writes (its person's
permissions, narrowed), and how a write answers (all or nothing, versions, clear errors)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from indicators import services
from indicators.models import Indicator, Measurement
from results.services import workflow
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

FIGURES = reverse("api:figure-list")


def figure(code: str, year: int, kind: str, numerator: str, denominator: str | None, version: int) -> dict:
    return {
        "indicator": code,
        "year": year,
        "kind": kind,
        "numerator": numerator,
        "denominator": denominator,
        "version": version,
    }


def batch(*figures: dict, region: str = "CL-CO", cycle: int = 2012) -> dict:
    return {"region": region, "cycle": cycle, "figures": list(figures)}


# Reading without signing in: published results only.


def test_anyone_reads_the_regions_and_cycles(api):
    regions = api.get(reverse("api:region-list"), {"page_size": 50}).json()
    assert regions["count"] == 16
    assert regions["results"][0]["code"] == "CL-AP"  # geographic order, north first
    cycle = api.get(reverse("api:cycle-detail", kwargs={"year": 2012})).json()
    assert cycle["stage"] == "discusion_aprobacion"
    assert cycle["bonus_full_rate"] == "7.60"


def test_nothing_of_a_region_is_public_before_dipres_approves_it(api, camila, cycle, coquimbo):
    for name in ["api:indicator-list", "api:figure-list", "api:product-list", "api:analysis-list"]:
        assert api.get(reverse(name)).json()["count"] == 0, name
    assert api.get(reverse("api:result-list"), {"cycle": 2012}).json()["count"] == 0
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)  # sent, not yet approved
    assert api.get(FIGURES).json()["count"] == 0


def test_approved_results_are_public_with_the_documents_figures(api, publish, coquimbo):
    publish(coquimbo)
    rows = api.get(FIGURES, {"region": "cl-co", "indicator": "CO-01"}).json()["results"]
    # The document's table for Coquimbo: 71 %, 92 %, 93 % (efectivos 2008-2010), 94 % (estimado 2011), 95 % (meta 2012).
    assert [(row["year"], row["kind"], row["value"]) for row in rows] == [
        (2008, "efectivo", "71"),
        (2009, "efectivo", "92"),
        (2010, "efectivo", "93"),
        (2011, "estimado", "94"),
        (2012, "meta", "95"),
    ]
    assert rows[0]["numerator"] == "152.0000"
    assert rows[0]["denominator"] == "214.0000"
    indicators = api.get(reverse("api:indicator-list"), {"region": "CL-CO"}).json()["results"]
    assert {row["region"] for row in indicators} == {"CL-CO"}
    assert "responsible" not in indicators[0]
    results = api.get(reverse("api:result-list"), {"cycle": 2012}).json()["results"]
    assert [(row["region"], row["published"], row["submission_status"]) for row in results] == [
        ("CL-CO", True, "aprobado")
    ]
    co01 = next(item for item in results[0]["indicators"] if item["code"] == "CO-01")
    assert co01["target"] == "95"
    # Other regions stay private.
    assert api.get(FIGURES, {"region": "CL-BI"}).json()["count"] == 0


def test_reopened_results_are_no_longer_public(api, publish, coquimbo, cycle, daniela):
    publish(coquimbo)
    assert api.get(FIGURES).json()["count"] > 0
    workflow.submission_reopen(user=daniela, region=coquimbo, cycle=cycle, reason="Corregir la meta")
    assert api.get(FIGURES).json()["count"] == 0
    assert api.get(reverse("api:result-list"), {"cycle": 2012}).json()["count"] == 0


@pytest.mark.parametrize(
    ("external", "accepted", "public"),
    [(False, None, True), (True, None, False), (True, False, False), (True, True, True)],
    ids=["own-causes", "external-undecided", "external-rejected", "external-accepted"],
)
def test_the_public_reads_causes_only_once_accepted(api, coquimbo, cycle, camila, daniela, external, accepted, public):
    co01 = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila, indicator=co01, cycle=cycle, causes="Paro", external_causes=external,
        overachievement_justification="",
    )  # fmt: skip
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    if accepted is not None:
        services.result_analysis_decide(user=daniela, analysis=co01.analyses.get(), accepted=accepted)
    workflow.submission_approve(user=daniela, region=coquimbo, cycle=cycle)
    causes = [row["causes"] for row in api.get(reverse("api:analysis-list")).json()["results"]]
    assert causes == (["Paro"] if public else [])
    api.force_authenticate(camila)  # who sees the region reads it whatever DIPRES decided
    assert [row["causes"] for row in api.get(reverse("api:analysis-list")).json()["results"]] == ["Paro"]


def test_the_public_never_reads_names_of_people(api, publish, coquimbo, cycle, camila):
    services.improvement_commitment_add(
        user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, description="Responder en 3 días",
        owner="Jefa DAF", due_date=datetime.date(2012, 12, 31), recorded_on=datetime.date(2012, 1, 1),
    )  # fmt: skip
    publish(coquimbo)
    commitments = api.get(reverse("api:commitment-list")).json()["results"]
    assert [(row["description"], row["owner"]) for row in commitments] == [("Responder en 3 días", None)]
    api.force_authenticate(camila)
    assert api.get(reverse("api:commitment-list")).json()["results"][0]["owner"] == "Jefa DAF"


# Reading with a token or a session: the person's regions whole, the rest as published.


def test_a_token_reads_its_persons_regions(api, token_for, camila, bruno):
    api.credentials(**bearer(token_for(camila)))
    regions = {row["region"] for row in api.get(FIGURES, {"page_size": 1000}).json()["results"]}
    assert regions == {"CL-CO"}
    api.credentials(**bearer(token_for(bruno)))
    regions = {row["region"] for row in api.get(FIGURES, {"page_size": 1000}).json()["results"]}
    assert regions == {"CL-BI"}


def test_a_token_narrowed_to_a_region_reads_only_it(api, token_for, daniela, ana, coquimbo, biobio):
    api.credentials(**bearer(token_for(daniela, regions=[coquimbo])))
    assert {row["region"] for row in api.get(FIGURES, {"page_size": 1000}).json()["results"]} == {"CL-CO"}
    api.credentials(**bearer(token_for(ana, write=True, regions=[biobio])))
    assert {row["region"] for row in api.get(FIGURES, {"page_size": 1000}).json()["results"]} == {"CL-BI"}


@pytest.mark.parametrize(
    "key",
    ["pbr_not-a-token", "Zm9vOmJhcg==", ""],
    ids=["unknown", "not-pbr", "empty"],
)
def test_a_bad_token_is_refused_with_401(api, key):
    response = api.get(FIGURES, HTTP_AUTHORIZATION=f"Bearer {key}".strip())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(api, token_for, camila):
    key = token_for(camila)
    api.credentials(**bearer(key))
    assert api.get(FIGURES).status_code == 200
    token = ApiToken.objects.get(user=camila)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert api.get(FIGURES).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate(), revoked_at=timezone.now())
    assert api.get(FIGURES).status_code == 401


def test_a_token_of_an_inactive_person_is_refused(api, token_for, camila):
    api.credentials(**bearer(token_for(camila)))
    camila.is_active = False
    camila.save()
    assert api.get(FIGURES).status_code == 401


def test_filters_and_pages(api, token_for, camila):
    api.credentials(**bearer(token_for(camila)))
    metas = api.get(FIGURES, {"kind": "meta", "year": 2012}).json()
    assert (
        metas["count"]
        == Measurement.objects.filter(indicator__region__iso_code="CL-CO", kind="meta", year=2012).count()
    )
    assert {(row["kind"], row["year"]) for row in metas["results"]} == {("meta", 2012)}
    page = api.get(FIGURES, {"page_size": 2}).json()
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert len(api.get(FIGURES, {"page_size": 5000}).json()["results"]) <= 1000
    assert api.get(FIGURES, {"page": 999}).status_code == 404


def test_csv_as_well_as_json(api, token_for, camila):
    api.credentials(**bearer(token_for(camila)))
    response = api.get(FIGURES, {"indicator": "CO-01", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "id,region,indicator,indicator_id,year,kind,numerator,denominator,value,version"
    assert lines[1].split(",")[1:9] == [
        "CL-CO",
        "CO-01",
        lines[1].split(",")[3],
        "2008",
        "efectivo",
        "152.0000",
        "214.0000",
        "71",
    ]
    accept = api.get(FIGURES, {"indicator": "CO-01"}, HTTP_ACCEPT="text/csv")
    assert accept.content == response.content


def test_reading_costs_the_same_queries_whatever_the_data(api, token_for, ana, coquimbo, django_assert_max_num_queries):
    """A page of figures costs a fixed number of queries, for one region or all sixteen."""
    api.credentials(**bearer(token_for(ana, regions=[])))
    with django_assert_max_num_queries(9) as all_regions:
        assert api.get(FIGURES, {"page_size": 1000}).status_code == 200
    api.credentials(**bearer(token_for(ana, regions=[coquimbo])))
    with django_assert_max_num_queries(9) as one_region:
        assert api.get(FIGURES, {"page_size": 1000}).status_code == 200
    assert len(all_regions.captured_queries) == len(one_region.captured_queries)


# Writing figures: through the same service as the entry grid.


def test_a_token_that_writes_saves_figures_with_history(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "248", "263", 1)), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["saved"] == 1
    assert body["figures"][0]["numerator"] == "248.0000"
    assert body["figures"][0]["version"] == 2
    stored = Measurement.objects.get(indicator__code="CO-01", year=2011, kind="estimado")
    assert stored.numerator == Decimal(248)
    last = stored.history.latest()
    assert last.history_user == camila
    assert last.history_change_reason == "API: programa"


def test_a_read_only_token_writes_nothing(api, token_for, camila):
    api.credentials(**bearer(token_for(camila)))
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "248", "263", 1)), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"  # the token may not write, whatever its person may
    assert Measurement.objects.get(indicator__code="CO-01", year=2011, kind="estimado").numerator == Decimal(247)


def test_a_token_never_writes_beyond_its_regions(api, token_for, camila, ana, biobio, coquimbo):
    api.credentials(**bearer(token_for(camila, write=True)))
    response = api.post(FIGURES, batch(figure("BI-01", 2011, "estimado", "1", "2", 0), region="CL-BI"), format="json")
    assert response.status_code == 403
    api.credentials(**bearer(token_for(ana, write=True, regions=[coquimbo])))  # an admin's token, narrowed
    response = api.post(FIGURES, batch(figure("BI-01", 2011, "estimado", "1", "2", 0), region="CL-BI"), format="json")
    assert response.status_code == 403
    assert not Measurement.objects.filter(indicator__region=biobio, numerator=1).exists()


def test_a_stale_version_is_a_409_with_what_is_stored(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "248", "263", 1)), format="json")
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "249", "263", 1)), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert body["conflicts"][0]["current"]["numerator"] == "248.0000"
    assert body["conflicts"][0]["current"]["version"] == 2


def test_one_bad_figure_saves_nothing(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    response = api.post(
        FIGURES,
        batch(
            figure("CO-01", 2011, "estimado", "248", "263", 1),  # valid
            figure("CO-01", 2012, "meta", "250", None, 1),  # CO-01 needs a denominator
            figure("CO-77", 2012, "meta", "1", "2", 0),  # no such indicator
        ),
        format="json",
    )
    assert response.status_code == 400
    assert [problem["index"] for problem in response.json()["errors"]] == [2]  # the unknown code first
    response = api.post(
        FIGURES,
        batch(figure("CO-01", 2011, "estimado", "248", "263", 1), figure("CO-01", 2012, "meta", "250", None, 1)),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(problem["index"], list(problem["errors"])) for problem in errors] == [(1, ["denominator"])]
    assert errors[0]["errors"]["denominator"] == ["Este indicador requiere denominador."]
    assert Measurement.objects.get(indicator__code="CO-01", year=2011, kind="estimado").numerator == Decimal(247)


def test_malformed_requests_say_what_is_wrong(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    assert api.post(FIGURES, {"region": "CL-CO"}, format="json").status_code == 400
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "presupuesto", "1", "2", 1)), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert "kind" in response.json()["fields"]["figures"]["0"]
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "-1", "2", 1)), format="json")
    assert response.status_code == 400
    response = api.post(FIGURES, "{not json", content_type="application/json")
    assert response.status_code == 400
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "1", "2", 1), region="CL-ZZ"), format="json")
    assert response.status_code == 404


def test_sent_data_is_locked_with_a_409(api, token_for, camila, coquimbo, cycle):
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    api.credentials(**bearer(token_for(camila, write=True)))
    response = api.post(FIGURES, batch(figure("CO-01", 2011, "estimado", "248", "263", 1)), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "locked"
    assert "enviados a revisión" in response.json()["detail"]


def test_a_session_writes_only_with_its_csrf_token(camila):
    client = Client(enforce_csrf_checks=True)
    client.force_login(camila)
    data = batch(figure("CO-01", 2011, "estimado", "248", "263", 1))
    response = client.post(FIGURES, data, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_anyone_is_throttled(api, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "3/minute"})
    statuses = [api.get(reverse("api:region-list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_schema_and_its_documentation_are_served_without_a_cdn(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/figures/" in schema.json()["paths"]
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html
    assert "cdn" not in html.lower()


# Writing causes and commitments: the same services as the indicator's page, with versions.

ANALYSES = reverse("api:analysis-list")
COMMITMENTS = reverse("api:commitment-list")


def analysis(causes: str, version: int, **extra) -> dict:
    return {"region": "CL-CO", "cycle": 2012, "indicator": "CO-01", "causes": causes, "version": version, **extra}


def test_a_token_writes_the_analysis_of_a_result_with_versions(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    first = api.post(ANALYSES, analysis("Paro de funcionarios", 0, external_causes=True), format="json")
    assert first.status_code == 200, first.json()
    assert (first.json()["causes"], first.json()["external_causes"], first.json()["version"]) == (
        "Paro de funcionarios",
        True,
        1,
    )
    stale = api.post(ANALYSES, analysis("Otra cosa", 0), format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert stale.json()["current"]["causes"] == "Paro de funcionarios"
    second = api.post(ANALYSES, analysis("Otra cosa", 1), format="json")
    assert second.json()["version"] == 2
    record = Indicator.objects.get(code="CO-01").analyses.get()
    assert record.causes == "Otra cosa"
    assert record.history.latest().history_user == camila


def test_analyses_follow_the_same_rules_as_the_page(api, token_for, camila, bruno, coquimbo, cycle):
    api.credentials(**bearer(token_for(bruno, write=True)))
    assert api.post(ANALYSES, analysis("x", 0), format="json").status_code == 403  # not Bruno's region
    api.credentials(**bearer(token_for(camila)))
    assert api.post(ANALYSES, analysis("x", 0), format="json").status_code == 403  # a read-only token
    api.credentials(**bearer(token_for(camila, write=True)))
    assert api.post(ANALYSES, {**analysis("x", 0), "indicator": "CO-99"}, format="json").status_code == 404
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    locked = api.post(ANALYSES, analysis("x", 0), format="json")
    assert locked.status_code == 409
    assert locked.json()["code"] == "locked"


def test_a_token_adds_and_follows_up_a_commitment(api, token_for, camila):
    api.credentials(**bearer(token_for(camila, write=True)))
    body = {
        "region": "CL-CO",
        "cycle": 2012,
        "indicator": "CO-01",
        "description": "Responder en 3 días",
        "owner": "Jefa DAF",
        "due_date": str(datetime.date.today() + datetime.timedelta(days=30)),  # a commitment is due from today
    }
    created = api.post(COMMITMENTS, body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["owner"] == "Jefa DAF"
    assert created.json()["version"] == 1
    detail = reverse("api:commitment-detail", kwargs={"pk": pk})
    follow = {"cycle": 2012, "status": "en_curso", "follow_up": "Operador contratado", "version": 1}
    followed = api.patch(detail, follow, format="json")
    assert followed.status_code == 200, followed.json()
    assert (followed.json()["status"], followed.json()["version"]) == ("en_curso", 2)
    stale = api.patch(detail, {**follow, "status": "cumplido"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "en_curso"
    bad = api.post(COMMITMENTS, {**body, "due_date": "mañana"}, format="json")
    assert bad.status_code == 400
    assert "due_date" in bad.json()["fields"]


def test_nobody_follows_up_another_regions_commitment(api, token_for, camila, bruno, cycle):
    commitment = services.improvement_commitment_add(
        user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, description="Responder",
        owner="Jefa DAF", due_date=datetime.date(2012, 12, 31), recorded_on=datetime.date(2012, 1, 1),
    )  # fmt: skip
    api.credentials(**bearer(token_for(bruno, write=True)))
    detail = reverse("api:commitment-detail", kwargs={"pk": commitment.pk})
    response = api.patch(detail, {"cycle": 2012, "status": "cumplido", "version": 1}, format="json")
    assert response.status_code == 404  # Bruno does not even read it
    assert api.put(detail, {}, format="json").status_code == 405
    commitment.refresh_from_db()
    assert commitment.status == "pendiente"


def test_an_analysis_without_causes_is_refused_as_on_the_page(api, token_for, camila):
    from tests.evaluation.test_dashboards import enter_2012_actual

    enter_2012_actual(camila, "CO-01", "200", "262")  # 76 % against a meta of 95 %: missed
    api.credentials(**bearer(token_for(camila, write=True)))
    response = api.post(ANALYSES, analysis("", 0), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"causes": ["El indicador no alcanzó la meta: indique las causas."]}
    assert not Indicator.objects.get(code="CO-01").analyses.exists()
