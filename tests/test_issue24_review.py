"""Issue 24, the review's points: the stage's move and an evidence's withdrawal ask first; the review page
resolves observations, says the data's state after a return, and keeps «Aprobar» off while observations are
open; the analysis is asked where the result asks for it; rounded figures show their numerator and
denominator; the footer's portal link keeps the language."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.numbers import format_percent, round_half_up
from evaluation import scoring
from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionStatus
from indicators import selectors as indicator_selectors
from indicators import services as indicator_services
from indicators.models import Indicator
from indicators.results import IndicatorResult, decode, indicator_result, rounded_terms, rounding_misleads
from indicators.vocabulary import ObservationStatus, ObservationTopic
from results.services import workflow
from tests.html import form_data, soup, text

pytestmark = pytest.mark.django_db
CO = {"code": "CL-CO", "year": 2012}
AN = {"code": "CL-AN", "year": 2012}
CO01 = {**CO, "indicator": "CO-01"}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


def enter(user, code, kind, numerator, denominator, year=2012):
    indicator = Indicator.objects.get(code=code)
    current = indicator.measurements.filter(year=year, kind=kind).first()
    cell = indicator_services.CellInput(
        indicator=indicator,
        year=year,
        kind=kind,
        numerator=Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
        version=current.version if current else 0,
    )
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator_services.measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell])


def submit_buttons_outside_confirmation(form) -> list:
    return [button for button in form.select("button[type=submit]") if not button.find_parent("details")]


# 14. The stage's move and «Retirar» ask first.


def test_moving_the_cycle_to_the_next_stage_asks_first_and_says_what_it_fixes(client, daniela, cycle):
    assert cycle.stage == Stage.APPROVAL  # the document's 2012 cycle: the next stage is Ejecución
    client.force_login(daniela)
    page = soup(client.get(reverse("results:stage", kwargs={"year": 2012})))
    form = page.select_one("#advance-form")
    assert submit_buttons_outside_confirmation(form) == []
    step = form.select_one("details[data-confirm=advance]")
    assert text(step.select_one("summary")) == "Pasar a Ejecución"
    question = text(step.select_one(".confirm-panel p"))
    assert "¿Pasar el ciclo 2012 a Ejecución?" in question
    assert "todas las regiones" in question
    assert "la meta 2012 de cada indicador queda fija" in question

    # Without JavaScript the step's own button sends the form: the move is made.
    response = client.post(reverse("results:stage", kwargs={"year": 2012}), form_data(form) | {"reason": "Ley"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == Stage.EXECUTION


def test_withdrawing_an_evidence_file_asks_first(client, camila, cycle):
    evidence = indicator_services.evidence_add(
        user=camila,
        indicator=Indicator.objects.get(code="CO-01"),
        cycle=cycle,
        year=2010,
        upload=SimpleUploadedFile("acta-final.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:indicator", kwargs=CO01)))
    form = page.select_one(f'[data-evidence="{evidence.pk}"] form')
    assert form["action"] == reverse("indicators:evidence_withdraw", kwargs={**CO01, "pk": evidence.pk})
    assert submit_buttons_outside_confirmation(form) == []
    step = form.select_one("details[data-confirm=withdraw]")
    assert f"¿Retirar «{evidence.original_name}» de los medios de verificación?" in text(step)

    client.post(form["action"], form_data(form))
    evidence.refresh_from_db()
    assert evidence.withdrawn


# 15. The review page: resolving there, the state after «Devolver», «Aprobar» off while observations are open.


@pytest.fixture
def observed(camila, daniela, coquimbo, cycle):
    """Coquimbo's data sent, with an observation open on CO-01."""
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    return indicator_services.observation_open(
        user=daniela,
        indicator=Indicator.objects.get(code="CO-01"),
        cycle=cycle,
        topic=ObservationTopic.OTHER,
        text="Revise la fuente.",
    )


def test_approve_is_off_while_an_observation_is_open_with_the_reason_beside_it(client, daniela, observed):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=CO)))
    approve = page.select_one("form[data-step=approve]")
    assert approve.select("details[data-confirm=approve]") == []
    button = approve.select_one("button[data-approve-blocked]")
    assert button.has_attr("disabled")
    assert text(button) == "Aprobar"
    reason = approve.select_one(f"#{button['aria-describedby']}")
    assert "1 observación sin resolver" in text(reason)
    assert page.select_one("details[data-confirm=return]")  # returning stays open

    # The service refuses it too, whatever the page showed.
    response = client.post(reverse("results:approve", kwargs=CO), {"comment": ""}, follow=True)
    assert "No se puede aprobar mientras haya observaciones sin resolver" in text(
        soup(response).select_one("#decision")
    )
    assert Submission.objects.get(region__iso_code="CL-CO", cycle__year=2012).status == SubmissionStatus.SENT


def test_an_open_observation_on_the_review_page_carries_its_status_badge(client, daniela, observed):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=CO)))
    badge = page.select_one(f'[data-open-observation="{observed.pk}"] .badge')
    assert text(badge) == "Abierta"
    assert "text-bg-danger" in badge["class"]


def test_an_observation_is_resolved_on_the_review_page_and_approving_opens(client, daniela, observed):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=CO)))
    card = page.select_one('[data-review-observations="CO-01"]')
    form = card.select_one(f'[data-open-observation="{observed.pk}"] form[data-resolve-form]')
    response = client.post(form["action"], form_data(form))
    assert response["Location"] == reverse("results:review", kwargs=CO) + "#rev-CO-01"
    observed.refresh_from_db()
    assert observed.status == ObservationStatus.RESOLVED

    page = soup(client.get(response["Location"]))
    card = page.select_one('[data-review-observations="CO-01"]')
    assert "La observación quedó resuelta." in text(card)
    assert card.select("[data-open-observation]") == []
    assert page.select_one("details[data-confirm=approve]")
    assert page.select("[data-unresolved]") == []


def test_a_stale_resolution_on_the_review_page_is_refused_there(client, camila, daniela, observed):
    client.force_login(daniela)
    page = soup(client.get(reverse("results:review", kwargs=CO)))
    form = page.select_one("form[data-resolve-form]")
    indicator_services.observation_reply(
        user=camila, observation=observed, text="Ya la revisamos.", version=observed.version
    )
    response = client.post(form["action"], form_data(form), follow=True)
    card = soup(response).select_one('[data-review-observations="CO-01"]')
    assert "La conversación cambió" in text(card)
    observed.refresh_from_db()
    assert observed.status == ObservationStatus.ANSWERED


def test_after_returning_the_page_says_the_data_is_returned_not_that_it_cannot_be_approved(client, daniela, observed):
    client.force_login(daniela)
    response = client.post(reverse("results:return", kwargs=CO), {"comment": "Vea CO-01."}, follow=True)
    page = soup(response)
    decision = text(page.select_one("#decision"))
    assert "Se devolvieron los datos con su comentario." in decision
    assert "Los datos están devueltos con observaciones" in decision
    assert "no se pueden aprobar" not in text(page)
    assert "se aprueban cuando" not in text(page)
    assert "1 observación sigue sin resolver" in text(page.select_one("[data-unresolved]"))


# 18. The analysis form: only where the result asks for one.


def analysis_section(client, user):
    client.force_login(user)
    return soup(client.get(reverse("indicators:indicator", kwargs=CO01))).select_one("#analisis")


@pytest.mark.parametrize(
    ("numerator", "asked", "said"),
    [
        pytest.param(None, False, "Resultado 2012 pendiente", id="pending: no efectivo"),
        pytest.param(200, True, None, id="missed"),
        pytest.param(250, False, "Meta cumplida", id="met"),
    ],
)
def test_the_analysis_form_shows_exactly_where_the_service_asks_for_an_analysis(
    client, camila, cycle, numerator, asked, said
):
    if numerator is not None:
        enter(camila, "CO-01", "efectivo", numerator, 262)  # the meta is 250/262
    section = analysis_section(client, camila)
    assert bool(section.select("#analysis-form")) is asked
    if said:
        assert said in text(section.select_one("[data-analysis-not-asked]"))
    # Where the form is shown the service requires the causes; where it is not, it requires nothing.
    save = partial(
        indicator_services.result_analysis_save,
        user=camila,
        indicator=Indicator.objects.get(code="CO-01"),
        cycle=cycle,
        causes="",
        external_causes=False,
        overachievement_justification="",
    )
    if asked:
        with pytest.raises(ValidationError, match="indique las causas"):
            save()
    else:
        save()


def test_an_analysis_recorded_stays_correctable_when_the_result_no_longer_asks_for_it(client, camila, cycle):
    enter(camila, "CO-01", "efectivo", 200, 262)
    indicator_services.result_analysis_save(
        user=camila,
        indicator=Indicator.objects.get(code="CO-01"),
        cycle=cycle,
        causes="Paro de funcionarios.",
        external_causes=False,
        overachievement_justification="",
    )
    enter(camila, "CO-01", "efectivo", 250, 262)  # corrected: met
    form = analysis_section(client, camila).select_one("#analysis-form")
    assert form.select_one("textarea[name=causes]").get_text().strip() == "Paro de funcionarios."


# 19. A rounded efectivo or meta shows its numerator and denominator, so the cumplimiento can be redone.


def shown_terms(node) -> str:
    """Return the numerator and denominator the node shows as a person reads them (the screen reader's words
    and the line break's opportunity left out)."""
    terms = node.select_one("[data-terms]")
    for hidden in terms.select(".visually-hidden"):
        hidden.extract()
    return terms.get_text("").strip()


def redone_percent(actual: str, target: str) -> str:
    """The cumplimiento a reader computes from the terms shown («80/100», «55.100/56.200»)."""

    def value(terms: str) -> Fraction:
        numerator, denominator = (Fraction(part.replace(".", "").replace(",", ".")) for part in terms.split("/"))
        return numerator / denominator

    return format_percent(round_half_up(value(actual) / value(target) * 100, 2), 2).replace("\xa0", " ")


@pytest.fixture
def an01(ana, cycle):
    """AN-01: an efectivo of exactly 80 % beside a meta of 55.100/56.200 (98,04… %, shown «98 %»)."""
    enter(ana, "AN-01", "efectivo", 80, 100)
    return Indicator.objects.get(code="AN-01")


def test_a_rounded_meta_shows_its_terms_where_the_cumplimiento_is_shown(client, daniela, an01):
    client.force_login(daniela)
    row = soup(client.get(reverse("results:dashboard", kwargs=AN))).select_one('#achievements [data-indicator="AN-01"]')
    target, actual = row.select_one("[data-kind=target]"), row.select_one("[data-kind=actual]")
    assert text(target).startswith("98 %")
    terms = shown_terms(target)
    assert terms == "55.100/56.200"
    assert actual.select("[data-terms]") == []  # 80 % is exact: nothing to add
    percent = text(row.select_one("[data-kind=percent]"))
    assert percent == redone_percent("80/100", terms) != redone_percent("80/100", "98/100")

    review = soup(client.get(reverse("results:review", kwargs=AN))).select_one('[data-indicator="AN-01"]')
    assert shown_terms(review.select_one("[data-kind=target]")) == "55.100/56.200"

    page = soup(client.get(reverse("indicators:indicator", kwargs={**AN, "indicator": "AN-01"})))
    line = page.select_one("#resultado [data-kind=terms]")
    assert "Efectivo 2012: 80 % · Meta 2012: 98 %" in text(line)
    assert shown_terms(line) == "(55.100/56.200)"


def test_the_public_pages_show_the_terms_of_a_rounded_meta(client, ana, daniela, an01, antofagasta, cycle):
    indicator_services.result_analysis_save(
        user=ana,
        indicator=an01,
        cycle=cycle,
        causes="Licitaciones desiertas.",
        external_causes=False,
        overachievement_justification="",
    )
    workflow.submission_send(user=ana, region=antofagasta, cycle=cycle)
    workflow.submission_approve(user=daniela, region=antofagasta, cycle=cycle)
    row = soup(client.get(reverse("public:region", kwargs=AN))).select_one('[data-indicator="AN-01"]')
    assert shown_terms(row.select_one("[data-kind=target]")) == "55.100/56.200"
    assert row.select("[data-kind=actual] [data-terms]") == []
    page = soup(client.get(reverse("public:indicator", kwargs={**AN, "indicator": "AN-01"})))
    assert shown_terms(page.select_one("[data-kind=terms]")) == "(55.100/56.200)"


@pytest.mark.parametrize(
    ("value", "terms", "places", "shown"),
    [
        (Decimal("98.04270462633451957295373665480427"), (Decimal(55100), Decimal(56200)), 0, True),
        (Decimal("80.0000"), (Decimal(80), Decimal(100)), 0, False),
        (Decimal("95.3"), (Decimal(953), Decimal(1000)), 1, False),
        (Decimal("95.3"), (Decimal(953), Decimal(1000)), 0, True),
        (Decimal("7.5"), None, 0, False),  # a count: no denominator
        (None, (Decimal(1), Decimal(3)), 0, False),
    ],
)
def test_terms_are_given_only_where_the_shown_value_is_rounded(value, terms, places, shown):
    assert rounded_terms(value, terms, places) == (terms if shown else None)


@pytest.mark.parametrize(
    ("actual", "target", "descending", "misleads"),
    [
        pytest.param(Fraction(80), Fraction(55100, 562), False, True, id="80 % of a meta shown 98 %: 81,60, not 81,63"),
        pytest.param(Fraction(250, 262) * 100, Fraction(250, 262) * 100, False, False, id="the same figure: 100 %"),
        pytest.param(Fraction(72), Fraction(95), False, False, id="exact figures"),
        pytest.param(
            Fraction(65, 81) * 100, Fraction(63, 81) * 100, False, True, id="80 % of 78 %: 103,17, not 102,56"
        ),
        pytest.param(Fraction(65, 4), Fraction(24), True, True, id="descending: 24 of 16,25 shown 16"),
        pytest.param(None, Fraction(24), False, False, id="pending: no cumplimiento to redo"),
    ],
)
def test_rounding_misleads_where_the_shown_figures_give_another_cumplimiento(actual, target, descending, misleads):
    exact = scoring.achievement(actual, target, descending=descending)
    percent = exact.percent if exact else None
    shown = (None if value is None else round_half_up(value, 20) for value in (actual, target))
    assert rounding_misleads(*shown, percent, 0, descending) is misleads


def test_a_stored_result_keeps_its_terms(ana, an01, cycle):
    [row] = indicator_selectors.indicator_rows(cycle=cycle, indicators=Indicator.objects.filter(pk=an01.pk))
    result = indicator_result(row, cycle)
    assert result.target_terms == (Decimal("55100.0000"), Decimal("56200.0000"))
    back = decode(IndicatorResult, result.to_json())
    assert (back.actual_terms, back.target_terms) == (result.actual_terms, result.target_terms)
    assert back.rounded_target_terms == result.target_terms
    assert back.rounded_actual_terms is None
    # A result stored before the terms existed reads back without them.
    old = {key: value for key, value in result.to_json().items() if not key.endswith("_terms")}
    assert decode(IndicatorResult, old).rounded_target_terms is None


# 20. The footer's portal link keeps the interface's language.


def test_the_footer_link_to_the_portal_keeps_the_language(client, camila):
    client.force_login(camila)
    client.cookies["django_language"] = "en"
    link = soup(client.get(reverse("home"))).select_one("footer a[hreflang]")
    assert text(link) == "Published results"
    portal = soup(client.get(link["href"]))
    assert portal.select_one("html")["lang"] == "en"
    assert "Published results" in text(portal.select_one("header"))
