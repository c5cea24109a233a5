"""The budget cycle's stages with meaning: DIPRES moves a cycle to its next stage with a reason (recorded), the
meta of the cycle's year is fixed from the execution stage on, and the pages say what each stage is for."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services as indicator_services
from indicators.models import Indicator, Measurement
from results.services import workflow
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db


def cycle():
    return EvaluationCycle.objects.get(year=2012)


def meta_cell(numerator, version):
    return indicator_services.CellInput(
        indicator=Indicator.objects.get(code="CO-01"),
        year=2012,
        kind="meta",
        numerator=D(numerator),
        denominator=D(262),
        version=version,
    )


def test_dipres_moves_the_cycle_with_a_reason_and_the_move_is_recorded(client, daniela, camila):
    with pytest.raises(PermissionDenied):
        workflow.cycle_stage_advance(user=camila, cycle=cycle(), reason="x")
    with pytest.raises(ValidationError, match="por qué"):
        workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason=" ")
    client.force_login(daniela)
    url = reverse("results:stage", kwargs={"year": 2012})
    page = soup(client.get(url))
    assert page.select_one("[aria-current=step]")["data-stage"] == "discusion_aprobacion"
    assert client.post(url, {"reason": "Ley de presupuestos 2012 promulgada"}).status_code == 302
    assert cycle().stage == "ejecucion"
    page = soup(client.get(url))
    assert "Discusión y aprobación → Ejecución · «Ley de presupuestos 2012 promulgada»" in text(
        page.select_one("#moves")
    )
    assert "Daniela" in text(page.select_one("#moves"))
    workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Fin del año")
    assert cycle().stage == "evaluacion"
    assert soup(client.get(url)).select_one("#advance-form") is None  # closing is the admins' action
    with pytest.raises(ValidationError):
        workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Otra")


def test_the_meta_is_fixed_from_the_execution_stage_on(camila, daniela, coquimbo):
    meta = Measurement.objects.get(indicator__code="CO-01", year=2012, kind="meta")
    indicator_services.measurements_save(
        user=camila, region=coquimbo, cycle=cycle(), cells=[meta_cell(250, meta.version)]
    )
    meta.refresh_from_db()
    workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Ley aprobada")
    with pytest.raises(indicator_services.CellErrors) as refused:
        indicator_services.measurements_save(
            user=camila, region=coquimbo, cycle=cycle(), cells=[meta_cell(240, meta.version)]
        )
    (fields,) = refused.value.by_cell.values()
    assert "quedó fija cuando su ciclo pasó a ejecución" in " ".join(fields["numerator"])
    # The efectivo of the year is still entered (monitoring, then the evaluation).
    efectivo = indicator_services.CellInput(
        indicator=Indicator.objects.get(code="CO-01"),
        year=2012,
        kind="efectivo",
        numerator=D(120),
        denominator=D(200),
        version=0,
    )
    assert indicator_services.measurements_save(user=camila, region=coquimbo, cycle=cycle(), cells=[efectivo]) == 1


def test_the_pages_say_what_the_stage_is_for(client, daniela, camila):
    client.force_login(camila)
    region = soup(client.get(reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})))
    assert "presupuesto viaja con la información de desempeño" in text(region.select_one("[data-stage-meaning]"))
    # In discusión y aprobación the report travels with the budget bill.
    action = region.select_one("[data-stage-action]")
    assert action["href"] == reverse("results:report_pdf", kwargs={"code": "CL-CO", "year": 2012})
    assert len(region.select("[data-stage-meaning] a")) == 1  # the stage page is DIPRES's
    assert client.get(reverse("results:stage", kwargs={"year": 2012})).status_code == 403
    workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Ley aprobada")
    dashboard = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})))
    assert "metas del año quedaron fijas" in text(dashboard.select_one("[data-stage-meaning]"))
    assert cells(dashboard, "h1 + p") == ["Etapa: Ejecución"]


def test_the_entry_grid_shows_a_fixed_meta_without_letting_it_change(client, camila, daniela):
    workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Ley aprobada")
    client.force_login(camila)
    url = reverse("indicators:entry", kwargs={"code": "CL-CO", "year": 2012, "product": 1})
    page = soup(client.get(url))
    indicator = Indicator.objects.get(code="CO-01")
    meta = page.select_one(f"input[name='c{indicator.pk}_2012_meta_n']")
    assert meta.has_attr("disabled")
    stored = Measurement.objects.get(indicator=indicator, year=2012, kind="meta")
    data = form_data(meta.find_parent("form"))
    data[f"c{indicator.pk}_2012_meta_n"] = "1"  # a tampered post: ignored, the stored meta stays
    data[f"c{indicator.pk}_2012_efectivo_n"] = "120"  # the efectivo is still entered
    data[f"c{indicator.pk}_2012_efectivo_d"] = "200"
    assert client.post(url, data).status_code == 302
    assert Measurement.objects.get(pk=stored.pk).numerator == stored.numerator
    assert Measurement.objects.get(indicator=indicator, year=2012, kind="efectivo").numerator == D(120)


def test_an_indicators_formula_is_fixed_while_a_cycle_committing_it_is_in_execution(client, ana, daniela):
    from tests.indicators.test_admin import change_form, errors

    indicator = Indicator.objects.get(code="CO-01")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    client.force_login(ana)
    data = change_form(client, url)
    data["notes"] = "Notas nuevas"
    assert client.post(url, data).status_code == 302  # in discusión y aprobación: still editable
    workflow.cycle_stage_advance(user=daniela, cycle=cycle(), reason="Ley aprobada")
    data = change_form(client, url)
    data["formula"] = "Otra fórmula"
    page = client.post(url, data)
    assert "no cambian mientras el ciclo 2012" in errors(page)
    assert Indicator.objects.get(pk=indicator.pk).formula != "Otra fórmula"
    data = change_form(client, url)
    data["notes"] = "Solo notas"  # what does not measure still changes
    assert client.post(url, data).status_code == 302


def formulating():
    """Put the document's 2012 cycle back in Formulación (a saved change: the pages follow it)."""
    formulated = cycle()
    formulated.stage = "formulacion"
    formulated.save()
    return formulated


def review(user, region, version=0, comment=""):
    return workflow.formulation_review_record(user=user, region=region, cycle=cycle(), comment=comment, version=version)


def test_dipres_reviews_a_regions_formulation_and_a_later_change_asks_for_another(client, daniela, camila, coquimbo):
    from evaluation.models import FormulationReview

    formulating()
    region_url = reverse("indicators:region", kwargs={"code": "CL-CO", "year": 2012})
    review_url = reverse("results:formulation_review", kwargs={"code": "CL-CO", "year": 2012})
    client.force_login(camila)
    page = soup(client.get(region_url))
    assert page.select_one("[data-formulation-state]")["data-formulation-state"] == "sin_revisar"
    assert page.select_one("#formulation-review-form") is None  # the analysts read it; DIPRES reviews
    assert client.post(review_url, {"version": 0}).status_code == 403
    client.force_login(daniela)
    form = soup(client.get(region_url)).select_one("#formulation-review-form")
    assert form["action"] == review_url
    posted = {**form_data(form), "comment": "Metas consistentes con la serie"}
    page = soup(client.post(review_url, posted, follow=True))
    assert "Formulación de Coquimbo 2012 revisada." in text(page)
    state = page.select_one("[data-formulation-state]")
    assert state["data-formulation-state"] == "revisada"
    assert "Revisada por Daniela" in text(state)
    assert "«Metas consistentes con la serie»" in text(state)
    assert page.select_one("#formulation-review-form") is None
    # The same form posted again (a stale tab) is refused where the reviewer looks, and changes nothing.
    page = soup(client.post(review_url, posted, follow=True))
    assert "Otra persona revisó esta formulación" in text(page)
    assert FormulationReview.objects.get().version == 1
    # The analyst changes a meta: the review no longer covers the formulation.
    meta = Measurement.objects.get(indicator__code="CO-01", year=2012, kind="meta")
    indicator_services.measurements_save(
        user=camila, region=coquimbo, cycle=cycle(), cells=[meta_cell(251, meta.version)]
    )
    page = soup(client.get(region_url))
    assert page.select_one("[data-formulation-state]")["data-formulation-state"] == "cambiada"
    again = page.select_one("#formulation-review-form")
    assert again.select_one("input[name=version]")["value"] == "1"
    client.post(review_url, form_data(again))
    assert FormulationReview.objects.get().version == 2
    assert FormulationReview.history.count() == 2  # each review recorded, with who
    assert {record.history_user for record in FormulationReview.history.all()} == {daniela}


def test_a_formulation_is_reviewed_only_in_formulacion_and_only_where_there_is_one(daniela, camila, coquimbo):
    from regions.models import Region

    with pytest.raises(ValidationError, match="se revisa en la etapa de formulación"):
        review(daniela, coquimbo)  # the document's cycle is in discusión y aprobación
    formulating()
    with pytest.raises(PermissionDenied):
        review(camila, coquimbo)
    nuble = Region.objects.get(iso_code="CL-NB")
    with pytest.raises(ValidationError, match="no compromete indicadores en 2012"):
        review(daniela, nuble)
    assert review(daniela, coquimbo).version == 1


def test_leaving_formulacion_asks_for_every_regions_formulation_reviewed(
    client, daniela, antofagasta, coquimbo, biobio
):
    formulating()
    client.force_login(daniela)
    url = reverse("results:stage", kwargs={"year": 2012})
    page = soup(client.get(url))
    assert cells(page, "#formulation-reviews [data-kind=state]") == ["sin revisar"] * 3
    response = client.post(url, {"reason": "Proyecto de ley al Congreso"})
    assert response.status_code == 400
    refusal = text(soup(response, 400).select_one("#advance-form"))
    assert "Falta revisar la formulación de: Antofagasta, Coquimbo, Biobío" in refusal
    assert cycle().stage == "formulacion"
    review(daniela, antofagasta)
    review(daniela, coquimbo)
    review(daniela, biobio)
    page = soup(client.get(url))
    assert cells(page, "#formulation-reviews [data-kind=state]") == ["revisada"] * 3
    assert client.post(url, {"reason": "Proyecto de ley al Congreso"}).status_code == 302
    assert cycle().stage == "discusion_aprobacion"


def test_dipres_may_leave_formulacion_without_a_review_when_it_says_so(client, daniela):
    formulating()
    client.force_login(daniela)
    url = reverse("results:stage", kwargs={"year": 2012})
    response = client.post(url, {"reason": "Plazo legal", "unreviewed_ok": "on"})
    assert response.status_code == 302
    assert cycle().stage == "discusion_aprobacion"
    assert soup(client.get(url)).select_one("#formulation-reviews") is None  # shown in Formulación only
