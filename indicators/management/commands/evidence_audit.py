"""Compares the evidence files with their rows: orphan files (a process died between writing a file and saving
its row) and rows whose file the storage lacks. Run it from cron (daily) with --delete-orphans."""

import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from indicators import services


class Command(BaseCommand):
    help = _("Compara los archivos de los medios de verificación con sus registros; elimina los huérfanos si se pide.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans", action="store_true", help=_("Elimina los archivos que ningún registro nombra.")
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            help=_("Solo archivos de más de estos minutos (una subida en curso no es huérfana). Por omisión, 60."),
        )

    def handle(self, *args, delete_orphans: bool, older_than: int, **options):
        audit = services.evidence_storage_audit(
            older_than=datetime.timedelta(minutes=older_than), delete_orphans=delete_orphans
        )
        verb = _("eliminado") if delete_orphans else _("huérfano")
        for name in audit.orphans:
            self.stdout.write(f"{verb}: {name}")
        for name in audit.missing:
            self.stderr.write(_("falta el archivo de un registro: %(name)s") % {"name": name})
        self.stdout.write(
            _("%(orphans)s archivos huérfanos, %(missing)s registros sin archivo.")
            % {"orphans": len(audit.orphans), "missing": len(audit.missing)}
        )
