"""Cached pages: the page's own parts are cached per person, with each response's own CSRF token in them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from regions.services import user_upsert
from tests.conftest import PASSWORD
from tests.html import soup, text

DASHBOARD = "/regiones/CL-CO/2012/tablero/"
NATIONAL = "/nacional/2012/"


def token_of(page) -> str:
    return page.select_one('form[action="/cuenta/salir/"] input[name="csrfmiddlewaretoken"]')["value"]


@pytest.mark.parametrize("url", [DASHBOARD, NATIONAL])
def test_each_person_sees_their_own_name_on_a_cached_page(db, url, daniela):
    other = user_upsert(username="rodrigo", password=PASSWORD, first_name="Rodrigo", reviewer=True)
    names = []
    for person in (daniela, other, daniela, other):
        client = Client()
        client.force_login(person)
        names.append(text(soup(client.get(url)).select_one(".navbar-text")))
    assert names == ["Daniela", "Rodrigo", "Daniela", "Rodrigo"]


@pytest.mark.parametrize("url", [DASHBOARD, NATIONAL])
def test_the_csrf_token_of_a_cached_page_is_the_persons_own_and_works(db, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_upsert(username="rodrigo", password=PASSWORD, reviewer=True))
    first, second = token_of(soup(client.get(url))), token_of(soup(client.get(url)))
    assert first != second  # masked afresh in every response, as Django does
    assert re.fullmatch(r"[A-Za-z0-9]{64}", second)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": second}).status_code == 302
    assert client.get(url).status_code == 302  # logged out: to the login page


def test_a_page_with_messages_to_show_is_drawn_afresh(client, daniela):
    client.force_login(daniela)
    client.get(DASHBOARD)  # cached
    refused = client.post(reverse("results:return", kwargs={"code": "CL-CO", "year": 2012}), {"comment": "Revisar."})
    assert refused.status_code == 302  # not sent yet: refused, with a message for the next page
    page = text(soup(client.get(DASHBOARD)))
    assert "No se pueden devolver" in page
    assert "No se pueden devolver" not in text(soup(client.get(DASHBOARD)))  # shown once


def test_a_cached_page_shows_what_its_cycle_says_now(client, daniela, ana):
    """The page's own parts are kept across changes of figures, and drawn again when what they show changes."""
    from evaluation.models import EvaluationCycle

    client.force_login(daniela)
    assert "Discusión y aprobación" in text(soup(client.get(DASHBOARD)).select_one("h1 + p"))
    cycle = EvaluationCycle.objects.get(year=2012)
    cycle.stage = "ejecucion"
    cycle.save()
    for url in (DASHBOARD, NATIONAL):
        assert "Ejecución" in text(soup(client.get(url)).select_one("h1 + p"))


def test_the_bodies_kept_across_changes_follow_the_cycles_they_list(client, daniela):
    """A body's skeleton is kept while what it shows besides the data stays: a new, renamed or illustrative cycle
    and a changed rule show at once."""
    from evaluation.models import EvaluationCycle
    from evaluation.vocabulary import WeightingMode

    client.force_login(daniela)

    def cycle_buttons(url):
        return [text(link) for link in soup(client.get(url)).select("main a.btn[href*='/20']")]

    assert cycle_buttons(DASHBOARD)[:1] == ["2012"]
    assert cycle_buttons(NATIONAL)[:1] == ["2012"]
    EvaluationCycle.objects.create(year=2013, is_illustrative=True)
    assert cycle_buttons(DASHBOARD)[:2] == ["2013 · ilustrativo", "2012"]
    assert cycle_buttons(NATIONAL)[:2] == ["2013 · ilustrativo", "2012"]
    cycle = EvaluationCycle.objects.get(year=2012)
    assert soup(client.get(NATIONAL)).select_one("[data-all-or-nothing]") is not None  # DIPRES's default
    cycle.weighting = WeightingMode.PROPORTIONAL
    cycle.save()
    assert soup(client.get(NATIONAL)).select_one("[data-all-or-nothing]") is None
