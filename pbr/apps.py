"""Application configurations of the project's own making."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling), named in the admin in the person's language."""

    verbose_name = _("Bloqueo de ingresos")


class PbrConfig(AppConfig):
    """The site: settings, URLs, middleware, the health page and site-wide commands (backup, restore). The
    top of the layers: nothing imports it."""

    name = "pbr"
    verbose_name = "PbR"
    default = True
