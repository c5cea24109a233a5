"""The admin: every domain model registered, in Spanish, with filters and measurements inline."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from indicators.models import Indicator
from tests.html import soup, text

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("regions", "evaluation", "indicators", "programs", "investments", "pmg", "results")


def domain_models():
    return [
        m
        for app in DOMAIN_APPS
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ]


def test_every_domain_model_is_registered():
    assert [m.__name__ for m in domain_models() if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m.__name__)
def test_changelists_open_for_the_admin(client, ana, model):
    client.force_login(ana)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    page = soup(client.get(url))
    assert str(model._meta.verbose_name_plural).lower() in text(page).lower()


def test_indicator_changelist_filters_by_region_and_dimension(client, ana):
    client.force_login(ana)
    url = reverse("admin:indicators_indicator_changelist")
    page = soup(client.get(url, {"region__id__exact": Indicator.objects.get(code="CO-01").region_id}))
    assert "CO-01" in text(page)
    assert "AN-01" not in text(page)
    page = soup(client.get(url, {"dimension__exact": "eficiencia"}))
    assert "AN-04" in text(page)
    assert "CO-01" not in text(page)
    assert "Ámbito de control" in text(page) or "ámbito de control" in text(page)


def test_indicator_change_page_has_measurements_inline(client, ana):
    client.force_login(ana)
    indicator = Indicator.objects.get(code="BI-01")
    page = soup(client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk])))
    assert "Valores" in text(page)  # the domain's word for a Measurement
    assert page.select_one('input[name="measurements-TOTAL_FORMS"]')["value"] == "5"


def test_reviewer_is_not_let_into_the_admin(client, daniela):
    client.force_login(daniela)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
