"""What a logged-in page view costs besides the page's own work, and that the caches behind it forget.

With a shared cache (Redis in production; here the process's LocMemCache plays it), the session, the user
and their role are read from the cache: a page view costs only the page's own queries. Every change that
alters who may see what (deactivation, password, groups, permissions, assignments, logout) is seen by the
next request.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbr import settings as project_settings
from regions import selectors
from regions.models import AnalystAssignment
from regions.signals import REVIEWER_GROUP
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The tables read to know who is asking and what they may see: none of them on a page view.
AUTH_TABLES = (
    "django_session",
    "auth_user",
    "auth_permission",
    "auth_group",
    "regions_analystassignment",
    "regions_regionhead",
    "axes_",
)

# Paths rather than URL names: the pages stay where they are while the views move between apps.
CO_REGION = "/regiones/CL-CO/2012/"  # Coquimbo's page: Camila's region, not Bruno's
REVIEW_QUEUE = "/revision/"  # reviewers and admins only


@pytest.fixture
def shared_cache(settings):
    """The configuration pbr/settings.py chooses when REDIS_URL names a shared cache."""
    settings.CACHE_IS_SHARED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def get_counting(client: Client, url: str) -> tuple[int, list[str]]:
    """Return the response's status and the SQL of the queries it made."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [query["sql"] for query in queries.captured_queries]


def auth_queries(sql: list[str]) -> list[str]:
    return [query for query in sql if any(f'"{table}' in query for table in AUTH_TABLES)]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("person", ["daniela", "camila"])
@pytest.mark.parametrize("url", ["/", "/pendientes/", CO_REGION])
def test_a_page_view_reads_no_session_user_or_role(shared_cache, cast, person, url):
    client = logged_in(cast[person])
    for _view in range(2):  # the first page after the login too: the login filled the cache
        status, sql = get_counting(client, url)
        assert status == 200
        assert auth_queries(sql) == []


@pytest.mark.parametrize("person", ["daniela", "camila", "ana"])
def test_the_health_page_costs_its_own_query_only(shared_cache, cast, person):
    """/salud/ costs its own query only, whoever asks: it reads no session, user or access."""
    client = logged_in(cast[person])
    client.get("/salud/")
    status, sql = get_counting(client, "/salud/")
    assert status == 200
    assert len(sql) == 1


def test_the_first_page_after_a_real_login_costs_no_more(shared_cache, camila):
    client = Client()
    assert client.post(reverse("login"), {"username": "camila", "password": PASSWORD}).status_code == 302
    status, sql = get_counting(client, "/salud/")
    assert (status, len(sql)) == (200, 1)


def test_the_settings_cache_sessions_only_in_a_shared_cache():
    shared, engine = project_settings.CACHE_IS_SHARED, project_settings.SESSION_ENGINE
    assert shared is bool(os.environ.get("REDIS_URL"))
    assert engine == f"django.contrib.sessions.backends.{'cached_db' if shared else 'db'}"


def test_without_a_shared_cache_every_request_reads_the_database(settings, camila):
    """Per-process caches cannot hear another worker's changes: then nothing about people is cached."""
    settings.CACHE_IS_SHARED = False
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client = logged_in(camila)
    client.get("/cuenta/tokens/")
    status, sql = get_counting(client, "/cuenta/tokens/")
    assert status == 200
    assert len(auth_queries(sql)) == 5  # session, user, the user's and their groups' permissions, regions
    # A change no signal announces (as if made by another process) is seen at once.
    type(camila).objects.filter(pk=camila.pk).update(is_active=False)
    assert client.get("/").status_code == 302


# Invalidation: each change is seen by the person's next request, with the cache warm before it.


def warm(client: Client, url: str) -> None:
    status, sql = get_counting(client, url)
    assert status == 200
    assert auth_queries(sql) == []


def test_a_deactivated_person_is_refused_at_the_next_request(shared_cache, camila):
    client = logged_in(camila)
    warm(client, "/")
    camila.is_active = False
    camila.save()
    assert client.get("/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "remove",
    [
        pytest.param(lambda user, region: AnalystAssignment.objects.get(user=user, region=region).delete(), id="one"),
        pytest.param(lambda user, region: AnalystAssignment.objects.filter(user=user).delete(), id="queryset"),
    ],
)
def test_an_analyst_removed_from_a_region_is_refused_it(shared_cache, camila, coquimbo, remove):
    client = logged_in(camila)
    warm(client, CO_REGION)
    remove(camila, coquimbo)
    assert client.get(CO_REGION).status_code == 403


def test_a_new_assignment_opens_the_region(shared_cache, bruno, coquimbo):
    client = logged_in(bruno)
    assert client.get(CO_REGION).status_code == 403
    AnalystAssignment.objects.create(user=bruno, region=coquimbo)
    assert client.get(CO_REGION).status_code == 200


def test_a_password_change_logs_out_the_other_sessions(shared_cache, camila):
    here, elsewhere = logged_in(camila), logged_in(camila)
    warm(here, "/")
    warm(elsewhere, "/")
    camila.set_password("another-Pass-2026")
    camila.save()
    assert elsewhere.get("/").status_code == 302
    assert not Session.objects.filter(session_key=elsewhere.session.session_key).exists()


def test_a_logout_ends_the_session_in_the_cache_too(shared_cache, camila):
    client = logged_in(camila)
    warm(client, "/")
    stolen = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/").status_code == 302


def reviewers() -> Group:
    return Group.objects.get(name=REVIEWER_GROUP)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.groups.remove(reviewers()), id="leaves the group"),
        pytest.param(lambda user: reviewers().user_set.remove(user), id="removed from the group's side"),
        pytest.param(lambda user: reviewers().user_set.clear(), id="group emptied"),
        pytest.param(
            lambda user: reviewers().permissions.remove(Permission.objects.get(codename="review_all_regions")),
            id="group loses the permission",
        ),
        pytest.param(lambda user: reviewers().delete(), id="group deleted"),
    ],
)
def test_a_reviewer_who_loses_the_permission_is_refused_the_queue(shared_cache, daniela, change):
    client = logged_in(daniela)
    warm(client, REVIEW_QUEUE)
    change(daniela)
    assert client.get(REVIEW_QUEUE).status_code == 403


def test_a_permission_given_directly_is_seen(shared_cache, charlie):
    client = logged_in(charlie)
    assert client.get(REVIEW_QUEUE).status_code == 403
    charlie.user_permissions.add(Permission.objects.get(codename="review_all_regions"))
    assert client.get(REVIEW_QUEUE).status_code == 200


def test_what_a_rolled_back_transaction_read_is_not_cached(shared_cache, bruno, coquimbo):
    """A rollback renews no token: what was read inside the transaction must not outlive it."""
    client = logged_in(bruno)
    assert client.get(CO_REGION).status_code == 403

    @transaction.atomic
    def assign_read_and_fail() -> None:
        AnalystAssignment.objects.create(user=bruno, region=coquimbo)
        assert selectors.can_view_region(user=type(bruno).objects.get(pk=bruno.pk), region=coquimbo)
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        assign_read_and_fail()
    assert client.get(CO_REGION).status_code == 403


def test_a_value_cached_from_a_stale_read_is_never_served(shared_cache, camila, coquimbo):
    """A request that read the old assignments before a change stores them under the old token."""
    stale = selectors.Access(reviews=False, region_ids=frozenset({coquimbo.pk}))

    def read_then_change() -> selectors.Access:
        AnalystAssignment.objects.filter(user=camila).delete()  # commits while the value is computed
        return stale

    selectors.cached_per_user(user_id=camila.pk, name="access", compute=read_then_change)
    fresh = type(camila).objects.get(pk=camila.pk)
    assert not selectors.can_view_region(user=fresh, region=coquimbo)


def test_the_page_varies_with_the_language_cookie_not_the_browser_language(client):
    response = client.get("/salud/")
    assert response["Content-Language"] == "es-cl"
    assert "Cookie" in response["Vary"]
    assert "Accept-Language" not in response["Vary"]
