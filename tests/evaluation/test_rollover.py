"""Creating the next cycle from the previous one: the plan an admin reviews, and what confirming it creates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle, Stage
from indicators.models import (
    Indicator,
    IndicatorWeighting,
    Measurement,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from indicators.services import rollover
from regions.models import Region
from regions.services import user_upsert
from tests.conftest import PASSWORD
from tests.html import soup, text

pytestmark = pytest.mark.django_db
D = Decimal

# The document's weightings in 2012: Antofagasta's illustrative weights, Coquimbo's and Biobío's 100 %.
DOCUMENT_WEIGHTS = {
    "CL-AN": {
        "AN-01": D(15),
        "AN-02": D(15),
        "AN-03": D(15),
        "AN-04": D(10),
        "AN-05": D(10),
        "AN-06": D(15),
        "AN-07": D(10),
        "AN-08": D(10),
    },
    "CL-CO": {"CO-01": D(100)},
    "CL-BI": {"BI-01": D(100)},
}
ALL_CODES = {code for weights in DOCUMENT_WEIGHTS.values() for code in weights}


@pytest.fixture
def source():
    return EvaluationCycle.objects.get(year=2012)


def rollover_url(cycle) -> str:
    return reverse("admin:evaluation_evaluationcycle_rollover", args=[cycle.pk])


def weights_in(year: int) -> dict[str, Decimal]:
    return dict(IndicatorWeighting.objects.filter(cycle__year=year).values_list("indicator__code", "weight"))


def ids(*codes: str) -> list[int]:
    return list(Indicator.objects.filter(code__in=codes).values_list("pk", flat=True))


@pytest.fixture
def coquimbo_definition(source, coquimbo):
    """Coquimbo's mission and two objectives in 2012; its product 1 serves objective 1."""
    definition = StrategicDefinition.objects.create(region=coquimbo, cycle=source, mission="Liderar el desarrollo.")
    first = StrategicObjective.objects.create(definition=definition, number=1, description="Mejorar la inversión.")
    StrategicObjective.objects.create(definition=definition, number=2, description="Fortalecer la gestión.")
    StrategicProduct.objects.get(region=coquimbo, number=1).objectives.add(first)
    return definition


# The plan


def test_plan_lists_the_documents_weightings_with_their_weights(source):
    plan = rollover.cycle_rollover_plan(source=source, year=2013)
    assert [r.iso_code for r in plan.regions] == ["CL-AN", "CL-CO", "CL-BI"]
    assert {r.iso_code: {c.code: c.weight for c in r.carried_weightings} for r in plan.regions} == DOCUMENT_WEIGHTS
    assert [r.weight_total for r in plan.regions] == [D(100), D(100), D(100)]
    assert all(c.counts_for_incentive for r in plan.regions for c in r.weightings)
    assert plan.weighting_count == 10
    assert (plan.year, plan.stage, plan.history_years, plan.year_taken) == (2013, Stage.FORMULATION, 4, False)
    rules = {r.name: r.value for r in plan.rules}
    assert rules["met_threshold"] == D(95)
    assert rules["weighting"] == "todo_o_nada"
    assert rules["scoring_cap"] is None
    assert all(r.definition is None for r in plan.regions)


def test_plan_reads_in_constant_queries(source, coquimbo_definition, django_assert_num_queries):
    with django_assert_num_queries(5):
        rollover.cycle_rollover_plan(source=source, year=2013)


def test_plan_flags_inactive_indicators_and_leaves_them_out(source):
    Indicator.objects.filter(code="AN-08").update(is_active=False)
    plan = rollover.cycle_rollover_plan(source=source, year=2013)
    antofagasta = plan.regions[0]
    assert [c.code for c in antofagasta.inactive_weightings] == ["AN-08"]
    assert "AN-08" not in {c.code for c in antofagasta.carried_weightings}
    assert antofagasta.weight_total == D(90)
    assert plan.weighting_count == 9


@pytest.mark.parametrize(
    ("code", "year", "valid"),
    [("CL-NB", 2018, False), ("CL-NB", 2019, True), ("CL-NB", 2013, False), ("CL-CO", 2013, True)],
)
def test_region_valid_for_the_whole_budget_year(code, year, valid):
    """Ñuble exists from 2018-09-06: its first budget year is 2019."""
    assert rollover.region_valid_in(Region.objects.get(iso_code=code), year) is valid


def test_plan_flags_regions_not_valid_in_the_new_year(source, coquimbo):
    Region.objects.filter(pk=coquimbo.pk).update(valid_to=datetime.date(2012, 12, 31))
    plan = rollover.cycle_rollover_plan(source=source, year=2013)
    region = next(r for r in plan.regions if r.iso_code == "CL-CO")
    assert not region.is_valid
    assert region.carried_weightings == ()
    assert "CL-CO" not in {r.iso_code for r in plan.carried_regions}
    assert plan.weighting_count == 9


def test_plan_says_when_the_year_is_taken(source):
    EvaluationCycle.objects.create(year=2013)
    assert rollover.cycle_rollover_plan(source=source, year=2013).year_taken


def test_plan_includes_mission_and_objectives(source, coquimbo_definition):
    region = next(r for r in rollover.cycle_rollover_plan(source=source, year=2013).regions if r.iso_code == "CL-CO")
    assert region.definition.mission == "Liderar el desarrollo."
    assert [(o.number, o.product_numbers) for o in region.definition.objectives] == [(1, (1,)), (2, ())]


# Applying it


def apply(user, source, year=2013, **kwargs):
    fingerprint = kwargs.pop("fingerprint", None) or rollover.cycle_rollover_plan(source=source, year=year).fingerprint
    return rollover.cycle_rollover_apply(user=user, source=source, year=year, fingerprint=fingerprint, **kwargs)


def test_apply_creates_the_cycle_with_the_sources_rules_and_exactly_its_weightings(source, ana):
    source.scoring_cap = D(120)
    source.save()
    measurements = Measurement.objects.count()
    result = apply(ana, source)
    cycle = EvaluationCycle.objects.get(year=2013)
    assert result.cycle == cycle
    assert (result.weightings, result.definitions, result.objectives) == (10, 0, 0)
    assert (cycle.stage, cycle.data_deadline, cycle.history_years) == (Stage.FORMULATION, None, 4)
    for name in rollover.RULE_FIELDS:
        assert getattr(cycle, name) == getattr(source, name), name
    assert weights_in(2013) == weights_in(2012) == {c: w for ws in DOCUMENT_WEIGHTS.values() for c, w in ws.items()}
    copied = IndicatorWeighting.objects.get(indicator__code="CO-01", cycle=cycle)
    original = IndicatorWeighting.objects.get(indicator__code="CO-01", cycle=source)
    assert (copied.counts_for_incentive, copied.notes) == (original.counts_for_incentive, original.notes)
    assert Measurement.objects.count() == measurements  # figures are per year: never copied


def test_apply_records_who_did_it(source, ana):
    apply(ana, source)
    reason = "traspaso desde el ciclo 2012"
    cycle_record = EvaluationCycle.history.filter(year=2013).get()
    assert (cycle_record.history_user, cycle_record.history_change_reason) == (ana, reason)
    records = IndicatorWeighting.history.filter(cycle__year=2013)
    assert records.count() == 10
    assert {(r.history_user, r.history_change_reason, r.history_type) for r in records} == {(ana, reason, "+")}


def test_apply_copies_the_strategic_definition_and_links_the_products(source, ana, coquimbo, coquimbo_definition):
    result = apply(ana, source)
    definition = StrategicDefinition.objects.get(region=coquimbo, cycle=result.cycle)
    assert definition.mission == "Liderar el desarrollo."
    assert list(definition.objectives.values_list("number", "description")) == [
        (1, "Mejorar la inversión."),
        (2, "Fortalecer la gestión."),
    ]
    product = StrategicProduct.objects.get(region=coquimbo, number=1)
    assert set(product.objectives.values_list("definition__cycle__year", "number")) == {(2012, 1), (2013, 1)}
    assert (result.definitions, result.objectives) == (1, 2)
    assert definition.history.get().history_user == ana
    assert product.history.first().history_user == ana


def test_apply_honours_the_selection(source, ana, coquimbo_definition):
    result = apply(ana, source, regions=["CL-AN", "CL-BI"], indicators=ids("AN-01", "AN-02", "BI-01", "CO-01"))
    # CO-01 was chosen but its region was not: an indicator goes only with its region.
    assert set(weights_in(2013)) == {"AN-01", "AN-02", "BI-01"}
    assert result.weightings == 3
    assert not StrategicDefinition.objects.filter(cycle__year=2013).exists()


def test_apply_with_nothing_chosen_creates_only_the_cycle(source, ana):
    result = apply(ana, source, regions=[], indicators=[])
    assert result.weightings == 0
    assert EvaluationCycle.objects.filter(year=2013).exists()


def test_apply_refuses_what_cannot_be_carried(source, ana):
    Indicator.objects.filter(code="AN-08").update(is_active=False)
    with pytest.raises(ValidationError, match="no se pueden traspasar"):
        apply(ana, source, indicators=ids("AN-08"))
    assert not EvaluationCycle.objects.filter(year=2013).exists()


def test_apply_leaves_inactive_indicators_behind(source, ana):
    Indicator.objects.filter(code="AN-08").update(is_active=False)
    apply(ana, source)
    assert set(weights_in(2013)) == ALL_CODES - {"AN-08"}


def test_apply_refuses_an_existing_year(source, ana):
    EvaluationCycle.objects.create(year=2013)
    with pytest.raises(ValidationError, match="El ciclo 2013 ya existe"):
        apply(ana, source)
    assert weights_in(2013) == {}


def test_apply_refuses_a_year_not_after_the_source(source, ana):
    with pytest.raises(ValidationError, match="posterior al ciclo 2012"):
        apply(ana, source, year=2011)


@pytest.mark.parametrize("person", ["daniela", "camila", "charlie"])
def test_only_admins_roll_cycles_over(source, cast, person):
    with pytest.raises(PermissionDenied):
        apply(cast[person], source)
    assert not EvaluationCycle.objects.filter(year=2013).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda: IndicatorWeighting.objects.filter(indicator__code="AN-01").update(weight=D(20)),
        lambda: EvaluationCycle.objects.filter(year=2012).update(met_threshold=D(90)),
        lambda: Indicator.objects.filter(code="BI-01").update(is_active=False),
    ],
    ids=["weight", "rules", "indicator"],
)
def test_apply_refuses_a_stale_plan(source, ana, change):
    shown = rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    change()
    with pytest.raises(ValidationError, match="cambió después de mostrar el traspaso"):
        apply(ana, source, fingerprint=shown)
    assert not EvaluationCycle.objects.filter(year=2013).exists()


def test_apply_is_all_or_nothing(source, ana, coquimbo_definition, monkeypatch):
    def fail(*args, **kwargs):
        raise ValidationError("falla al copiar la definición")

    monkeypatch.setattr(rollover, "_copy_definition", fail)
    with pytest.raises(ValidationError):
        apply(ana, source)
    assert not EvaluationCycle.objects.filter(year=2013).exists()
    assert weights_in(2013) == {}
    assert not EvaluationCycle.history.filter(year=2013).exists()


# The admin pages


def test_review_page_lists_what_will_be_carried(client, ana, source, coquimbo_definition):
    client.force_login(ana)
    page = soup(client.get(rollover_url(source)))
    assert "Crear el ciclo 2013 a partir del ciclo 2012" in text(page)
    regions = page.select("fieldset.rollover-region")
    assert [r["data-region"] for r in regions] == ["CL-AN", "CL-CO", "CL-BI"]
    assert [box["value"] for box in page.select('input[name="regions"][checked]')] == ["CL-AN", "CL-CO", "CL-BI"]
    checked = {int(box["value"]) for box in page.select('input[name="indicators"][checked]')}
    assert checked == set(ids(*ALL_CODES))
    assert [text(r.select_one("[data-weight-total]")) for r in regions] == ["100", "100", "100"]
    antofagasta = text(regions[0])
    assert "AN-06" in antofagasta
    assert "ilustrativo" in antofagasta
    assert "Liderar el desarrollo." in text(regions[1])
    assert "Mejorar la inversión. (productos estratégicos: 1)" in text(regions[1])
    assert "Se traspasarán 10 ponderaciones" in text(page)
    assert page.select_one('input[name="fingerprint"]')["value"] == (
        rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    )


def test_review_page_flags_what_is_not_carried(client, ana, source):
    Indicator.objects.filter(code="AN-08").update(is_active=False)
    client.force_login(ana)
    antofagasta = soup(client.get(rollover_url(source))).select_one('fieldset[data-region="CL-AN"]')
    assert "No vigente: no se traspasa" in text(antofagasta)
    assert text(antofagasta.select_one("[data-weight-total]")) == "90"
    assert not antofagasta.select_one("[data-weight-warning]").has_attr("hidden")


def test_review_page_for_a_taken_year_offers_no_confirmation(client, ana, source):
    EvaluationCycle.objects.create(year=2014)
    client.force_login(ana)
    page = soup(client.get(rollover_url(source), {"year": 2014}))
    assert "El ciclo 2014 ya existe: elija otro año." in text(page)
    assert page.select_one("#rollover_form") is None


def test_review_page_for_an_earlier_year_offers_no_confirmation(client, ana, source):
    client.force_login(ana)
    page = soup(client.get(rollover_url(source), {"year": 2010}))
    assert "El ciclo nuevo debe ser posterior al ciclo 2012: elija otro año." in text(page)
    assert page.select_one("#rollover_form") is None


def test_confirming_creates_the_cycle_and_says_how_many(client, ana, source):
    client.force_login(ana)
    page = soup(client.get(rollover_url(source)))
    form = page.select_one("#rollover_form")
    data = {
        "year": form.select_one('input[name="year"]')["value"],
        "fingerprint": form.select_one('input[name="fingerprint"]')["value"],
        "regions": [box["value"] for box in form.select('input[name="regions"][checked]')],
        "indicators": [box["value"] for box in form.select('input[name="indicators"][checked]')],
    }
    response = client.post(rollover_url(source), data)
    cycle = EvaluationCycle.objects.get(year=2013)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:evaluation_evaluationcycle_change", args=[cycle.pk])
    assert "Ciclo 2013 creado con 10 ponderaciones de indicadores." in text(soup(client.get(response["Location"])))
    assert set(weights_in(2013)) == ALL_CODES


def test_confirming_leaves_out_what_was_unchecked(client, ana, source):
    client.force_login(ana)
    fingerprint = rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    response = client.post(
        rollover_url(source),
        {"year": 2013, "fingerprint": fingerprint, "regions": ["CL-AN", "CL-CO"], "indicators": ids("AN-03", "CO-01")},
        follow=True,
    )
    assert "Ciclo 2013 creado con 2 ponderaciones de indicadores." in text(soup(response))
    assert set(weights_in(2013)) == {"AN-03", "CO-01"}


def test_confirming_a_stale_plan_shows_the_new_one(client, ana, source):
    client.force_login(ana)
    fingerprint = rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    IndicatorWeighting.objects.filter(indicator__code="AN-01").update(weight=D(25))
    page = soup(client.post(rollover_url(source), {"year": 2013, "fingerprint": fingerprint, "regions": ["CL-CO"]}))
    assert "cambió después de mostrar el traspaso" in text(page)
    assert text(page.select_one('fieldset[data-region="CL-AN"] [data-weight-total]')) == "110"
    assert page.select_one('input[name="fingerprint"]')["value"] != fingerprint
    assert not EvaluationCycle.objects.filter(year=2013).exists()


@pytest.mark.parametrize("person", ["daniela", "camila", "charlie"])
def test_people_outside_the_admin_are_sent_to_its_login(client, cast, source, person):
    client.force_login(cast[person])
    fingerprint = rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    for response in (
        client.get(rollover_url(source)),
        client.post(rollover_url(source), {"year": 2013, "fingerprint": fingerprint}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert not EvaluationCycle.objects.filter(year=2013).exists()


def test_staff_without_superuser_rights_are_refused(client, source):
    clerk = user_upsert(username="clerk", password=PASSWORD, first_name="Clerk")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(*Permission.objects.filter(codename__endswith="_evaluationcycle"))
    client.force_login(clerk)
    fingerprint = rollover.cycle_rollover_plan(source=source, year=2013).fingerprint
    assert client.get(rollover_url(source)).status_code == 403
    assert client.post(rollover_url(source), {"year": 2013, "fingerprint": fingerprint}).status_code == 403
    page = soup(client.get(reverse("admin:evaluation_evaluationcycle_change", args=[source.pk])))
    assert "Crear el ciclo siguiente" not in text(page)
    assert not EvaluationCycle.objects.filter(year=2013).exists()


def test_change_page_has_the_button(client, ana, source):
    client.force_login(ana)
    page = soup(client.get(reverse("admin:evaluation_evaluationcycle_change", args=[source.pk])))
    link = next(a for a in page.select(".object-tools a") if text(a) == "Crear el ciclo siguiente")
    assert link["href"] == rollover_url(source)


def test_add_form_points_to_the_rollover(client, ana, source):
    client.force_login(ana)
    page = soup(client.get(reverse("admin:evaluation_evaluationcycle_add")))
    hint = page.select_one(".rollover-hint")
    assert "Crear el ciclo siguiente a partir del ciclo 2012" in text(hint)
    assert hint.select_one("a")["href"] == rollover_url(source)


def test_changelist_action_leads_to_the_review(client, ana, source):
    client.force_login(ana)
    changelist = reverse("admin:evaluation_evaluationcycle_changelist")
    response = client.post(changelist, {"action": "roll_over_cycle", "_selected_action": [source.pk]})
    assert response.status_code == 302
    assert response["Location"] == rollover_url(source)
    other = EvaluationCycle.objects.create(year=2011)
    response = client.post(
        changelist, {"action": "roll_over_cycle", "_selected_action": [source.pk, other.pk]}, follow=True
    )
    assert "Seleccione un solo ciclo para crear el siguiente." in text(soup(response))
