"""Backup and restore: everything comes back into a fresh database, history and evidence files included."""

from __future__ import annotations

import io
import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from evaluation.models import EvaluationCycle
from indicators import services
from indicators.models import Evidence, Indicator, IndicatorWeighting, Measurement, ResultAnalysis
from pbr.management.commands.backup import backed_up_models
from pbr.management.commands.restore import RENAMED_MODELS, upgrade_backup
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


# What a backup made before issue 10's renames calls the models and permissions the restore maps.
OLD_LABELS = {new: old for old, new in RENAMED_MODELS.items()}


def test_an_older_backups_labels_and_permissions_are_upgraded_and_others_kept():
    objects = [
        {"model": "indicators.indicatorcommitment", "pk": 1, "fields": {"weight": "100.00"}},
        {"model": "indicators.historicaldeviation", "pk": 2, "fields": {"causes": "Lluvias"}},
        {"model": "indicators.measurement", "pk": 3, "fields": {"year": 2012}},
        {
            "model": "auth.user",
            "pk": 4,
            "fields": {
                "username": "ana",
                "user_permissions": [
                    ["change_indicatorcommitment", "indicators", "indicatorcommitment"],
                    ["view_deviation", "indicators", "deviation"],
                    ["change_measurement", "indicators", "measurement"],
                ],
            },
        },
        {"model": "auth.group", "pk": 5, "fields": {"name": "revisores", "permissions": []}},
    ]
    counts = {"indicators.indicatorcommitment": 1, "indicators.historicaldeviation": 1, "indicators.measurement": 1}

    upgraded, upgraded_counts = upgrade_backup(objects, counts)

    assert [o["model"] for o in upgraded] == [
        "indicators.indicatorweighting",
        "indicators.historicalresultanalysis",
        "indicators.measurement",
        "auth.user",
        "auth.group",
    ]
    assert [o["fields"] for o in upgraded[:3]] == [o["fields"] for o in objects[:3]]
    assert upgraded[3]["fields"]["user_permissions"] == [
        ["change_indicatorweighting", "indicators", "indicatorweighting"],
        ["view_resultanalysis", "indicators", "resultanalysis"],
        ["change_measurement", "indicators", "measurement"],
    ]
    assert upgraded_counts == {
        "indicators.indicatorweighting": 1,
        "indicators.historicalresultanalysis": 1,
        "indicators.measurement": 1,
    }
    assert upgrade_backup(upgraded, upgraded_counts) == (upgraded, upgraded_counts)  # a current backup: as is


def _as_before_the_renames(archive: Path) -> None:
    """Rewrite a backup as one made before the renames: the old models' labels and permissions."""

    def old(label: str) -> str:
        return OLD_LABELS.get(label, label)

    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members["manifest.json"])
    manifest["counts"] = {old(label): count for label, count in manifest["counts"].items()}
    objects = json.loads(members["data.json"])
    for item in objects:
        item["model"] = old(item["model"])
        for key in item["fields"].get("user_permissions", []):
            if f"{key[1]}.{key[2]}" in OLD_LABELS:
                key[2] = old(f"{key[1]}.{key[2]}").partition(".")[2]
                key[0] = key[0].split("_")[0] + "_" + key[2]
    members["manifest.json"] = json.dumps(manifest).encode()
    members["data.json"] = json.dumps(objects).encode()
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_before_the_renames_restores_under_the_new_names(tmp_path, camila):
    cycle = EvaluationCycle.objects.get(year=2012)
    indicator = Indicator.objects.get(code="CO-01")
    services.result_analysis_save(
        user=camila,
        indicator=indicator,
        cycle=cycle,
        causes="Lluvias en junio.",
        external_causes=True,
        overachievement_justification="",
    )
    camila.user_permissions.add(Permission.objects.get(codename="view_indicatorweighting"))
    before = counts()
    archive = tmp_path / "respaldo-antiguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    _as_before_the_renames(archive)
    with tarfile.open(archive, "r:gz") as tar:
        assert "indicators.indicatorcommitment" in json.loads(tar.extractfile("manifest.json").read())["counts"]
    call_command("flush", "--no-input", verbosity=0)

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "todas las tablas coinciden" in out.getvalue()
    assert counts() == before
    assert IndicatorWeighting.objects.get(indicator__code="CO-01", cycle__year=2012).weight == Decimal(100)
    assert ResultAnalysis.objects.get(indicator__code="CO-01").causes == "Lluvias en junio."
    assert ResultAnalysis.history.latest().history_user.username == "camila"
    camila = apps.get_model("auth", "User").objects.get(username="camila")
    assert camila.has_perm("indicators.view_indicatorweighting")
