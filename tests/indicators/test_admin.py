"""The admin writes figures only through the service: no lost update, no figure outside its rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators.models import Indicator, Measurement
from results.services import workflow
from tests.evaluation.test_dashboards import enter_2012_actual
from tests.html import form_data, soup, text

pytestmark = pytest.mark.django_db
D = Decimal


def change_form(client, url):
    page = soup(client.get(url))
    return form_data(page.select_one("#content-main form"))


def errors(response) -> str:
    page = soup(response)
    return " ".join(text(node) for node in page.select(".errornote, .errorlist"))


def test_saving_the_indicator_page_never_writes_its_figures(client, ana, bruno):
    """The admin opens BI-01, the analyst then changes the 2012 meta, the admin saves the notes: the meta stays."""
    indicator = Indicator.objects.get(code="BI-01")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    client.force_login(ana)
    data = change_form(client, url)
    assert not any(name.startswith("measurements-0-numerator") for name in data)  # figures are read-only there

    meta = Measurement.objects.get(indicator=indicator, year=2012, kind="meta")
    from indicators import services

    services.measurements_save(
        user=bruno,
        region=indicator.region,
        cycle=EvaluationCycle.objects.get(year=2012),
        cells=[services.CellInput(indicator, 2012, "meta", D(970), D(1000), meta.version)],
    )
    data["notes"] = "Nota del administrador"
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    indicator.refresh_from_db()
    assert indicator.notes == "Nota del administrador"
    meta.refresh_from_db()
    assert (meta.numerator, meta.denominator) == (D(970), D(1000))
    assert meta.history.first().history_user == bruno


def test_a_figures_own_page_refuses_to_overwrite_a_newer_save(client, ana, bruno):
    indicator = Indicator.objects.get(code="BI-01")
    meta = Measurement.objects.get(indicator=indicator, year=2012, kind="meta")
    url = reverse("admin:indicators_measurement_change", args=[meta.pk])
    client.force_login(ana)
    data = change_form(client, url)
    assert data["loaded_version"] == str(meta.version)

    from indicators import services

    services.measurements_save(
        user=bruno,
        region=indicator.region,
        cycle=EvaluationCycle.objects.get(year=2012),
        cells=[services.CellInput(indicator, 2012, "meta", D(970), D(1000), meta.version)],
    )
    data["numerator"] = "950"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Otra persona cambió este valor" in errors(response)
    assert "970" in errors(response)
    meta.refresh_from_db()
    assert (meta.numerator, meta.denominator) == (D(970), D(1000))


def test_a_figures_own_page_saves_through_the_service(client, ana):
    indicator = Indicator.objects.get(code="BI-01")
    meta = Measurement.objects.get(indicator=indicator, year=2012, kind="meta")
    version = meta.version
    url = reverse("admin:indicators_measurement_change", args=[meta.pk])
    client.force_login(ana)
    data = change_form(client, url)
    data.update(numerator="980", reason="Corrección del oficio 123")
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    meta.refresh_from_db()
    assert (meta.numerator, meta.version) == (D(980), version + 1)
    record = meta.history.first()
    assert (record.history_user, record.history_change_reason) == (ana, "Corrección del oficio 123")


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("1200", "1000", "El numerador no puede superar al denominador"),
        ("5", "0", "denominador"),
    ],
)
def test_a_figures_own_page_applies_the_rules(client, ana, numerator, denominator, message):
    meta = Measurement.objects.get(indicator__code="BI-01", year=2012, kind="meta")
    url = reverse("admin:indicators_measurement_change", args=[meta.pk])
    client.force_login(ana)
    data = change_form(client, url)
    data.update(numerator=numerator, denominator=denominator)
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in errors(response)
    meta.refresh_from_db()
    assert (meta.numerator, meta.denominator) == (D(960), D(1000))


def test_the_admin_cannot_change_figures_of_sent_data(client, ana, bruno):
    workflow.submission_send(user=bruno, region=Indicator.objects.get(code="BI-01").region, cycle=_cycle())
    meta = Measurement.objects.get(indicator__code="BI-01", year=2012, kind="meta")
    url = reverse("admin:indicators_measurement_change", args=[meta.pk])
    client.force_login(ana)
    data = change_form(client, url)
    data["numerator"] = "990"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Los datos de Biobío para el ciclo 2012 están enviados a revisión" in errors(response)
    meta.refresh_from_db()
    assert meta.numerator == D(960)


def test_adding_a_figure_in_the_admin_goes_through_the_service(client, ana):
    indicator = Indicator.objects.get(code="BI-01")
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_add")
    data = change_form(client, url)
    data.update(indicator=str(indicator.pk), year="2012", kind="efectivo", numerator="955", denominator="1000")
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    actual = Measurement.objects.get(indicator=indicator, year=2012, kind="efectivo")
    assert (actual.version, actual.history.first().history_user) == (1, ana)
    data.update(year="2030")
    response = client.post(url, data)
    assert "Ningún ciclo abierto incluye" in errors(response)


def test_deleting_a_figure_checks_the_lock(client, ana, bruno):
    indicator = Indicator.objects.get(code="BI-01")
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    actual = Measurement.objects.get(indicator=indicator, year=2012, kind="efectivo")
    workflow.submission_send(user=bruno, region=indicator.region, cycle=_cycle())
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_delete", args=[actual.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert "están enviados a revisión: no se pueden modificar" in text(soup(response))
    assert Measurement.objects.filter(pk=actual.pk).exists()

    workflow.submission_return(user=ana, region=indicator.region, cycle=_cycle(), comment="Revise el efectivo")
    client.post(url, form_data(soup(client.get(url)).select_one("#content form")))
    assert not Measurement.objects.filter(pk=actual.pk).exists()


def test_history_pages_cannot_revert_a_figure(client, ana):
    meta = Measurement.objects.get(indicator__code="BI-01", year=2012, kind="meta")
    record = meta.history.first()
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_simple_history", args=[meta.pk, record.history_id])
    response = client.post(url, {"numerator": "1", "denominator": "1000"})
    assert response.status_code in (403, 302)
    meta.refresh_from_db()
    assert meta.numerator == D(960)


def _cycle():
    return EvaluationCycle.objects.get(year=2012)


def test_two_admins_on_the_same_page_the_second_is_refused(client, ana):
    """Any admin page, not only figures: a save over a change made after the page was opened is refused."""
    indicator = Indicator.objects.get(code="BI-01")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    client.force_login(ana)
    first, second = change_form(client, url), change_form(client, url)
    first["notes"] = "Primera nota"
    assert client.post(url, first).status_code == 302
    second["assumptions"] = "Otro supuesto"
    response = client.post(url, second)
    assert response.status_code == 200
    assert "Otra persona modificó este registro" in errors(response)
    indicator.refresh_from_db()
    assert (indicator.notes, indicator.assumptions) == ("Primera nota", "")


def test_an_inline_weight_changed_meanwhile_is_not_reverted(client, ana):
    """Admin A opens CO-01 (its weight inline); admin B sets the weight to 90; A saves notes: refused, 90 stays."""
    indicator = Indicator.objects.get(code="CO-01")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    client.force_login(ana)
    data = change_form(client, url)
    weighting = indicator.weightings.get(cycle__year=2012)
    other = reverse("admin:indicators_indicatorweighting_change", args=[weighting.pk])
    other_data = change_form(client, other)
    other_data["weight"] = "90"
    assert client.post(other, other_data).status_code == 302
    data["notes"] = "Nota"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Otra persona modificó este registro" in errors(response)
    weighting.refresh_from_db()
    assert weighting.weight == D(90)


def test_a_region_page_refuses_a_stale_save(client, ana):
    from regions.models import Region

    region = Region.objects.get(iso_code="CL-CO")
    url = reverse("admin:regions_region_change", args=[region.pk])
    client.force_login(ana)
    first, second = change_form(client, url), change_form(client, url)
    first["government_name"] = "Gobierno Regional de Coquimbo (GORE)"
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert "Otra persona modificó este registro" in errors(response)
    region.refresh_from_db()
    assert region.government_name == "Gobierno Regional de Coquimbo (GORE)"


def test_a_submission_cannot_be_moved_to_another_region(client, ana, bruno, biobio):
    from evaluation.models import Submission

    workflow.submission_send(user=bruno, region=biobio, cycle=_cycle())
    submission = Submission.objects.get(region=biobio, cycle=_cycle())
    client.force_login(ana)
    url = reverse("admin:evaluation_submission_change", args=[submission.pk])
    data = change_form(client, url)
    assert "region" not in data
    assert "cycle" not in data
    client.post(url, {**data, "region": "1", "cycle": "1"})
    submission.refresh_from_db()
    assert (submission.region, submission.status) == (biobio, "enviado")
    assert client.get(reverse("admin:evaluation_submission_add")).status_code == 403


def test_deleting_a_figure_changed_since_the_confirmation_page_is_refused(client, ana, bruno):
    indicator = Indicator.objects.get(code="BI-01")
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    actual = Measurement.objects.get(indicator=indicator, year=2012, kind="efectivo")
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_delete", args=[actual.pk])
    data = form_data(soup(client.get(url)).select_one("#content form"))
    assert data["loaded_version"] == str(actual.version)
    enter_2012_actual(bruno, "BI-01", "957", "1000")
    page = soup(client.post(url, data, follow=True))
    assert "Otra persona cambió este valor: no se anuló" in text(page)
    actual.refresh_from_db()
    assert actual.numerator == D(957)
    assert client.post(url, {"post": "yes"}, follow=True).status_code == 200  # no version: refused too
    assert Measurement.objects.filter(pk=actual.pk).exists()


def test_adding_a_figure_that_exists_points_to_it(client, ana):
    indicator = Indicator.objects.get(code="BI-01")
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_add")
    data = change_form(client, url)
    data.update(indicator=str(indicator.pk), year="2012", kind="meta", numerator="970", denominator="1000")
    response = client.post(url, data)
    assert "Ese valor ya existe (960 / 1.000): modifíquelo en su propia página." in errors(response)
