"""A cycle as one document: pbr's JSON, valid against its published JSON Schema, and an IATI-style results file;
each with what its reader may read."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.urls import reverse

from api import cycle_export
from indicators import services
from indicators.models import Indicator
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

EXPORT = reverse("api:cycle-export", kwargs={"year": 2012})
IATI = reverse("api:cycle-iati", kwargs={"year": 2012})


@pytest.fixture
def with_causes(camila, cycle):
    services.result_analysis_save(
        user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, causes="Paro de funcionarios",
        external_causes=True, overachievement_justification="", version=0,
    )  # fmt: skip


def test_the_document_is_valid_against_its_schema(api, token_for, ana):
    api.credentials(**bearer(token_for(ana)))
    document = api.get(EXPORT).json()
    jsonschema.validate(document, cycle_export.schema(), format_checker=jsonschema.FormatChecker())
    assert [region["code"] for region in document["regions"]] == ["CL-AN", "CL-CO", "CL-BI"]
    assert api.get(reverse("api:cycle-export-schema")).json() == cycle_export.schema()


def test_the_public_document_holds_only_published_regions_with_the_documents_figures(
    api, publish, coquimbo, with_causes
):
    assert api.get(EXPORT).json()["regions"] == []
    publish(coquimbo)
    document = api.get(EXPORT).json()
    jsonschema.validate(document, cycle_export.schema())
    [region] = document["regions"]
    assert region["code"] == "CL-CO"
    [co01] = region["indicators"]
    values = {(figure["year"], figure["kind"]): figure["value"] for figure in co01["figures"]}
    # The document's table for Coquimbo: 71 %, 92 %, 93 %, 94 % (estimado 2011), 95 % (meta 2012).
    assert [values[(2008, "efectivo")], values[(2009, "efectivo")], values[(2010, "efectivo")]] == ["71", "92", "93"]
    assert (values[(2011, "estimado")], values[(2012, "meta")]) == ("94", "95")
    assert co01["analysis"] is None  # external causes DIPRES never accepted
    assert co01["weight"] == "100"


def test_who_sees_the_region_reads_its_causes(api, token_for, camila, with_causes):
    api.credentials(**bearer(token_for(camila)))
    [region] = api.get(EXPORT).json()["regions"]
    assert region["indicators"][0]["analysis"]["causes"] == "Paro de funcionarios"


def test_the_iati_file_has_a_result_per_indicator(api, publish, coquimbo):
    publish(coquimbo)
    response = api.get(IATI)
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    [activity] = root.findall("iati-activity")
    assert activity.findtext("iati-identifier") == "CL-PBR-CL-CO-2012"
    assert activity.findtext("reporting-org/narrative") == "Gobierno Regional de Coquimbo"
    [indicator] = activity.findall("result/indicator")
    assert indicator.get("measure") == "2"  # a percentage
    assert indicator.find("baseline").attrib == {"year": "2008", "value": "71"}
    assert indicator.find("period/target").get("value") == "95"
    assert indicator.find("period/actual") is None  # no efectivo 2012 yet


def test_an_unknown_cycle_is_a_404_in_words(api):
    response = api.get(reverse("api:cycle-export", kwargs={"year": 1999}))
    assert response.status_code == 404
    assert response.json()["detail"] == "No existe el ciclo 1999."


def test_the_document_costs_the_same_queries_for_one_region_or_all(
    api, token_for, ana, coquimbo, django_assert_max_num_queries
):
    api.credentials(**bearer(token_for(ana)))
    with django_assert_max_num_queries(20) as everything:
        api.get(EXPORT)
    api.credentials(**bearer(token_for(ana, regions=[coquimbo])))
    with django_assert_max_num_queries(20) as one:
        api.get(EXPORT)
    assert len(everything.captured_queries) == len(one.captured_queries)
