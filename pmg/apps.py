from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PmgConfig(AppConfig):
    """The Programa de Mejoramiento de la Gestión (management systems, each GORE's commitment per system and
    its validated result) and the self-assessment against the Modelo Chileno de Gestión de Excelencia. Beside
    programs and investments, below results."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pmg"
    verbose_name = _("PMG y modelo de excelencia")

    def ready(self) -> None:
        # Imported here: the receivers need the models, importable only once apps are ready.
        from pmg import signals  # noqa: PLC0415

        signals.connect()
