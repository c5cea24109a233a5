"""Issue 24, addresses: every number or code taken from an address is bounded where the URL is parsed (a year of
twenty digits is a 404, never an OverflowError), and under DEBUG (`make run`) a visitor sees the app's own 404 and
500 pages, with the 404's reason, never Django's technical pages (a traceback, the settings)."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from rest_framework import throttling

from core import converters
from regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.once]

# What an address may carry that no page expects: numbers past 2^63 and 10^20, negative, zero; a unicode word,
# a NUL, a parent folder, a very long number.
ODD = ["9223372036854775808", "1" + "0" * 20, "-1", "0", "ñandú", "\x00", "..", "9" * 300]
# A plausible value for each named part of an address, so that the odd value in another part is what is tried.
FILLERS = {"year": "2012", "code": "CL-CO", "indicator": "CO-01", "format": "json", "app_label": "auth"}
# Patterns whose address cannot be written from the pattern: the API's catch-all (any path under /api/).
UNWRITABLE = {r"api/[\s\S]*"}


def _patterns(resolver: URLResolver, prefix: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        pieces = (*prefix, entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, pieces)
        else:
            yield "".join(re.sub(r"(\\Z|\$)$", "", piece.removeprefix("^")) for piece in pieces)


def _template(regex: str) -> tuple[list, bool]:
    """Split an address pattern into literal text and its groups [(name, regex)], named or not; False when it
    has other regular expressions in it (then no address is written from it)."""
    parts, literal, position = [], "", 0
    while position < len(regex):
        if regex.startswith("(?P<", position) or (regex[position] == "(" and regex[position + 1] != "?"):
            start = regex.index(">", position) + 1 if regex[position + 1] == "?" else position + 1
            depth, end = 0, position
            while True:
                depth += {"(": 1, ")": -1}.get(regex[end], 0) if regex[end - 1] != "\\" else 0
                if depth == 0:
                    break
                end += 1
            parts += [literal, (regex[position + 4 : start - 1] if start > position + 1 else "", regex[start:end])]
            literal, position = "", end + 1
        elif regex[position] == "\\" and not regex[position + 1].isalnum():
            literal, position = literal + regex[position + 1], position + 2
        elif regex.startswith("/?", position):
            literal, position = literal + "/", position + 2
        elif regex[position] in "[](){}*+?|^$\\":
            return [], False
        else:
            literal, position = literal + regex[position], position + 1
    return [*parts, literal], True


def _filler(name: str, regex: str) -> str:
    if name in FILLERS and re.fullmatch(regex, FILLERS[name]):
        return FILLERS[name]
    for candidate in ("1", "2012", "CL-CO", "CO-01", "x", regex.split("|")[0]):
        if re.fullmatch(regex, candidate):
            return candidate
    return "x"


def addresses(odd: list[str] = ODD, *, plausible: bool = True) -> list[str]:
    """Every URL pattern of the site (the API's and the admin's too), written with each odd value in each part
    in turn, a plausible value in the others; and (`plausible`) with a plausible value in every part."""
    found, unwritable = set(), set()
    for pattern in _patterns(get_resolver()):
        parts, writable = _template(pattern)
        if not writable:
            unwritable.add(pattern)
            continue
        named = [index for index, part in enumerate(parts) if isinstance(part, tuple)]
        fill = [part if isinstance(part, str) else quote(_filler(*part), safe="") for part in parts]
        if plausible:
            found.add("/" + "".join(fill))
        for index in named:
            for value in odd:
                found.add("/" + "".join([*fill[:index], quote(value, safe=""), *fill[index + 1 :]]))
    assert unwritable == UNWRITABLE
    return sorted(found)


def _resolves(address: str) -> bool:
    try:
        resolve(unquote(address))
    except Resolver404:
        return False
    return True


def _walked(addresses: list[str]) -> list[str]:
    """The addresses that reach a view; of those that match no pattern (all answered by the one 404 handler,
    before any view), one in 25: they cost a request each and test nothing more."""
    unmatched = [address for address in addresses if not _resolves(address)]
    return [address for address in addresses if _resolves(address)] + unmatched[::25]


@pytest.fixture
def unthrottled(monkeypatch):
    """The API's rates off: the walk sends more requests a minute than anyone may."""
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


def _server_errors(client: Client, walked: list[str]) -> list[tuple[str, int]]:
    failed = []
    for address in walked:
        response = client.get(address)
        if response.status_code >= 500:
            failed.append((address[:120], response.status_code))
    return failed


@pytest.mark.parametrize("person", [None, "daniela", "camila"])
def test_no_address_is_a_server_error(request, unthrottled, person):
    """Out-of-range numbers (2^63, 10^20, -1, 0) and odd strings (unicode, NUL, «..», very long) in every part
    of every address of the site and the API, read anonymously, by a reviewer and by an analyst: never a 500."""
    client = Client(raise_request_exception=False)
    if person:
        client.force_login(request.getfixturevalue(person))
    site = [address for address in addresses() if not address.startswith("/admin/")]
    assert _server_errors(client, _walked(site)) == []


def test_no_admin_address_is_a_server_error(unthrottled, ana):
    """The same in the admin, as the one person who reaches its pages (for the others it is its login). Its
    parts are ids taken as text (`<path:object_id>`): one value of each kind (past 2^63, negative, a word, a
    NUL) in each; its plain pages are tests/test_admin.py's."""
    client = Client(raise_request_exception=False)
    client.force_login(ana)
    odd = ["9223372036854775808", "-1", "ñandú", "\x00"]
    admin = [address for address in addresses(odd, plausible=False) if address.startswith("/admin/")]
    assert _server_errors(client, _walked(admin)) == []


@pytest.mark.parametrize(
    "address",
    [
        "/publico/99999999999999999999/",
        "/publico/99999999999999999999.csv",
        "/publico/regiones/CL-AT/99999999999999999999/",
        "/publico/regiones/CL-AT/99999999999999999999.csv",
        "/publico/regiones/CL-AT/99999999999999999999.xlsx",
        "/publico/regiones/CL-AT/99999999999999999999/informe/",
        "/publico/regiones/CL-AT/99999999999999999999/informe.pdf",
        "/publico/regiones/CL-AT/99999999999999999999/indicadores/ILU-01/",
        "/regiones/CL-CO/99999999999999999999/",
        "/regiones/CL-CO/2012/indicadores/CO-01/evidencia/9223372036854775808/",
        "/api/v1/figures/9223372036854775808/",
        "/api/v1/cycles/99999999999999999999/export/",
    ],
)
def test_an_impossible_number_in_an_address_is_a_404(client, camila, address):
    client.force_login(camila)
    assert client.get(address).status_code == 404


def test_addresses_are_written_as_before(coquimbo):
    """The converters read and write the addresses the pages link (a year, an id, a region in any case)."""
    assert reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012}) == "/regiones/CL-CO/2012/"
    assert reverse("api_token_revoke", kwargs={"pk": 7}) == "/cuenta/tokens/7/revocar/"
    match = get_resolver().resolve("/regiones/cl-co/2012/ingreso/3/")
    assert match.kwargs == {"code": "cl-co", "year": 2012, "product": 3}


def _debug_client(person=None) -> Client:
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("/regiones/CL-XX/2012/", "No existe una región con el código CL-XX."),
        ("/regiones/CL-NB/2012/", "La región de Ñuble no existía en 2012: no tiene ciclo 2012."),
        ("/regiones/CL-CO/2012/indicadores/NO-99/", None),
        ("/publico/regiones/CL-BI/2012/", None),
        ("/no-hay-tal-pagina/", "La dirección no corresponde a ninguna página o registro."),
        ("/publico/99999999999999999999/", "La dirección no corresponde a ninguna página o registro."),
    ],
)
def test_under_debug_a_404_is_the_apps_page_with_its_reason(daniela, address, reason):
    response = _debug_client(daniela).get(address)
    page = response.content.decode()
    assert response.status_code == 404
    assert "Página no encontrada" in page
    assert "Volver a las regiones" in page
    assert "Traceback" not in page
    assert "DEBUG = True" not in page
    assert "URLconf" not in page
    assert "SECRET_KEY" not in page
    assert "Using the URLconf" not in page
    if reason is not None:
        assert reason in page
    else:  # the view's own reason, whatever its words
        assert "<p data-reason>" in page


@override_settings(DEBUG=True)
def test_under_debug_a_failing_page_is_the_apps_500_and_its_traceback_is_logged(camila, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("notifications.views.selectors.notifications_page", fail)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = _debug_client(camila).get(reverse("notifications:list"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Ocurrió un error inesperado" in page
    assert "RuntimeError" not in page
    assert "Traceback" not in page
    assert "SECRET_KEY" not in page
    logged = [record for record in caplog.records if record.exc_info]
    assert logged
    assert logged[0].exc_info[0] is RuntimeError


@override_settings(DEBUG=True)
def test_under_debug_an_api_failure_answers_in_the_apis_shape(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.views.selectors.readable", fail)
    response = _debug_client().get("/api/v1/figures/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "RuntimeError" not in response.content.decode()


def test_without_debug_an_api_failure_answers_in_the_apis_shape_too(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.views.selectors.readable", fail)
    response = _debug_client().get("/api/v1/figures/")
    assert response.status_code == 500
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "server_error"


@override_settings(DEBUG=True, ALLOWED_HOSTS=["127.0.0.1"])
def test_under_debug_a_bad_host_shows_no_settings():
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="otro.example")
    assert response.status_code == 400
    assert "ALLOWED_HOSTS" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@override_settings(DEBUG=True, DEBUG_PAGES=True)
def test_a_developer_who_asks_sees_djangos_technical_404(camila):
    response = _debug_client(camila).get("/regiones/CL-XX/2012/")
    assert response.status_code == 404
    assert "Django tried these URL patterns" in response.content.decode() or "Raised by" in response.content.decode()


def test_without_debug_the_404_page_keeps_its_reason(client, camila):
    client.force_login(camila)
    response = client.get("/regiones/CL-XX/2012/")
    assert response.status_code == 404
    assert "No existe una región con el código CL-XX." in response.content.decode()


def test_the_region_code_converter_matches_every_region():
    codes = Region.objects.values_list("iso_code", flat=True)
    assert codes
    assert all(re.fullmatch(converters.REGION, code) for code in codes)
