"""The closed vocabulary of investment initiatives: their state in the year's program."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InitiativeState(models.TextChoices):
    PROGRAMMED = "programada", _("Programada")
    IN_EXECUTION = "en_ejecucion", _("En ejecución")
    FINISHED = "terminada", _("Terminada")

    @classmethod
    def put_in_execution(cls) -> tuple[str, ...]:
        """Return the states of an initiative «puesta en ejecución» (the document's Biobío indicator)."""
        return (cls.IN_EXECUTION, cls.FINISHED)
