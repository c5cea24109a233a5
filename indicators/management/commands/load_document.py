"""Loads fixtures (by default the document's: regions, 2012 cycle, GORE Antofagasta, Coquimbo, Biobío)
and records a baseline in the audit history for every row that has none yet, so that the first later
change shows what it replaced. Loading twice changes nothing."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

from evaluation.versions import raise_everything

DOCUMENT_FIXTURES = ["regions", "cycles", "gore_antofagasta", "gore_coquimbo", "gore_biobio"]


class Command(BaseCommand):
    help = _("Carga los datos del documento fuente (o los fixtures indicados) y su línea base de auditoría.")

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help=_("Fixtures a cargar; por defecto, los del documento."))

    @transaction.atomic
    def handle(self, *args, fixtures=None, **options):
        call_command("loaddata", *(fixtures or DOCUMENT_FIXTURES), verbosity=options["verbosity"])
        raise_everything()  # loaddata's raw saves raise no version: everything may have changed
        created = 0
        for model in registered_models.values():
            if not hasattr(model._meta, "simple_history_manager_attribute"):
                continue  # a many-to-many through table: its rows are recorded with their owner
            history = get_history_manager_for_model(model)
            with_history = set(history.values_list(model._meta.pk.attname, flat=True).distinct())
            missing = [obj for obj in model._default_manager.all() if obj.pk not in with_history]
            if missing:
                history.bulk_history_create(missing, default_change_reason=_("carga inicial"))
                created += len(missing)
        if options["verbosity"]:
            self.stdout.write(
                ngettext(
                    "Línea base de auditoría: %(count)s registro.",
                    "Línea base de auditoría: %(count)s registros.",
                    created,
                )
                % {"count": created}
            )
