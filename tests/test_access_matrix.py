"""Every URL of the product × every kind of person → the expected status.

The patterns come from the resolver, so a view added without a row here fails this test.
The admin (Django's own permission system) and the language switcher are checked elsewhere.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "i18n/")
PEOPLE = ["anonymous", "camila", "bruno", "daniela", "ana", "charlie"]

# name: (kwargs, {person: status}); camila is Coquimbo's analyst, the URLs below are Coquimbo's.
LOGIN = 302
MATRIX = {
    "login": ({}, {"anonymous": 200, "camila": 302, "bruno": 302, "daniela": 302, "ana": 302, "charlie": 302}),
    "logout": ({}, dict.fromkeys(PEOPLE, 405)),  # GET is refused: logging out is a POST
    "home": ({}, {"anonymous": LOGIN, "camila": 200, "bruno": 200, "daniela": 200, "ana": 200, "charlie": 200}),
    "indicators:region_current": (
        {"code": "CL-CO"},
        {"anonymous": LOGIN, "camila": 302, "bruno": 403, "daniela": 302, "ana": 302, "charlie": 403},
    ),
    "indicators:region": (
        {"code": "CL-CO", "year": 2012},
        {"anonymous": LOGIN, "camila": 200, "bruno": 403, "daniela": 200, "ana": 200, "charlie": 403},
    ),
}


def named_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", route


def test_every_url_pattern_is_in_the_matrix():
    names = {name for name, _route in named_patterns()}
    assert names == set(MATRIX), f"add these URLs to the access matrix: {sorted(names - set(MATRIX))}"


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, cast, name, person):
    kwargs, expected = MATRIX[name]
    if person != "anonymous":
        client.force_login(cast[person])
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == expected[person]
    if response.status_code == LOGIN and person == "anonymous" and name not in ("login",):
        assert response["Location"].startswith(reverse("login"))
