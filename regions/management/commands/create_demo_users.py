"""Creates the demo logins listed in the README. Never run by a migration; refused outside DEBUG."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.models import Region
from regions.services import user_upsert

# username, password, first name, last name, superuser, reviewer, analyst of (ISO codes)
DEMO_USERS = [
    ("admin", "pbr-admin-2012", "Ana", "Administradora", True, False, ()),
    ("analista.coquimbo", "pbr-demo-2012", "Camila", "Rojas", False, False, ("CL-CO",)),
    ("analista.biobio", "pbr-demo-2012", "Bruno", "Sepúlveda", False, False, ("CL-BI",)),
    ("revisor.dipres", "pbr-demo-2012", "Daniela", "Pérez", False, True, ()),
]


class Command(BaseCommand):
    help = _("Crea o restablece los usuarios de demostración (admin, analistas de Coquimbo y Biobío, revisor DIPRES).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_("Permite crearlos aunque DEBUG esté desactivado (solo para ambientes de prueba)."),
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                _("Los usuarios de demostración tienen contraseñas públicas: no se crean con DEBUG desactivado.")
            )
        for username, password, first, last, superuser, reviewer, iso_codes in DEMO_USERS:
            regions = list(Region.objects.filter(iso_code__in=iso_codes))
            if len(regions) != len(iso_codes):
                raise CommandError(_("Faltan regiones: cargue primero los fixtures (make fixtures)."))
            user_upsert(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                is_superuser=superuser,
                reviewer=reviewer,
                analyst_of=regions,
            )
            self.stdout.write(f"{username} / {password}")
