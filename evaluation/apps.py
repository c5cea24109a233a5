from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Evaluación")

    def ready(self) -> None:
        from evaluation.caching import connect_invalidation

        connect_invalidation()
