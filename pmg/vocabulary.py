"""The PMG's closed vocabularies: the area of a management system.

Each is one enum with its Spanish label (translated by the catalog); code and templates compare members,
never strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PmgArea(models.TextChoices):
    """The áreas de mejoramiento that group the PMG's systems in its framework of those years (DIPRES)."""

    HUMAN_RESOURCES = "recursos-humanos", _("Recursos humanos")
    SERVICE_QUALITY = "calidad-atencion", _("Calidad de atención")
    PLANNING = "planificacion-control", _("Planificación y control")
    FINANCE = "administracion-financiera", _("Administración financiera")
    GENDER = "enfoque-genero", _("Enfoque de género")
