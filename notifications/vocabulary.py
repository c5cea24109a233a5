"""The closed vocabularies of notifications: what happened (the event) and how a person wants to hear of it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a notification tells of. Each is an in-app notification and, by the person's preference, a mail."""

    SENT = "enviado", _("Datos enviados a revisión")
    RETURNED = "devuelto", _("Datos devueltos con observaciones")
    APPROVED = "aprobado", _("Datos aprobados")
    REOPENED = "reabierto", _("Datos reabiertos")
    CAUSE_DECIDED = "causa", _("Causa externa aceptada o rechazada")
    OBSERVATION = "observacion", _("Observación nueva o respuesta")
    COMMITMENT_DUE = "compromiso", _("Compromiso por vencer o vencido")
    REMINDER = "recordatorio", _("Recordatorio de plazo")


class Delivery(models.TextChoices):
    """How a person wants the mail of an event: at once, gathered in one mail a day, or not at all (the
    notification still shows under the bell)."""

    IMMEDIATE = "inmediato", _("De inmediato")
    DIGEST = "resumen", _("Resumen diario")
    OFF = "no", _("No enviar correo")


class MailState(models.TextChoices):
    """What became of a notification's mail."""

    PENDING_DIGEST = "resumen", _("En el próximo resumen diario")
    QUEUED = "enviado", _("Enviado a la cola de correo")
    NONE = "no", _("Sin correo")
