from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Evaluations of programs and of the institution (ex ante, ex post, institutional) and the compromisos
    institucionales they leave. Above indicators (an evaluated program may deliver a producto estratégico),
    below results (which shows evaluations on the dashboards and the report)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = _("Evaluación de programas e instituciones")

    def ready(self) -> None:
        # Imported here: the receivers need the models, importable only once apps are ready.
        from programs import signals  # noqa: PLC0415

        signals.connect()
