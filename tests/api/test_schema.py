"""The OpenAPI schema checked against the running API with schemathesis: for every operation, requests generated
from the schema (valid and invalid) never get a 500, and every response matches what the schema says.

The API runs in-process through its WSGI application (every middleware, the same as gunicorn serves), on the
test database with the document's data; once anonymously and once with an administrator's token that writes,
so that both the public rows and the whole of them, and the writes, are exercised."""

from __future__ import annotations

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as examples
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import checks

from api.services import token_create

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/?format=json"


def _generated() -> dict:
    """The schema as /api/v1/schema/ serves it, generated at collection (schemathesis parametrizes from it)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator(api_version="v1").get_schema(public=True)))


GENERATED = _generated()
# What the issue asks of the API: no 500, and status codes, content types, headers and bodies as the schema says.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
PLAIN = {"Accept-Encoding": "identity"}  # the in-process client does not undo gzip, as an HTTP client would
schema = schemathesis.openapi.from_dict(GENERATED)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _serving(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI client sends localhost
    # Hundreds of requests a minute: the throttle would answer 429, which is right but not what is checked here.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    # As Django's test client does: the requests share the test's database connection (and its transaction),
    # which a finished request would otherwise close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_checked_is_the_one_served(client):
    assert client.get(SCHEMA_URL).json() == GENERATED


@pytest.fixture
def admin_key(ana):
    _token, key = token_create(
        user=ana,
        name="schemathesis",
        can_write=True,
        regions=[],
        expires_on=datetime.date.today() + datetime.timedelta(days=1),
    )
    return key


@schema.parametrize()
@examples(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_requests_match_the_schema(case):
    case.call_and_validate(headers=PLAIN, checks=CHECKS)


@schema.parametrize()
@examples(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_requests_with_a_token_match_the_schema(case, admin_key):
    case.call_and_validate(headers={**PLAIN, "Authorization": f"Bearer {admin_key}"}, checks=CHECKS)
