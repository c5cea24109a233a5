"""The home page lists the regions a person may see, with the indicators each committed in the cycle."""

import pytest
from django.urls import reverse

from tests.html import soup, text

pytestmark = pytest.mark.django_db


def listed(client, user):
    client.force_login(user)
    page = soup(client.get(reverse("home")))
    return {cell["data-region"]: text(cell) for cell in page.select("td[data-region]")}, page


def test_reviewer_sees_every_region_of_the_cycle_with_their_indicator_counts(client, daniela):
    counts, page = listed(client, daniela)
    assert len(counts) == 15  # the 16 regions but Ñuble, created in 2018: not part of the 2012 cycle
    assert "CL-NB" not in counts
    assert counts["CL-AN"] == "8"
    assert counts["CL-CO"] == "1"
    assert counts["CL-BI"] == "1"
    assert counts["CL-RM"] == "0"
    assert "Ciclo 2012" in text(page)
    names = [text(a) for a in page.select("tbody th a")]
    assert names[0] == "Arica y Parinacota"
    assert names[-1] == "Magallanes"


def test_analyst_sees_only_their_region(client, camila):
    counts, _page = listed(client, camila)
    assert counts == {"CL-CO": "1"}


def test_person_without_role_is_told_to_ask_for_access(client, charlie):
    counts, page = listed(client, charlie)
    assert counts == {}
    assert "no tiene regiones asignadas" in text(page)


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_and_logout(client, daniela):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "daniela", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST, with CSRF
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_message_in_spanish(client, daniela):
    response = client.post(reverse("login"), {"username": "daniela", "password": "nope"})
    assert response.status_code == 200
    assert "Por favor, introduzca un nombre de usuario y clave correctos" in text(soup(response))


def test_page_speaks_spanish_even_to_an_english_browser(client, daniela):
    client.force_login(daniela)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es-cl">' in response.content.decode()
    assert "Gobiernos Regionales" in text(soup(response))


def test_language_switcher_sets_english(client, daniela):
    client.force_login(daniela)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
