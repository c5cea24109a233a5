"""English beside Spanish: the catalog is complete, and the pages speak English when it is chosen."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.numbers import format_number, format_percent
from tests.html import soup, text

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_string_has_its_english_translation():
    catalog = polib.pofile(str(CATALOG))
    missing = [e.msgid for e in catalog if not e.translated() or "fuzzy" in e.flags]
    assert missing == []


def test_translations_keep_their_placeholders():
    placeholder = re.compile(r"%\([a-z_]+\)s")
    for entry in polib.pofile(str(CATALOG)):
        wanted = sorted(placeholder.findall(entry.msgid))
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if translated:
                assert sorted(placeholder.findall(translated)) == wanted, entry.msgid


def test_english_numbers():
    with translation.override("en"):
        assert format_percent(71) == "71%"
        assert format_number(1078) == "1,078"


@pytest.mark.django_db
def test_pages_in_english(client, daniela):
    client.force_login(daniela)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = text(soup(client.get(reverse("home"))))
    assert "Regional Governments" in home
    region = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-BI", "year": 2012})))
    values = [text(td) for td in region.select('tbody[data-indicator="BI-01"] td[data-kind="numerator"]')]
    assert values == ["761", "1,078", "1,045", "1,020", "960"]
    assert "Performance indicators" in text(region)
    dashboard = text(soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-BI", "year": 2012}))))
    assert "Institutional" in dashboard
    assert "pending" in dashboard
