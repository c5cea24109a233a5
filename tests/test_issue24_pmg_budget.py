"""Issue 24, points 8, 9, 11 and 20 (PMG, misión, budget, English): every bad PMG cell is said in one save and
only it is outlined, a reported stage needs a committed one, the PMG's compliance is «pendiente» until DIPRES
validates; the misión is required; the budget's messages suggest whole amounts and name the spreadsheet's
column, and an execution above the allocation is saved and said; the PMG's areas and totals in English."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from evaluation.models import EvaluationCycle
from indicators import services as indicator_services
from indicators.models import ProductBudget, StrategicDefinition, StrategicProduct
from pmg import services
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment
from tests.html import form_data, soup, text
from tests.test_translations import SPANISH_WORDS, data_texts, interface_text

pytestmark = pytest.mark.django_db

PMG = reverse("pmg:pmg", kwargs={"code": "CL-CO", "year": 2012})
BUDGET = reverse("results:budget", kwargs={"code": "CL-CO", "year": 2012})
DEFINITIONS = reverse("indicators:definitions", kwargs={"code": "CL-CO", "year": 2012})
MISSION = reverse("indicators:mission_save", kwargs={"code": "CL-CO", "year": 2012})


def cycle() -> EvaluationCycle:
    return EvaluationCycle.objects.get(year=2012)


def system(code: str) -> ManagementSystem:
    return ManagementSystem.objects.get(cycle__year=2012, code=code)


def commit(user, region, rows):
    return services.pmg_commitments_save(
        user=user,
        region=region,
        cycle=cycle(),
        rows=[services.CommitmentInput(system(code), committed, reported, 0) for code, committed, reported in rows],
    )


def post_pmg(client, cells: dict[tuple[str, str], str]):
    """Post the PMG form as the page draws it, with `cells` ({(system code, "committed"|"reported"): text})."""
    data = form_data(soup(client.get(PMG)).select_one("#pmg-form"))
    for (code, kind), value in cells.items():
        data[f"s{system(code).pk}_{kind}"] = value
    return client.post(PMG, data)


def outlined(page, code: str) -> dict[str, bool]:
    pk = system(code).pk
    return {kind: "is-invalid" in page.select_one(f"#s{pk}_{kind}")["class"] for kind in ("committed", "reported")}


# Point 8: the PMG's commitments.


def test_a_reported_stage_without_a_committed_one_is_refused_naming_the_system(client, camila, coquimbo):
    with pytest.raises(services.PmgErrors) as refused:
        commit(camila, coquimbo, [("capacitacion", None, 2)])
    assert "Capacitación" in " ".join(refused.value.by_system[system("capacitacion").pk])
    client.force_login(camila)
    page = soup(post_pmg(client, {("capacitacion", "reported"): "2"}), status=400)
    row = text(page.select_one("tr[data-system='capacitacion']"))
    assert "Capacitación" in row
    assert "comprometida" in row
    assert "0 cambios" not in text(page)
    assert not PmgCommitment.objects.exists()


def test_every_bad_cell_of_the_pmg_is_said_in_the_same_save(client, camila):
    client.force_login(camila)
    response = post_pmg(
        client, {("capacitacion", "committed"): "abc", ("oirs", "committed"): "9", ("compras", "committed"): "2"}
    )
    page = soup(response, status=400)
    assert "Escriba el número de la etapa." in text(page.select_one("tr[data-system='capacitacion']"))
    assert "de 1 a 4" in text(page.select_one("tr[data-system='oirs']"))  # OIRS has 4 stages
    assert not PmgCommitment.objects.exists()  # Compras was fine, and is not saved either


def test_only_the_bad_cells_of_the_pmg_are_outlined(client, camila):
    client.force_login(camila)
    page = soup(
        post_pmg(client, {("capacitacion", "committed"): "abc", ("oirs", "committed"): "2", ("oirs", "reported"): "9"}),
        status=400,
    )
    assert outlined(page, "capacitacion") == {"committed": True, "reported": False}
    assert outlined(page, "oirs") == {"committed": False, "reported": True}
    assert outlined(page, "compras") == {"committed": False, "reported": False}
    reported = page.select_one(f"#s{system('oirs').pk}_reported")
    assert page.select_one(f"#{reported['aria-describedby']}") is not None


def test_every_bad_score_of_the_self_assessment_is_said_in_the_same_save(client, camila):
    leadership, results = (ExcellenceCriterion.objects.get(code=code) for code in ("liderazgo", "resultados"))
    client.force_login(camila)
    data = form_data(soup(client.get(PMG)).select_one("#assessment-form"))
    data.update({f"c{leadership.pk}": "mucho", f"c{results.pk}": "351"})  # Resultados: 350 at most
    page = soup(client.post(PMG, data), status=400)
    assert "Escriba un puntaje entero." in text(page.select_one("tr[data-criterion='liderazgo']"))
    assert "350" in text(page.select_one("tr[data-criterion='resultados']"))
    assert "is-invalid" in page.select_one(f"#c{results.pk}")["class"]
    assert "is-invalid" not in page.select_one(f"#c{ExcellenceCriterion.objects.get(code='usuarios').pk}")["class"]
    assert "No se guardó nada" in text(page.select_one("#assessment-errors"))
    assert page.select_one("#pmg-errors") is None
    assert not SelfAssessment.objects.exists()


def test_the_pmg_compliance_is_pending_while_dipres_has_validated_nothing(client, camila, daniela, coquimbo):
    commit(camila, coquimbo, [("capacitacion", 2, 2), ("oirs", 3, 3)])
    client.force_login(daniela)
    page = soup(client.get(PMG))
    assert text(page.select_one("#pmg-summary [data-kind=compliance]")) == "pendiente"
    dashboard = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})))
    assert text(dashboard.select_one("[data-kind=pmg-compliance]")) == "pendiente"
    national = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    assert text(national.select_one("#national-pmg tr[data-region='CL-CO'] [data-kind=pmg-compliance]")) == "pendiente"
    item = PmgCommitment.objects.get(system__code="capacitacion")
    services.pmg_validate(user=daniela, commitment=item, validated_stage=1, notes="", version=item.version)
    page = soup(client.get(PMG))
    assert text(page.select_one("#pmg-summary [data-kind=compliance]")) == "0,0 %"  # validated, not met


# Point 9: the misión.


def test_an_empty_mission_is_refused_on_its_field(client, camila, coquimbo):
    with pytest.raises(ValidationError) as refused:
        indicator_services.definition_save(user=camila, region=coquimbo, cycle=cycle(), mission="  \n ", version=0)
    assert "mission" in refused.value.message_dict
    client.force_login(camila)
    data = form_data(soup(client.get(DEFINITIONS)).select_one("#mission-form"))
    data["mission"] = "   "
    response = client.post(MISSION, data)
    page = soup(response, status=400)
    form = page.select_one("#mission-form")
    assert "misión" in text(form.select_one(".invalid-feedback"))
    assert "Se guardó la misión" not in text(page)
    assert not StrategicDefinition.objects.filter(region=coquimbo, cycle=cycle()).exclude(mission="").exists()


# Point 11: the budget.


def product(number: int = 1) -> StrategicProduct:
    return StrategicProduct.objects.get(region__iso_code="CL-CO", number=number)


def budget_field(name: str, number: int = 1) -> str:
    return f"p{product(number).pk}_{name}"


def test_letters_in_an_amount_are_answered_with_a_whole_example(client, camila):
    client.force_login(camila)
    data = form_data(soup(client.get(BUDGET)).select_one("#budget-form"))
    data.update({budget_field("allocated"): "mil", budget_field("output"): "doce"})
    page = soup(client.post(BUDGET, data), status=400)
    for name in ("allocated", "output"):
        message = text(page.select_one(f"td[data-field='{budget_field(name)}'] .invalid-feedback"))
        assert "entero" in message
        assert "71,5" not in message


def test_an_execution_above_the_allocation_is_saved_and_said(client, camila):
    client.force_login(camila)
    data = form_data(soup(client.get(BUDGET)).select_one("#budget-form"))
    data.update({budget_field("allocated"): "1000", budget_field("executed"): "1053"})
    response = client.post(BUDGET, data)
    assert response.status_code == 302
    assert ProductBudget.objects.get(product=product(), year=2012).executed == D(1053)
    page = soup(client.get(BUDGET))
    warning = text(page.select_one(".alert-warning"))
    assert product().name in warning
    assert "105,3 %" in warning
    row = page.select_one("#budgets tr[data-product='1']")
    assert row.select_one("[data-flag=over-executed]") is not None
    assert page.select_one("#budgets tr[data-product='2'] [data-flag=over-executed]") is None


def upload_budget(client, rows: list[list]):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["N°", "Producto", "Asignado M$", "Ejecutado M$", "Producción", "Unidad"])
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "presupuesto.xlsx"
    return client.post(BUDGET, {"accion": "planilla", "file": stream})


def test_the_budget_spreadsheet_names_the_column_of_a_bad_cell(client, camila):
    client.force_login(camila)
    page = soup(upload_budget(client, [[1, "Producto", 1000, "1,5", "12,5", ""]]), status=400)
    said = re.split(r" (?=Fila \d)", text(page.select_one("#budget-sheet-form .invalid-feedback")))
    assert any(message.startswith("Fila 2, Ejecutado M$:") for message in said), said
    production = [message for message in said if message.startswith("Fila 2, Producción:")]
    assert production, said
    assert "monto" not in production[0].lower()
    assert not ProductBudget.objects.exists()


def test_an_over_execution_uploaded_in_the_spreadsheet_is_said(client, camila):
    client.force_login(camila)
    assert upload_budget(client, [[1, "Producto", 1000, 1100, None, ""]]).status_code == 302
    assert "110,0 %" in text(soup(client.get(BUDGET)).select_one(".alert-warning"))


# Point 20: the PMG in English.


@pytest.fixture
def english(client, daniela):
    client.force_login(daniela)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_pmg_areas_are_named_in_english(english):
    page = soup(english.get(PMG))
    assert "Human resources" in text(page.select_one("tr[data-system='capacitacion'] th"))
    assert "Recursos humanos" not in text(page)


def test_the_self_assessment_maximum_is_written_the_english_way(english, client):
    page = soup(english.get(PMG))
    assert text(page.select("#assessment tfoot td")[0]) == "1,000"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es-cl"
    assert text(soup(client.get(PMG)).select("#assessment tfoot td")[0]) == "1.000"


def test_the_pmg_page_in_english_has_no_spanish_interface_text(english, camila, daniela, coquimbo):
    commit(camila, coquimbo, [("capacitacion", 2, 2), ("oirs", 3, 3)])
    item = PmgCommitment.objects.get(system__code="capacitacion")
    services.pmg_validate(user=daniela, commitment=item, validated_stage=1, notes="", version=item.version)
    content = interface_text(soup(english.get(PMG)), data_texts())
    assert not {word for word in re.findall(r"[^\W\d_]+", content.lower()) if word in SPANISH_WORDS}, content
    assert not re.search(r"\d\s%|\d,\d{1,2}(?!\d)", content), content


def test_a_pmg_save_says_how_many_values_changed_or_that_none_did(client, camila):
    client.force_login(camila)
    first = post_pmg(client, {("capacitacion", "committed"): "3"})
    assert "Se guardó 1 cambio." in text(soup(client.get(first["Location"])))
    again = post_pmg(client, {("capacitacion", "committed"): "3"})
    page = text(soup(client.get(again["Location"])))
    assert "no había nada que guardar" in page
    assert "0 cambios" not in page
