"""Backup and restore: everything comes back into a fresh database, history and evidence files included."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Evidence, Indicator, Measurement
from pbr.management.commands.backup import backed_up_models
from results.services.workflow import submission_send


def counts():
    return {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_nothing_lost(tmp_path, camila, settings):
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    services.measurements_save(
        user=camila,
        region=indicator.region,
        cycle=cycle,
        cells=[
            services.CellInput(
                indicator=indicator,
                year=2012,
                kind="efectivo",
                numerator=Decimal("240.5"),
                denominator=Decimal(262),
                version=0,
            )
        ],
    )
    services.evidence_add(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        year=2010,
        upload=SimpleUploadedFile("informe.pdf", b"%PDF-1.4 respaldo"),
    )
    submission_send(user=camila, region=indicator.region, cycle=cycle)
    before = counts()
    measurement = Measurement.objects.get(indicator=indicator, year=2012, kind="efectivo")
    history_users = sorted(
        Measurement.history.values_list("history_user__username", flat=True).exclude(history_user=None)
    )

    archive = tmp_path / "respaldo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("flush", "--no-input", verbosity=0)  # a fresh database: migrated, nothing else
    settings.MEDIA_ROOT = tmp_path / "media-nueva"
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "todas las tablas coinciden" in out.getvalue()
    assert counts() == before
    restored = Measurement.objects.get(pk=measurement.pk)
    assert (restored.numerator, restored.denominator, restored.version) == (Decimal("240.5"), Decimal(262), 1)
    assert (
        sorted(Measurement.history.values_list("history_user__username", flat=True).exclude(history_user=None))
        == history_users
    )
    evidence = Evidence.objects.get()
    with evidence.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 respaldo"
    assert apps.get_model("auth", "User").objects.get(username="camila").check_password("s3cret-Pass-2012")
    # New rows get new ids after the restored ones.
    assert (
        Indicator.objects.create(
            region=indicator.region,
            product=indicator.product,
            code="CO-02",
            name="n",
            formula="f",
            numerator_description="a",
            dimension="calidad",
            control_scope="producto",
        ).pk
        > indicator.pk
    )
    with pytest.raises(CommandError, match="no está vacía"):
        call_command("restore", str(archive), stdout=io.StringIO())
