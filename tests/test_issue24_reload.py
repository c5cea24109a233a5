"""Running `make run` again (load_document, create_demo_users, load_demo) adds what is missing and leaves what
exists as it is, naming what differs from the fixtures (issue 24, points 1, 7 and 25)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from evaluation.models import EvaluationCycle, RegionDataVersion, Stage
from indicators import services as indicator_services
from indicators.models import Client, Indicator, Measurement, StrategicProduct
from programs.models import ProgramEvaluation
from regions.models import AnalystAssignment, Region
from regions.services import user_upsert
from results import demo_data
from results.services import workflow
from tests.html import form_data, soup, text

pytestmark = [pytest.mark.django_db, pytest.mark.once]

README = Path(__file__).resolve().parent.parent / "README.md"


def run(command: str, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def make_run() -> str:
    """What `make run` loads, as it runs it; return what the commands printed."""
    printed = run("load_document", verbosity=1)
    printed += run("create_demo_users", allow_production=True)
    return printed + run("load_demo", allow_production=True)


def user(username: str):
    return get_user_model().objects.get(username=username)


def estimate() -> Measurement:
    return Measurement.objects.get(indicator__code="BI-01", year=2011, kind="estimado")


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


@pytest.fixture
def loaded(db):
    make_run()


def test_running_it_again_keeps_a_figure_a_stage_and_a_rule_with_their_history(client, loaded):
    cycle = EvaluationCycle.objects.get(year=2012)
    figure = estimate()
    bi01 = figure.indicator
    indicator_services.measurements_save(
        user=user("analista.biobio"),
        region=bi01.region,
        cycle=cycle,
        cells=[indicator_services.CellInput(bi01, 2011, "estimado", Decimal(1015), Decimal(1020), figure.version)],
        reason="Estimado corregido",
    )
    workflow.cycle_stage_advance(user=user("revisor.dipres"), cycle=cycle, reason="Ley de presupuestos aprobada")
    client.force_login(user("admin"))
    url = reverse("admin:evaluation_evaluationcycle_change", args=[cycle.pk])
    data = form_data(soup(client.get(url)).select_one("#evaluationcycle_form"))
    data["met_threshold"] = "94"
    assert client.post(url, {**data, "_save": "1"}).status_code == 302
    changed = estimate()
    cycle.refresh_from_db()
    assert (changed.numerator, cycle.stage, cycle.met_threshold) == (Decimal(1015), Stage.EXECUTION, Decimal(94))
    figure_history = list(changed.history.values_list("history_id", flat=True))
    cycle_history = list(cycle.history.values_list("history_id", flat=True))

    printed = make_run()

    again = estimate()
    cycle.refresh_from_db()
    assert (again.numerator, again.denominator, again.version) == (Decimal(1015), Decimal(1020), changed.version)
    assert (cycle.stage, cycle.met_threshold) == (Stage.EXECUTION, Decimal(94))
    assert list(again.history.values_list("history_id", flat=True)) == figure_history
    assert list(cycle.history.values_list("history_id", flat=True)) == cycle_history
    assert latest(again.history).numerator == Decimal(1015)
    assert latest(cycle.history).met_threshold == Decimal(94)
    # What differs from the fixtures is named, row and field, stored value and the fixture's.
    lines = printed.splitlines()
    figure_line = next(line for line in lines if "BI-01 · 2011 · estimado" in line)
    assert "numerator" in figure_line
    assert "1.015" in figure_line
    assert "1.020" in figure_line
    cycle_line = next(line for line in lines if line.strip().startswith("evaluation.evaluationcycle 2012"))
    assert "stage" in cycle_line
    assert "met_threshold" in cycle_line
    assert "distintas del fixture 2" in printed
    assert "creadas 0" in printed


def test_a_second_run_creates_nothing_and_raises_no_version(loaded):
    versions = sorted(RegionDataVersion.objects.values_list("region_id", "cycle_id", "value", "instruments"))
    printed = run("load_document", verbosity=1)
    assert "creadas 0" in printed
    assert "distintas del fixture 0" in printed
    assert sorted(RegionDataVersion.objects.values_list("region_id", "cycle_id", "value", "instruments")) == versions


def test_a_missing_row_is_created_with_its_baseline_and_raises_the_versions():
    figure = estimate()
    Measurement.objects.filter(pk=figure.pk).delete()
    Measurement.history.filter(id=figure.pk).delete()  # as if never loaded here
    biobio = Region.objects.get(iso_code="CL-BI")
    before = dict(RegionDataVersion.objects.filter(region=biobio).values_list("cycle_id", "value"))
    printed = run("load_document", verbosity=1)
    created = estimate()
    assert (created.numerator, created.denominator) == (figure.numerator, figure.denominator)
    assert [(r.history_type, r.history_change_reason) for r in created.history.all()] == [("+", "carga inicial")]
    after = dict(RegionDataVersion.objects.filter(region=biobio).values_list("cycle_id", "value"))
    assert all(after[cycle] > value for cycle, value in before.items())
    assert "creadas 1" in printed


def test_a_figure_deleted_after_loading_is_not_created_again(ana):
    figure = Measurement.objects.get(indicator__code="CO-01", year=2008, kind="efectivo")
    indicator_services.measurement_delete(user=ana, measurement=figure, version=figure.version)
    printed = run("load_document", verbosity=1)
    assert not Measurement.objects.filter(indicator__code="CO-01", year=2008, kind="efectivo").exists()
    assert "indicators.measurement CL-CO · CO-01 · 2008 · efectivo" in printed
    assert latest(Measurement.history.filter(id=figure.pk)).history_type == "-"


def test_many_to_many_links_are_created_and_a_missing_one_is_named(tmp_path):
    coquimbo_product = StrategicProduct.objects.get(region__iso_code="CL-CO", number=1)
    rows = [
        {"model": "indicators.client", "fields": {"region": ["CL-CO"], "number": 1, "name": "Ciudadanía regional"}},
        {
            "model": "indicators.strategicproduct",
            "fields": {"region": ["CL-CO"], "number": 1, "name": coquimbo_product.name, "clients": [["CL-CO", 1]]},
        },
        {
            "model": "indicators.strategicproduct",
            "fields": {"region": ["CL-CO"], "number": 7, "name": "Producto de prueba", "clients": [["CL-CO", 1]]},
        },
    ]
    fixture = tmp_path / "links.json"
    fixture.write_text(json.dumps(rows), encoding="utf-8")
    printed = run("load_document", str(fixture), verbosity=1)
    citizens = Client.objects.get(region__iso_code="CL-CO", number=1)
    assert list(StrategicProduct.objects.get(region__iso_code="CL-CO", number=7).clients.all()) == [citizens]
    assert not coquimbo_product.clients.exists()  # the existing product is left as it is, and named
    line = next(line for line in printed.splitlines() if "indicators.strategicproduct CL-CO · 1" in line)
    assert "clients" in line
    assert "CL-CO · 1" in line
    coquimbo_product.clients.add(citizens)
    extra = Client.objects.create(region=citizens.region, number=2, name="Municipios")
    coquimbo_product.clients.add(extra)  # a link added later is new data, as a new row is: not a difference
    assert "distintas del fixture 0" in run("load_document", str(fixture), verbosity=1)
    assert set(coquimbo_product.clients.all()) == {citizens, extra}


def test_create_demo_users_leaves_an_account_an_admin_changed(loaded):
    reviewer = user("revisor.dipres")
    user_upsert(
        username="revisor.dipres",
        password="Otra-clave-2013",
        first_name="Daniela",
        last_name="Pérez",
        email="daniela.perez@dipres.example.cl",
        reviewer=False,
        analyst_of=[Region.objects.get(iso_code="CL-CO")],
    )
    printed = run("create_demo_users", allow_production=True)
    reviewer.refresh_from_db()
    assert reviewer.email == "daniela.perez@dipres.example.cl"
    assert reviewer.check_password("Otra-clave-2013")
    assert list(AnalystAssignment.objects.filter(user=reviewer).values_list("region__iso_code", flat=True)) == ["CL-CO"]
    assert "revisor.dipres: ya existía" in printed
    assert "revisor.dipres / " not in printed


def test_every_demo_login_has_an_address(loaded):
    assert not get_user_model().objects.filter(email="").exists()
    assert user(demo_data.DEMO_ANALYST).email


def own_regions() -> list[Region]:
    codes = [spec.code for spec in demo_data.REGIONS if spec.analyst == demo_data.DEMO_ANALYST]
    return list(Region.objects.filter(iso_code__in=codes))


def test_the_demo_uses_an_existing_demo_analyst_as_it_is(db):
    run("create_demo_users", allow_production=True)
    coquimbo = Region.objects.get(iso_code="CL-CO")
    kept = user_upsert(
        username=demo_data.DEMO_ANALYST, password="Clave-propia-2012", analyst_of=[*own_regions(), coquimbo]
    )
    run("load_demo", allow_production=True)
    kept.refresh_from_db()
    assert kept.check_password("Clave-propia-2012")
    assert AnalystAssignment.objects.filter(user=kept, region=coquimbo).exists()
    assert Indicator.objects.filter(code__startswith=demo_data.CODE_PREFIX).exists()


def test_the_demo_refuses_an_existing_demo_analyst_without_its_regions(db):
    run("create_demo_users", allow_production=True)
    user_upsert(username=demo_data.DEMO_ANALYST, password="Clave-propia-2012")
    with pytest.raises(CommandError, match=demo_data.DEMO_ANALYST) as refused:
        run("load_demo", allow_production=True)
    assert all(region.iso_code in str(refused.value) for region in own_regions())
    assert not EvaluationCycle.objects.filter(year=demo_data.YEAR).exists()
    assert not AnalystAssignment.objects.filter(user__username=demo_data.DEMO_ANALYST).exists()


def test_the_readme_comparison_example_works_after_make_run(client, loaded):
    example = re.search(r"/regiones/CL-CO/comparar/\?a=\d+&b=\d+", README.read_text(encoding="utf-8")).group()
    client.force_login(user("analista.coquimbo"))
    page = soup(client.get(example))
    assert page.select_one("#comparison")
    assert not page.select(".errorlist")


def test_comparing_with_a_cycle_that_does_not_exist_says_so(client, camila):
    client.force_login(camila)
    missing = EvaluationCycle.objects.order_by("-year").first().year + 1
    page = soup(client.get(reverse("results:compare", kwargs={"code": "CL-CO"}), {"a": 2012, "b": missing}))
    assert f"No hay un ciclo {missing} para esta región" in text(page.select_one(".errorlist"))
    assert not page.select_one("#comparison")


def test_the_demo_flags_no_budget_its_recommended_programs_go_with(client, loaded):
    """The demo's ex ante evaluations of the document's GOREs sit on a product those GOREs deliver, and none
    leaves a product's allocated money flagged as lacking a favourable recommendation."""
    client.force_login(user("revisor.dipres"))
    linked = ProgramEvaluation.objects.filter(is_illustrative=True, product__isnull=False, line__code="ex-ante")
    shown = 0
    for evaluation in linked.select_related("region", "cycle", "product"):
        url = reverse("results:budget", kwargs={"code": evaluation.region.iso_code, "year": evaluation.cycle.year})
        page = soup(client.get(url))
        row = page.select_one(f"tr[data-product='{evaluation.product.number}']")
        if row is None:
            continue  # a product not in the cycle's budget page: nothing there to flag
        assert row.select_one(f"[data-kind=ex-ante] a[href$='/evaluaciones/{evaluation.pk}/']")
        assert row.select_one("[data-flag=unfavourable]") is None
        shown += 1
    assert shown
