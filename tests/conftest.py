"""The cast of the suite and the document's data, loaded once per test database.

- Camila: analyst of GORE Coquimbo.
- Bruno: analyst of GORE Biobío.
- Daniela: DIPRES reviewer, reads every region.
- Ana: administrator.
- Charlie: has an account and no role: sees nothing.
- Héctor: head (jefatura) of GORE Coquimbo: reads it and is notified, changes nothing.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from regions.models import Region
from regions.services import user_upsert

# In CI the property tests explore the same examples every run (a red run is then reproducible) and are
# not timed; locally they explore new examples each run.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

DOCUMENT_FIXTURES = ["regions", "cycles", "gore_antofagasta", "gore_coquimbo", "gore_biobio"]
PASSWORD = "s3cret-Pass-2012"


def pytest_configure(config):
    """Name this run of the suite (its process id), inherited by its xdist workers."""
    os.environ.setdefault("PBR_TEST_RUN", str(os.getpid()))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give each run of the suite its own SQLite file, so that two runs side by side never share one."""
    test = settings.DATABASES["default"].get("TEST", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test.get("NAME"):
        test["NAME"] = test["NAME"].replace(".sqlite3", f"-run{os.environ['PBR_TEST_RUN']}.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the document's fixtures once into each test database."""
    with django_db_blocker.unblock():
        call_command("load_document", verbosity=0)


@pytest.fixture
def coquimbo(db) -> Region:
    return Region.objects.get(iso_code="CL-CO")


@pytest.fixture
def biobio(db) -> Region:
    return Region.objects.get(iso_code="CL-BI")


@pytest.fixture
def antofagasta(db) -> Region:
    return Region.objects.get(iso_code="CL-AN")


@pytest.fixture
def camila(coquimbo):
    return user_upsert(username="camila", password=PASSWORD, first_name="Camila", analyst_of=[coquimbo])


@pytest.fixture
def bruno(biobio):
    return user_upsert(username="bruno", password=PASSWORD, first_name="Bruno", analyst_of=[biobio])


@pytest.fixture
def daniela(db):
    return user_upsert(username="daniela", password=PASSWORD, first_name="Daniela", reviewer=True)


@pytest.fixture
def ana(db):
    return user_upsert(username="ana", password=PASSWORD, first_name="Ana", is_superuser=True)


@pytest.fixture
def charlie(db):
    return user_upsert(username="charlie", password=PASSWORD, first_name="Charlie")


@pytest.fixture
def hector(coquimbo):
    return user_upsert(username="hector", password=PASSWORD, first_name="Héctor", head_of=[coquimbo])


@pytest.fixture
def cast(camila, bruno, daniela, ana, charlie, hector) -> dict:
    return {"camila": camila, "bruno": bruno, "daniela": daniela, "ana": ana, "charlie": charlie, "hector": hector}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of each test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _document_data(request):
    """Reload the document's data for transactional tests, which start from a flushed database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    if not Region.objects.exists():
        call_command("load_document", verbosity=0)


@pytest.fixture(autouse=True)
def _shared_cache_configuration(request):
    """With PBR_TEST_SHARED_CACHE=1, run the suite as a deployment with Redis runs (sessions, users and their
    access read from the cache); each test process's LocMemCache stands in for the shared cache."""
    if os.environ.get("PBR_TEST_SHARED_CACHE") == "1":
        settings = request.getfixturevalue("settings")
        settings.CACHE_IS_SHARED = True
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, shared and in-process: data versions repeat across rolled-back
    tests."""
    from core import caching

    caching.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (Spanish): a request of an earlier test in the same
    process may have left another one active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def fresh_outages(monkeypatch):
    """Every service (core.outage) up at the start and at the end, and tried again at once when down."""
    from core import outage

    for state in (outage.DATABASE, outage.REPLICA, outage.CACHE, outage.STORAGE):
        state.up()
        monkeypatch.setattr(state, "retry_seconds", 0)
    yield
    for state in (outage.DATABASE, outage.REPLICA, outage.CACHE, outage.STORAGE):
        state.up()
