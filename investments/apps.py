from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentsConfig(AppConfig):
    """The regional public investment program (PROPIR): each region's investment initiatives per year with
    MIDEPLAN's recommendation, and the efectivos of the indicators computed from them. Above indicators (it
    writes those efectivos through their service), below results, beside programs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "investments"
    verbose_name = _("Inversión regional (PROPIR)")

    def ready(self) -> None:
        # Imported here: the receivers need the models, importable only once apps are ready.
        from investments import signals  # noqa: PLC0415

        signals.connect()
