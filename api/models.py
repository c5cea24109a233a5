"""The API's credentials: tokens a person makes for their programs, each narrower than the person (read only or
also write, all their regions or some), stored as a hash (the key is shown once), with an expiry and a last use."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import Region

KEY_PREFIX = "pbr_"


def key_digest(key: str) -> str:
    """Return the stored form of a token's key (SHA-256: the key is random and long, so no salt is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A person's credential for a program: it acts as the person, narrowed to its scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("persona")
    )
    name = models.CharField(_("nombre"), max_length=80, help_text=_("Para qué programa es, p. ej. «carga SIGFE»."))
    digest = models.CharField(_("huella de la clave"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("comienzo de la clave"), max_length=12, editable=False, help_text=_("Para reconocer la clave.")
    )
    can_write = models.BooleanField(
        _("puede escribir"),
        default=False,
        help_text=_("Sin marcar, solo lee. Marcado, registra lo que la persona puede registrar en sus regiones."),
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("regiones"),
        help_text=_("Vacío: todas las regiones de la persona."),
    )
    created_at = models.DateTimeField(_("creada el"), default=timezone.now, editable=False)
    expires_on = models.DateField(_("vence el"))
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revocada el"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[regions], excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("token de la API")
        verbose_name_plural = _("tokens de la API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_valid_on(self, day) -> bool:
        """Return whether the token authenticates on that day: not revoked, not expired."""
        return self.revoked_at is None and day <= self.expires_on
