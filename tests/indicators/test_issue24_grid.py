"""Issue 24, points 10, 13 and 20: one rule for numbers with two readings on every input path (the grid in
Spanish and English, a spreadsheet's text cells, the API's CSV in both dialects); the 409 page says someone
else changed a figure without counting it as a value with errors; the grid's value row writes percentages
as the language does."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.forms import MediumTermTargetForm, entry_text
from indicators.models import ImportLog, Indicator, Measurement
from indicators.parsing import AmbiguousNumberError, is_ambiguous, parse_decimal
from tests.api.conftest import api, bearer, token_for  # noqa: F401 (the API's fixtures)
from tests.html import soup, text
from tests.indicators.test_entry import entry_url, field_name, form_data, post, stored
from tests.indicators.test_spreadsheets import as_upload, column_of, template, upload

pytestmark = pytest.mark.django_db
D = Decimal
CELL_N, CELL_D = ("CO-01", 2011, "efectivo", "n"), ("CO-01", 2011, "efectivo", "d")
CSV = reverse("api:figure-import-csv") + "?region=CL-CO&cycle=2012&dry_run=false"


def snapshot():
    return sorted(
        Measurement.objects.values_list("indicator_id", "year", "kind", "numerator", "denominator", "version")
    )


def missing(message: str, *parts: str) -> list[str]:
    """The parts (the typed text, its two readings) that the message does not name."""
    return [part for part in parts if part not in message]


def in_language(client, language):
    if language != "es-cl":
        client.cookies["django_language"] = language


# The rule itself (indicators.parsing).


@pytest.mark.parametrize(
    ("typed", "marks", "whole", "fraction"),
    [
        ("1.078", (",", "."), "1078", "1,0780"),
        ("1,500", (",", "."), "1500", "1,5"),
        ("1.078", (".", ","), "1078", "1.0780"),
        ("1,500", (".", ","), "1500", "1.5"),
        ("1.021", (".", ""), "1021", "1.0210"),  # the API's «,» CSV: decimal point, no thousands
        ("12.000", (",", "."), "12000", "12,0"),
        ("-123.456", (",", "."), "-123456", "-123,4560"),
    ],
)
def test_a_single_mark_before_three_digits_has_two_readings(typed, marks, whole, fraction):
    with pytest.raises(AmbiguousNumberError) as raised:
        parse_decimal(typed, decimal_sep=marks[0], thousand_sep=marks[1])
    message = str(raised.value)
    assert missing(message, f"«{typed}»", f" {whole} ", f" {fraction} ") == []
    for reading in (whole, fraction):  # each suggestion reads one way only, as the suggestion says
        assert not is_ambiguous(reading)
    assert parse_decimal(fraction, decimal_sep=marks[0], thousand_sep=marks[1]) == D(typed.replace(",", "."))


@pytest.mark.parametrize(
    ("typed", "marks", "value"),
    [
        ("1078", (",", "."), D(1078)),
        ("1.078,5", (",", "."), D("1078.5")),
        ("1.078.000", (",", "."), D(1078000)),
        ("71,5", (",", "."), D("71.5")),
        ("0,078", (",", "."), D("0.078")),  # a leading zero: decimals only
        ("1,078.5", (".", ","), D("1078.5")),
        ("1,078,000", (".", ","), D(1078000)),
        ("1078.5", (".", ""), D("1078.5")),
    ],
)
def test_one_reading_only_is_read_exactly(typed, marks, value):
    assert parse_decimal(typed, decimal_sep=marks[0], thousand_sep=marks[1]) == value


@pytest.mark.parametrize("marks", [(",", "."), (".", ",")])
def test_whole_figures_read_the_formats_thousands_mark_as_thousands(marks):
    decimal, thousands = marks
    assert parse_decimal(f"1{thousands}078", decimal_sep=decimal, thousand_sep=thousands, decimals=0) == D(1078)


@pytest.mark.parametrize("marks", [(",", "."), (".", ",")])
def test_the_formats_decimal_mark_stays_decimal_in_a_figure_with_few_decimals(marks):
    """«12,500» on a Spanish page is 12,5 (and three decimals), never 12500 read silently."""
    decimal, thousands = marks
    assert parse_decimal(f"12{decimal}500", decimal_sep=decimal, thousand_sep=thousands, decimals=1) == D("12.5")
    assert parse_decimal(f"1{decimal}500", decimal_sep=decimal, thousand_sep=thousands, decimals=0) == D("1.5")


# The grid, in Spanish and in English.


@pytest.mark.parametrize(
    ("language", "typed", "whole", "fraction"),
    [
        ("es-cl", "1.078", "1078", "1,0780"),
        ("es-cl", "1,500", "1500", "1,5"),
        ("en", "1.078", "1078", "1.0780"),
        ("en", "1,500", "1500", "1.5"),
    ],
)
def test_the_grid_refuses_a_number_with_two_readings(client, camila, language, typed, whole, fraction):
    client.force_login(camila)
    in_language(client, language)
    before = snapshot()
    response = post(client, entry_url(), {CELL_N: typed, CELL_D: "2000"})
    page = soup(response, 400)
    message = text(page.select_one(f"#{field_name(*CELL_N)}_err"))
    assert missing(message, typed, f" {whole} ", f" {fraction} ") == []
    assert page.select_one("#errores") is not None
    assert snapshot() == before


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("es-cl", "1078", D(1078)),
        ("es-cl", "1.078,5", D("1078.5")),
        ("es-cl", "71,5", D("71.5")),
        ("es-cl", "1.078.000", D(1078000)),
        ("en", "1078", D(1078)),
        ("en", "1,078.5", D("1078.5")),
        ("en", "71.5", D("71.5")),
    ],
)
def test_the_grid_saves_a_number_with_one_reading_exactly(client, camila, language, typed, value):
    client.force_login(camila)
    in_language(client, language)
    response = post(client, entry_url(), {CELL_N: typed, CELL_D: "2000000"})
    assert response.status_code == 302
    assert stored("CO-01", 2011, "efectivo") == (value, D(2000000))


@pytest.mark.parametrize("language", ["es-cl", "en"])
def test_the_grid_writes_stored_figures_so_that_they_read_back_the_same(client, bruno, language):
    client.force_login(bruno)
    in_language(client, language)
    url = entry_url("CL-BI", 0)
    data = form_data(client, url)
    figures = {name: value for name, value in data.items() if name.endswith(("_n", "_d")) and value}
    assert data[field_name("BI-01", 2009, "efectivo", "n")] == "1078"  # stored 1078: not «1.078» / «1,078»
    assert not [value for value in figures.values() if is_ambiguous(value)]
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 302
    assert snapshot() == before
    with translation.override(language):
        assert entry_text(D("1.078")) == ("1,0780" if language == "es-cl" else "1.0780")
        assert entry_text(D(1078000)) == ("1.078.000" if language == "es-cl" else "1,078,000")


# A spreadsheet's text cells (numeric cells are numbers: one reading).


def test_a_spreadsheet_text_cell_with_two_readings_is_refused(client, camila):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    numerator = f"{column_of(sheet, '2011|efectivo|n')}5"
    sheet[numerator], sheet[f"{column_of(sheet, '2011|efectivo|d')}5"] = "1.078", 2000
    before = snapshot()
    problems = text(soup(upload(client, as_upload(workbook)), 400).select_one("#import-errors"))
    assert f"{numerator}: «1.078» se puede leer de dos maneras" in problems
    assert missing(problems, " 1078 ", " 1,0780 ") == []
    assert not ImportLog.objects.filter(status="vista_previa").exists()
    assert snapshot() == before


@pytest.mark.parametrize(("typed", "value"), [("1078", "1078"), ("1.078,5", "1078.5"), ("71,5", "71.5")])
def test_a_spreadsheet_text_cell_with_one_reading_is_read_exactly(client, camila, typed, value):
    client.force_login(camila)
    workbook = template(client)
    sheet = workbook["Formulario H"]
    sheet[f"{column_of(sheet, '2011|efectivo|n')}5"], sheet[f"{column_of(sheet, '2011|efectivo|d')}5"] = typed, 2000
    assert upload(client, as_upload(workbook)).status_code == 200
    (change,) = ImportLog.objects.get().changes
    assert (change["year"], change["new"]) == (2011, [value, "2000"])


# The API: CSV in both dialects; JSON numbers have one reading.


@pytest.fixture
def writer(api, token_for, camila):  # noqa: F811 (api and token_for are the fixtures' values)
    api.credentials(**bearer(token_for(camila, write=True)))
    return api


def estimate():
    return Measurement.objects.get(indicator__code="CO-01", year=2011, kind="estimado")


@pytest.mark.parametrize(
    ("body", "fraction"),
    [
        ("indicator,year,kind,numerator,denominator,version\nCO-01,2011,estimado,1.021,2000,1\n", "1.0210"),
        ("indicator;year;kind;numerator;denominator;version\nCO-01;2011;estimado;1.021;2000;1\n", "1,0210"),
    ],
)
def test_the_csv_refuses_a_number_with_two_readings_in_both_dialects(writer, body, fraction):
    before = snapshot()
    response = writer.post(CSV, body.encode(), content_type="text/csv")
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    (message,) = problem["errors"]["numerator"]
    assert problem["line"] == 2
    assert missing(message, "«1.021»", " 1021 ", f" {fraction} ") == []
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "numerator"),
    [
        ("indicator,year,kind,numerator,denominator,version\nCO-01,2011,estimado,1078.5,2000,1\n", D("1078.5")),
        ("indicator,year,kind,numerator,denominator,version\nCO-01,2011,estimado,1078,2000,1\n", D(1078)),
        ("indicator;year;kind;numerator;denominator;version\nCO-01;2011;estimado;1.078,5;2.000,0;1\n", D("1078.5")),
        ("indicator;year;kind;numerator;denominator;version\nCO-01;2011;estimado;71,5;2000;1\n", D("71.5")),
    ],
)
def test_the_csv_reads_a_number_with_one_reading_exactly(writer, body, numerator):
    response = writer.post(CSV, body.encode(), content_type="text/csv")
    assert response.status_code == 200, response.json()
    assert (estimate().numerator, estimate().denominator) == (numerator, D(2000))


def test_json_numbers_have_one_reading(writer):
    figure = {"indicator": "CO-01", "year": 2011, "kind": "estimado", "denominator": "263", "version": 1}
    body = {"region": "CL-CO", "cycle": 2012, "figures": [{**figure, "numerator": 1.078}]}
    response = writer.post(reverse("api:figure-list"), body, format="json")
    assert response.status_code == 200, response.json()
    assert estimate().numerator == D("1.078")


# Point 10: the 409 page.


def test_the_409_page_says_someone_else_changed_it_and_counts_no_error(client, camila, ana):
    url = entry_url()
    client.force_login(camila)
    page_as_drawn = form_data(client, url)
    other = client.__class__()
    other.force_login(ana)
    assert post(other, url, {("CO-01", 2010, "efectivo", "n"): "260"}).status_code == 302

    response = post(client, url, {("CO-01", 2010, "efectivo", "n"): "261"}, data=page_as_drawn)
    page = soup(response, 409)
    assert "Otra persona guardó un cambio en 1 valor mientras usted editaba" in text(page)
    assert page.select_one("#errores") is None
    assert "con errores" not in text(page)
    name = field_name("CO-01", 2010, "efectivo", "n")
    note = page.select_one(f"#{name[:-2]}_conflict")
    assert "Otra persona lo cambió" in text(note)
    assert text(note.select_one("[data-conflict]")) == "Actual: 260 / 281"
    field = page.select_one(f'input[name="{name}"]')
    assert field["value"] == "261"
    assert field["aria-describedby"] == note["id"]
    assert not page.select("[aria-invalid]")


# Point 20: the value row's percentages.


@pytest.mark.parametrize(("language", "pattern", "shown"), [("es-cl", "#\u00a0%", "71\u00a0%"), ("en", "#%", "71%")])
def test_the_value_row_writes_percentages_as_the_language_does(client, camila, language, pattern, shown):
    client.force_login(camila)
    in_language(client, language)
    page = soup(client.get(entry_url()))
    assert page.select_one("#entry-grid")["data-percent-pattern"] == pattern
    numerator = field_name("CO-01", 2008, "efectivo", "n")
    output = page.select_one(f'output[data-numerator="id_{numerator}"]')
    assert output.get_text() == shown


# A medium-term target has its indicator's decimals: with fewer than three, «1.500» is thousands.


def target_form(indicator, value, **kwargs):
    objective = SimpleNamespace(pk=1, number=1, description="Uno")
    data = {"objective": "1", "indicator": str(indicator.pk), "year": "2014", "value": value, "version": "0"}
    return MediumTermTargetForm(data, objectives=[objective], indicators=[indicator], cycle_year=2012, **kwargs)


def test_a_target_reads_three_digits_by_its_indicators_decimals():
    indicator = Indicator.objects.get(code="CO-01")
    assert indicator.decimals < 3
    form = target_form(indicator, "1.500")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == D(1500)
    indicator.decimals = 4  # a figure with decimals to spare: both readings are possible
    form = target_form(indicator, "1.500")
    assert not form.is_valid()
    assert form.has_error("value", code="two_readings")


def test_a_stored_target_is_written_in_its_input_as_it_reads_back():
    objective = SimpleNamespace(pk=1, number=1, description="Uno")
    indicator = Indicator.objects.get(code="CO-01")
    for value, shown in [(D("97.5"), "97,5"), (D(1500), "1500")]:
        form = MediumTermTargetForm(
            objectives=[objective], indicators=[indicator], cycle_year=2012, initial={"value": value}
        )
        assert form["value"].value() == shown
