from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    """Results: scoring applied to each region, dashboards, the review workflow, exports and reports. The top
    layer: it may import every other app; none imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
    verbose_name = _("Resultados")

    def ready(self) -> None:
        # Imported here: connecting receivers needs every app's models, importable only once apps are ready.
        from results import store  # noqa: PLC0415

        store.connect()
