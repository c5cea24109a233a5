"""Money beside results: the products' budgets entered by the region's analysts, through one service."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import ProductBudget, StrategicProduct
from results.services import workflow
from tests.evaluation.test_dashboards import dashboard
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db

URL = reverse("results:budget", kwargs={"code": "CL-CO", "year": 2012})


def product(number=1, code="CL-CO"):
    return StrategicProduct.objects.get(region__iso_code=code, number=number)


def budget_form(client):
    return form_data(soup(client.get(URL)).select_one("#budget-form"))


def field(name, number=1):
    return f"p{product(number).pk}_{name}"


def test_an_analyst_enters_a_products_money_and_the_dashboard_shows_it_beside_its_results(client, camila, daniela):
    client.force_login(camila)
    data = budget_form(client)
    data.update({field("allocated"): "56.200", field("executed"): "54.000", field("output"): "12"})
    response = client.post(URL, data)
    assert response.status_code == 302
    page = soup(client.get(URL))
    assert "Se guardó 1 presupuesto." in text(page)
    row = page.select_one('#budgets tr[data-product="1"]')
    assert text(row.select_one('[data-kind="execution"]')) == "96,1 %"
    assert text(row.select_one('[data-kind="unit-cost"]')) == "4.500,0"  # 54.000 / 12
    budget = ProductBudget.objects.get(product=product(), year=2012)
    assert (budget.allocated, budget.executed, budget.output, budget.version) == (D(56200), D(54000), D(12), 1)
    record = budget.history.get()
    assert (record.history_user, record.history_change_reason, record.history_type) == (
        camila,
        "presupuesto por producto",
        "+",
    )
    client.force_login(daniela)
    shown = cells(dashboard(client).select_one('#by-product tr[data-product="1"]'), "td")
    assert shown[2:6] == ["56.200", "54.000", "96,1 %", "4.500,0"]


def test_bad_amounts_are_shown_where_they_were_typed_and_nothing_is_saved(client, camila):
    ProductBudget.objects.create(product=product(), year=2012, allocated=D(100), executed=D(50))
    client.force_login(camila)
    data = budget_form(client)
    data.update({field("allocated"): "1,5", field("executed"): "-5", field("output"): "doce"})
    response = client.post(URL, data)
    assert response.status_code == 400
    page = soup(response, 400)
    assert "No se guardó nada" in text(page.select_one("#budget-errors"))
    errors = {cell["data-field"]: text(cell.select_one(".invalid-feedback")) for cell in page.select("td[data-field]")}
    assert errors[field("allocated")] == "Escriba un número entero."
    assert errors[field("executed")] == "No puede ser negativo."
    assert errors[field("output")] == "Escriba un número entero, por ejemplo 1.078."
    budget = ProductBudget.objects.get(product=product(), year=2012)
    assert (budget.allocated, budget.executed, budget.version) == (D(100), D(50), 1)


def test_a_stored_budget_is_corrected_never_left_empty(client, camila):
    ProductBudget.objects.create(product=product(), year=2012, allocated=D(100))
    client.force_login(camila)
    data = budget_form(client)
    data[field("allocated")] = ""
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "No se puede dejar vacío un presupuesto ya registrado" in text(soup(response, 400))
    assert ProductBudget.objects.get(product=product(), year=2012).allocated == D(100)


def test_a_budget_changed_meanwhile_is_not_overwritten_and_saving_again_is_a_choice(client, camila):
    client.force_login(camila)
    first_tab = budget_form(client)
    second_tab = budget_form(client)
    second_tab[field("allocated")] = "200"
    assert client.post(URL, second_tab).status_code == 302
    first_tab[field("allocated")] = "300"
    refused = client.post(URL, first_tab)
    assert refused.status_code == 400
    assert "Otra persona cambió este presupuesto" in text(soup(refused, 400))
    assert ProductBudget.objects.get(product=product(), year=2012).allocated == D(200)
    again = form_data(soup(refused, 400).select_one("#budget-form"))  # now with the stored version
    assert again[field("allocated")] == "300"  # the person's value is kept
    assert client.post(URL, again).status_code == 302
    assert ProductBudget.objects.get(product=product(), year=2012).allocated == D(300)


def test_sent_data_is_read_only_and_a_post_changes_nothing(client, camila, coquimbo):
    workflow.submission_send(user=camila, region=coquimbo, cycle=EvaluationCycle.objects.get(year=2012))
    client.force_login(camila)
    page = soup(client.get(URL))
    assert page.select_one("[data-read-only]") is not None
    assert page.select_one("#budgets input") is None
    response = client.post(URL, {field("allocated"): "100", field("v"): "0"}, follow=True)
    assert "están enviados" in text(soup(response))
    assert not ProductBudget.objects.exists()


def test_a_reviewer_reads_the_money_and_cannot_change_it(client, daniela):
    ProductBudget.objects.create(product=product(), year=2012, allocated=D(56200), executed=D(28100))
    client.force_login(daniela)
    page = soup(client.get(URL))
    assert page.select_one("#budgets input") is None
    row = page.select_one('#budgets tr[data-product="1"]')
    assert text(row.select_one('[data-kind="execution"]')) == "50,0 %"
    assert client.post(URL, {field("allocated"): "1", field("v"): "0"}).status_code == 403


def test_the_service_refuses_another_regions_product_and_another_person(camila, bruno, coquimbo):
    cycle = EvaluationCycle.objects.get(year=2012)
    foreign = services.BudgetInput(product(0, "CL-BI"), D(1), None, None, 0)
    with pytest.raises(PermissionDenied):
        services.product_budgets_save(user=camila, region=coquimbo, cycle=cycle, rows=[foreign])
    own = services.BudgetInput(product(), D(1), None, None, 0)
    with pytest.raises(PermissionDenied):
        services.product_budgets_save(user=bruno, region=coquimbo, cycle=cycle, rows=[own])
    assert not ProductBudget.objects.exists()


def test_the_admin_saves_budgets_through_the_same_service(client, ana):
    from tests.indicators.test_admin import change_form, errors

    budget = ProductBudget.objects.create(product=product(), year=2012, allocated=D(100))
    url = reverse("admin:indicators_productbudget_change", args=[budget.pk])
    client.force_login(ana)
    data = change_form(client, url)
    ProductBudget.objects.filter(pk=budget.pk).update(allocated=D(150), version=2)  # someone else, meanwhile
    data.update(allocated="120", reason="Oficio 45")
    refused = client.post(url, data)
    assert "Otra persona cambió este presupuesto" in errors(refused)
    data = change_form(client, url)
    data.update(allocated="120", output="3", reason="Oficio 45")
    assert client.post(url, data).status_code == 302
    budget.refresh_from_db()
    assert (budget.allocated, budget.output, budget.version) == (D(120), D(3), 3)
    record = budget.history.first()
    assert (record.history_user, record.history_change_reason, record.history_type) == (ana, "Oficio 45", "~")


def test_the_report_carries_the_money_beside_the_results(client, daniela):
    ProductBudget.objects.create(product=product(), year=2012, allocated=D(56200), executed=D(54000), output=D(12))
    client.force_login(daniela)
    page = soup(client.get(reverse("results:report", kwargs={"code": "CL-CO", "year": 2012})))
    row = page.select_one('table.products tr[data-product="1"]')
    assert cells(row, "td")[1:] == ["0 / 0", "56.200", "54.000", "96,1 %", "12", "4.500,0"]
    export = client.get(reverse("results:dashboard_csv", kwargs={"code": "CL-CO", "year": 2012}), {"tabla": "producto"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[-1].endswith(";56200;54000;96,1;12;;4500;")  # the amounts are the region's own, not illustrative


def test_the_budget_goes_out_and_comes_back_as_a_spreadsheet(client, camila):
    import io

    from openpyxl import load_workbook

    client.force_login(camila)
    download = client.get(reverse("results:budget_xlsx", kwargs={"code": "CL-CO", "year": 2012}))
    workbook = load_workbook(io.BytesIO(download.content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]][:2] == ["N°", "Producto"]
    sheet["C2"], sheet["D2"], sheet["E2"] = 12500, "11.000", 40
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "presupuesto.xlsx"
    response = client.post(URL, {"accion": "planilla", "file": stream})
    assert response.status_code == 302
    budget = ProductBudget.objects.get(product=product(), year=2012)
    assert (budget.allocated, budget.executed, budget.output) == (D(12500), D(11000), D(40))
    assert budget.history.latest().history_change_reason == "planilla de presupuesto presupuesto.xlsx"
    row = soup(client.get(URL)).select_one("#budgets tr[data-product='1']")
    assert text(row.select_one("[data-kind=execution]")) == "88,0 %"  # 11.000 of 12.500


def test_a_budget_spreadsheet_with_problems_saves_nothing_and_says_which_rows(client, camila):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["N°", "Producto", "Asignado M$", "Ejecutado M$", "Producción", "Unidad"])
    sheet.append([1, "Producto", 1000, None, None, ""])
    sheet.append([99, "Otro", 1000, None, None, ""])
    sheet.append([1, "Producto", "12,5", None, None, ""])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    stream.name = "presupuesto.xlsx"
    client.force_login(camila)
    page = soup(client.post(URL, {"accion": "planilla", "file": stream}), status=400)
    message = text(page.select_one("#budget-sheet-form"))
    assert "Fila 3: «99» no es un producto de la región en el ciclo." in message
    assert "Fila 4, Asignado M$: Los montos son miles de pesos enteros" in message
    assert not ProductBudget.objects.exists()
