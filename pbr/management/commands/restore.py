"""Restores a backup made by `backup` into a fresh, migrated database, then checks every table's count."""

import json
import tarfile
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core import caching
from evaluation.versions import raise_everything
from investments.models import MideplanResult
from pbr.management.commands.backup import backed_up_models
from pmg.models import ExcellenceCriterion
from programs.models import EvaluationLine
from regions.models import Region

# Models renamed since backups began (issue 10): an older backup names them by their old labels.
RENAMED_MODELS = {
    "indicators.indicatorcommitment": "indicators.indicatorweighting",
    "indicators.historicalindicatorcommitment": "indicators.historicalindicatorweighting",
    "indicators.deviation": "indicators.resultanalysis",
    "indicators.historicaldeviation": "indicators.historicalresultanalysis",
}


def current_label(label: str) -> str:
    """Return the model label as it is named today (a renamed model's new label; any other unchanged)."""
    return RENAMED_MODELS.get(label, label)


def _current_permission(key: list) -> list:
    # A permission's natural key is [codename, app label, model]; Django's own codenames end in _<model>.
    codename, app_label, model = key
    renamed = current_label(f"{app_label}.{model}")
    if renamed == f"{app_label}.{model}":
        return key
    new_model = renamed.partition(".")[2]
    if codename.endswith(f"_{model}"):
        codename = codename.removesuffix(model) + new_model
    return [codename, app_label, new_model]


def upgrade_backup(objects: list[dict], counts: dict[str, int]) -> tuple[list[dict], dict[str, int]]:
    """Return a backup's serialized objects and manifest counts with the models' current labels.

    Also renames the permissions a user or group holds on a renamed model. A backup made after the renames
    comes back unchanged.
    """
    upgraded = []
    for item in objects:
        fields = dict(item["fields"])
        for name in ("permissions", "user_permissions"):
            if name in fields:
                fields[name] = [_current_permission(key) for key in fields[name]]
        upgraded.append({**item, "model": current_label(item["model"]), "fields": fields})
    return upgraded, {current_label(label): count for label, count in counts.items()}


def _upgrade_in_place(data: Path, manifest: dict) -> None:
    """Rewrite an older backup's extracted data and its manifest's counts with the current labels."""
    if not RENAMED_MODELS.keys() & manifest["counts"].keys():  # made after the renames: nothing to do
        return
    objects, manifest["counts"] = upgrade_backup(json.loads(data.read_text(encoding="utf-8")), manifest["counts"])
    data.write_text(json.dumps(objects), encoding="utf-8")


class Command(BaseCommand):
    help = _("Restaura un respaldo de «backup» en una base de datos nueva (migrada y vacía).")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if Region.objects.exists() or get_user_model().objects.exists():
            raise CommandError(_("La base de datos no está vacía: restaure en una base nueva (migrate y nada más)."))
        with tempfile.TemporaryDirectory() as folder, tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
            root = Path(folder)
            manifest = json.loads((root / "manifest.json").read_text())
            data = root / "data.json"
            _upgrade_in_place(data, manifest)
            with transaction.atomic():
                Group.objects.all().delete()  # migrate made the built-in groups; the backup holds them
                EvaluationLine.objects.all().delete()  # and the catalogues of evaluations and investments
                MideplanResult.objects.all().delete()
                ExcellenceCriterion.objects.all().delete()
                # loaddata saves in file order (dependencies first), resolves natural keys, defers
                # constraint checks to the end and resets the sequences.
                call_command("loaddata", str(data), verbosity=0)
            media = root / "media"
            for path in sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []:
                name = path.relative_to(media).as_posix()
                with path.open("rb") as handle:
                    stored = default_storage.save(name, File(handle))
                if stored != name:
                    raise CommandError(_("El archivo %(name)s ya existía en el almacenamiento.") % {"name": name})
        # Stored results are derived data, not in the backup: recompute them. Cached pages were keyed by
        # versions the restore may reuse: start afresh.
        raise_everything()  # every version rises, and the stored results are recomputed with them
        caching.clear()
        missing = {
            label: (expected, model._default_manager.count())
            for model in backed_up_models()
            if (label := model._meta.label_lower) in manifest["counts"]
            and model._default_manager.count() != (expected := manifest["counts"][label])
        }
        if missing:
            raise CommandError(_("Las cuentas no coinciden tras restaurar: %(diff)s") % {"diff": missing})
        self.stdout.write(
            _("Restaurado: %(rows)s filas, todas las tablas coinciden con el respaldo.")
            % {"rows": sum(manifest["counts"].values())}
        )
