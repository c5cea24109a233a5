"""Bad input everywhere a person can type or upload: generated text (unicode, control characters, markup,
script), huge and negative numbers. Every form answers without a 500 and never echoes markup unescaped."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators.models import Indicator

pytestmark = pytest.mark.django_db
EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

MARKUP = [
    "<script>alert('pbr')</script>",
    '"><img src=x onerror=alert(1)>',
    "<b onmouseover=x>hola</b>",
    "{{ 7*7 }}",
    "{% debug %}",
    '=HYPERLINK("http://evil")',
    "\u202etxt.exe",
    "'; DROP TABLE x; --",
]
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e309", "-0", "1.2.3", "١٢٣", "１２３", "0x1F", "∞", "NaN", "1,2,3", "9" * 400]),
)
texts = st.one_of(st.text(max_size=300), st.sampled_from(MARKUP), st.text(max_size=50).map(lambda t: MARKUP[0] + t))


def assert_safe(response):
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    for payload in MARKUP[:3]:
        assert payload not in body


@pytest.fixture
def entry(camila):
    indicator = Indicator.objects.get(code="CO-01")
    return reverse("indicators:entry", kwargs={"code": "CL-CO", "year": 2012, "product": 1}), indicator


@EXAMPLES
@given(numerator=numbers, denominator=numbers, version=numbers, original=texts)
def test_entry_grid(client, camila, entry, numerator, denominator, version, original):
    url, indicator = entry
    client.force_login(camila)
    prefix = f"c{indicator.pk}_2011_efectivo"
    response = client.post(
        url,
        {
            f"{prefix}_n": numerator,
            f"{prefix}_d": denominator,
            f"{prefix}_v": version,
            f"{prefix}_o": original,
            "drawn_in": original,
        },
    )
    assert_safe(response)


@EXAMPLES
@given(causes=texts, justification=texts, description=texts, owner=texts, date=texts)
def test_indicator_forms(client, camila, causes, justification, description, owner, date):
    client.force_login(camila)
    kwargs = {"code": "CL-CO", "year": 2012, "indicator": "CO-01"}
    assert_safe(
        client.post(
            reverse("indicators:analysis", kwargs=kwargs),
            {"causes": causes, "external_causes": "on", "overachievement_justification": justification, "version": 0},
        )
    )
    assert_safe(
        client.post(
            reverse("indicators:commitment_add", kwargs=kwargs),
            {"description": description, "owner": owner, "due_date": date},
        )
    )
    page = client.get(reverse("indicators:indicator", kwargs=kwargs))
    assert_safe(page)


@EXAMPLES
@given(name=texts, content=st.binary(max_size=2000), year=texts, description=texts)
def test_uploads(client, camila, name, content, year, description):
    client.force_login(camila)
    kwargs = {"code": "CL-CO", "year": 2012, "indicator": "CO-01"}
    # Path separators would be refused by the test client itself, before any request is made.
    name = re.sub(r"[\\/\x00]", "_", name)[:200]
    name = name if name not in ("", ".", "..") else "x"
    file = SimpleUploadedFile(name, content)
    assert_safe(
        client.post(
            reverse("indicators:evidence_upload", kwargs=kwargs),
            {"year": year, "description": description, "file": file},
        )
    )
    sheet = SimpleUploadedFile(name, content)
    assert_safe(client.post(reverse("indicators:spreadsheet", kwargs={"code": "CL-CO", "year": 2012}), {"file": sheet}))


@EXAMPLES
@given(comment=texts)
def test_review_comments(client, camila, daniela, coquimbo, comment):
    cycle = EvaluationCycle.objects.get(year=2012)
    Submission.objects.update_or_create(region=coquimbo, cycle=cycle, defaults={"status": SubmissionStatus.SENT})
    client.force_login(daniela)
    response = client.post(reverse("results:return", kwargs={"code": "CL-CO", "year": 2012}), {"comment": comment})
    assert_safe(response)
    assert_safe(client.get(reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})))
    client.force_login(camila)
    assert_safe(client.get(reverse("results:pending")))


@EXAMPLES
@given(username=texts, password=texts, language=texts, first=texts, second=texts)
def test_login_language_and_query_strings(client, daniela, username, password, language, first, second):
    assert_safe(client.post(reverse("login"), {"username": username, "password": password}))
    assert_safe(client.post(reverse("set_language"), {"language": language, "next": language}))
    client.force_login(daniela)
    assert_safe(client.get(reverse("results:compare", kwargs={"code": "CL-CO"}), {"a": first, "b": second}))
    assert_safe(client.get(reverse("results:dashboard_csv", kwargs={"code": "CL-CO", "year": 2012}), {"tabla": first}))
