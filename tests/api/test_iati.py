"""The IATI file of a cycle (/api/v1/cycles/<year>/iati/): every file the API serves, whoever reads it, is valid
against IATI's official 2.03 XML Schema, and every code it names is in IATI's code lists. Both are copies in
tests/data/iati/ (README.md there names their source): nothing is downloaded while the suite runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree

from api import cycle_export
from core.numbers import round_half_up
from evaluation.vocabulary import Stage
from indicators import services
from indicators.models import Indicator
from indicators.vocabulary import ControlScope
from results.selectors import public
from tests.api.conftest import bearer
from tests.evaluation.test_dashboards import enter_2012_actual

pytestmark = pytest.mark.once

IATI_DATA = Path(__file__).resolve().parent.parent / "data" / "iati"
IATI = reverse("api:cycle-iati", kwargs={"year": 2012})
# What the file names a code of: each must be checked against its list, so the check below cannot pass empty.
CODED = {
    "Version",
    "Currency",
    "Language",
    "OrganisationType",
    "OrganisationRole",
    "DescriptionType",
    "ActivityStatus",
    "ActivityDateType",
    "ResultType",
    "IndicatorMeasure",
}


@cache
def schema() -> etree.XMLSchema:
    """IATI's activities schema (it includes iati-common.xsd and imports xml.xsd beside it)."""
    return etree.XMLSchema(etree.parse(str(IATI_DATA / "schemas" / "iati-activities-schema.xsd")))


@cache
def codes(codelist: str) -> frozenset[str]:
    """Return the codes of one of IATI's code lists that are in use (withdrawn ones are not)."""
    tree = etree.parse(str(IATI_DATA / "codelists" / f"{codelist}.xml"))
    return frozenset(item.findtext("code") for item in tree.iter("codelist-item") if item.get("status") != "withdrawn")


def mappings() -> list[tuple[str, str, str | None]]:
    """IATI's mapping of the standard's attributes to code lists: [(XPath, code list, condition)]."""
    tree = etree.parse(str(IATI_DATA / "codelists" / "mapping.xml"))
    return [(m.findtext("path"), m.find("codelist").get("ref"), m.findtext("condition")) for m in tree.iter("mapping")]


def coded_values(document) -> dict[str, list[str]]:
    """Return {code list: the values the document gives attributes that IATI's mapping says are of that list}."""
    found: dict[str, list[str]] = {}
    for path, codelist, condition in mappings():
        for value in document.xpath(path):
            if condition is None or value.getparent().xpath(condition):
                found.setdefault(codelist, []).append(str(value))
    return found


def parsed(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


def assert_valid(document) -> None:
    assert schema().validate(document), [f"{error.line}: {error.message}" for error in schema().error_log]


def assert_coded(document) -> None:
    found = coded_values(document)
    assert set(found) >= CODED
    for codelist, values in found.items():
        assert (IATI_DATA / "codelists" / f"{codelist}.xml").exists(), f"keep IATI's {codelist} list in the tests"
        assert set(values) <= codes(codelist), (codelist, set(values) - codes(codelist))


@pytest.fixture
def published(publish, coquimbo, camila, cycle):
    """Coquimbo's 2012 results with an efectivo, a mission and causes, sent and approved."""
    enter_2012_actual(camila, "CO-01", "200", "262")
    services.result_analysis_save(
        user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, causes="Caída del portal",
        external_causes=False, overachievement_justification="",
    )  # fmt: skip
    publish(coquimbo)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["anonymous", "camila", "bruno", "ana"])
def test_every_iati_file_served_is_valid_iati_2_03_with_iati_codes(api, token_for, cast, published, reader):
    if reader != "anonymous":
        api.credentials(**bearer(token_for(cast[reader])))
    document = parsed(api.get(IATI))
    assert document.findall("iati-activity")
    assert_valid(document)
    assert_coded(document)
    for activity in document.iter("iati-activity"):
        children = [child.tag for child in activity]
        assert children[:4] == ["iati-identifier", "reporting-org", "title", "description"]
        assert {org.get("role") for org in activity.iter("participating-org")} == {"2", "4"}


@pytest.mark.django_db
def test_every_stage_of_the_cycle_gives_a_valid_file(api, token_for, ana, cycle):
    api.credentials(**bearer(token_for(ana)))
    for stage in Stage:
        cycle.stage = stage
        cycle.save(update_fields=["stage"])  # the cycle's stage only: no service is what this test exercises
        document = parsed(api.get(IATI))
        assert_valid(document)
        assert {s.get("code") for s in document.iter("activity-status")} == {cycle_export.IATI_ACTIVITY_STATUS[stage]}


def test_the_codes_the_file_maps_to_are_in_iati_code_lists():
    assert set(cycle_export.IATI_ACTIVITY_STATUS) == set(Stage)
    assert set(cycle_export.IATI_ACTIVITY_STATUS.values()) <= codes("ActivityStatus")
    assert set(cycle_export.IATI_RESULT_TYPE) == set(ControlScope)
    assert set(cycle_export.IATI_RESULT_TYPE.values()) <= codes("ResultType")
    assert set(cycle_export.IATI_GOVERNMENT_ROLES) <= codes("OrganisationRole")
    assert cycle_export.IATI_LOCAL_GOVERNMENT in codes("OrganisationType")
    assert cycle_export.IATI_VERSION in codes("Version")


@pytest.mark.django_db
def test_the_schema_refuses_what_the_file_once_lacked(api, token_for, ana):
    """The check is real: the activities as they were served before (no description, no participating-org)
    are refused."""
    api.credentials(**bearer(token_for(ana)))
    document = parsed(api.get(IATI))
    for activity in document.iter("iati-activity"):
        for child in activity.findall("description") + activity.findall("participating-org"):
            activity.remove(child)
    assert not schema().validate(document)


@pytest.mark.django_db
def test_the_file_of_a_cycle_nobody_published_yet_is_a_404_in_words(api):
    response = api.get(IATI)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/xml"
    detail = etree.fromstring(response.content).findtext("detail")
    assert detail == (
        "El ciclo 2012 no tiene aún resultados que usted pueda leer (un archivo IATI lleva al menos una actividad)."
    )


@pytest.mark.django_db
def test_the_file_keeps_the_figures_the_portal_shows(api, published, coquimbo, cycle):
    [activity] = parsed(api.get(IATI)).findall("iati-activity")
    shown = public.region_results(region=coquimbo, cycle=cycle)
    assert len(activity.findall("result")) == len(shown.indicators)
    for result, item in zip(activity.findall("result"), shown.indicators, strict=True):
        assert result.findtext("indicator/title/narrative").startswith(f"{item.code} · ")
        figures = {tag: result.find(f"indicator/period/{tag}") for tag in ("target", "actual")}
        for tag, value in (("target", item.target), ("actual", item.actual)):
            assert figures[tag].get("value") == format(round_half_up(value, item.decimals), "f")
