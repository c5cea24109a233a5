"""Sign-in with an OpenID Connect provider, against a fake provider that really answers over HTTP (token,
userinfo and keys endpoints on a local port, RS256-signed id tokens): a verified e-mail maps to an existing
account, which keeps its roles; nothing is created; local accounts keep working."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from regions.selectors import Role, user_role
from tests.conftest import PASSWORD
from tests.html import soup, text
from tests.test_access_matrix import records  # noqa: F401 - the matrix's rows, as a fixture

pytestmark = pytest.mark.django_db

CLIENT_ID = "pbr-test"


class FakeProvider:
    """An OpenID provider on 127.0.0.1: it signs id tokens for the `claims` a test sets and remembers the
    nonce and the PKCE challenge the authorization request carried."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.nonce = ""
        self.token_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                elif self.path == "/userinfo":
                    self._json(provider.claims)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.token_requests.append(form)
                if self.path != "/token" or form.get("code") != "good-code":
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "sub": provider.claims.get("sub", "1"),
                        "iat": now,
                        "exp": now + 300,
                        "nonce": provider.nonce,
                        **provider.claims,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "k1"},
                )
                self._json({"id_token": id_token, "access_token": "access", "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fake.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fake.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{fake.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{fake.url}/jwks"
    settings.OIDC_PROVIDER_NAME = "ClaveÚnica"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "pbr.oidc.StateIdentityBackend"]
    yield fake
    fake.stop()


def sign_in(client, provider, claims: dict, code: str = "good-code"):
    """Go through the provider as a browser would; return the callback's response."""
    provider.claims = claims
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    location = urllib.parse.urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.url}/authorize"
    query = dict(urllib.parse.parse_qsl(location.query))
    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256"  # PKCE
    provider.nonce = query["nonce"]
    return client.get(reverse("oidc_authentication_callback"), {"code": code, "state": query["state"]})


def signed_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def test_a_verified_email_signs_in_to_the_existing_account_with_its_role(client, provider, camila):
    camila.email = "Camila.Rojas@GoreCoquimbo.cl"
    camila.save()
    response = sign_in(
        client, provider, {"sub": "11.111.111-1", "email": "camila.rojas@gorecoquimbo.cl", "email_verified": True}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_as(client)
    assert user.pk == camila.pk
    assert user_role(user) is Role.ANALYST
    assert provider.token_requests[-1]["code_verifier"]  # PKCE's verifier went with the code


def test_an_unknown_email_creates_nothing_and_says_why(client, provider, camila):
    users = get_user_model().objects.count()
    response = sign_in(client, provider, {"email": "nadie@example.cl", "email_verified": True})
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/ingresar/?oidc=fallo"
    assert get_user_model().objects.count() == users
    assert not signed_in_as(client).is_authenticated
    page = soup(client.get(response["Location"]))
    assert "su correo verificado no corresponde a una cuenta vigente" in text(page.select_one("[data-oidc-failed]"))


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "camila@gore.cl", "email_verified": False},
        {"email": "camila@gore.cl"},
        {"email_verified": True},
    ],
    ids=["unverified", "verification-unsaid", "no-email"],
)
def test_an_unverified_or_missing_email_is_refused(client, provider, camila, claims):
    camila.email = "camila@gore.cl"
    camila.save()
    response = sign_in(client, provider, claims)
    assert response["Location"] == "/cuenta/ingresar/?oidc=fallo"
    assert not signed_in_as(client).is_authenticated


def test_an_inactive_account_is_refused(client, provider, camila):
    camila.email = "camila@gore.cl"
    camila.is_active = False
    camila.save()
    sign_in(client, provider, {"email": "camila@gore.cl", "email_verified": True})
    assert not signed_in_as(client).is_authenticated


def test_two_accounts_with_the_email_sign_in_neither(client, provider, camila, bruno):
    for person in (camila, bruno):
        person.email = "compartido@gore.cl"
        person.save()
    response = sign_in(client, provider, {"email": "compartido@gore.cl", "email_verified": True})
    assert response["Location"] == "/cuenta/ingresar/?oidc=fallo"
    assert not signed_in_as(client).is_authenticated


def test_a_forged_callback_signs_in_nobody(client, provider, camila):
    camila.email = "camila@gore.cl"
    camila.save()
    provider.claims = {"email": "camila@gore.cl", "email_verified": True}
    # No authorization request of this browser: the state is unknown.
    response = client.get(reverse("oidc_authentication_callback"), {"code": "good-code", "state": "forged"})
    assert response.status_code in (302, 400)
    assert not signed_in_as(client).is_authenticated
    # A code the provider refuses.
    response = sign_in(client, provider, {"email": "camila@gore.cl", "email_verified": True}, code="stolen")
    assert not signed_in_as(client).is_authenticated


def test_a_provider_that_does_not_answer_sends_the_person_back_to_the_login_page(client, provider, settings, camila):
    camila.email = "camila@gore.cl"
    camila.save()
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    response = sign_in(client, provider, {"email": "camila@gore.cl", "email_verified": True})
    assert response["Location"] == "/cuenta/ingresar/?oidc=fallo"
    assert not signed_in_as(client).is_authenticated


def test_the_login_page_offers_the_provider_and_local_accounts_keep_working(client, provider, camila):
    page = soup(client.get(reverse("login")))
    assert text(page.select_one("[data-oidc]")) == "Ingresar con ClaveÚnica"
    response = client.post(reverse("login"), {"username": "camila", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client).pk == camila.pk


def test_without_a_provider_there_is_no_button_and_no_sign_in(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert soup(client.get(reverse("login"))).select_one("[data-oidc]") is None
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_a_person_signed_in_through_the_provider_has_exactly_their_access(client, provider, cast, records):  # noqa: F811
    """The pages' access matrix, for Camila signed in through the provider: what she gets signed in locally."""
    from tests.test_access_matrix import LOGIN, MATRIX

    camila = cast["camila"]
    camila.email = "camila@gore.cl"
    camila.save()
    sign_in(client, provider, {"email": "camila@gore.cl", "email_verified": True})
    checked = 0
    for name, (method, kwargs, expected) in sorted(MATRIX.items()):
        if method != "get" or name.startswith("oidc_"):
            continue
        kwargs = {key: records[value[1:-1]] if str(value).startswith("{") else value for key, value in kwargs.items()}
        response = client.get(reverse(name, kwargs=kwargs))
        if response.streaming:  # a file: let go of its handle, as the test client does (keeping the database)
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
        want = expected["camila"]
        assert response.status_code == (302 if want == LOGIN else want), name
        checked += 1
    assert checked > 60
