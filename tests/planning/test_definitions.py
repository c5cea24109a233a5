"""The region's definiciones estratégicas on their page: analysts formulate the misión, the objectives with the
products that serve them and their medium-term targets while the cycle is in Formulación or Discusión y
aprobación and the data is with them; DIPRES links objectives to axes; every write is version-checked and in
the history; the admin only shows them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionStatus
from indicators import services
from indicators.models import (
    Indicator,
    MediumTermTarget,
    PriorityAxis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from indicators.selectors import formulation_states
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db

CO = {"code": "CL-CO", "year": 2012}
BI = {"code": "CL-BI", "year": 2012}


def url(name: str, place: dict = CO, **extra) -> str:
    return reverse(f"indicators:{name}", kwargs={**place, **extra})


@pytest.fixture
def cycle() -> EvaluationCycle:
    return EvaluationCycle.objects.get(year=2012)  # in Discusión y aprobación, as the document has it


@pytest.fixture
def axes(db) -> dict[str, PriorityAxis]:
    return {
        code: PriorityAxis.objects.create(code=code, name=name, name_en=name)
        for code, name in [("crecimiento", "Crecimiento económico"), ("descentralizacion", "Descentralización")]
    }


def page_of(client, place: dict = CO):
    return soup(client.get(url("definitions", place)))


def test_an_analyst_formulates_the_definitions_on_the_page(client, camila, cycle):
    client.force_login(camila)
    page = page_of(client)
    assert "Sin misión registrada para el ciclo 2012." in text(page.select_one("#mision"))
    assert page.select_one("[data-no-objectives]")

    mission = form_data(page.select_one("#mission-form"))
    mission["mission"] = "Acercar el Gobierno Regional a la ciudadanía."
    response = client.post(url("mission_save"), mission)
    assert response.status_code == 302

    page = page_of(client)
    objective = form_data(page.select_one("#objective-form-new"))
    assert objective["number"] == "1"
    product = StrategicProduct.objects.get(region__iso_code="CL-CO", number=1)
    objective |= {"description": "Responder a tiempo a la ciudadanía", "products": [str(product.pk)]}
    assert client.post(url("objective_add"), objective).status_code == 302

    page = page_of(client)
    target = form_data(page.select_one("#target-form-new"))
    target |= {"indicator": str(Indicator.objects.get(code="CO-01").pk), "year": "2014", "value": "97"}
    assert client.post(url("target_add"), target).status_code == 302

    page = page_of(client)
    assert text(page.select_one("[data-mission]")) == "Acercar el Gobierno Regional a la ciudadanía."
    block = page.select_one('[data-objective="1"]')
    assert "1. Responder a tiempo a la ciudadanía" in text(block)
    assert "Servicios de Información y Comunicación a la Comunidad Regional" in text(block)
    # CO-01 (whole percentages): efectivo 2010 262 / 281 = 93,24 %; toward 97 % in 2014 the path passes 95,12 % in
    # 2012; the meta 250 / 262 = 95,42 % asks at least that: on the way.
    row = block.select_one('tr[data-target="CO-01-2014"]')
    assert cells(row, "td") == ["97 % en 2014", "95 %", "95 %", "meta en camino"]
    stored = MediumTermTarget.objects.get()
    assert stored.value == D(97)
    assert not page.select_one("[data-formulation-gaps]")  # its only product serves the objective

    # Every write is in the history, with who made it.
    history = text(page.select_one("#historial"))
    assert "Camila" in history
    assert "Meta de mediano plazo 2014" in history
    assert stored.history.get().history_user == camila


def test_a_meta_below_the_path_to_the_medium_term_target_is_flagged(client, bruno, cycle):
    client.force_login(bruno)
    objective = services.objective_save(
        user=bruno,
        region=Indicator.objects.get(code="BI-01").region,
        cycle=cycle,
        objective=None,
        number=1,
        description="Poner en ejecución la inversión programada",
        products=[],
        version=0,
    )
    services.medium_term_target_save(
        user=bruno,
        objective=objective,
        target=None,
        data=services.TargetInput(Indicator.objects.get(code="BI-01"), 2014, D(98)),
        version=0,
    )
    page = page_of(client, BI)
    # From 95,43 % (2010) to 98 % (2014) the path passes 96,72 % in 2012 (97 % as the indicator's whole
    # percentages show it); the meta 96 % asks less.
    row = page.select_one('tr[data-target="BI-01-2014"]')
    assert cells(row, "td") == ["98 % en 2014", "96 %", "97 %", "meta no concuerda con el mediano plazo"]
    gaps = text(page.select_one("[data-formulation-gaps]"))
    assert "La meta del ciclo de BI-01 no concuerda con su meta de mediano plazo 2014." in gaps


def test_a_change_made_meanwhile_is_never_overwritten(client, camila, ana, cycle, coquimbo):
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Antes", products=[], version=0
    )
    client.force_login(camila)
    form = form_data(page_of(client).select_one(f"#objective-form-{objective.pk}"))
    services.objective_save(
        user=ana, region=coquimbo, cycle=cycle, objective=objective, number=1, description="De Ana", products=[],
        version=1,
    )  # fmt: skip
    form["description"] = "De Camila"
    response = client.post(url("objective_change", pk=objective.pk), form)
    page = soup(response, 409)
    assert StrategicObjective.objects.get().description == "De Ana"
    again = page.select_one(f"#objective-form-{objective.pk}")
    assert "Otra persona cambió el objetivo mientras usted editaba" in text(again)
    assert again.select_one("textarea[name=description]").get_text().strip() == "De Camila"  # what she typed, kept
    assert text(page.select_one(f"#objetivo-{objective.pk}-titulo")) == "1. De Ana"  # and what is there now
    # Saving again, knowing it, is a choice: the form now carries the current version.
    assert client.post(url("objective_change", pk=objective.pk), form_data(again)).status_code == 302
    assert StrategicObjective.objects.get().description == "De Camila"


def test_bad_input_is_explained_where_it_was_typed_and_nothing_is_saved(client, camila, cycle, coquimbo):
    services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[], version=0
    )
    client.force_login(camila)
    page = page_of(client)
    repeated = form_data(page.select_one("#objective-form-new")) | {"number": "1", "description": "Otro"}
    answer = soup(client.post(url("objective_add"), repeated), 400)
    assert "Ya existe un objetivo con ese número." in text(answer.select_one("#objective-form-new"))
    assert answer.select_one("#objective-form-new").find_parent("details").has_attr("open")

    target = form_data(page.select_one("#target-form-new"))
    co01 = str(Indicator.objects.get(code="CO-01").pk)
    for change, message in [
        ({"year": "2012", "value": "97"}, "Asegúrese de que este valor es mayor o igual a 2013."),
        ({"year": "2014", "value": "97.5"}, "El punto separa miles (1.078.000); para decimales use coma (71,5)."),
        ({"year": "2014", "value": "97,5"}, "Escriba un número entero, como el indicador."),
        ({"year": "2014", "value": "-1"}, "No puede ser negativo."),
        ({"year": "2014", "value": ""}, "Este campo es obligatorio."),
        ({"year": "2014", "value": "97", "indicator": "999999"}, "Escoja una opción válida."),
    ]:
        answer = soup(client.post(url("target_add"), target | {"indicator": co01} | change), 400)
        assert message in text(answer.select_one("#target-form-new")), change
    assert StrategicObjective.objects.count() == 1
    assert not MediumTermTarget.objects.exists()
    # An indicator of the region the cycle does not commit is refused by the service too.
    with pytest.raises(Exception, match="comprometido en el ciclo 2012"):
        services.medium_term_target_save(
            user=camila,
            objective=StrategicObjective.objects.get(),
            target=None,
            data=services.TargetInput(Indicator.objects.get(code="BI-01"), 2014, D(1)),
            version=0,
        )


def test_from_execution_on_the_definitions_are_fixed(client, camila, cycle, coquimbo):
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[], version=0
    )
    EvaluationCycle.objects.filter(pk=cycle.pk).update(stage=Stage.EXECUTION)
    cycle.refresh_from_db()
    client.force_login(camila)
    page = page_of(client)
    assert "las definiciones con que se aprobó el presupuesto quedaron fijas" in text(
        page.select_one("[data-stage-rule]")
    )
    assert not page.select_one("main").select("form[method=post]")
    response = client.post(url("objective_change", pk=objective.pk), {"number": 1, "description": "Dos", "version": 1})
    assert response.status_code == 302
    assert "quedaron fijas al pasar a Ejecución" in text(soup(client.get(response.url)))
    assert StrategicObjective.objects.get().description == "Uno"


def test_sent_data_locks_the_definitions(client, camila, cycle, coquimbo):
    Submission.objects.create(region=coquimbo, cycle=cycle, status=SubmissionStatus.SENT)
    with pytest.raises(services.DataLockedError):
        services.definition_save(user=camila, region=coquimbo, cycle=cycle, mission="x", version=0)
    client.force_login(camila)
    assert "las definiciones no se modifican mientras tanto" in text(page_of(client).select_one("[data-stage-rule]"))
    assert not StrategicDefinition.objects.exists()


def test_who_may_do_what(client, cast, cycle, coquimbo, biobio, axes):
    camila, bruno, daniela = cast["camila"], cast["bruno"], cast["daniela"]
    ours = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[], version=0
    )
    theirs = services.objective_save(
        user=bruno, region=biobio, cycle=cycle, objective=None, number=1, description="Otro", products=[], version=0
    )
    # Another region's analyst, and DIPRES, do not formulate Coquimbo's definitions.
    for person in (bruno, daniela):
        with pytest.raises(PermissionDenied):
            services.objective_save(
                user=person, region=coquimbo, cycle=cycle, objective=ours, number=1, description="x", products=[],
                version=1,
            )  # fmt: skip
    # Analysts do not link axes; DIPRES does.
    with pytest.raises(PermissionDenied):
        services.objective_axes_set(user=camila, objective=ours, axes=[axes["crecimiento"]], version=1)
    services.objective_axes_set(user=daniela, objective=ours, axes=[axes["crecimiento"]], version=1)
    assert list(StrategicObjective.objects.get(pk=ours.pk).axes.all()) == [axes["crecimiento"]]

    # Biobío's objective through Coquimbo's pages is not found; Coquimbo's pages are not Bruno's.
    client.force_login(camila)
    assert client.post(url("objective_change", pk=theirs.pk), {"number": 1, "description": "x"}).status_code == 404
    assert client.post(url("objective_delete", pk=theirs.pk), {"version": 1}).status_code == 404
    assert client.post(url("objective_axes", pk=ours.pk), {"version": 2}).status_code == 403
    client.force_login(bruno)
    assert client.get(url("definitions")).status_code == 403
    assert client.post(url("objective_delete", pk=ours.pk), {"version": 2}).status_code == 403
    assert StrategicObjective.objects.filter(pk=theirs.pk, description="Otro").exists()
    assert StrategicObjective.objects.filter(pk=ours.pk, description="Uno").exists()

    # The reviewer's page offers the axes and nothing to formulate.
    client.force_login(daniela)
    page = page_of(client)
    assert page.select_one(f"#axes-form-{ours.pk}")
    assert not page.select_one("#mission-form, #objective-form-new, [id^=objective-form-]")


def test_dipres_links_an_objective_to_axes_and_the_axis_page_follows(client, daniela, camila, cycle, coquimbo, axes):
    objective = services.objective_save(
        user=camila,
        region=coquimbo,
        cycle=cycle,
        objective=None,
        number=1,
        description="Uno",
        products=[StrategicProduct.objects.get(region=coquimbo, number=1)],
        version=0,
    )
    client.force_login(daniela)
    form = form_data(page_of(client).select_one(f"#axes-form-{objective.pk}"))
    form["axes"] = [str(axes["descentralizacion"].pk)]
    assert client.post(url("objective_axes", pk=objective.pk), form).status_code == 302
    page = page_of(client)
    assert text(page.select_one(f"#objetivo-{objective.pk} [data-axes]")) == "Ejes prioritarios: Descentralización"
    axis = soup(client.get(reverse("results:axis", kwargs={"year": 2012, "code": "descentralizacion"})))
    assert axis.select_one('[data-region="CL-CO"] tr[data-indicator="CO-01"]')  # through its product's objective
    # A stale form (the version it was drawn with) is refused.
    assert client.post(url("objective_axes", pk=objective.pk), form).status_code == 409


def test_removing_an_objective_takes_its_targets_and_links_and_keeps_the_history(client, camila, cycle, coquimbo):
    product = StrategicProduct.objects.get(region=coquimbo, number=1)
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[product],
        version=0,
    )  # fmt: skip
    services.medium_term_target_save(
        user=camila,
        objective=objective,
        target=None,
        data=services.TargetInput(Indicator.objects.get(code="CO-01"), 2014, D(97)),
        version=0,
    )
    client.force_login(camila)
    assert client.post(url("objective_delete", pk=objective.pk), {"version": 0}).status_code == 302  # stale
    assert StrategicObjective.objects.exists()
    assert client.post(url("objective_delete", pk=objective.pk), {"version": 1}).status_code == 302
    assert not StrategicObjective.objects.exists()
    assert not MediumTermTarget.objects.exists()
    assert not product.objectives.exists()
    assert StrategicObjective.history.filter(history_type="-").get().history_user == camila
    assert MediumTermTarget.history.filter(history_type="-").get().history_user == camila
    history = text(page_of(client).select_one("#historial"))
    assert "eliminó · Objetivo estratégico 1" in history


def test_the_formulation_review_covers_the_definitions(camila, daniela, cycle, coquimbo):
    EvaluationCycle.objects.filter(pk=cycle.pk).update(stage=Stage.FORMULATION)
    cycle.refresh_from_db()
    from results.services import workflow

    before = formulation_states(cycle=cycle, region=coquimbo)[0]
    workflow.formulation_review_record(user=daniela, region=coquimbo, cycle=cycle, comment="", version=0)
    assert formulation_states(cycle=cycle, region=coquimbo)[0].is_current
    services.definition_save(user=camila, region=coquimbo, cycle=cycle, mission="Nueva misión", version=0)
    after = formulation_states(cycle=cycle, region=coquimbo)[0]
    assert after.state == "cambiada"
    assert after.fingerprint != before.fingerprint


def test_the_exports_carry_the_objectives_and_targets(client, daniela, camila, cycle, coquimbo, axes):
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="=Uno", products=[], version=0
    )
    services.objective_axes_set(user=daniela, objective=objective, axes=[axes["crecimiento"]], version=1)
    services.medium_term_target_save(
        user=camila,
        objective=objective,
        target=None,
        data=services.TargetInput(Indicator.objects.get(code="CO-01"), 2014, D(97)),
        version=0,
    )
    client.force_login(daniela)
    book = openpyxl.load_workbook(io.BytesIO(client.get(url("definitions_xlsx")).content))
    assert book.sheetnames == ["Objetivos estratégicos", "Metas de mediano plazo"]
    objectives = list(book["Objetivos estratégicos"].values)
    assert objectives[1][3:] == (1, "'=Uno", None, "Crecimiento económico")  # a formula is neutralised
    targets = list(book["Metas de mediano plazo"].values)
    assert targets[1][:8] == (1, "CO-01", Indicator.objects.get(code="CO-01").name, 2014, 97, 95, 95, "sí")
    rows = list(
        csv.reader(
            io.StringIO(client.get(url("definitions_csv"), {"tabla": "metas"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][:5] == ["1", "CO-01", Indicator.objects.get(code="CO-01").name, "2014", "97"]


def test_the_admin_only_shows_definitions(client, ana, camila, cycle, coquimbo):
    objective = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="Uno", products=[], version=0
    )
    client.force_login(ana)
    change = reverse("admin:indicators_strategicobjective_change", args=[objective.pk])
    page = soup(client.get(change))
    assert "la página de definiciones estratégicas" in text(page)
    assert client.post(change, {"number": 2, "description": "Dos"}).status_code == 403
    assert client.get(reverse("admin:indicators_strategicdefinition_add")).status_code == 403
    assert StrategicObjective.objects.get().description == "Uno"


def test_the_page_costs_the_same_queries_whatever_the_definitions_hold(client, camila, daniela, cycle, coquimbo, axes):
    client.force_login(camila)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("definitions")).status_code == 200
        return len(queries)

    co01 = Indicator.objects.get(code="CO-01")
    first = services.objective_save(
        user=camila, region=coquimbo, cycle=cycle, objective=None, number=1, description="1", products=[], version=0
    )
    services.medium_term_target_save(
        user=camila, objective=first, target=None, data=services.TargetInput(co01, 2013, D(96)), version=0
    )
    small = count()
    for number in range(2, 7):
        objective = services.objective_save(
            user=camila,
            region=coquimbo,
            cycle=cycle,
            objective=None,
            number=number,
            description=str(number),
            products=list(StrategicProduct.objects.filter(region=coquimbo)),
            version=0,
        )
        services.objective_axes_set(user=daniela, objective=objective, axes=list(axes.values()), version=1)
        services.medium_term_target_save(
            user=camila,
            objective=objective,
            target=None,
            data=services.TargetInput(co01, 2012 + number, D(97)),
            version=0,
        )
    assert count() == small
