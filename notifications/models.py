"""Notifications: what happened that a person should know of, shown under the bell and mailed by their
preference; each person's preferences and language; and the log that keeps reminders from repeating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import EvaluationCycle
from notifications.vocabulary import Delivery, Event, MailState
from regions.models import Region


class Notification(models.Model):
    """One thing that happened, for one person: its event, where (region, cycle), who did it, the words it
    carries (a comment, an indicator's code) and the page it links to. Its text is written when shown, in the
    reader's language (notifications.messages)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinatario"),
    )
    event = models.CharField(_("evento"), max_length=16, choices=Event)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("región")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ciclo")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quién"),
    )
    params = models.JSONField(_("datos"), default=dict, blank=True)
    path = models.CharField(_("página"), max_length=300)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("leída"), null=True, blank=True)
    mail = models.CharField(_("correo"), max_length=10, choices=MailState, default=MailState.NONE)

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["mail", "recipient"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants the mail of one event (no row: at once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("usuario")
    )
    event = models.CharField(_("evento"), max_length=16, choices=Event)
    delivery = models.CharField(_("correo"), max_length=10, choices=Delivery, default=Delivery.IMMEDIATE)

    class Meta:
        verbose_name = _("preferencia de notificación")
        verbose_name_plural = _("preferencias de notificación")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                name="notification_preference_unique",
                violation_error_message=_("La persona ya tiene una preferencia para ese evento."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_event_display()}: {self.get_delivery_display()}"


class PersonSettings(models.Model):
    """A person's language: the one they chose in the language switcher, which the pages take at each sign-in
    and their mails follow, unless they gave the mails another on their preferences page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("usuario")
    )
    language = models.CharField(
        _("idioma"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("El que eligió en el selector de idioma; vacío: aún no elige (español)."),
    )
    mail_language = models.CharField(
        _("idioma de los correos"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Vacío: el mismo de la interfaz."),
    )

    class Meta:
        verbose_name = _("idioma de una persona")
        verbose_name_plural = _("idiomas de las personas")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'} / {self.mail_language or '='}"


class SentReminder(models.Model):
    """A reminder or digest already sent: its key names what it was about (a deadline and how many days from
    it, a commitment falling due, a day's digest), so that sending what is due twice sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("usuario")
    )
    key = models.CharField(_("qué"), max_length=120)
    sent_at = models.DateTimeField(_("enviado"), default=timezone.now)

    class Meta:
        verbose_name = _("recordatorio enviado")
        verbose_name_plural = _("recordatorios enviados")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="sent_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"
