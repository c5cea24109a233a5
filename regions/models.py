"""Chile's regions (each the territory of one Gobierno Regional) and who works for which."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> RegionQuerySet:
        """Return the regions that existed on that day (valid_from ≤ day ≤ valid_to, open ends allowed)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def in_year(self, year: int) -> RegionQuerySet:
        """Return the regions taking part in that budget year's cycle: those that existed on its 1 January.

        A GORE created during a year has no budget of its own until the next one: Ñuble (from 2018-09-06)
        takes part from the 2019 cycle on (docs/domain.md, «Regiones»).
        """
        return self.active_on(datetime.date(year, 1, 1))


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, iso_code: str) -> Region:
        return self.get(iso_code=iso_code)


class Region(models.Model):
    """A region of Chile; its Gobierno Regional (GORE) is the institution evaluated."""

    name = models.CharField(_("nombre"), max_length=80, unique=True)
    iso_code = models.CharField(
        _("código ISO 3166-2"),
        max_length=5,
        unique=True,
        help_text=_("Por ejemplo CL-CO para Coquimbo."),
    )
    roman_numeral = models.CharField(_("número romano"), max_length=5, unique=True)
    cut_code = models.CharField(
        _("código CUT"), max_length=2, unique=True, help_text=_("Código Único Territorial, p. ej. 04.")
    )
    government_name = models.CharField(
        _("nombre del gobierno regional"),
        max_length=120,
        help_text=_("Nombre oficial de la institución, p. ej. Gobierno Regional de Coquimbo."),
    )
    order = models.PositiveSmallIntegerField(
        _("orden geográfico"), help_text=_("De norte a sur, como se listan las regiones.")
    )
    valid_from = models.DateField(_("vigente desde"), null=True, blank=True)
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)

    objects = RegionManager()

    class Meta:
        verbose_name = _("región")
        verbose_name_plural = _("regiones")
        ordering = ["order"]
        permissions = [("review_all_regions", _("Puede ver y revisar todas las regiones (DIPRES)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(iso_code__regex=r"^CL-[A-Z]{2}$"),
                name="region_iso_code_format",
                violation_error_message=_("El código ISO debe tener la forma CL-XX."),
            ),
            models.CheckConstraint(
                condition=Q(cut_code__regex=r"^[0-9]{2}$"),
                name="region_cut_code_format",
                violation_error_message=_("El código CUT debe tener dos dígitos."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="region_validity_ordered",
                violation_error_message=_("La fecha «vigente hasta» no puede ser anterior a «vigente desde»."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    def natural_key(self) -> tuple[str]:
        return (self.iso_code,)

    def is_active_on(self, day: datetime.date) -> bool:
        """Return whether the region existed on that day."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def exists_in(self, year: int) -> bool:
        """Return whether the region takes part in that budget year's cycle (see RegionQuerySet.in_year)."""
        return self.is_active_on(datetime.date(year, 1, 1))


class AnalystAssignment(models.Model):
    """Grants an analyst of a Gobierno Regional the right to enter data for that region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="analyst_assignments",
        verbose_name=_("usuario"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="analyst_assignments", verbose_name=_("región")
    )

    class Meta:
        verbose_name = _("asignación de analista")
        verbose_name_plural = _("asignaciones de analistas")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="analyst_assignment_unique",
                violation_error_message=_("El usuario ya es analista de esa región."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region}"


class RegionHead(models.Model):
    """The region's head (jefe de división, equipo directivo): reads the region's pages and hears of its state,
    and changes nothing — the document asks that the management team take part."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_headships",
        verbose_name=_("usuario"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="heads", verbose_name=_("región"))

    class Meta:
        verbose_name = _("jefatura de la región")
        verbose_name_plural = _("jefaturas de las regiones")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="region_head_unique",
                violation_error_message=_("El usuario ya es jefatura de esa región."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region} ({_('jefatura')})"
