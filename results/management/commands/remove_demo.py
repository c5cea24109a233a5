"""Removes the illustrative cycle loaded by load_demo and everything that belongs only to it; the document's
data stay exactly as they are."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from results import demo


class Command(BaseCommand):
    help = _("Quita el ciclo ilustrativo de la demostración y todo lo que pertenece solo a él.")

    def handle(self, *args, **options):
        removed = demo.demo_remove()
        if removed is None:
            self.stdout.write(_("No hay datos ilustrativos que quitar."))
            return
        self.stdout.write(
            _(
                "Demostración quitada: ciclo %(years)s, %(indicators)s indicadores, %(products)s productos, "
                "%(figures)s valores%(users)s."
            )
            % {
                "years": ", ".join(str(year) for year in removed.cycles),
                "indicators": removed.indicators,
                "products": removed.products,
                "figures": removed.figures,
                "users": (_(" y el usuario %(user)s") % {"user": ", ".join(removed.users)}) if removed.users else "",
            }
        )
        for username in removed.kept_users:
            self.stdout.write(
                _("Se conservó el usuario %(user)s: registró acciones fuera de la demostración.") % {"user": username}
            )
