"""What the indicators' pages offer as the data's state changes: locked data is shown, not offered for typing,
its spreadsheet can still be downloaded; the sobrecumplimiento justification is asked only when it applies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Indicator, ResultAnalysis
from indicators.selectors import submission_problems
from results.services import workflow
from tests.html import soup, text

pytestmark = pytest.mark.django_db
CO = {"code": "CL-CO", "year": 2012}
AN08 = {"code": "CL-AN", "year": 2012, "indicator": "AN-08"}


@pytest.fixture
def cycle():
    return EvaluationCycle.objects.get(year=2012)


def test_locked_entry_page_shows_the_figures_without_inviting_to_type(client, camila, coquimbo, cycle):
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:entry", kwargs={**CO, "product": 1})))
    assert "se muestran sin poder modificarse" in text(page)
    assert not page.select("#entry-grid input:not([type=hidden])")
    assert not page.select("main button[type=submit]")  # no «Guardar»
    assert "Escriba los números" not in text(page)
    # No live values wired to inputs that are not there (entry.js once failed on them).
    assert not page.select("output[data-numerator]")
    assert "262" in text(page.select_one("#entry-grid"))


def test_editable_entry_page_wires_each_value_to_its_inputs(client, camila):
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:entry", kwargs={**CO, "product": 1})))
    outputs = page.select("output[data-numerator]")
    assert outputs
    for output in outputs:
        assert page.select_one(f"#{output['data-numerator']}")


def test_the_spreadsheet_stays_downloadable_when_the_data_is_locked(client, camila, coquimbo, cycle):
    download = reverse("indicators:spreadsheet_download", kwargs=CO)
    upload = reverse("indicators:spreadsheet", kwargs=CO)
    client.force_login(camila)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert page.select_one(f"#envio a[href='{upload}']")  # editable: the page to download and upload

    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    page = soup(client.get(reverse("indicators:region", kwargs=CO)))
    assert not page.select(f"#envio a[href='{upload}']")
    assert "Planilla Excel" in text(page.select_one(f"#envio a[href='{download}']"))
    assert client.get(download).status_code == 200


def enter_actual(user, code, numerator):
    indicator = Indicator.objects.get(code=code)
    cell = services.CellInput(
        indicator=indicator, year=2012, kind="efectivo", numerator=Decimal(numerator), denominator=None, version=0
    )
    cycle = EvaluationCycle.objects.get(year=2012)
    services.measurements_save(user=user, region=indicator.region, cycle=cycle, cells=[cell])


def justification_field(page):
    return page.select_one("#analisis [name=overachievement_justification]")


def test_the_justification_is_asked_only_above_the_threshold(client, ana):
    client.force_login(ana)
    url = reverse("indicators:indicator", kwargs=AN08)

    enter_actual(ana, "AN-08", 5)  # 5 agreements against a meta of 5: 100 %, no justification asked
    page = soup(client.get(url))
    assert justification_field(page) is None  # met: no analysis asked, so no form (issue 24)
    assert "Justificación del sobrecumplimiento" not in text(page.select_one("#analisis"))

    Indicator.objects.get(code="AN-08").measurements.filter(year=2012, kind="efectivo").delete()
    enter_actual(ana, "AN-08", 7)  # 140 %: above the 130 % threshold
    page = soup(client.get(url))
    field = justification_field(page)
    assert field.name == "textarea"
    assert "Justificación del sobrecumplimiento" in text(page.select_one(f"label[for={field['id']}]"))


def test_a_missing_justification_is_still_refused_above_the_threshold(client, ana, antofagasta, cycle):
    enter_actual(ana, "AN-08", 7)
    client.force_login(ana)
    response = client.post(reverse("indicators:analysis", kwargs=AN08), {"causes": "", "version": 0})
    assert "justifíquelo" in text(soup(response, 400).select_one("#analisis"))
    assert "AN-08: justifique el sobrecumplimiento." in submission_problems(region=antofagasta, cycle=cycle)


def test_a_justification_given_before_is_kept_when_it_is_no_longer_asked(client, ana):
    enter_actual(ana, "AN-08", 7)
    client.force_login(ana)
    url = reverse("indicators:analysis", kwargs=AN08)
    client.post(url, {"causes": "", "overachievement_justification": "Dos acuerdos extra.", "version": 0})
    measurement = Indicator.objects.get(code="AN-08").measurements.get(year=2012, kind="efectivo")
    measurement.numerator = Decimal(5)  # corrected to the meta: the field is no longer shown
    measurement.save()
    page = soup(client.get(reverse("indicators:indicator", kwargs=AN08)))
    hidden = justification_field(page)
    assert (hidden["type"], hidden["value"]) == ("hidden", "Dos acuerdos extra.")
    version = page.select_one("#analisis input[name=version]")["value"]
    client.post(
        url, {"causes": "Nada que agregar", "overachievement_justification": hidden["value"], "version": version}
    )
    assert ResultAnalysis.objects.get(indicator__code="AN-08").overachievement_justification == "Dos acuerdos extra."


# Two people on the same analysis or commitment: the second never overwrites the first unknowingly.


def test_a_second_analysis_written_from_a_stale_page_is_refused_and_kept_in_the_form(client, camila, ana):
    co01 = {**CO, "indicator": "CO-01"}
    client.force_login(camila)
    url = reverse("indicators:analysis", kwargs=co01)
    assert client.post(url, {"causes": "Caída del portal", "version": 0}).status_code == 302  # the first
    response = client.post(url, {"causes": "Falta de personal", "version": 0})  # read before the first saved
    page = soup(response, 400)
    assert "Otra persona cambió esto después de que usted lo leyó" in text(page)
    assert "Falta de personal" in page.select_one("#analisis textarea[name=causes]").get_text()
    assert page.select_one("#analisis input[name=version]")["value"] == "1"  # saving again is now a choice
    assert ResultAnalysis.objects.get().causes == "Caída del portal"
    assert client.post(url, {"causes": "Falta de personal", "version": 1}).status_code == 302
    analysis = ResultAnalysis.objects.get()
    assert (analysis.causes, analysis.version) == ("Falta de personal", 2)


def test_dipres_decision_moves_the_analysis_version(camila, daniela, coquimbo, cycle):
    co01 = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila, indicator=co01, cycle=cycle, causes="Paro", external_causes=True,
        overachievement_justification="", version=0,
    )  # fmt: skip
    workflow.submission_send(user=camila, region=coquimbo, cycle=cycle)
    decided = services.result_analysis_decide(user=daniela, analysis=co01.analyses.get(), accepted=True)
    assert decided.version == 2


def test_a_stale_follow_up_is_refused(client, camila, cycle):
    from datetime import date

    commitment = services.improvement_commitment_add(
        user=camila, indicator=Indicator.objects.get(code="CO-01"), cycle=cycle, description="Responder en 3 días",
        owner="Jefa DAF", due_date=date(2012, 12, 31), recorded_on=date(2012, 1, 1),
    )  # fmt: skip
    url = reverse("indicators:commitment_follow_up", kwargs={**CO, "indicator": "CO-01", "pk": commitment.pk})
    client.force_login(camila)
    assert client.post(url, {"status": "en_curso", "follow_up": "Avance", "version": 1}).status_code == 302
    response = client.post(url, {"status": "cumplido", "follow_up": "Listo", "version": 1})
    assert "Otra persona cambió esto después de que usted lo leyó" in text(soup(response, 400))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.follow_up, commitment.version) == ("en_curso", "Avance", 2)
