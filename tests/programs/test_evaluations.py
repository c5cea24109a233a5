"""Evaluations of programs and of the institution: DIPRES records them with their verdict and report, the
commitments they leave are followed up by the region's analysts through later cycles, and the region's
pages (its evaluations, the dashboard, the report, the national view, /pendientes/, the budget) show them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluation.models import EvaluationCycle, Stage, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import StrategicProduct
from programs import services
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict
from programs.vocabulary import VerdictKind
from tests.html import cells, form_data, soup, text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
TODAY = timezone.localdate()


def cycle(year=2012) -> EvaluationCycle:
    return EvaluationCycle.objects.get(year=year)


def line(code) -> EvaluationLine:
    return EvaluationLine.objects.get(code=code)


def verdict(code, year=2012) -> Verdict:
    return Verdict.objects.get(cycle__year=year, code=code)


def record(user, region, *, year=2012, line_code="epg", program="Programa de Fomento Productivo", **fields):
    data = services.EvaluationInput(
        line=line(line_code), program=program, evaluator=fields.pop("evaluator", "Panel de expertos"), **fields
    )
    return services.evaluation_save(user=user, region=region, cycle=cycle(year), data=data)


def commit(user, evaluation, *, days=30, description="Rediseñar la matriz de marco lógico"):
    return services.institutional_commitment_add(
        user=user,
        evaluation=evaluation,
        description=description,
        owner="Jefe División de Planificación",
        due_date=TODAY + datetime.timedelta(days=days),
        recorded_on=TODAY + datetime.timedelta(days=min(days, 0)),  # an overdue one was agreed before its date
    )


def url(name, code="CL-CO", year=2012, **kwargs):
    return reverse(f"programs:{name}", kwargs={"code": code, "year": year, **kwargs})


# The configurable lists


def test_every_cycle_has_dipres_usual_lists_and_a_new_cycle_takes_its_predecessors():
    assert set(EvaluationLine.objects.values_list("code", flat=True)) >= {"ex-ante", "epg", "impacto", "ecg"}
    kinds = set(Verdict.objects.filter(cycle=cycle()).values_list("kind", "code"))
    assert (VerdictKind.RECOMMENDATION, "recomendado") in kinds
    assert (VerdictKind.RESULT, "rediseno") in kinds
    # A budget office renames a category in 2012: the 2013 cycle starts from the renamed list.
    Verdict.objects.filter(cycle=cycle(), code="rediseno").update(name="Rediseño del programa")
    created = EvaluationCycle.objects.create(year=2013, history_years=4)
    assert Verdict.objects.get(cycle=created, code="rediseno").name == "Rediseño del programa"
    assert Verdict.objects.filter(cycle=created).count() == Verdict.objects.filter(cycle=cycle()).count()


def test_lists_speak_the_language_of_the_page(client, daniela, coquimbo):
    record(daniela, coquimbo, verdict=verdict("rediseno"))
    client.force_login(daniela)
    assert "Rediseño sustantivo" in text(soup(client.get(url("evaluations"))).select_one("table.evaluations"))
    client.cookies["django_language"] = "en"
    table = text(soup(client.get(url("evaluations"))).select_one("table.evaluations"))
    assert "Substantial redesign" in table
    assert "Evaluation of Government Programmes (EPG)" in table


# Who records what, and the rules


def test_a_reviewer_records_an_evaluation_with_its_history(daniela, coquimbo):
    evaluation = record(daniela, coquimbo, verdict=verdict("modificaciones"), started_on=datetime.date(2012, 3, 1))
    assert evaluation.version == 1
    assert evaluation.recorded_by == daniela
    assert evaluation.history.get().history_user == daniela


@pytest.mark.parametrize("who", ["camila", "charlie"])
def test_only_dipres_records_evaluations_and_commitments(cast, coquimbo, daniela, who):
    with pytest.raises(PermissionDenied):
        record(cast[who], coquimbo)
    evaluation = record(daniela, coquimbo)
    with pytest.raises(PermissionDenied):
        commit(cast[who], evaluation)
    assert not InstitutionalCommitment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"line_code": "ex-ante", "verdict_code": "rediseno"}, "verdict"),  # a result category for an ex ante
        ({"line_code": "epg", "verdict_code": "recomendado"}, "verdict"),  # a recommendation for an ex post
        ({"program": ""}, "program"),  # a program evaluation names the program
        ({"started_on": datetime.date(2012, 6, 1), "finished_on": datetime.date(2012, 5, 1)}, "finished_on"),
    ],
)
def test_an_evaluation_that_breaks_a_rule_is_refused_whole(daniela, coquimbo, fields, field):
    fields = dict(fields)
    if "verdict_code" in fields:
        fields["verdict"] = verdict(fields.pop("verdict_code"))
    with pytest.raises(ValidationError) as refused:
        record(daniela, coquimbo, **fields)
    assert field in refused.value.error_dict
    assert not ProgramEvaluation.objects.exists()


def test_an_institutional_evaluation_evaluates_the_government_itself(daniela, coquimbo):
    evaluation = record(daniela, coquimbo, line_code="ecg", program="", verdict=verdict("ajustes-menores"))
    assert evaluation.title == "Gobierno Regional (evaluación institucional)"


def test_a_product_of_another_region_and_a_verdict_of_another_cycle_are_refused(daniela, coquimbo):
    other = StrategicProduct.objects.filter(region__iso_code="CL-BI").first()
    with pytest.raises(ValidationError) as refused:
        record(daniela, coquimbo, product=other)
    assert "product" in refused.value.error_dict
    EvaluationCycle.objects.create(year=2013, history_years=4)
    with pytest.raises(ValidationError) as refused:
        record(daniela, coquimbo, verdict=verdict("rediseno", year=2013))
    assert "verdict" in refused.value.error_dict


def test_a_closed_cycle_keeps_its_evaluations(daniela, coquimbo):
    evaluation = record(daniela, coquimbo)
    EvaluationCycle.objects.filter(year=2012).update(stage=Stage.CLOSED)
    with pytest.raises(ValidationError, match="cerrado"):
        record(daniela, coquimbo)
    with pytest.raises(ValidationError, match="cerrado"):
        commit(daniela, ProgramEvaluation.objects.get(pk=evaluation.pk))


def test_an_evaluation_changed_meanwhile_is_not_overwritten(daniela, ana, coquimbo):
    evaluation = record(daniela, coquimbo)
    seen = services.EvaluationInput(line=line("epg"), program="Fomento", evaluator="Panel", version=1)
    services.evaluation_save(user=ana, region=coquimbo, cycle=cycle(), data=seen, evaluation=evaluation)
    with pytest.raises(services.StaleEvaluationError):
        services.evaluation_save(user=daniela, region=coquimbo, cycle=cycle(), data=seen, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert (evaluation.program, evaluation.version) == ("Fomento", 2)


def test_a_report_is_judged_by_its_content_and_a_refused_one_leaves_nothing(daniela, coquimbo, settings):
    fake = SimpleUploadedFile("informe.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF"):
        record(daniela, coquimbo, report=fake)
    assert not ProgramEvaluation.objects.exists()
    media = settings.MEDIA_ROOT
    assert not (media / "evaluaciones").exists()
    evaluation = record(daniela, coquimbo, report=SimpleUploadedFile("Informe final.pdf", PDF))
    assert evaluation.report_type == "application/pdf"
    assert (media / evaluation.report.name).read_bytes() == PDF


# Commitments: DIPRES agrees them, the analysts follow them up


def test_the_analyst_follows_up_a_commitment_and_another_region_cannot(daniela, camila, bruno, coquimbo):
    commitment = commit(daniela, record(daniela, coquimbo))
    services.institutional_commitment_follow_up(
        user=camila, commitment=commitment, cycle=cycle(), status="en_curso", follow_up="Matriz en revisión"
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.follow_up) == ("en_curso", "Matriz en revisión")
    assert commitment.history.latest().history_user == camila
    with pytest.raises(PermissionDenied):
        services.institutional_commitment_follow_up(
            user=bruno, commitment=commitment, cycle=cycle(), status="cumplido", follow_up=""
        )


def test_follow_up_waits_while_the_regions_data_is_under_review(daniela, camila, coquimbo):
    commitment = commit(daniela, record(daniela, coquimbo))
    Submission.objects.update_or_create(region=coquimbo, cycle=cycle(), defaults={"status": SubmissionStatus.SENT})
    with pytest.raises(indicator_services.DataLockedError):
        services.institutional_commitment_follow_up(
            user=camila, commitment=commitment, cycle=cycle(), status="cumplido", follow_up=""
        )


def test_an_open_commitment_is_followed_up_from_later_cycles_a_closed_one_is_not(daniela, camila, coquimbo):
    evaluation = record(daniela, coquimbo)
    open_one, done_one = commit(daniela, evaluation), commit(daniela, evaluation, description="Publicar informe")
    services.institutional_commitment_follow_up(
        user=camila, commitment=done_one, cycle=cycle(), status="cumplido", follow_up="Publicado"
    )
    later = EvaluationCycle.objects.create(year=2013, history_years=4)
    services.institutional_commitment_follow_up(
        user=camila, commitment=open_one, cycle=later, status="cumplido", follow_up="Cumplido en 2013"
    )
    with pytest.raises(ValidationError, match="2012"):
        services.institutional_commitment_follow_up(
            user=camila, commitment=done_one, cycle=later, status="en_curso", follow_up=""
        )


def test_a_reviewer_corrects_what_was_agreed_but_not_its_follow_up(daniela, camila, coquimbo):
    commitment = commit(daniela, record(daniela, coquimbo))
    services.institutional_commitment_change(
        user=daniela, commitment=commitment, description="Otro texto", owner="Jefa DIPLADE", due_date=TODAY
    )
    commitment.refresh_from_db()
    assert (commitment.description, commitment.owner, commitment.due_date) == ("Otro texto", "Jefa DIPLADE", TODAY)
    with pytest.raises(PermissionDenied):
        services.institutional_commitment_change(
            user=camila, commitment=commitment, description="x", owner="y", due_date=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.institutional_commitment_follow_up(
            user=daniela, commitment=commitment, cycle=cycle(), status="cumplido", follow_up=""
        )


# The pages


def test_a_reviewer_records_an_evaluation_in_the_browser_form_with_its_report(client, daniela, coquimbo):
    client.force_login(daniela)
    page = soup(client.get(url("evaluations")))
    data = form_data(page.select_one("#evaluation-form"))
    data.update(
        {
            "line": line("ex-ante").pk,
            "program": "Programa Mejoramiento de Caletas",
            "product": StrategicProduct.objects.get(region=coquimbo, number=1).pk,
            "evaluator": "DIPRES",
            "finished_on": "30-04-2012",
            "verdict": verdict("objetado").pk,
            "file": SimpleUploadedFile("ex-ante.pdf", PDF),
        }
    )
    response = client.post(url("evaluations"), data)
    evaluation = ProgramEvaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("evaluation", pk=evaluation.pk)
    detail = soup(client.get(response["Location"]))
    assert text(detail.select_one("[data-kind=verdict]")) == "Objetado técnicamente"
    assert text(detail.select_one("[data-report]")) == "ex-ante.pdf"
    report = client.get(url("report_download", pk=evaluation.pk))
    assert b"".join(report.streaming_content) == PDF
    assert report["Content-Disposition"].startswith("attachment")


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, daniela):
    client.force_login(daniela)
    data = form_data(soup(client.get(url("evaluations"))).select_one("#evaluation-form"))
    data.update({"line": line("epg").pk, "program": "", "evaluator": "Panel", "verdict": verdict("recomendado").pk})
    page = soup(client.post(url("evaluations"), data), status=400)
    assert "No se guardó nada" in text(page.select_one("#evaluation-errors"))
    assert "Indique el programa evaluado." in text(page.select_one("#evaluation-form"))
    assert "no es de la lista del ciclo" in text(page.select_one("#evaluation-form"))
    assert not ProgramEvaluation.objects.exists()


def test_analysts_read_their_regions_evaluations_and_cannot_record_or_read_anothers(
    client, daniela, camila, bruno, coquimbo
):
    evaluation = record(daniela, coquimbo)
    client.force_login(camila)
    page = soup(client.get(url("evaluations")))
    assert page.select_one("#evaluation-form") is None
    assert client.post(url("evaluations"), {"line": line("epg").pk}).status_code == 403
    assert client.post(url("evaluation", pk=evaluation.pk), {}).status_code == 403
    client.force_login(bruno)
    assert client.get(url("evaluation", pk=evaluation.pk)).status_code == 403
    # Biobío's page with Coquimbo's evaluation id: no such evaluation there.
    assert client.get(url("evaluation", code="CL-BI", pk=evaluation.pk)).status_code == 404


def test_the_analyst_follows_up_on_the_page_and_overdue_commitments_are_marked(client, daniela, camila, coquimbo):
    evaluation = record(daniela, coquimbo)
    late = commit(daniela, evaluation, days=-3, description="Entregar el plan de acción")
    commit(daniela, evaluation, days=60)
    client.force_login(camila)
    page = soup(client.get(url("evaluation", pk=evaluation.pk)))
    late_box = page.select_one(f"#compromiso-{late.pk}")
    assert late_box.select_one("[data-overdue]") is not None
    assert len(page.select("[data-overdue]")) == 1
    response = client.post(
        url("commitment_follow_up", pk=evaluation.pk, commitment=late.pk),
        {"status": "cumplido", "follow_up": "Plan entregado el 2 de mayo", "version": late.version},
    )
    assert response.status_code == 302
    page = soup(client.get(url("evaluation", pk=evaluation.pk)))
    assert text(page.select_one(f"#compromiso-{late.pk} [data-status]")) == "Cumplido"
    assert page.select_one("[data-overdue]") is None
    history = text(page.select_one("#historial"))
    assert "Plan entregado el 2 de mayo" in history
    assert "Camila" in history
    # The list shows how the evaluation's commitments stand.
    row = soup(client.get(url("evaluations"))).select_one(f"tr[data-evaluation='{evaluation.pk}']")
    assert cells(row, "td.text-end") == ["2", "1", "1", "0"]


def test_pending_lists_open_institutional_commitments_with_overdue_ones_marked(client, daniela, camila, coquimbo):
    evaluation = record(daniela, coquimbo, program="Programa Borde Costero")
    late = commit(daniela, evaluation, days=-1, description="Actualizar diagnóstico")
    client.force_login(camila)
    page = soup(client.get(reverse("results:pending")))
    item = page.select_one(f"ul.institutional li[data-commitment='{late.pk}']")
    assert "Actualizar diagnóstico" in text(item)
    assert "vencido" in text(item)
    assert item.select_one("a")["href"] == url("evaluation", pk=evaluation.pk) + f"#compromiso-{late.pk}"


def test_the_dashboard_report_and_national_view_show_evaluations_and_commitments(client, daniela, coquimbo, biobio):
    client.force_login(daniela)
    dashboard_url = reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})
    assert "Sin evaluaciones en este ciclo." in text(soup(client.get(dashboard_url)).select_one("#evaluaciones").parent)
    evaluation = record(daniela, coquimbo, verdict=verdict("rediseno"))
    commit(daniela, evaluation, days=-5)
    commit(daniela, evaluation, days=10)
    record(daniela, biobio, line_code="ecg", program="")
    # The cached dashboard is drawn again: the evaluation raised the region's version.
    row = soup(client.get(dashboard_url)).select_one(f"tr[data-evaluation='{evaluation.pk}']")
    assert "Rediseño sustantivo" in text(row)
    assert cells(row, "td.text-end") == ["2", "0", "2", "1"]
    report = soup(client.get(reverse("results:report", kwargs={"code": "CL-CO", "year": 2012})))
    section = text(report.select_one("#evaluaciones"))
    assert "Programa de Fomento Productivo" in section
    assert "vencido" in section
    national = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    assert cells(national, "#national-evaluations tr[data-region='CL-CO'] td") == ["1", "2", "0", "0", "2", "1"]
    assert cells(national, "#national-evaluations tr[data-region='CL-BI'] td") == ["1", "0", "0", "0", "0", "0"]


def test_exports_carry_evaluations_and_commitments(client, daniela, coquimbo):
    evaluation = record(daniela, coquimbo, verdict=verdict("rediseno"), is_illustrative=True)
    commit(daniela, evaluation, days=-5, description="=HYPERLINK(evil)")
    client.force_login(daniela)
    workbook = load_workbook(io.BytesIO(client.get(url("xlsx")).content), read_only=True)
    assert "Datos ilustrativos" in workbook["Evaluaciones"]["A1"].value
    rows = list(workbook["Compromisos institucionales"].values)
    assert rows[2][2] == "'=HYPERLINK(evil)"  # never a formula
    assert rows[2][5] == "Pendiente"
    assert rows[2][6] is True
    csv = client.get(url("csv") + "?tabla=compromisos").content.decode("utf-8-sig")
    assert "Jefe División de Planificación" in csv
    dashboard_xlsx = client.get(reverse("results:dashboard_xlsx", kwargs={"code": "CL-CO", "year": 2012}))
    assert "Evaluaciones" in load_workbook(io.BytesIO(dashboard_xlsx.content)).sheetnames
    national = client.get(reverse("results:national_xlsx", kwargs={"year": 2012}))
    sheet = load_workbook(io.BytesIO(national.content))["Evaluaciones"]
    assert [c.value for c in sheet[2]][:3] == ["Coquimbo", 1, 1]


def test_the_budget_page_shows_the_ex_ante_recommendation_and_flags_money_without_it(client, daniela, camila, coquimbo):
    product = StrategicProduct.objects.get(region=coquimbo, number=1)
    record(
        daniela, coquimbo, line_code="ex-ante", program="Programa Caletas", product=product, verdict=verdict("objetado")
    )
    client.force_login(camila)
    budget_url = reverse("results:budget", kwargs={"code": "CL-CO", "year": 2012})
    cell = soup(client.get(budget_url)).select_one("tr[data-product='1'] [data-kind=ex-ante]")
    assert "Objetado técnicamente" in text(cell)
    assert cell.select_one("[data-flag=unfavourable]") is None  # no money allocated yet
    indicator_services.product_budgets_save(
        user=camila,
        region=coquimbo,
        cycle=cycle(),
        rows=[indicator_services.BudgetInput(product, D("1000"), None, None, 0)],
    )
    cell = soup(client.get(budget_url)).select_one("tr[data-product='1'] [data-kind=ex-ante]")
    assert "sin recomendación favorable" in text(cell.select_one("[data-flag=unfavourable]"))


def test_an_earlier_cycles_evaluation_is_shown_later_while_it_has_open_commitments(client, daniela, camila, coquimbo):
    evaluation = record(daniela, coquimbo)
    commitment = commit(daniela, evaluation)
    EvaluationCycle.objects.create(year=2013, history_years=4)
    client.force_login(camila)
    row = soup(client.get(url("evaluations", year=2013))).select_one(f"tr[data-evaluation='{evaluation.pk}']")
    assert "Del ciclo 2012" in text(row)
    services.institutional_commitment_follow_up(
        user=camila, commitment=commitment, cycle=cycle(2013), status="cumplido", follow_up=""
    )
    assert soup(client.get(url("evaluations", year=2013))).select_one(f"tr[data-evaluation='{evaluation.pk}']") is None
    assert client.get(url("evaluation", year=2013, pk=evaluation.pk)).status_code == 404


def test_the_evaluations_page_costs_the_same_queries_with_more_evaluations(client, daniela, coquimbo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    commit(daniela, record(daniela, coquimbo))
    client.force_login(daniela)
    client.get(url("evaluations"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("evaluations"))
    for number in range(5):
        commit(daniela, record(daniela, coquimbo, program=f"Programa {number}"))
    with CaptureQueriesContext(connection) as six:
        client.get(url("evaluations"))
    assert len(six) == len(one)
