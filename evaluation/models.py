"""Evaluation cycles: one budget year's formulation, approval, execution and evaluation, with its rules."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation.scoring import Rules, Weighting
from evaluation.vocabulary import (
    Stage,
    SubmissionAction,
    SubmissionStatus,
    WeightingMode,
)


def _percent_field(label: str, default: str, help_text: str = "") -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
        help_text=help_text,
    )


class CycleManager(models.Manager):
    def get_by_natural_key(self, year: int) -> EvaluationCycle:
        return self.get(year=year)


class EvaluationCycle(models.Model):
    """The budget cycle of one year: its stage, data-entry window and scoring rules (domain.md §3–4)."""

    year = models.PositiveSmallIntegerField(
        _("año presupuestario"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("El año de la meta, p. ej. 2012 para la formulación hecha en 2011."),
    )
    stage = models.CharField(_("etapa"), max_length=24, choices=Stage, default=Stage.FORMULATION)
    history_years = models.PositiveSmallIntegerField(
        _("años de historia"),
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Cuántos años antes de la meta muestra el formulario (4: de t-4 a t)."),
    )
    data_deadline = models.DateField(_("plazo de ingreso de datos"), null=True, blank=True)
    reminder_days_before = models.CharField(
        _("recordar días antes del plazo"),
        max_length=40,
        default="7,1",
        blank=True,
        validators=[validate_comma_separated_integer_list],
        help_text=_("Días antes de cada plazo en que los analistas reciben lo que les falta, separados por coma."),
    )
    reminder_days_after = models.CharField(
        _("recordar días después del plazo"),
        max_length=40,
        default="1,7",
        blank=True,
        validators=[validate_comma_separated_integer_list],
        help_text=_("Días después de un plazo vencido en que se recuerda lo que aún falta, separados por coma."),
    )

    met_threshold = _percent_field(_("umbral de cumplido (%)"), "95")
    partial_threshold = _percent_field(_("umbral de parcialmente cumplido (%)"), "80")
    overachievement_threshold = _percent_field(
        _("umbral de sobrecumplimiento (%)"),
        "130",
        _("Sobre este cumplimiento el analista debe justificar el resultado."),
    )
    scoring_cap = models.DecimalField(
        _("tope de cumplimiento para puntaje (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(100)), MaxValueValidator(Decimal(1000))],
        help_text=_("Vacío: sin tope."),
    )
    weighting = models.CharField(
        _("ponderación obtenida"),
        max_length=16,
        choices=WeightingMode,
        default=WeightingMode.ALL_OR_NOTHING,
    )
    bonus_full_threshold = _percent_field(_("umbral de bono completo (%)"), "90")
    bonus_partial_threshold = _percent_field(_("umbral de medio bono (%)"), "75")
    bonus_full_rate = _percent_field(_("bono completo (% de la remuneración)"), "7.6")
    bonus_partial_rate = _percent_field(_("medio bono (% de la remuneración)"), "3.8")
    pmg_share = models.DecimalField(
        _("peso del PMG en el incentivo (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "0: el incentivo depende solo de los indicadores. Con un peso w, el cumplimiento que lo decide es "
            "(1 − w) × indicadores + w × PMG en las regiones con sistemas PMG comprometidos."
        ),
    )
    is_illustrative = models.BooleanField(
        _("ilustrativo"),
        default=False,
        help_text=_(
            "Ciclo de demostración: sus indicadores y cifras son ejemplos, no datos oficiales. "
            "Lo crea «manage.py load_demo» y lo borra «manage.py remove_demo»."
        ),
    )

    history = HistoricalRecords()
    objects = CycleManager()

    class Meta:
        verbose_name = _("ciclo de evaluación")
        verbose_name_plural = _("ciclos de evaluación")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partial_threshold__lt=F("met_threshold")),
                name="cycle_partial_below_met",
                violation_error_message=_("El umbral de parcialmente cumplido debe ser menor que el de cumplido."),
            ),
            models.CheckConstraint(
                condition=Q(overachievement_threshold__gte=F("met_threshold")),
                name="cycle_overachievement_above_met",
                violation_error_message=_("El umbral de sobrecumplimiento no puede ser menor que el de cumplido."),
            ),
            models.CheckConstraint(
                condition=Q(bonus_partial_threshold__lt=F("bonus_full_threshold")),
                name="cycle_bonus_thresholds_ordered",
                violation_error_message=_("El umbral de medio bono debe ser menor que el de bono completo."),
            ),
            models.CheckConstraint(
                condition=Q(bonus_full_rate__gt=0) & Q(bonus_partial_rate__lte=F("bonus_full_rate")),
                name="cycle_bonus_rates_ordered",
                violation_error_message=_("El bono completo debe ser positivo y no menor que el medio bono."),
            ),
            models.CheckConstraint(
                condition=Q(scoring_cap__isnull=True) | Q(scoring_cap__gte=100),
                name="cycle_scoring_cap_at_least_100",
                violation_error_message=_("El tope de cumplimiento no puede ser menor que 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return _("Ciclo %(year)s") % {"year": self.year}

    @staticmethod
    def _days(text: str) -> list[int]:
        return sorted({int(part) for part in text.split(",") if part.strip().isdigit()})

    @property
    def reminder_offsets(self) -> list[int]:
        """Return the days from a deadline on which reminders go: negative before it, positive after it."""
        return sorted([-days for days in self._days(self.reminder_days_before)] + self._days(self.reminder_days_after))

    def natural_key(self) -> tuple[int]:
        return (self.year,)

    @property
    def first_year(self) -> int:
        """Return the first year of the cycle's window (the oldest efectivo shown)."""
        return self.year - self.history_years

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def is_all_or_nothing(self) -> bool:
        """Return whether an indicator earns its whole weight only when cumplido (DIPRES's default)."""
        return self.weighting == WeightingMode.ALL_OR_NOTHING

    def rules(self) -> Rules:
        """Return the cycle's scoring rules as the pure scoring module takes them."""
        return Rules(
            met_threshold=self.met_threshold,
            partial_threshold=self.partial_threshold,
            overachievement_threshold=self.overachievement_threshold,
            scoring_cap=self.scoring_cap,
            weighting=Weighting(self.weighting),
            bonus_full_threshold=self.bonus_full_threshold,
            bonus_partial_threshold=self.bonus_partial_threshold,
            bonus_full_rate=self.bonus_full_rate,
            bonus_partial_rate=self.bonus_partial_rate,
            pmg_share=self.pmg_share,
        )


class Submission(models.Model):
    """A region's data for one cycle on its way through review: borrador → enviado → aprobado (or devuelto);
    approved data may be reabierto.

    Analysts edit only in borrador, devuelto or reabierto; sent and approved data are locked.
    """

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("región")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("ciclo")
    )
    status = models.CharField(_("estado"), max_length=10, choices=SubmissionStatus, default=SubmissionStatus.DRAFT)
    updated_at = models.DateTimeField(_("última actualización"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("envío de datos")
        verbose_name_plural = _("envíos de datos")
        ordering = ["-cycle__year", "region__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cycle"],
                name="submission_unique_per_region_cycle",
                violation_error_message=_("La región ya tiene un envío en ese ciclo."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values),
                name="submission_status_valid",
                violation_error_message=_("El estado no es válido."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle} · {self.get_status_display()}"

    @property
    def state(self) -> SubmissionStatus:
        """Return the status as its enum member, for comparisons and its badge."""
        return SubmissionStatus(self.status)

    @property
    def is_editable(self) -> bool:
        """Return whether analysts may change the region's data for the cycle."""
        return self.state.is_editable

    @property
    def last_event(self):
        events = getattr(self, "prefetched_events", None)
        if events is not None:
            return events[0] if events else None
        return self.events.order_by("-at", "-pk").first()


class FormulationReview(models.Model):
    """DIPRES's review of a region's formulation in a cycle (in Formulación: its committed indicators' way of
    measuring, weights and metas), with a fingerprint of what it reviewed: a later change to any of that makes
    the review read «cambió desde la revisión» until it is reviewed again."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("región"))
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="formulation_reviews", verbose_name=_("ciclo")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("revisada por")
    )
    reviewed_at = models.DateTimeField(_("revisada el"))
    comment = models.TextField(_("comentario"), blank=True)
    fingerprint = models.CharField(_("huella de lo revisado"), max_length=64)
    version = models.PositiveIntegerField(_("versión"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revisión de la formulación")
        verbose_name_plural = _("revisiones de la formulación")
        constraints = [
            models.UniqueConstraint(fields=["region", "cycle"], name="one_formulation_review_per_region_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.cycle_id} · v{self.version}"


class SubmissionEvent(models.Model):
    """One step of a submission's workflow: who did what, when, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events", verbose_name=_("envío"))
    action = models.CharField(_("acción"), max_length=10, choices=SubmissionAction)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("realizado por")
    )
    comment = models.TextField(_("comentario"), blank=True)
    at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("evento del envío")
        verbose_name_plural = _("eventos de los envíos")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_action_display()}"

    @property
    def is_reopening(self) -> bool:
        """Return whether this step reopened approved data (rather than returning sent data)."""
        return self.action == SubmissionAction.REOPEN


class CycleSnapshot(models.Model):
    """A region's results frozen when its cycle closed: later edits never change a closed evaluation."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("ciclo")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("región")
    )
    data = models.JSONField(_("resultados"))
    created_at = models.DateTimeField(_("cerrado el"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("cerrado por"), null=True
    )

    class Meta:
        verbose_name = _("resultado congelado del ciclo")
        verbose_name_plural = _("resultados congelados de los ciclos")
        ordering = ["-cycle__year", "region__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region"],
                name="snapshot_unique_per_cycle_region",
                violation_error_message=_("El ciclo ya tiene resultados congelados para esa región."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle}"


class RegionDataVersion(models.Model):
    """The version of a region's data in a cycle: raised in the transaction of every change to what the
    region's pages show in that cycle (figures, indicators, weights, analysis, the submission, the cycle).
    Cached pages of that region and cycle are keyed by it (evaluation/versions.py)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="data_versions")
    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="data_versions")
    value = models.PositiveBigIntegerField(_("versión"), default=1)
    # Raised with `value` by every change, except those that cannot alter what the instruments beside the
    # indicators show (evaluations, PROPIR, PMG): a figure's change leaves their cached sections in place.
    instruments = models.PositiveBigIntegerField(_("versión de los instrumentos"), default=1)

    class Meta:
        verbose_name = _("versión de los datos de una región")
        verbose_name_plural = _("versiones de los datos de las regiones")
        constraints = [models.UniqueConstraint(fields=["region", "cycle"], name="one_data_version_per_region_cycle")]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.cycle_id} · v{self.value}"


class StageDeadline(models.Model):
    """The date by which the regions owe what a stage of the cycle asks of them (the metas in Formulación, the
    efectivos in Evaluación…); reminders count from it."""

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("ciclo")
    )
    stage = models.CharField(_("etapa"), max_length=24, choices=Stage)
    due_date = models.DateField(_("plazo"))
    note = models.CharField(_("qué se pide"), max_length=200, blank=True)
    is_illustrative = models.BooleanField(
        _("ilustrativo"), default=False, help_text=_("Un plazo de la demostración; se quita con ella.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plazo de una etapa")
        verbose_name_plural = _("plazos de las etapas")
        ordering = ["cycle", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "stage"],
                name="stage_deadline_unique",
                violation_error_message=_("La etapa ya tiene su plazo en ese ciclo."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_stage_display()}: {self.due_date}"
