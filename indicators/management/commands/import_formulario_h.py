"""Loads a region's Formulario H spreadsheet: preview by default, --apply to save (all or nothing)."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import EvaluationCycle
from indicators import services, spreadsheets
from regions.models import Region


class Command(BaseCommand):
    help = _("Importa la planilla Formulario H de una región: muestra los cambios y, con --apply, los guarda.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help=_("Usuario que importa (queda en la auditoría)."))
        parser.add_argument("--apply", action="store_true", help=_("Guarda los cambios si no hay problemas."))

    def handle(self, *args, file: Path, user: str, apply: bool, **options):
        started = time.monotonic()
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(_("No existe el usuario activo «%(user)s».") % {"user": user})
        if not file.is_file():
            raise CommandError(_("No existe el archivo %(file)s.") % {"file": file})
        with file.open("rb") as handle:
            upload = File(handle, name=file.name)
            self._progress(_("Leyendo %(file)s…") % {"file": file.name}, started)
            try:
                parsed = spreadsheets.read_template(upload, upload.size)
                region = Region.objects.get(iso_code=parsed.region_code.upper())
                cycle = EvaluationCycle.objects.get(year=parsed.cycle_year)
            except spreadsheets.SpreadsheetError as error:
                raise CommandError(str(error)) from None
            except (Region.DoesNotExist, EvaluationCycle.DoesNotExist):
                raise CommandError(
                    _("La planilla no indica una región y un ciclo existentes (celdas B2 y D2).")
                ) from None
            self._progress(
                _("%(rows)s filas; comparando con los datos guardados…") % {"rows": len(parsed.rows)}, started
            )
            try:
                log = services.spreadsheet_preview(
                    user=person, region=region, cycle=cycle, upload=upload, trial=not apply, parsed=parsed
                )
            except (spreadsheets.SpreadsheetError, PermissionDenied) as error:
                raise CommandError(str(error)) from None
        for problem in log.errors[:50]:
            self.stderr.write(f"{problem['cell']}: {problem['message']}" if problem["cell"] else problem["message"])
        if log.errors:
            raise CommandError(
                ngettext(
                    "%(count)s problema: no se guardó nada.", "%(count)s problemas: no se guardó nada.", len(log.errors)
                )
                % {"count": len(log.errors)}
            )
        self._progress(
            ngettext("%(count)s valor cambiaría.", "%(count)s valores cambiarían.", len(log.changes))
            % {"count": len(log.changes)},
            started,
        )
        if not apply:
            self.stdout.write(
                _("Vista previa registrada (importación %(pk)s). Use --apply para guardar.") % {"pk": log.pk}
            )
            return
        try:
            log = services.spreadsheet_apply(user=person, log=log)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._progress(
            ngettext("Guardado %(count)s valor.", "Guardados %(count)s valores.", log.applied) % {"count": log.applied},
            started,
        )

    def _progress(self, message: str, started: float) -> None:
        self.stdout.write(f"[{time.monotonic() - started:6.1f} s] {message}")
