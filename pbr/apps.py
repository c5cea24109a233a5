"""Application configurations of the project's own making."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling), named in the admin in the person's language."""

    verbose_name = _("Bloqueo de ingresos")
