"""Evaluations of programs and of the institution, per region and cycle, with the compromisos institucionales
they leave; and the configurable lists they are classified by (evaluation lines, verdicts per cycle)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Labelled
from evaluation.models import EvaluationCycle
from indicators.models import Commitment, StrategicProduct
from indicators.vocabulary import CommitmentStatus
from programs.vocabulary import EvaluationScope, VerdictKind
from regions.models import Region


class EvaluationLine(Labelled):
    """A line of evaluation DIPRES runs (ex ante, Evaluación de Programas Gubernamentales, impacto,
    Comprehensiva del Gasto…): a configurable catalogue, each line with the scope that decides its verdicts."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    scope = models.CharField(_("alcance"), max_length=16, choices=EvaluationScope)
    is_active = models.BooleanField(_("vigente"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("línea de evaluación")
        verbose_name_plural = _("líneas de evaluación")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=EvaluationScope.values),
                name="evaluation_line_scope_valid",
                violation_error_message=_("El alcance no es válido."),
            )
        ]


class Verdict(Labelled):
    """One entry of a cycle's list of ex ante recommendations or of result categories: configurable per cycle
    (a new cycle starts with DIPRES's usual ones, programs/defaults.py)."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("ciclo")
    )
    kind = models.CharField(_("lista"), max_length=16, choices=VerdictKind)
    code = models.SlugField(_("código"), max_length=40)
    is_favourable = models.BooleanField(
        _("favorable"),
        default=False,
        help_text=_("Una recomendación favorable permite asignar presupuesto sin advertencia."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resultado de evaluación")
        verbose_name_plural = _("resultados de evaluación")
        ordering = ["cycle", "kind", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind", "code"],
                name="verdict_unique_code",
                violation_error_message=_("Ya existe ese código en la lista del ciclo."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VerdictKind.values),
                name="verdict_kind_valid",
                violation_error_message=_("La lista no es válida."),
            ),
        ]


def report_path(instance: ProgramEvaluation, filename: str) -> str:
    """Return where an evaluation's report is stored: by region and cycle, under a random name."""
    return f"evaluaciones/{instance.region.iso_code}/{instance.cycle.year}/{uuid.uuid4().hex}"


class ProgramEvaluation(models.Model):
    """An evaluation of a program (ex ante or ex post) or of the GORE itself, recorded by DIPRES for a region
    in a cycle: who evaluated it, when, its report, and its verdict from the cycle's list."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="program_evaluations", verbose_name=_("región")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="program_evaluations", verbose_name=_("ciclo")
    )
    line = models.ForeignKey(
        EvaluationLine, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("línea de evaluación")
    )
    program = models.CharField(
        _("programa evaluado"),
        max_length=300,
        blank=True,
        help_text=_("Vacío en una evaluación institucional: se evalúa el gobierno regional."),
    )
    product = models.ForeignKey(
        StrategicProduct,
        on_delete=models.PROTECT,
        related_name="program_evaluations",
        null=True,
        blank=True,
        verbose_name=_("producto estratégico"),
        help_text=_("El producto que el programa entrega; la página de presupuesto muestra su recomendación."),
    )
    evaluator = models.CharField(_("evaluador"), max_length=300)
    started_on = models.DateField(_("inicio"), null=True, blank=True)
    finished_on = models.DateField(_("término"), null=True, blank=True)
    verdict = models.ForeignKey(
        Verdict,
        on_delete=models.PROTECT,
        related_name="evaluations",
        null=True,
        blank=True,
        verbose_name=_("resultado"),
    )
    summary = models.TextField(_("conclusiones"), blank=True)
    report = models.FileField(_("informe"), upload_to=report_path, max_length=255, blank=True)
    report_name = models.CharField(_("nombre del informe"), max_length=255, blank=True)
    report_type = models.CharField(_("tipo del informe"), max_length=100, blank=True)
    report_sha256 = models.CharField(_("SHA-256 del informe"), max_length=64, blank=True)
    is_illustrative = models.BooleanField(
        _("ilustrativo"), default=False, help_text=_("Un ejemplo de demostración, no una evaluación real.")
    )
    version = models.PositiveIntegerField(_("versión"), default=1, validators=[MinValueValidator(1)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("registrada por"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluación de programa o institucional")
        verbose_name_plural = _("evaluaciones de programas e institucionales")
        ordering = ["cycle__year", "line__order", "program", "pk"]

    def __str__(self) -> str:
        return f"{self.region.iso_code} {self.cycle.year} · {self.title}"

    @property
    def title(self) -> str:
        """Return what was evaluated: the program, or the regional government for an institutional one."""
        return self.program or str(_("Gobierno Regional (evaluación institucional)"))

    @property
    def is_ex_ante(self) -> bool:
        return self.line.scope == EvaluationScope.EX_ANTE

    def clean(self) -> None:
        errors = {}
        scope = self.line.scope if self.line_id else None
        if scope and scope != EvaluationScope.INSTITUTIONAL and not self.program.strip():
            errors["program"] = _("Indique el programa evaluado.")
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            errors["finished_on"] = _("El término no puede ser anterior al inicio.")
        if (
            self.verdict_id
            and scope
            and (self.verdict.cycle_id != self.cycle_id or self.verdict.kind != VerdictKind.for_scope(scope))
        ):
            errors["verdict"] = _("El resultado no es de la lista del ciclo para esta línea de evaluación.")
        if self.product_id and self.product.region_id != self.region_id:
            errors["product"] = _("El producto no pertenece a la región.")
        if errors:
            raise ValidationError(errors)


class InstitutionalCommitment(Commitment):
    """A compromiso institucional an evaluation leaves: agreed with DIPRES, followed up by the region's analysts
    through later cycles until it is met or missed (the same rule as the compromisos de mejora)."""

    evaluation = models.ForeignKey(
        ProgramEvaluation, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("evaluación")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compromiso institucional")
        verbose_name_plural = _("compromisos institucionales")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values),
                name="institutional_commitment_status_valid",
                violation_error_message=_("El estado no es válido."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.description[:60]}"
