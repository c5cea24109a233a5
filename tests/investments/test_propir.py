"""The PROPIR: the region's analysts keep its investment initiatives per year; the document's Biobío indicator
(initiatives put in execution / programmed) is computed from the list and reconciled with its efectivos;
DIPRES sees the initiatives funded without MIDEPLAN's RS."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import ComputedFigure, Measurement
from investments import services
from investments.models import InvestmentInitiative, MideplanResult
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db


def cycle():
    return EvaluationCycle.objects.get(year=2012)


def rs(code="RS"):
    return MideplanResult.objects.get(code=code)


def initiative(number, state="en_ejecucion", result="RS", programmed=1000, executed=None, version=0, **extra):
    return services.InitiativeInput(
        bip_code=f"3001{number:04d}-{number % 10}",
        name=f"Mejoramiento ruta {number}",
        sector="Transporte",
        comuna="Los Ángeles",
        programmed=D(programmed),
        executed=None if executed is None else D(executed),
        result=rs(result) if result else None,
        state=state,
        version=version,
        **extra,
    )


def save(user, region, year, rows):
    return services.initiatives_save(user=user, region=region, cycle=cycle(), year=year, rows=rows, reason="prueba")


def efectivo(year, code="BI-01"):
    return Measurement.objects.get(indicator__code=code, year=year, kind="efectivo")


def url(name="propir", code="CL-BI", year=2012, propir_year=2012, **kwargs):
    return reverse(f"investments:{name}", kwargs={"code": code, "year": year, **kwargs}) + f"?anio={propir_year}"


def test_the_catalogue_ships_mideplans_results():
    assert list(MideplanResult.objects.values_list("code", flat=True)) == ["RS", "FI", "OT", "IN", "RE"]
    assert list(MideplanResult.objects.filter(is_recommended=True).values_list("code", flat=True)) == ["RS"]


def test_the_biobio_indicator_is_computed_from_the_list_and_follows_it(bruno, biobio):
    # 2012 has no efectivo in the document: the list's value becomes it, and follows later changes.
    rows = [initiative(n) for n in range(3)] + [initiative(n, state="programada") for n in range(3, 5)]
    saved = save(bruno, biobio, 2012, rows)
    assert (saved.added, saved.efectivos) == (5, 1)
    assert (efectivo(2012).numerator, efectivo(2012).denominator) == (D(3), D(5))
    stored = InvestmentInitiative.objects.get(bip_code=rows[3].bip_code)
    save(bruno, biobio, 2012, [initiative(3, version=stored.version)])  # put in execution
    assert (efectivo(2012).numerator, efectivo(2012).denominator) == (D(4), D(5))
    assert efectivo(2012).history.latest().history_user == bruno


def test_an_efectivo_typed_by_hand_is_never_overwritten_and_the_mismatch_is_shown(client, bruno, biobio):
    # The document's 2010 efectivo is 1045/1095; a short list gives another value: flagged, not replaced.
    save(bruno, biobio, 2010, [initiative(1), initiative(2, state="programada")])
    assert (efectivo(2010).numerator, efectivo(2010).denominator) == (D(1045), D(1095))
    client.force_login(bruno)
    detail = reverse("indicators:indicator", kwargs={"code": "CL-BI", "year": 2012, "indicator": "BI-01"})
    row = soup(client.get(detail)).select_one("#computed tr[data-year='2010']")
    assert cells(row, "td")[1:3] == ["1 / 2", "1.045 / 1.095"]
    assert row.select_one("[data-mismatch]") is not None
    propir = soup(client.get(url(propir_year=2010)))
    assert "no coincide" in text(propir.select_one("#reconciliation [data-indicator='BI-01']"))
    # The analyst chooses the computed value: it becomes the efectivo, and follows the list again.
    response = client.post(row.select_one("form")["action"], form_data(row.select_one("form")))
    assert response.status_code == 302
    assert (efectivo(2010).numerator, efectivo(2010).denominator) == (D(1), D(2))
    stored = InvestmentInitiative.objects.get(bip_code=initiative(2).bip_code)
    save(bruno, biobio, 2010, [initiative(2, version=stored.version)])
    assert (efectivo(2010).numerator, efectivo(2010).denominator) == (D(2), D(2))


def test_a_list_that_matches_the_document_reconciles(client, bruno, biobio):
    save(
        bruno,
        biobio,
        2009,
        [initiative(n) for n in range(1078)] + [initiative(n, state="programada") for n in range(1078, 1142)],
    )
    computed = ComputedFigure.objects.get(indicator__code="BI-01", year=2009)
    assert (computed.numerator, computed.denominator) == (D(1078), D(1142))
    assert (efectivo(2009).numerator, efectivo(2009).denominator) == (D(1078), D(1142))
    client.force_login(bruno)
    page = soup(client.get(url(propir_year=2009)))
    assert "coincide con el efectivo" in text(page.select_one("#reconciliation"))
    assert text(page.select_one("[data-kind=programmed]")) == "1.142"
    assert text(page.select_one("[data-kind=running]")) == "1.078 (94,4 %)"
    assert len(page.select("#initiatives tbody tr")) == 100  # a page at a time


@pytest.mark.parametrize(
    ("row", "field"),
    [({"bip_code": "BIP-1"}, "bip_code"), ({"name": ""}, "name"), ({"state": "soñada"}, "state")],
)
def test_bad_rows_are_refused_whole_with_their_messages(bruno, biobio, row, field):
    good = initiative(1)
    bad = services.InitiativeInput(**{**good.__dict__, "bip_code": "30010002-2", **row})
    with pytest.raises(services.InitiativeErrors) as refused:
        save(bruno, biobio, 2012, [good, bad])
    assert field in refused.value.by_row[1]
    assert not InvestmentInitiative.objects.exists()


def test_a_code_twice_a_stale_row_and_a_year_outside_the_window_are_refused(bruno, biobio):
    with pytest.raises(services.InitiativeErrors):
        save(bruno, biobio, 2012, [initiative(1), initiative(1)])
    save(bruno, biobio, 2012, [initiative(1)])
    with pytest.raises(services.InitiativeErrors):
        save(bruno, biobio, 2012, [initiative(1)])  # already there: a new row cannot replace it
    with pytest.raises(services.InitiativeErrors):
        save(bruno, biobio, 2012, [initiative(1, version=7)])  # someone changed it meanwhile
    with pytest.raises(ValidationError):
        save(bruno, biobio, 2005, [initiative(2)])


def test_who_may_change_the_propir(camila, daniela, bruno, biobio):
    for person in (camila, daniela):
        with pytest.raises(PermissionDenied):
            save(person, biobio, 2012, [initiative(1)])
    Submission.objects.update_or_create(region=biobio, cycle=cycle(), defaults={"status": SubmissionStatus.SENT})
    with pytest.raises(indicator_services.DataLockedError):
        save(bruno, biobio, 2012, [initiative(1)])
    assert not InvestmentInitiative.objects.exists()


def test_the_page_adds_corrects_and_removes_initiatives_and_flags_money_without_rs(client, bruno, biobio):
    client.force_login(bruno)
    page = soup(client.get(url()))
    data = form_data(page.select_one("#initiative-form"))
    data.update(
        {
            "bip_code": "30099999-9",
            "name": "Construcción posta rural",
            "sector": "Salud",
            "comuna": "Tirúa",
            "programmed": "12.500",
            "result": rs("OT").pk,
            "state": "programada",
        }
    )
    assert client.post(url(), data).status_code == 302
    item = InvestmentInitiative.objects.get(bip_code="30099999-9")
    assert item.programmed == D(12500)
    page = soup(client.get(url()))
    row = page.select_one("tr[data-bip='30099999-9']")
    assert row.select_one("[data-flag=unrecommended]") is not None
    assert text(page.select_one("[data-kind=unrecommended]")) == "1"
    edit = url("initiative", pk=item.pk)
    data = form_data(soup(client.get(edit)).select_one("#initiative-form"))
    data.update({"result": rs("RS").pk, "state": "en_ejecucion", "executed": "1.000"})
    assert client.post(edit, data).status_code == 302
    item.refresh_from_db()
    assert (item.result.code, item.state, item.executed, item.version) == ("RS", "en_ejecucion", D(1000), 2)
    # A second tab with the old version: refused, shown on the form.
    stale = {**data, "version": "1", "state": "terminada"}
    page = soup(client.post(edit, stale), status=400)
    assert "Otra persona cambió" in text(page.select_one("#initiative-form"))
    data = form_data(soup(client.get(edit)).select_one("#initiative-form"))
    assert client.post(edit, {**data, "quitar": "1"}).status_code == 302
    assert not InvestmentInitiative.objects.exists()
    assert item.history.latest().history_type == "-"


def test_bad_input_on_the_page_is_shown_where_typed(client, bruno):
    client.force_login(bruno)
    data = form_data(soup(client.get(url())).select_one("#initiative-form"))
    data.update({"bip_code": "30099999-9", "name": "X", "sector": "S", "comuna": "C", "programmed": "12,5.0"})
    page = soup(client.post(url(), data), status=400)
    assert page.select_one("#initiative-errors") is not None
    assert page.select_one("#initiative-programmed.is-invalid") is not None
    assert not InvestmentInitiative.objects.exists()


def test_others_read_and_cannot_write_and_other_regions_ids_are_not_found(client, bruno, camila, daniela, biobio):
    save(bruno, biobio, 2012, [initiative(1)])
    item = InvestmentInitiative.objects.get()
    client.force_login(daniela)
    assert soup(client.get(url())).select_one("#initiative-form") is None
    assert client.post(url(), {"bip_code": "1"}).status_code == 403
    assert client.get(url(propir_year=2001)).status_code == 404  # outside the cycle's window
    assert client.get(url("initiative", code="CL-CO", pk=item.pk)).status_code == 404  # Biobío's id
    client.force_login(camila)
    assert client.get(url()).status_code == 403


def test_the_export_carries_the_list_and_the_flag(client, bruno, biobio):
    save(bruno, biobio, 2012, [initiative(1, result="FI")])
    client.force_login(bruno)
    sheet = load_workbook(io.BytesIO(client.get(url("xlsx")).content))["PROPIR"]
    assert [c.value for c in sheet[2]] == [
        "30010001-1",
        "Mejoramiento ruta 1",
        "Transporte",
        "Los Ángeles",
        1000,
        None,
        "FI",
        "En ejecución",
        True,
    ]


def sheet(rows, *, note=None) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook()
    page = workbook.active
    if note:
        page.append([note])
    page.append(
        ["Código BIP", "Nombre", "Sector", "Comuna", "Programado M$", "Ejecutado M$", "Resultado MIDEPLAN", "Estado"]
    )
    for row in rows:
        page.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "propir-2012.xlsx"
    return stream


def test_a_spreadsheet_is_previewed_then_applied_whole_by_who_uploaded_it(client, bruno, ana, biobio):
    save(bruno, biobio, 2012, [initiative(1), initiative(2)])
    client.force_login(bruno)
    upload = sheet(
        [
            ["30010001-1", "Mejoramiento ruta 1", "Transporte", "Los Ángeles", "1.000", 400, "RS", "Terminada"],
            ["30020003-3", "Reposición liceo", "Educación", "Cañete", 25000, None, "FI", "programada"],
        ],
        note="Datos ilustrativos",
    )
    response = client.post(url("spreadsheet"), {"anio": 2012, "file": upload})
    assert response.status_code == 302
    preview = soup(client.get(response["Location"]))
    assert cells(preview, "#changes li") == [
        "1 iniciativa nueva",
        "1 iniciativa modificada",
        "1 iniciativa quitada (no está en la planilla)",
    ]
    assert InvestmentInitiative.objects.count() == 2  # nothing saved yet
    assert efectivo_or_none(2012) == (D(2), D(2))
    # Another person (the admin) cannot apply Bruno's preview.
    client.force_login(ana)
    assert client.post(response["Location"]).status_code == 403
    client.force_login(bruno)
    assert client.post(response["Location"]).status_code == 302
    assert set(InvestmentInitiative.objects.values_list("bip_code", "state")) == {
        ("30010001-1", "terminada"),
        ("30020003-3", "programada"),
    }
    assert efectivo_or_none(2012) == (D(1), D(2))
    assert client.post(response["Location"]).status_code == 302  # applied once: a second apply changes nothing
    assert InvestmentInitiative.objects.count() == 2


def efectivo_or_none(year):
    found = Measurement.objects.filter(indicator__code="BI-01", year=year, kind="efectivo").first()
    return (found.numerator, found.denominator) if found else None


def test_a_spreadsheet_with_problems_is_refused_with_its_row_numbers(client, bruno):
    client.force_login(bruno)
    upload = sheet(
        [
            ["30010001-1", "Ruta", "Transporte", "Lebu", "12,5", None, "RS", "programada"],
            ["30010002-2", "Ruta", "Transporte", "Lebu", 100, None, "XX", "soñada"],
            ["BIP", "Ruta", "Transporte", "Lebu", 100, None, "RS", "programada"],
            ["30010004-4", "=HYPERLINK(1)", "Transporte", "Lebu", 100, None, "RS", "programada"],
        ]
    )
    response = client.post(url("spreadsheet"), {"anio": 2012, "file": upload})
    problems = text(soup(client.get(response["Location"])).select_one("#problems"))
    assert "Fila 2: Los montos son miles de pesos enteros" in problems
    assert "Fila 3: «XX» no es un resultado MIDEPLAN" in problems
    assert "«soñada» no es un estado" in problems
    assert "Fila 5: La fila tiene una fórmula" in problems
    assert soup(client.get(response["Location"])).select_one("#apply") is None
    assert not InvestmentInitiative.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_said_on_the_form(client, bruno):
    client.force_login(bruno)
    fake = io.BytesIO(b"%PDF-1.4 not a sheet")
    fake.name = "propir.xlsx"
    page = soup(client.post(url("spreadsheet"), {"anio": 2012, "file": fake}), status=400)
    assert "no es una planilla Excel" in text(page.select_one("#propir-upload"))


def test_a_preview_made_stale_by_a_later_change_saves_nothing(client, bruno, biobio):
    save(bruno, biobio, 2012, [initiative(1)])
    client.force_login(bruno)
    upload = sheet([["30010001-1", "Otra ruta", "Transporte", "Lebu", 100, None, "RS", "programada"]])
    response = client.post(url("spreadsheet"), {"anio": 2012, "file": upload})
    stored = InvestmentInitiative.objects.get()
    save(bruno, biobio, 2012, [initiative(1, state="terminada", version=stored.version)])
    client.post(response["Location"])
    assert InvestmentInitiative.objects.get().state == "terminada"
    assert text(soup(client.get(response["Location"])).select_one("[data-status]")) == "Desactualizada"
