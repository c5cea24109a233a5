"""The PROPIR (Programa Público de Inversión en la Región): each region's investment initiatives per year, with
their BIP code and MIDEPLAN's technical result from a configurable catalogue (RS, FI, OT, IN, RE)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Labelled
from evaluation.models import EvaluationCycle
from indicators.vocabulary import ImportStatus
from investments.vocabulary import InitiativeState
from regions.models import Region

BIP_CODE = RegexValidator(
    r"^\d{4,8}-\d$", _("El código BIP tiene la forma 30012345-6 (dígitos, guion y dígito verificador).")
)


class MideplanResult(Labelled):
    """A technical result MIDEPLAN's (today MDSF's) National Investment System gives an initiative: a
    configurable catalogue; only a recommended one (RS) should be funded."""

    code = models.CharField(_("código"), max_length=8, unique=True)
    is_recommended = models.BooleanField(
        _("recomendado"), default=False, help_text=_("Una iniciativa con este resultado puede recibir fondos.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resultado MIDEPLAN")
        verbose_name_plural = _("resultados MIDEPLAN")
        ordering = ["order", "code"]


class InvestmentInitiative(models.Model):
    """An investment initiative of the region's PROPIR in a year."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="investment_initiatives", verbose_name=_("región")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    bip_code = models.CharField(_("código BIP"), max_length=12, validators=[BIP_CODE])
    name = models.CharField(_("nombre"), max_length=300)
    sector = models.CharField(_("sector"), max_length=100)
    comuna = models.CharField(_("comuna"), max_length=100)
    programmed = models.DecimalField(
        _("programado M$"),
        max_digits=15,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0), message=_("El monto no puede ser negativo."))],
    )
    executed = models.DecimalField(
        _("ejecutado M$"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), message=_("El monto no puede ser negativo."))],
    )
    result = models.ForeignKey(
        MideplanResult,
        on_delete=models.PROTECT,
        related_name="initiatives",
        null=True,
        blank=True,
        verbose_name=_("resultado MIDEPLAN"),
    )
    state = models.CharField(_("estado"), max_length=14, choices=InitiativeState, default=InitiativeState.PROGRAMMED)
    is_illustrative = models.BooleanField(_("ilustrativa"), default=False)
    version = models.PositiveIntegerField(_("versión"), default=1, validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("iniciativa de inversión")
        verbose_name_plural = _("iniciativas de inversión")
        ordering = ["region", "year", "bip_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "bip_code"],
                name="initiative_unique_bip",
                violation_error_message=_("Esa iniciativa (código BIP) ya está en el PROPIR del año."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=InitiativeState.values),
                name="initiative_state_valid",
                violation_error_message=_("El estado no es válido."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bip_code} · {self.name[:60]}"

    @property
    def is_funded(self) -> bool:
        return bool(self.programmed or self.executed)

    @property
    def funded_without_recommendation(self) -> bool:
        """Return whether money goes to an initiative without MIDEPLAN's recommendation (RS): DIPRES's flag."""
        return self.is_funded and not (self.result and self.result.is_recommended)

    @property
    def execution(self) -> Decimal | None:
        if self.executed is None or not self.programmed:
            return None
        return self.executed / self.programmed * 100


class PropirImport(models.Model):
    """A spreadsheet of a region's PROPIR of a year, previewed (a dry run through the save) and then applied
    by who uploaded it, or refused: the import's audit record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("usuario")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("región"))
    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.PROTECT, related_name="+", verbose_name=_("ciclo"))
    year = models.PositiveSmallIntegerField(_("año"))
    file_name = models.CharField(_("archivo"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    applied_at = models.DateTimeField(_("aplicada el"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=16, choices=ImportStatus, default=ImportStatus.PREVIEW)
    rows = models.JSONField(_("filas"), default=list)  # the sheet's initiatives, as read, with the versions seen
    errors = models.JSONField(_("errores"), default=list)  # [{"row": n, "message": text}]
    added = models.PositiveIntegerField(_("nuevas"), default=0)
    changed = models.PositiveIntegerField(_("modificadas"), default=0)
    removed = models.PositiveIntegerField(_("quitadas"), default=0)

    class Meta:
        verbose_name = _("planilla del PROPIR")
        verbose_name_plural = _("planillas del PROPIR")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.region.iso_code} {self.year} · {self.file_name}"
