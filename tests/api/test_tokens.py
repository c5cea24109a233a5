"""API tokens as their people make and revoke them, on /cuenta/tokens/ and in the admin."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, key_digest
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

FIGURES = reverse("api:figure-list")


def in_days(days: int) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=days))


def test_a_new_key_is_shown_once_and_works(client, api, camila, coquimbo):
    client.force_login(camila)
    response = client.post(
        reverse("api_tokens"),
        {"name": "Carga SIGFE", "can_write": "on", "regions": [coquimbo.pk], "expires_on": in_days(90)},
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    key = page.select_one("#new-key").get_text(strip=True)
    assert key.startswith("pbr_")
    token = ApiToken.objects.get(user=camila)
    assert token.digest == key_digest(key)  # only its digest is stored
    assert key not in token.prefix
    assert (token.name, token.can_write, list(token.regions.all())) == ("Carga SIGFE", True, [coquimbo])
    assert {record.history_user for record in token.history.all()} == {camila}
    # The list shows its start, never the key again.
    again = client.get(reverse("api_tokens")).content.decode()
    assert key not in again
    assert token.prefix in again
    api.credentials(**bearer(key))
    assert api.get(FIGURES).status_code == 200


@pytest.mark.parametrize(
    ("person", "data", "field", "message"),
    [
        ("camila", {"name": "", "expires_on": in_days(30)}, "name", "Este campo es obligatorio."),
        ("camila", {"name": "x", "expires_on": in_days(-1)}, "expires_on", "La fecha de vencimiento ya pasó."),
        ("camila", {"name": "x", "expires_on": in_days(400)}, "expires_on", "Un token vence a más tardar en un año."),
        (
            "daniela",
            {"name": "x", "can_write": "on", "expires_on": in_days(30)},
            "can_write",
            "Usted no registra datos en ninguna región: el token solo puede leer.",
        ),
    ],
    ids=["no-name", "expired", "too-long", "reviewer-writes"],
)
def test_a_bad_token_form_says_why_and_makes_nothing(client, cast, person, data, field, message):
    client.force_login(cast[person])
    response = client.post(reverse("api_tokens"), data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert message in page.select_one(f"#div_id_{field}").get_text(" ", strip=True)
    assert not ApiToken.objects.exists()


def test_a_region_the_person_does_not_see_cannot_be_chosen(client, camila, biobio):
    client.force_login(camila)
    response = client.post(reverse("api_tokens"), {"name": "x", "regions": [biobio.pk], "expires_on": in_days(30)})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_at_once(client, api, camila, token_for):
    key = token_for(camila)
    token = ApiToken.objects.get()
    client.force_login(camila)
    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    api.credentials(**bearer(key))
    assert api.get(FIGURES).status_code == 401
    assert token.history.latest().history_user == camila
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Revocado" in page


def test_nobody_revokes_another_persons_token_from_the_page(client, bruno, camila, token_for):
    token_for(camila)
    client.force_login(bruno)
    response = client.post(reverse("api_token_revoke", kwargs={"pk": ApiToken.objects.get().pk}))
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_an_admin_revokes_tokens_in_the_admin(client, ana, camila, token_for):
    token_for(camila)
    client.force_login(ana)
    changelist = reverse("admin:api_apitoken_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]})
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert token.revoked_at is not None
    assert token.history.latest().history_user == ana
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403  # keys are made by their people
