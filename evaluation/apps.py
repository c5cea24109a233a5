from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Evaluation cycles: their stages, windows and rules, the submissions' state and lock, the scoring rules
    and the data versions. Below indicators: it imports nothing of indicators or results."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Evaluación")

    def ready(self) -> None:
        # Imported here: the receivers need the models, importable only once apps are ready.
        from evaluation import signals  # noqa: PLC0415

        signals.connect()
