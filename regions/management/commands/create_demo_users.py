"""Creates the demo logins listed in the README that are missing. One that exists is left as it is (an admin
may have changed its password, address or roles since) and named. Never run by a migration; refused outside
DEBUG."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.models import Region
from regions.services import user_upsert

# username, password, first name, last name, e-mail, superuser, reviewer, analyst of, head of (ISO codes). The
# addresses are the demo's own (example.cl): with `make run` their mails are written to correos/.
DEMO_USERS = [
    ("admin", "pbr-admin-2012", "Ana", "Administradora", "admin@pbr.example.cl", True, False, (), ()),
    (
        "analista.coquimbo",
        "pbr-demo-2012",
        "Camila",
        "Rojas",
        "analista.coquimbo@gore.example.cl",
        False,
        False,
        ("CL-CO",),
        (),
    ),
    (
        "analista.biobio",
        "pbr-demo-2012",
        "Bruno",
        "Sepúlveda",
        "analista.biobio@gore.example.cl",
        False,
        False,
        ("CL-BI",),
        (),
    ),
    ("jefe.biobio", "pbr-demo-2012", "Héctor", "Muñoz", "jefe.biobio@gore.example.cl", False, False, (), ("CL-BI",)),
    ("revisor.dipres", "pbr-demo-2012", "Daniela", "Pérez", "revisor@dipres.example.cl", False, True, (), ()),
]


class Command(BaseCommand):
    help = _(
        "Crea los usuarios de demostración que falten (admin, analistas de Coquimbo y Biobío, jefatura de "
        "Biobío, revisor DIPRES); los que ya existen se dejan como están."
    )

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
        existing = set(
            get_user_model()
            .objects.filter(username__in=[spec[0] for spec in DEMO_USERS])
            .values_list("username", flat=True)
        )
        for username, password, first, last, email, superuser, reviewer, analyst_of, head_of in DEMO_USERS:
            if username in existing:
                self.stdout.write(
                    _(
                        "%(username)s: ya existía; se dejó como está (su contraseña, su correo y sus roles pueden "
                        "haber cambiado)."
                    )
                    % {"username": username}
                )
                continue
            regions = list(Region.objects.filter(iso_code__in=analyst_of))
            headed = list(Region.objects.filter(iso_code__in=head_of))
            if len(regions) != len(analyst_of) or len(headed) != len(head_of):
                raise CommandError(_("Faltan regiones: cargue primero los fixtures (make fixtures)."))
            user_upsert(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                email=email,
                is_superuser=superuser,
                reviewer=reviewer,
                analyst_of=regions,
                head_of=headed,
            )
            self.stdout.write(f"{username} / {password}")
