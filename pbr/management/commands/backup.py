"""Writes a complete backup: every table's rows (audit history included) and the uploaded evidence files,
in one .tar.gz with a manifest of row counts. Restore it into a fresh database with `restore`."""

import io
import json
import tarfile
import time
from pathlib import Path

import django
from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import sort_dependencies
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Evidence

# Sessions and login-attempt records are ephemeral; permissions and content types are rebuilt by migrate.
EXCLUDED = {
    "sessions.session",
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "evaluation.dataversion",
    # Derived data: recomputed from the figures after a restore.
    "results.storedregionresult",
}


def backed_up_models():
    """Return the models a backup holds, in an order that loads (dependencies first)."""

    app_list = [(config, None) for config in apps.get_app_configs()]
    return [m for m in sort_dependencies(app_list, allow_cycles=True) if m._meta.label_lower not in EXCLUDED]


class Command(BaseCommand):
    help = _("Respalda la base de datos completa (con la auditoría) y los archivos de evidencia en un .tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)

    def handle(self, *args, output: Path, **options):
        if not output.name.endswith(".tar.gz"):
            raise CommandError(_("El respaldo debe terminar en .tar.gz."))
        started = time.monotonic()
        counts, objects = {}, []
        for model in backed_up_models():
            rows = list(model._default_manager.order_by("pk"))
            counts[model._meta.label_lower] = len(rows)
            objects.extend(rows)
        data = serializers.serialize("json", objects, use_natural_foreign_keys=True).encode()
        manifest = {
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "counts": counts,
        }
        with tarfile.open(output, "w:gz") as archive:
            for name, content in (("manifest.json", json.dumps(manifest, indent=2).encode()), ("data.json", data)):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
            # Evidence files through the storage in use (local disk or S3), under their stored names.
            for name in Evidence.objects.values_list("file", flat=True):
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
                info = tarfile.TarInfo(f"media/{name}")
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        total = sum(counts.values())
        self.stdout.write(
            _("Respaldo %(file)s: %(rows)s filas de %(tables)s tablas en %(seconds).1f s.")
            % {"file": output, "rows": total, "tables": len(counts), "seconds": time.monotonic() - started}
        )
