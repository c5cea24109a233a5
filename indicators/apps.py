from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicadores de desempeño")

    def ready(self) -> None:
        # Imported here: the receivers need the models, importable only once apps are ready.
        from indicators import signals  # noqa: PLC0415

        signals.connect()
