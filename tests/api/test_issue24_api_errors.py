"""Issue 24, the API's errors: a read-only token's write is refused for the token; a figure's every bad field is
told at once; every error has the documented shape {"detail", "code"}, in the request's language, naming no model
or parser; the schema says `code` is always there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from api.urls import router
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

FIGURE = {"indicator": "BI-01", "year": 2012, "kind": "efectivo", "numerator": "1", "denominator": "2", "version": 0}
MODEL_NAMES = {model.__name__ for model in apps.get_models()}


def _shaped(response, status: int, code: str | None = None) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    ("method", "address", "body"),
    [
        ("post", "/api/v1/figures/", {"region": "CL-BI", "cycle": 2012, "figures": [FIGURE]}),
        ("post", "/api/v1/analyses/", {"region": "CL-BI", "cycle": 2012, "indicator": "BI-01", "version": 0}),
        ("post", "/api/v1/figures/import/?region=CL-BI&cycle=2012", None),
    ],
)
def test_a_read_only_tokens_write_is_refused_for_the_token(api, bruno, token_for, method, address, body):
    key = token_for(bruno, write=False)
    if body is None:
        response = api.post(address, "indicator,year,kind,numerator\n", content_type="text/csv", **bearer(key))
    else:
        response = getattr(api, method)(address, body, format="json", **bearer(key))
    detail = _shaped(response, 403, "token_read_only")["detail"]
    assert "solo permite leer" in detail
    assert "Biobío" not in detail  # it is the token, not the region, that may not write


def test_a_writing_tokens_write_still_goes_through(api, bruno, token_for):
    response = api.post(
        "/api/v1/figures/",
        {"region": "CL-BI", "cycle": 2012, "figures": [FIGURE]},
        format="json",
        **bearer(token_for(bruno, write=True)),
    )
    assert response.status_code in (200, 400, 409), response.json()  # what the service says, never the gate
    assert response.json().get("code") != "token_read_only"


def test_every_bad_field_of_a_figure_is_told_at_once(api, bruno, token_for):
    figure = {**FIGURE, "numerator": "abc", "denominator": "0"}
    response = api.post(
        "/api/v1/figures/",
        {"region": "CL-BI", "cycle": 2012, "figures": [figure]},
        format="json",
        **bearer(token_for(bruno, write=True)),
    )
    fields = _shaped(response, 400, "invalid")["fields"]["figures"]["0"]
    assert set(fields) == {"numerator", "denominator"}
    assert fields["denominator"] == ["El denominador debe ser mayor que cero."]


def _detail_routes() -> list[str]:
    """The name of every detail address of the router (one row read by its address)."""
    return sorted({f"api:{url.name}" for url in router.urls if url.name.endswith("-detail")})


@pytest.mark.parametrize("name", _detail_routes())
def test_a_missing_row_says_what_was_not_found_in_the_domains_words(api, name):
    kwarg = {"api:region-detail": ("code", "CL-ZZ"), "api:cycle-detail": ("year", "2999")}.get(name, ("pk", "987654"))
    response = api.get(reverse(name, kwargs=dict([kwarg])))
    detail = _shaped(response, 404, "not_found")["detail"]
    assert "matches the given query" not in detail
    assert not {word.strip(".,") for word in detail.split()} & MODEL_NAMES
    assert detail.startswith("No existe")


def test_a_missing_row_is_told_in_the_requests_language(api):
    api.cookies["django_language"] = "en"
    response = api.get(reverse("api:region-detail", kwargs={"code": "CL-ZZ"}))
    assert _shaped(response, 404, "not_found")["detail"] == "There is no region with code CL-ZZ."


def test_an_impossible_id_is_an_address_of_no_row(api):
    for address in ("/api/v1/figures/9223372036854775808/", "/api/v1/figures/abc/", "/api/v1/cycles/99999/"):
        _shaped(api.get(address), 404, "not_found")


def test_every_kind_of_error_has_the_documented_shape(api, bruno, token_for, monkeypatch):
    key = token_for(bruno, write=True)
    _shaped(api.get("/api/v1/no-hay-tal/"), 404, "not_found")
    _shaped(api.get("/api/v1/figures/?page=999"), 404, "not_found")
    _shaped(api.put("/api/v1/figures/1/", {}, format="json", **bearer(key)), 405, "method_not_allowed")
    _shaped(api.get("/api/v1/figures/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")
    _shaped(api.post("/api/v1/figures/", "x", content_type="text/plain", **bearer(key)), 415, "unsupported_media_type")
    _shaped(api.get("/api/v1/figures/", HTTP_AUTHORIZATION="Bearer pbr_nada"), 401, "authentication_failed")
    _shaped(api.post("/api/v1/figures/", {}, format="json"), 401, "not_authenticated")
    _shaped(api.post("/api/v1/figures/", {"region": "CL-BI"}, format="json", **bearer(key)), 400, "invalid")
    refused = {"region": "CL-CO", "cycle": 2012, "figures": [{**FIGURE, "indicator": "CO-01"}]}
    _shaped(api.post("/api/v1/figures/", refused, format="json", **bearer(key)), 403, "forbidden")
    parse = _shaped(api.post("/api/v1/figures/", "{x", content_type="application/json", **bearer(key)), 400)
    assert parse["code"] == "parse_error"
    assert parse["detail"] == "El cuerpo no es JSON válido (línea 1, columna 2)."
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": None})
    api.get("/api/v1/regions/")
    _shaped(api.get("/api/v1/regions/"), 429, "throttled")


def test_the_schema_says_every_error_has_a_code(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    problem = schema["components"]["schemas"]["Problem"]
    assert {"detail", "code"} <= set(problem["required"])
    refs = {
        response["content"]["application/json"]["schema"].get("$ref")
        for operations in schema["paths"].values()
        for operation in operations.values()
        for status, response in operation.get("responses", {}).items()
        if status == "404" and "application/json" in response.get("content", {})
    }
    assert refs == {"#/components/schemas/Problem"}
