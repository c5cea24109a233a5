"""Issue 24: deleting a figure follows the rules of changing it, on every path (the admin's page, its bulk
action, the cascades from an indicator or a region, the API); the admin loads nothing from other hosts, shows
numbers as the site writes them and speaks grammatically; a 403 is logged on one line."""

from __future__ import annotations

import io
import logging
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_create
from core.numbers import format_number
from evaluation.models import EvaluationCycle, RegionDataVersion, Stage
from indicators.models import Indicator, Measurement
from regions.models import Region
from results.services import workflow
from tests.api.conftest import bearer
from tests.evaluation.test_dashboards import enter_2012_actual
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def executing():
    """The 2012 cycle in Ejecución: its budget is approved, so its metas are fixed."""
    EvaluationCycle.objects.filter(year=2012).update(stage=Stage.EXECUTION)
    return EvaluationCycle.objects.get(year=2012)


def _meta() -> Measurement:
    return Measurement.objects.get(indicator__code="BI-01", year=2012, kind="meta")


def _messages(page) -> str:
    return " ".join(" ".join(node.get_text().split()) for node in page.select(".messagelist li, .errornote"))


def _posted(form) -> dict[str, list[str]]:
    """What a browser posts for the form's hidden and text inputs, repeated names (the selected rows) kept."""
    data: dict[str, list[str]] = {}
    for field in form.select("input[name]"):
        if field.get("type") != "submit":
            data.setdefault(field["name"], []).append(field.get("value", ""))
    return data


def _changelist_action(client, pks, **extra):
    data = {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks], **extra}
    return client.post(reverse("admin:indicators_measurement_changelist"), data, follow=True)


# --- Point 2: a figure is deleted only as the rules allow -------------------------------------------------------


def test_a_fixed_meta_cannot_be_deleted_from_its_page(client, ana, executing):
    meta = _meta()
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_delete", args=[meta.pk])
    confirmation = soup(client.get(url))
    assert "quedó fija" in text(confirmation.select_one("#content"))  # said before asking
    page = soup(client.post(url, {"post": "yes", "loaded_version": str(meta.version)}, follow=True))
    assert "La meta 2012 quedó fija" in _messages(page)
    assert Measurement.objects.filter(pk=meta.pk).exists()


def test_a_fixed_meta_cannot_be_deleted_in_bulk_nor_anything_with_it(client, ana, bruno, executing):
    """All or nothing: the deletable efectivo beside the fixed meta stays too, and the reason is listed."""
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    meta, actual = _meta(), Measurement.objects.get(indicator__code="BI-01", year=2012, kind="efectivo")
    client.force_login(ana)
    confirmation = soup(_changelist_action(client, [meta.pk, actual.pk]))
    assert "quedó fija" in text(confirmation.select_one("#content"))
    versions = {f"loaded_version_{m.pk}": str(m.version) for m in (meta, actual)}
    page = soup(_changelist_action(client, [meta.pk, actual.pk], post="yes", **versions))
    assert "quedó fija" in text(page.select_one("#content"))
    assert Measurement.objects.filter(pk__in=[meta.pk, actual.pk]).count() == 2


def test_delete_queryset_goes_through_the_rules(ana, executing):
    meta = _meta()
    model_admin = admin.site._registry[Measurement]
    request = RequestFactory().post("/", {f"loaded_version_{meta.pk}": str(meta.version)})
    request.user = ana
    with pytest.raises(ValidationError, match="quedó fija"):
        model_admin.delete_queryset(request, Measurement.objects.filter(pk=meta.pk))
    assert Measurement.objects.filter(pk=meta.pk).exists()


def test_deleting_in_bulk_what_the_rules_allow(client, ana, bruno, biobio):
    """In Discusión the meta may go; with its efectivo, both go, each with its history, the version raised."""
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    meta, actual = _meta(), Measurement.objects.get(indicator__code="BI-01", year=2012, kind="efectivo")
    cycle = EvaluationCycle.objects.get(year=2012)
    before = RegionDataVersion.objects.get(region=biobio, cycle=cycle).value
    client.force_login(ana)
    form = soup(_changelist_action(client, [meta.pk, actual.pk])).select_one("#content form")
    page = soup(client.post(reverse("admin:indicators_measurement_changelist"), _posted(form), follow=True))
    assert "2 valores anulados" in _messages(page)
    assert not Measurement.objects.filter(pk__in=[meta.pk, actual.pk]).exists()
    deleted = Measurement.history.filter(id__in=[meta.pk, actual.pk], history_type="-")
    assert {record.history_user for record in deleted} == {ana}
    assert deleted.count() == 2
    assert RegionDataVersion.objects.get(region=biobio, cycle=cycle).value > before


def test_a_bulk_delete_refuses_a_figure_changed_since_the_confirmation(client, ana, bruno):
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    meta, actual = _meta(), Measurement.objects.get(indicator__code="BI-01", year=2012, kind="efectivo")
    client.force_login(ana)
    form = soup(_changelist_action(client, [meta.pk, actual.pk])).select_one("#content form")
    enter_2012_actual(bruno, "BI-01", "957", "1000")
    page = soup(client.post(reverse("admin:indicators_measurement_changelist"), _posted(form), follow=True))
    assert "Otra persona cambió" in _messages(page)
    assert Measurement.objects.filter(pk__in=[meta.pk, actual.pk]).count() == 2


def test_a_bulk_delete_refuses_figures_of_a_sent_region(client, ana, bruno, biobio):
    enter_2012_actual(bruno, "BI-01", "955", "1000")
    actual = Measurement.objects.get(indicator__code="BI-01", year=2012, kind="efectivo")
    workflow.submission_send(user=bruno, region=biobio, cycle=EvaluationCycle.objects.get(year=2012))
    client.force_login(ana)
    page = soup(_changelist_action(client, [actual.pk], post="yes", **{f"loaded_version_{actual.pk}": "1"}))
    assert "enviados a revisión" in text(page.select_one("#content"))
    assert Measurement.objects.filter(pk=actual.pk).exists()


def test_deleting_an_indicator_with_figures_is_refused(client, ana, executing):
    indicator = Indicator.objects.get(code="BI-01")
    client.force_login(ana)
    url = reverse("admin:indicators_indicator_delete", args=[indicator.pk])
    page = soup(client.post(url, {"post": "yes"}))
    assert "desactive" in text(page.select_one("#content"))
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert Measurement.objects.filter(pk=_meta().pk).exists()

    changelist = reverse("admin:indicators_indicator_changelist")
    data = {"action": "delete_selected", "_selected_action": [str(indicator.pk)], "post": "yes"}
    page = soup(client.post(changelist, data))
    assert "desactive" in text(page.select_one("#content"))
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_deleting_a_region_with_figures_is_refused(client, ana, biobio):
    """A region's indicators protect it (on_delete=PROTECT): its figures are never reached."""
    client.force_login(ana)
    url = reverse("admin:regions_region_delete", args=[biobio.pk])
    page = soup(client.post(url, {"post": "yes"}))
    assert page.select_one("#content form") is None  # nothing to confirm
    assert Region.objects.filter(pk=biobio.pk).exists()
    assert Measurement.objects.filter(pk=_meta().pk).exists()


@pytest.mark.parametrize("who", ["bruno", "ana"])
def test_the_api_has_no_delete_for_figures(cast, who):
    """No DELETE: the API's figures are written by measurements_save, which never empties a recorded one."""
    meta = _meta()
    _token, key = token_create(
        user=cast[who], name="programa", can_write=True, regions=[], expires_on=date.today() + timedelta(days=30)
    )
    api = APIClient()
    api.credentials(**bearer(key))
    assert api.get(reverse("api:figure-detail", args=[meta.pk])).status_code == 200
    assert api.delete(reverse("api:figure-detail", args=[meta.pk])).status_code == 405
    assert api.delete(reverse("api:figure-list")).status_code == 405
    assert Measurement.objects.filter(pk=meta.pk).exists()


# --- Point 23: the admin loads nothing from other hosts, writes numbers as the site does, speaks grammatically --

EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def _external_assets(page) -> list[str]:
    scripts = [node["src"] for node in page.select("script[src]")]
    links = [node["href"] for node in page.select("link[href]") if "stylesheet" in node.get("rel", [])]
    return [url for url in scripts + links if EXTERNAL.match(url)]


def test_no_admin_page_loads_assets_from_another_host(client, ana):
    """Every registered model's add page, list and first change page, as a superuser (the CSP blocks the rest)."""
    client.force_login(ana)
    seen = {}
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_request(ana)):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model_admin.get_queryset(_request(ana)).first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            seen[url] = _external_assets(soup(response))
    assert reverse("admin:post_office_emailtemplate_add") in seen
    assert {url: assets for url, assets in seen.items() if assets} == {}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_figures_list_writes_numbers_as_the_site_does(client, ana):
    """Not Django's «1078,0000»: the figure as every page of the site writes it (core.numbers)."""
    client.force_login(ana)
    meta = _meta()
    page = soup(client.get(reverse("admin:indicators_measurement_changelist"), {"q": meta.indicator.code}))
    rows = page.select("#result_list tbody tr")
    shown = {(text(row.select_one(".field-year")), text(row.select_one(".field-kind"))): row for row in rows}
    row = shown[(str(meta.year), meta.get_kind_display())]
    assert text(row.select_one(".field-numerator")) == format_number(meta.numerator)
    assert text(row.select_one(".field-denominator")) == format_number(meta.denominator)
    assert not re.search(r"\d,0000\b", text(page.select_one("#result_list")))


def test_the_indicator_page_writes_its_figures_as_the_site_does(client, ana):
    meta = _meta()
    client.force_login(ana)
    page = soup(client.get(reverse("admin:indicators_indicator_change", args=[meta.indicator.pk])))
    numerators = cells(page, "#measurements-group td.field-numerator_shown")
    assert format_number(meta.numerator) in numerators
    assert not any(re.search(r"\d,0000\b", cell) for cell in numerators)


def test_a_saved_figure_is_named_grammatically(client, ana):
    meta = _meta()
    client.force_login(ana)
    url = reverse("admin:indicators_measurement_change", args=[meta.pk])
    data = form_data(soup(client.get(url)).select_one("#content-main form"))
    data["numerator"] = "961"
    page = soup(client.post(url, data, follow=True))
    message = _messages(page)
    assert message == f"Valor “{meta}”: se guardaron los cambios."


def test_a_saved_region_is_named_grammatically(client, ana, coquimbo):
    """Django's «El {name} “{obj}” se cambió» is wrong for every feminine name (región, evidencia…)."""
    client.force_login(ana)
    url = reverse("admin:regions_region_change", args=[coquimbo.pk])
    data = form_data(soup(client.get(url)).select_one("#content-main form"))
    page = soup(client.post(url, {**data, "_continue": "1"}, follow=True))
    assert _messages(page) == f"Región “{coquimbo}”: se guardaron los cambios. Puede seguir con los cambios abajo."


def test_no_admin_text_shows_raw_backticks(client, ana):
    client.force_login(ana)
    cycle = EvaluationCycle.objects.get(year=2012)
    page = soup(client.get(reverse("admin:evaluation_evaluationcycle_change", args=[cycle.pk])))
    assert "send_reminders" in text(page.select_one("#content-main"))
    assert "`" not in text(page.select_one("#content-main"))


# --- Point 24: a 403 is one line in the log ---------------------------------------------------------------------


def test_a_refused_request_is_logged_once_on_one_line(client, camila, biobio, settings):
    settings.DEBUG = True  # Django's own console handler wrote every record a second time under DEBUG
    client.force_login(camila)
    written = io.StringIO()
    consoles = [
        handler
        for logger in (logging.getLogger("django.request"), logging.getLogger("django"), logging.getLogger())
        for handler in logger.handlers
        if type(handler) is logging.StreamHandler
    ]
    previous = [handler.setStream(written) for handler in consoles]
    try:
        response = client.get(reverse("indicators:region_current", kwargs={"code": biobio.iso_code}))
    finally:
        for handler, stream in zip(consoles, previous, strict=True):
            handler.setStream(stream)
    assert response.status_code == 403
    logged = [line for line in written.getvalue().splitlines() if "Forbidden" in line]
    assert len(logged) == 1, written.getvalue()
    assert f"GET /regiones/{biobio.iso_code}/ user={camila.pk} reason=No tiene acceso a la región Biobío." in logged[0]
    assert "Traceback" not in written.getvalue()


def test_a_500_keeps_its_traceback(caplog):
    logger = logging.getLogger("django.request")
    request = RequestFactory().get("/x/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: %s", "/x/", exc_info=True, extra={"status_code": 500, "request": request})
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
