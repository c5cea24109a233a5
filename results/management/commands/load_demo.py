"""Loads the illustrative 2011 cycle beside the document's data (results/demo_data.py). Refused outside
DEBUG: its analyst has the demo logins' public password. Loading twice changes nothing."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from results import demo


class Command(BaseCommand):
    help = _(
        "Carga un ciclo 2011 ilustrativo (regiones, indicadores, cifras, envíos y compromisos de ejemplo) junto a "
        "los datos del documento; se quita con «manage.py remove_demo»."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_("Permite cargarla aunque DEBUG esté desactivado (solo para ambientes de prueba)."),
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                _("La demostración crea un usuario con contraseña pública: no se carga con DEBUG desactivado.")
            )
        try:
            loaded = demo.demo_load(today=timezone.localdate())
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError(_("No se cargó nada: %(reason)s") % {"reason": " ".join(messages)}) from error
        if loaded is None:
            self.stdout.write(_("La demostración ya estaba cargada: no se cambió nada."))
            return
        self.stdout.write(
            _(
                "Demostración cargada: ciclo %(year)s ilustrativo, %(regions)s regiones, %(indicators)s indicadores, "
                "%(figures)s valores. Analista de sus regiones: %(user)s / %(password)s. Se quita con «manage.py "
                "remove_demo»."
            )
            % {
                "year": loaded.cycle.year,
                "regions": loaded.regions,
                "indicators": loaded.indicators,
                "figures": loaded.figures,
                "user": demo.demo_data.DEMO_ANALYST,
                "password": demo.DEMO_PASSWORD,
            }
        )
