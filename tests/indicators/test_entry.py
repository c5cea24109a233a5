"""An analyst enters yearly figures: Chilean number formats, clear messages, all-or-nothing, audit, no lost updates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services
from indicators.models import Indicator, Measurement
from tests.html import soup, text

pytestmark = pytest.mark.django_db
D = Decimal


def entry_url(code="CL-CO", product=1):
    return reverse("indicators:entry", kwargs={"code": code, "year": 2012, "product": product})


def form_data(client, url):
    """Return the entry form's fields as the browser would send them untouched."""
    page = soup(client.get(url))
    data = {field["name"]: field.get("value", "") for field in page.select("form input[name]")}
    return data


def field_name(code, year, kind, part):
    indicator = Indicator.objects.get(code=code)
    return f"c{indicator.pk}_{year}_{kind}_{part}"


def stored(code, year, kind):
    m = Measurement.objects.filter(indicator__code=code, year=year, kind=kind).first()
    return (m.numerator, m.denominator) if m else None


def post(client, url, changes, data=None):
    data = dict(data or form_data(client, url))
    for (code, year, kind, part), value in changes.items():
        data[field_name(code, year, kind, part)] = value
    return client.post(url, data)


def test_grid_shows_the_stored_figures_in_chilean_format(client, bruno):
    client.force_login(bruno)
    data = form_data(client, entry_url("CL-BI", 0))
    # 1078 and 1000, not «1.078» and «1.000»: a single dot before three digits has two readings (issue 24).
    assert data[field_name("BI-01", 2009, "efectivo", "n")] == "1078"
    assert data[field_name("BI-01", 2012, "meta", "d")] == "1000"
    assert data[field_name("BI-01", 2012, "efectivo", "n")] == ""


def test_analyst_enters_a_year_with_thousands_separators(client, bruno):
    client.force_login(bruno)
    response = post(
        client,
        entry_url("CL-BI", 0),
        {("BI-01", 2011, "efectivo", "n"): "1.015.000", ("BI-01", 2011, "efectivo", "d"): "1.020.000"},
    )
    assert response.status_code == 302
    assert stored("BI-01", 2011, "efectivo") == (D(1015000), D(1020000))
    page = soup(client.get(response["Location"]))
    assert "Se guardó 1 valor." in text(page)


def test_decimal_comma_is_accepted(client, ana):
    client.force_login(ana)
    response = post(
        client,
        entry_url("CL-AN", 1),
        {("AN-04", 2011, "efectivo", "n"): "1.950,5", ("AN-04", 2011, "efectivo", "d"): "75"},
    )
    assert response.status_code == 302
    assert stored("AN-04", 2011, "efectivo") == (D("1950.5"), D(75))


@pytest.mark.parametrize(
    ("numerator", "denominator", "field", "message"),
    [
        ("abc", "263", "n", "Escriba un número, por ejemplo 1078 o 71,5."),
        ("-5", "263", "n", "No puede ser negativo."),
        ("250", "0", "d", "El denominador no puede ser cero."),
        ("300", "263", "n", "El numerador no puede superar al denominador"),
        ("71.5", "263", "n", "El punto separa miles (1.078.000); para decimales use coma (71,5)."),
        ("250", "", "d", "Falta el denominador."),
        ("", "263", "n", "Falta el numerador."),
        ("1,123456", "263", "n", "Use a lo más 4 decimales."),
        ("999.999.999.999.999", "263", "n", "El número es demasiado grande."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
    client, camila, numerator, denominator, field, message
):
    client.force_login(camila)
    before = list(
        Measurement.objects.values_list("indicator_id", "year", "kind", "numerator", "denominator", "version")
    )
    response = post(
        client,
        entry_url(),
        {
            ("CO-01", 2008, "efectivo", "n"): "150",  # a valid change in the same submission
            ("CO-01", 2011, "efectivo", "n"): numerator,
            ("CO-01", 2011, "efectivo", "d"): denominator,
        },
    )
    page = soup(response, 400)
    name = field_name("CO-01", 2011, "efectivo", field)
    feedback = page.select_one(f"#{name}_err")
    assert message in text(feedback)
    assert page.select_one(f'input[name="{name}"]')["aria-invalid"] == "true"
    assert "no se guardó nada" in text(page.select_one("#errores"))
    after = list(Measurement.objects.values_list("indicator_id", "year", "kind", "numerator", "denominator", "version"))
    assert after == before


def test_the_typed_values_stay_in_the_form_after_an_error(client, camila):
    client.force_login(camila)
    response = post(
        client,
        entry_url(),
        {
            ("CO-01", 2008, "efectivo", "n"): "151",
            ("CO-01", 2011, "efectivo", "d"): "0",
            ("CO-01", 2011, "efectivo", "n"): "5",
        },
    )
    page = soup(response, 400)
    assert page.select_one(f'input[name="{field_name("CO-01", 2008, "efectivo", "n")}"]')["value"] == "151"


def test_an_existing_value_cannot_be_blanked(client, camila):
    client.force_login(camila)
    response = post(client, entry_url(), {("CO-01", 2009, "efectivo", "n"): "", ("CO-01", 2009, "efectivo", "d"): ""})
    assert "No se puede dejar vacío un valor ya registrado" in text(soup(response, 400))
    assert stored("CO-01", 2009, "efectivo") == (D(242), D(263))


def test_unchanged_form_saves_nothing(client, camila):
    client.force_login(camila)
    response = post(client, entry_url(), {})
    assert response.status_code == 302
    assert "No había cambios que guardar." in text(soup(client.get(response["Location"])))
    assert not Measurement.history.filter(history_type="~").exists()


def test_every_change_is_audited_with_who_and_the_old_value(client, camila):
    client.force_login(camila)
    post(client, entry_url(), {("CO-01", 2008, "efectivo", "n"): "150"})
    record = Measurement.history.filter(indicator__code="CO-01", year=2008, history_type="~").get()
    assert record.history_user == camila
    assert record.numerator == D(150)
    assert record.prev_record.numerator == D(152) if record.prev_record else True
    url = reverse("indicators:history", kwargs={"code": "CL-CO", "year": 2012, "indicator": "CO-01"})
    history = text(soup(client.get(url)).select_one("#history"))
    assert "2008 Efectivo" in history
    assert "152 150" in history  # before and after
    assert "Camila" in history


def test_second_save_with_stale_values_is_refused_showing_the_current_ones(client, camila, ana):
    url = entry_url()
    client.force_login(camila)
    camila_form = form_data(client, url)
    from django.test import Client

    other = Client()
    other.force_login(ana)
    assert post(other, url, {("CO-01", 2010, "efectivo", "n"): "260"}).status_code == 302

    response = post(client, url, {("CO-01", 2010, "efectivo", "n"): "261"}, data=camila_form)
    page = soup(response, 409)
    assert "Otra persona guardó un cambio en 1 valor mientras usted editaba. No se guardó nada" in text(page)
    prefix = field_name("CO-01", 2010, "efectivo", "n")[:-2]
    assert text(page.select_one(f'[data-conflict="{prefix}"]')) == "Actual: 260 / 281"
    assert stored("CO-01", 2010, "efectivo") == (D(260), D(281))

    # Saving again, now knowing the current value, is a deliberate overwrite.
    data = {field["name"]: field.get("value", "") for field in page.select("form input[name]")}
    again = client.post(url, data)
    assert again.status_code == 302
    assert stored("CO-01", 2010, "efectivo") == (D(261), D(281))


def test_sent_or_approved_data_cannot_be_edited(client, camila):
    Submission.objects.create(
        region=camila.analyst_assignments.get().region,
        cycle=EvaluationCycle.objects.get(year=2012),
        status=SubmissionStatus.SENT,
    )
    client.force_login(camila)
    page = soup(client.get(entry_url()))
    assert "se muestran sin poder modificarse" in text(page)
    assert not page.select(f'input[name="{field_name("CO-01", 2008, "efectivo", "n")}"]')
    response = client.post(entry_url(), {field_name("CO-01", 2008, "efectivo", "n"): "1"})
    assert response.status_code == 302
    assert stored("CO-01", 2008, "efectivo") == (D(152), D(214))


def test_service_refuses_a_year_outside_the_cycle_window(camila):
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    cell = services.CellInput(
        indicator=indicator, year=2007, kind="efectivo", numerator=D(1), denominator=D(2), version=0
    )
    with pytest.raises(services.CellErrors) as exc_info:
        services.measurements_save(user=camila, region=indicator.region, cycle=cycle, cells=[cell])
    assert (
        "El año 2007 está fuera de la ventana del ciclo 2012 (2008–2012)." in exc_info.value.by_cell[cell.key]["year"]
    )
    assert stored("CO-01", 2007, "efectivo") is None


def test_service_refuses_another_regions_indicator(camila, coquimbo):
    from django.core.exceptions import PermissionDenied

    cycle = EvaluationCycle.objects.get(year=2012)
    cell = services.CellInput(
        indicator=Indicator.objects.get(code="BI-01"),
        year=2011,
        kind="efectivo",
        numerator=D(1),
        denominator=D(2),
        version=0,
    )
    with pytest.raises(PermissionDenied):
        services.measurements_save(user=camila, region=coquimbo, cycle=cycle, cells=[cell])


def test_entry_page_has_the_live_value_outputs(client, camila):
    client.force_login(camila)
    page = soup(client.get(entry_url()))
    output = page.select_one(f'output[data-numerator="id_{field_name("CO-01", 2008, "efectivo", "n")}"]')
    assert text(output) == "71 %"
    assert output["data-factor"] == "100.0000"
    assert page.select_one("#entry-grid")["data-decimal-sep"] == ","
