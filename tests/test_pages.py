"""Every page of the access matrix, as each kind of person who sees it: no id twice on a page, the site's icon
linked; /favicon.ico answers; a mistyped admin address is «not found», never a server error."""

from __future__ import annotations

from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import Submission, SubmissionStatus
from tests.test_access_matrix import MATRIX, records  # noqa: F401 (the fixture, asked for below)

pytestmark = pytest.mark.django_db

FILES = ("download", "xlsx", "csv", "pdf", "favicon")  # downloads and redirects to files, not pages
PAGES = sorted(
    name for name, (method, _kwargs, _expected) in MATRIX.items() if method == "get" and not name.endswith(FILES)
)


def html_pages(client, made: dict):
    """Yield (url, parsed page) for every GET page of the matrix the client may see and that is HTML."""
    for name in PAGES:
        _method, kwargs, _expected = MATRIX[name]
        kwargs = {k: made[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for k, v in kwargs.items()}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.parametrize("status", [SubmissionStatus.DRAFT, SubmissionStatus.SENT])
@pytest.mark.parametrize("person", ["camila", "daniela", "ana"])
def test_no_page_has_an_id_twice(client, cast, request, person, status):
    matrix_records = request.getfixturevalue("records")
    Submission.objects.filter(region__iso_code="CL-CO").update(status=status)
    client.force_login(cast[person])
    seen = 0
    for url, page in html_pages(client, matrix_records):
        seen += 1
        twice = [i for i, n in Counter(tag["id"] for tag in page.select("[id]")).items() if n > 1]
        assert not twice, f"{url} repeats the ids {twice}"
        targets = {label["for"] for label in page.select("label[for]")}
        assert not targets - {tag["id"] for tag in page.select("[id]")}, f"{url}: a label points at nothing"
    assert seen >= 10


def test_every_page_links_the_icon(client, cast, request):
    matrix_records = request.getfixturevalue("records")
    client.force_login(cast["ana"])
    # /salud/ is the health check for machines (and the benchmark's minimal control page), not a page to read.
    pages = [*html_pages(client, matrix_records)]
    client.logout()
    pages += [*html_pages(client, matrix_records)]  # the login page
    pages = [(url, page) for url, page in pages if url != reverse("health")]
    client.force_login(cast["ana"])
    pages.append(("/admin/", BeautifulSoup(client.get("/admin/").content.decode(), "html.parser")))
    for url, page in pages:
        assert page.select_one("link[rel=icon][href$='favicon.svg']"), f"{url} does not link the icon"


def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


MISTYPED_ADMIN = [
    "/admin/typo/",
    "/admin/indicators/typo/",
    "/admin/indicators/indicator/typo/",
    "/admin/indicators/indicator/CO-01/history/",  # the code where the number goes
    "/admin/indicators/indicator/1/history/typo/",
]


@pytest.mark.parametrize("url", MISTYPED_ADMIN)
def test_a_mistyped_admin_address_is_not_found(client, ana, url):
    client.force_login(ana)
    response = client.get(url, follow=True)  # an object that does not exist: the admin says so on its index
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.redirect_chain[-1][0] == reverse("admin:index")


def test_no_history_page_fails_on_an_impossible_id(client, ana):
    client.force_login(ana)
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, SimpleHistoryAdmin):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for url in (f"{base}typo/history/", f"{base}1/history/typo/"):
            assert client.get(url).status_code == 404, url


def test_admin_errors_look_like_errors_and_are_read_at_once(client, ana):
    from evaluation.models import EvaluationCycle, Stage

    cycle = EvaluationCycle.objects.get(year=2012)
    EvaluationCycle.objects.filter(pk=cycle.pk).update(stage=Stage.CLOSED)
    client.force_login(ana)
    url = reverse("admin:evaluation_evaluationcycle_changelist")
    response = client.post(url, {"action": "close_cycles", "_selected_action": [cycle.pk]}, follow=True)
    page = BeautifulSoup(response.content.decode(), "html.parser")
    error = page.select_one("ul.messagelist li")
    assert "ya está cerrado" in error.get_text()
    assert error["class"] == ["error"]  # the admin's own style for errors, though the level is «danger»
    assert error["role"] == "alert"
