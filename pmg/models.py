"""The PMG: each cycle's management systems with their stages (a configurable catalogue: the document's
«Trayectoria PMG al 2014» moves services from the basic framework toward the excellence model), each GORE's
commitment per system (the stage it commits to reach) and its validated result; and the self-assessment of
each GORE against the criteria of the Modelo Chileno de Gestión de Excelencia."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Labelled
from evaluation.models import EvaluationCycle
from pmg.vocabulary import PmgArea
from regions.models import Region


class ManagementSystem(Labelled):
    """A management system of a cycle's PMG with its number of stages and its weight in the PMG's compliance."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="management_systems", verbose_name=_("ciclo")
    )
    code = models.SlugField(_("código"), max_length=40)
    area = models.CharField(_("área"), max_length=100, blank=True, choices=PmgArea.choices)
    stages = models.PositiveSmallIntegerField(
        _("etapas"), default=4, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    weight = models.DecimalField(
        _("ponderación (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sistema del PMG")
        verbose_name_plural = _("sistemas del PMG")
        ordering = ["cycle", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "code"],
                name="management_system_unique_code",
                violation_error_message=_("Ya existe un sistema con ese código en el ciclo."),
            )
        ]


class PmgCommitment(models.Model):
    """A GORE's commitment to reach a stage of a management system in the cycle, the stage it reports, and the
    stage DIPRES validates (the result that counts)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="pmg_commitments", verbose_name=_("región")
    )
    system = models.ForeignKey(
        ManagementSystem, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("sistema")
    )
    committed_stage = models.PositiveSmallIntegerField(_("etapa comprometida"), validators=[MinValueValidator(1)])
    reported_stage = models.PositiveSmallIntegerField(_("etapa informada"), null=True, blank=True)
    validated_stage = models.PositiveSmallIntegerField(_("etapa validada"), null=True, blank=True)
    validation_notes = models.TextField(_("observaciones de la validación"), blank=True)
    is_illustrative = models.BooleanField(_("ilustrativo"), default=False)
    version = models.PositiveIntegerField(_("versión"), default=1, validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compromiso PMG")
        verbose_name_plural = _("compromisos PMG")
        ordering = ["region", "system__order", "system__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "system"],
                name="pmg_commitment_unique",
                violation_error_message=_("La región ya comprometió ese sistema en el ciclo."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.iso_code} · {self.system}"

    def clean(self) -> None:
        if not self.system_id:
            return
        errors = {}
        for name in ("committed_stage", "reported_stage", "validated_stage"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= self.system.stages:
                errors[name] = _("La etapa va de 1 a %(stages)s en este sistema.") % {"stages": self.system.stages}
        if errors:
            raise ValidationError(errors)

    @property
    def met(self) -> bool | None:
        """Return whether the validated stage reaches the committed one; None until DIPRES validates."""
        return None if self.validated_stage is None else self.validated_stage >= self.committed_stage


class ExcellenceCriterion(Labelled):
    """A criterion of the Modelo Chileno de Gestión de Excelencia with its maximum score (a catalogue)."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    max_score = models.PositiveSmallIntegerField(_("puntaje máximo"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterio del modelo de excelencia")
        verbose_name_plural = _("criterios del modelo de excelencia")
        ordering = ["order", "code"]


class SelfAssessment(models.Model):
    """A GORE's self-assessed score on a criterion of the excellence model in a cycle."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("región")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("ciclo")
    )
    criterion = models.ForeignKey(
        ExcellenceCriterion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("criterio")
    )
    score = models.PositiveSmallIntegerField(_("puntaje"))
    is_illustrative = models.BooleanField(_("ilustrativo"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("autoevaluación")
        verbose_name_plural = _("autoevaluaciones")
        ordering = ["region", "cycle", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cycle", "criterion"],
                name="self_assessment_unique",
                violation_error_message=_("Ese criterio ya tiene puntaje en el ciclo."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.iso_code} {self.cycle.year} · {self.criterion}"

    def clean(self) -> None:
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError(
                {"score": _("El puntaje máximo del criterio es %(max)s.") % {"max": self.criterion.max_score}}
            )
