"""The PMG: each cycle's management systems (a configurable catalogue copied from the previous cycle), the
region's commitment per system, DIPRES's validation and the PMG's compliance; and the self-assessment against
the excellence model with its trend across cycles."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation.models import EvaluationCycle, Submission, SubmissionStatus
from indicators.services import DataLockedError
from pmg import services
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment
from tests.html import cells, soup, text

pytestmark = pytest.mark.django_db

URL = reverse("pmg:pmg", kwargs={"code": "CL-CO", "year": 2012})


def cycle(year=2012):
    return EvaluationCycle.objects.get(year=year)


def system(code):
    return ManagementSystem.objects.get(cycle__year=2012, code=code)


def commit(user, region, rows):
    return services.pmg_commitments_save(
        user=user,
        region=region,
        cycle=cycle(),
        rows=[
            services.CommitmentInput(system(code), committed, reported, version)
            for code, committed, reported, version in rows
        ],
    )


def test_every_cycle_has_the_pmg_systems_and_a_new_one_copies_its_predecessors():
    assert ManagementSystem.objects.filter(cycle=cycle()).count() == 11
    assert sum(s.weight for s in ManagementSystem.objects.filter(cycle=cycle())) == D("99.99")
    ManagementSystem.objects.filter(cycle=cycle(), code="genero").update(stages=6)
    created = EvaluationCycle.objects.create(year=2013, history_years=4)
    assert ManagementSystem.objects.get(cycle=created, code="genero").stages == 6
    assert ExcellenceCriterion.objects.count() == 7
    assert sum(ExcellenceCriterion.objects.values_list("max_score", flat=True)) == 1000


def test_compliance_is_the_weight_of_the_validated_systems_met(camila, daniela, coquimbo, client):
    commit(camila, coquimbo, [("capacitacion", 2, 2, 0), ("oirs", 3, 3, 0), ("compras", 4, 3, 0)])
    for code, validated in (("capacitacion", 2), ("oirs", 2)):
        item = PmgCommitment.objects.get(system__code=code)
        services.pmg_validate(user=daniela, commitment=item, validated_stage=validated, notes="", version=item.version)
    client.force_login(daniela)
    page = soup(client.get(URL))
    # Capacitación met, OIRS not (2 < 3), Compras awaiting validation: 9,09 of 27,27 points → 33,3 %.
    assert text(page.select_one("#pmg-summary [data-kind=compliance]")) == "33,3 %"
    assert "1 cumplidos de 2 validados (3 comprometidos)" in text(page.select_one("#pmg-summary"))
    assert "provisional" in text(page.select_one("#pmg-summary"))
    dashboard = soup(client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})))
    assert text(dashboard.select_one("[data-kind=pmg-compliance]")) == "33,3 %"
    national = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    assert cells(national, "#national-pmg tr[data-region='CL-CO'] td") == ["3", "2", "1", "33,3 % provisional"]


def test_who_commits_who_validates(camila, bruno, daniela, coquimbo):
    with pytest.raises(PermissionDenied):
        commit(daniela, coquimbo, [("capacitacion", 2, None, 0)])
    with pytest.raises(PermissionDenied):
        commit(bruno, coquimbo, [("capacitacion", 2, None, 0)])
    commit(camila, coquimbo, [("capacitacion", 2, None, 0)])
    item = PmgCommitment.objects.get()
    with pytest.raises(PermissionDenied):
        services.pmg_validate(user=camila, commitment=item, validated_stage=2, notes="", version=item.version)
    Submission.objects.update_or_create(region=coquimbo, cycle=cycle(), defaults={"status": SubmissionStatus.SENT})
    with pytest.raises(DataLockedError):
        commit(camila, coquimbo, [("capacitacion", 3, None, 1)])


def test_bad_stages_and_stale_rows_are_refused_whole(camila, coquimbo):
    with pytest.raises(services.PmgErrors) as refused:
        commit(camila, coquimbo, [("capacitacion", 2, None, 0), ("oirs", 9, None, 0)])  # OIRS has 4 stages
    assert "de 1 a 4" in " ".join(refused.value.by_system[system("oirs").pk])
    assert not PmgCommitment.objects.exists()
    commit(camila, coquimbo, [("capacitacion", 2, None, 0)])
    with pytest.raises(services.PmgErrors):
        commit(camila, coquimbo, [("capacitacion", 3, None, 0)])  # someone saved it meanwhile


def test_a_validated_commitment_keeps_its_committed_stage(camila, daniela, coquimbo):
    commit(camila, coquimbo, [("capacitacion", 2, 2, 0)])
    item = PmgCommitment.objects.get()
    services.pmg_validate(user=daniela, commitment=item, validated_stage=2, notes="Verificado", version=1)
    with pytest.raises(services.PmgErrors, match="ya validó"):
        commit(camila, coquimbo, [("capacitacion", 1, 2, 2)])


def test_the_page_saves_commitments_and_says_bad_input_where_typed(client, camila):
    client.force_login(camila)
    target = system("capacitacion")
    response = client.post(URL, {"accion": "compromisos", f"s{target.pk}_committed": "dos", f"s{target.pk}_v": "0"})
    page = soup(response, status=400)
    assert "Escriba el número de la etapa." in text(page.select_one("tr[data-system='capacitacion']"))
    assert page.select_one(f"#s{target.pk}_committed")["value"] == "dos"
    assert not PmgCommitment.objects.exists()
    response = client.post(URL, {"accion": "compromisos", f"s{target.pk}_committed": "3", f"s{target.pk}_v": "0"})
    assert response.status_code == 302
    assert PmgCommitment.objects.get().committed_stage == 3


def test_the_self_assessment_has_a_score_per_criterion_and_its_trend(client, camila, coquimbo):
    leadership = ExcellenceCriterion.objects.get(code="liderazgo")
    results = ExcellenceCriterion.objects.get(code="resultados")
    with pytest.raises(ValidationError, match="130"):
        services.self_assessment_save(user=camila, region=coquimbo, cycle=cycle(), scores={leadership: 131})
    services.self_assessment_save(user=camila, region=coquimbo, cycle=cycle(), scores={leadership: 60, results: 120})
    later = EvaluationCycle.objects.create(year=2013, history_years=4)
    services.self_assessment_save(user=camila, region=coquimbo, cycle=later, scores={leadership: 75, results: 110})
    client.force_login(camila)
    page = soup(client.get(reverse("pmg:pmg", kwargs={"code": "CL-CO", "year": 2013})))
    assert cells(page, "#assessment thead th")[2:4] == ["2012", "2013"]
    assert text(page.select_one("tr[data-criterion='liderazgo'] [data-kind=trend]")) == "↑ +15"
    assert text(page.select_one("tr[data-criterion='resultados'] [data-kind=trend]")) == "↓ -10"
    assert cells(page, "#assessment tfoot [data-kind=total]") == ["180", "185"]


def test_where_the_cycle_gives_the_pmg_a_weight_it_decides_the_incentive_with_the_indicators(
    client, ana, camila, daniela, coquimbo
):
    from decimal import Decimal as D

    from evaluation.scoring import Rules, incentive_compliance
    from tests.evaluation.test_dashboards import enter_2012_actual

    assert incentive_compliance(D(100), D(50), Rules(pmg_share=D(30))) == D("85.00")
    assert incentive_compliance(D(100), None, Rules(pmg_share=D(30))) == D(100)  # no PMG committed
    assert incentive_compliance(D(100), D(50), Rules()) == D(100)  # the cycle gives the PMG no weight
    assert incentive_compliance(None, D(50), Rules(pmg_share=D(30))) is None
    enter_2012_actual(camila, "CO-01", "250", "262")  # CO-01 met: 100 % of the indicators
    commit(camila, coquimbo, [("capacitacion", 2, 2, 0), ("oirs", 2, 1, 0)])
    for code, validated in (("capacitacion", 2), ("oirs", 1)):
        item = PmgCommitment.objects.get(system__code=code)
        services.pmg_validate(user=daniela, commitment=item, validated_stage=validated, notes="", version=item.version)
    client.force_login(daniela)
    dashboard = reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012})
    page = soup(client.get(dashboard))
    assert text(page.select_one("[data-kpi=bonus]")) == "7,6 %"  # the indicators alone: 100 %
    assert page.select_one("[data-kpi=incentive]") is None
    cycle_row = EvaluationCycle.objects.get(year=2012)
    cycle_row.pmg_share = D(30)
    cycle_row.save()  # a rule change: every region's result in the cycle is computed again
    page = soup(client.get(dashboard))
    # 0,7 × 100 + 0,3 × 50 (one of two equally weighted systems met) = 85 %: half the bonus.
    assert text(page.select_one("[data-kpi=incentive]")).startswith("Decidido por 85,00 %")
    assert text(page.select_one("[data-kpi=bonus]")) == "3,8 %"
    assert text(page.select_one("[data-kpi=compliance]")) == "100,00 %"
    national = soup(client.get(reverse("results:national", kwargs={"year": 2012})))
    row = national.select_one("#ranking tr[data-region='CL-CO']")
    assert text(row.select_one("[data-kind=incentive]")) == "decide 85,00 % con el PMG"
    assert "peso de 30 %" in text(national.select_one("[data-pmg-share]"))


def test_the_ranking_orders_by_the_compliance_that_decides_the_incentive():
    from decimal import Decimal as D
    from types import SimpleNamespace

    from results.dashboard import ranking

    def result(name, compliance, incentive):
        return SimpleNamespace(
            region_name=name,
            region_code=name[:2],
            compliance=D(compliance) if compliance is not None else None,
            incentive_compliance=D(incentive) if incentive is not None else None,
            pending=0,
            completeness=D(100),
            dimension_share_met=lambda code: None,
        )

    rows = ranking(
        [
            result("Coquimbo", 100, 85),  # all indicators met, half the PMG: 85 % decides
            result("Biobío", 90, 90),  # no PMG committed: its indicators decide
            result("Antofagasta", 95, None),  # stored before the PMG existed: its indicators decide
            result("Ñuble", None, None),  # nothing to score yet: last
        ]
    )
    assert [(row.position, row.result.region_name) for row in rows] == [
        (1, "Antofagasta"),
        (2, "Biobío"),
        (3, "Coquimbo"),
        (None, "Ñuble"),
    ]


def test_the_pmg_and_the_self_assessment_export(client, camila, daniela, coquimbo):
    import io

    from openpyxl import load_workbook

    commit(camila, coquimbo, [("capacitacion", 2, 2, 0)])
    services.self_assessment_save(
        user=camila, region=coquimbo, cycle=cycle(), scores={ExcellenceCriterion.objects.get(code="liderazgo"): 60}
    )
    client.force_login(daniela)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("pmg:xlsx", kwargs={"code": "CL-CO", "year": 2012})).content)
    )
    assert workbook.sheetnames == ["PMG", "Autoevaluación"]
    assert [c.value for c in workbook["PMG"][2]][:5] == ["Capacitación", "Recursos humanos", 4, 9.09, 2]
    assert [c.value for c in workbook["Autoevaluación"][2]] == ["Liderazgo", 130, 60]
    csv = client.get(reverse("pmg:csv", kwargs={"code": "CL-CO", "year": 2012}) + "?tabla=autoevaluacion")
    assert "Liderazgo;130;60" in csv.content.decode("utf-8-sig")
