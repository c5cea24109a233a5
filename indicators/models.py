"""Strategic definitions (Formulario A1) and performance indicators (Formulario H) of each GORE."""

from __future__ import annotations

import uuid
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Labelled
from evaluation.models import EvaluationCycle
from indicators import calculations
from indicators.vocabulary import (
    CheckItem,
    CheckState,
    CommitmentStatus,
    ControlScope,
    Dimension,
    Direction,
    FigureSource,
    ImportStatus,
    MeasurementKind,
    ObservationStatus,
    ObservationTopic,
    Unit,
)
from regions.models import Region


class RegionScopedManager(models.Manager):
    """Looks rows up by the region's ISO code and their number within the region."""

    def get_by_natural_key(self, iso_code: str, number: int):
        return self.get(region__iso_code=iso_code, number=number)


class PriorityAxis(Labelled):
    """A priority axis (eje) of the government's program that the Delivery Unit (SEGPRES) monitors: a catalogue
    DIPRES and the admins keep; objetivos estratégicos and indicators link to the axes they serve."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    description = models.TextField(_("descripción"), blank=True)
    is_active = models.BooleanField(_("vigente"), default=True)
    is_illustrative = models.BooleanField(
        _("ilustrativo"), default=False, help_text=_("Un eje de ejemplo: el documento no nombra los ejes.")
    )
    version = models.PositiveIntegerField(_("versión"), default=1, validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eje prioritario")
        verbose_name_plural = _("ejes prioritarios")
        ordering = ["order", "code"]


class StrategicDefinitionManager(models.Manager):
    def get_by_natural_key(self, iso_code: str, year: int) -> StrategicDefinition:
        return self.get(region__iso_code=iso_code, cycle__year=year)


class StrategicDefinition(models.Model):
    """A GORE's definiciones estratégicas for one cycle (Formulario A1): its misión."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="strategic_definitions", verbose_name=_("región")
    )
    cycle = models.ForeignKey(
        EvaluationCycle,
        on_delete=models.PROTECT,
        related_name="strategic_definitions",
        verbose_name=_("ciclo"),
    )
    mission = models.TextField(_("misión institucional"), blank=True)
    is_illustrative = models.BooleanField(
        _("ilustrativa"),
        default=False,
        help_text=_("Definiciones de ejemplo en un ciclo del documento, que no las da; se quitan con la demostración."),
    )
    # 1 when first saved, then one more per change; a page that showed none sends 0.
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    history = HistoricalRecords()
    objects = StrategicDefinitionManager()

    class Meta:
        verbose_name = _("definición estratégica")
        verbose_name_plural = _("definiciones estratégicas")
        ordering = ["region__order", "-cycle__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "cycle"],
                name="strategic_definition_unique",
                violation_error_message=_("La región ya tiene definiciones estratégicas para ese ciclo."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle}"

    def natural_key(self) -> tuple:
        return self.region.natural_key() + self.cycle.natural_key()

    natural_key.dependencies = ["regions.region", "evaluation.evaluationcycle"]


class StrategicObjectiveManager(models.Manager):
    def get_by_natural_key(self, iso_code: str, year: int, number: int) -> StrategicObjective:
        return self.get(definition__region__iso_code=iso_code, definition__cycle__year=year, number=number)


class StrategicObjective(models.Model):
    """An objetivo estratégico of a GORE in one cycle."""

    definition = models.ForeignKey(
        StrategicDefinition,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("definición estratégica"),
    )
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1)])
    description = models.TextField(_("descripción"))
    axes = models.ManyToManyField(
        PriorityAxis, blank=True, related_name="objectives", verbose_name=_("ejes prioritarios que sirve")
    )
    # 1 when first saved, then one more per change; a page that showed none sends 0.
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    history = HistoricalRecords(m2m_fields=[axes])
    objects = StrategicObjectiveManager()

    class Meta:
        verbose_name = _("objetivo estratégico")
        verbose_name_plural = _("objetivos estratégicos")
        ordering = ["definition", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "number"],
                name="strategic_objective_unique_number",
                violation_error_message=_("Ya existe un objetivo con ese número."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="strategic_objective_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.description}"

    def natural_key(self) -> tuple:
        return (*self.definition.natural_key(), self.number)

    natural_key.dependencies = ["indicators.strategicdefinition"]


class Client(models.Model):
    """A cliente / beneficiario of a GORE's strategic products."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clients", verbose_name=_("región"))
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1)])
    name = models.CharField(_("nombre"), max_length=300)

    objects = RegionScopedManager()

    class Meta:
        verbose_name = _("cliente / beneficiario")
        verbose_name_plural = _("clientes / beneficiarios")
        ordering = ["region__order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "number"],
                name="client_unique_number",
                violation_error_message=_("Ya existe un cliente con ese número en la región."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def natural_key(self) -> tuple:
        return (*self.region.natural_key(), self.number)

    natural_key.dependencies = ["regions.region"]


class StrategicProduct(models.Model):
    """A producto estratégico (bien o servicio) of a GORE; number 0 is the «Institucional» group."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="products", verbose_name=_("región"))
    number = models.PositiveSmallIntegerField(
        _("número"), help_text=_("Orden del producto; 0 se reserva para «Institucional».")
    )
    name = models.CharField(_("nombre"), max_length=300)
    description = models.TextField(_("descripción"), blank=True)
    is_institutional = models.BooleanField(
        _("institucional"),
        default=False,
        help_text=_("Agrupa indicadores de la institución no asociados a un producto específico."),
    )
    output_unit = models.CharField(
        _("unidad de producción"),
        max_length=80,
        blank=True,
        help_text=_("Qué se cuenta de lo que el producto entrega cada año (por ejemplo «proyectos financiados»)."),
    )
    objectives = models.ManyToManyField(
        StrategicObjective, blank=True, related_name="products", verbose_name=_("objetivos estratégicos")
    )
    clients = models.ManyToManyField(
        Client, blank=True, related_name="products", verbose_name=_("clientes / beneficiarios")
    )

    history = HistoricalRecords(m2m_fields=[objectives, clients])
    objects = RegionScopedManager()

    class Meta:
        verbose_name = _("producto estratégico")
        verbose_name_plural = _("productos estratégicos")
        ordering = ["region__order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "number"],
                name="product_unique_number",
                violation_error_message=_("Ya existe un producto con ese número en la región."),
            ),
            models.CheckConstraint(
                condition=Q(is_institutional=True, number=0) | Q(is_institutional=False, number__gte=1),
                name="product_institutional_is_number_zero",
                violation_error_message=_(
                    "El número 0 corresponde solo al grupo «Institucional»; los productos se numeran desde 1."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.is_institutional:
            return str(self.name)
        return f"{self.number}. {self.name}"

    def natural_key(self) -> tuple:
        return (*self.region.natural_key(), self.number)

    natural_key.dependencies = ["regions.region"]


class IndicatorManager(models.Manager):
    def get_by_natural_key(self, iso_code: str, code: str) -> Indicator:
        return self.get(region__iso_code=iso_code, code=code)


class Indicator(models.Model):
    """A performance indicator (Formulario H). It lives across years; per-cycle terms are weightings."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("región"))
    product = models.ForeignKey(
        StrategicProduct,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("producto estratégico"),
    )
    code = models.CharField(
        _("código"),
        max_length=20,
        help_text=_("Identificador del indicador dentro de la región, p. ej. IND-01."),
    )
    name = models.TextField(_("nombre del indicador"))
    formula = models.TextField(_("fórmula de cálculo"))
    numerator_description = models.TextField(_("descripción del numerador"))
    denominator_description = models.TextField(
        _("descripción del denominador"),
        blank=True,
        help_text=_("Vacío para indicadores de conteo, que no tienen denominador."),
    )
    unit = models.CharField(_("unidad de medida"), max_length=16, choices=Unit, default=Unit.PERCENT)
    factor = models.DecimalField(
        _("factor"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(100),
        help_text=_("Multiplica numerador/denominador: 100 para porcentajes, 1 para razones."),
    )
    decimals = models.PositiveSmallIntegerField(_("decimales a mostrar"), default=0, validators=[MaxValueValidator(4)])
    dimension = models.CharField(_("dimensión"), max_length=12, choices=Dimension)
    control_scope = models.CharField(_("ámbito de control"), max_length=24, choices=ControlScope)
    direction = models.CharField(_("sentido"), max_length=12, choices=Direction, default=Direction.ASCENDING)
    is_share = models.BooleanField(
        _("el numerador es parte del denominador"),
        default=False,
        help_text=_("Si se marca, el numerador no puede superar al denominador."),
    )
    verification_means = models.TextField(_("medios de verificación"), blank=True)
    assumptions = models.TextField(_("supuestos"), blank=True)
    notes = models.TextField(_("notas"), blank=True)
    gender_disaggregation = models.BooleanField(_("aplica desagregación por sexo"), default=False)
    territorial_management = models.BooleanField(_("aplica gestión territorial"), default=False)
    is_illustrative = models.BooleanField(
        _("ilustrativo"),
        default=False,
        help_text=_("Indicador de ejemplo: la fuente solo informa conteos, no el indicador."),
    )
    is_active = models.BooleanField(_("vigente"), default=True)
    source = models.CharField(
        _("origen de los efectivos"),
        max_length=12,
        choices=FigureSource,
        default=FigureSource.ENTERED,
        help_text=_(
            "Calculado desde el PROPIR: el efectivo de cada año con lista de iniciativas es el número de "
            "iniciativas puestas en ejecución sobre las programadas."
        ),
    )

    axes = models.ManyToManyField(
        PriorityAxis, blank=True, related_name="indicators", verbose_name=_("ejes prioritarios que sirve")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators_responsible",
        verbose_name=_("responsable en el GORE"),
        help_text=_("Un analista de la región: recibe los avisos sobre el indicador."),
    )

    history = HistoricalRecords(m2m_fields=[axes])
    objects = IndicatorManager()

    class Meta:
        verbose_name = _("indicador de desempeño")
        verbose_name_plural = _("indicadores de desempeño")
        ordering = ["region__order", "product__number", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="indicator_unique_code",
                violation_error_message=_("Ya existe un indicador con ese código en la región."),
            ),
            models.CheckConstraint(
                condition=Q(factor__gt=0),
                name="indicator_factor_positive",
                violation_error_message=_("El factor debe ser mayor que cero."),
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=4),
                name="indicator_decimals_at_most_4",
                violation_error_message=_("Se pueden mostrar a lo más 4 decimales."),
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values),
                name="indicator_dimension_valid",
                violation_error_message=_("La dimensión no es válida."),
            ),
            models.CheckConstraint(
                condition=Q(control_scope__in=ControlScope.values),
                name="indicator_control_scope_valid",
                violation_error_message=_("El ámbito de control no es válido."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="indicator_direction_valid",
                violation_error_message=_("El sentido no es válido."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def natural_key(self) -> tuple:
        return (*self.region.natural_key(), self.code)

    natural_key.dependencies = ["regions.region", "indicators.strategicproduct"]

    def clean(self) -> None:
        if self.product_id and self.region_id and self.product.region_id != self.region_id:
            raise ValidationError(
                {"product": _("El producto estratégico debe ser de la misma región que el indicador.")}
            )
        if (
            self.responsible_id
            and self.region_id
            and not self.responsible.analyst_assignments.filter(region_id=self.region_id).exists()
        ):
            raise ValidationError({"responsible": _("El responsable debe ser un analista de la región.")})

    @property
    def is_percentage(self) -> bool:
        return self.unit == Unit.PERCENT

    @property
    def has_denominator(self) -> bool:
        return bool(self.denominator_description)

    @property
    def is_descending(self) -> bool:
        return self.direction == Direction.DESCENDING


class IndicatorWeightingManager(models.Manager):
    def get_by_natural_key(self, iso_code: str, code: str, year: int) -> IndicatorWeighting:
        return self.get(indicator__region__iso_code=iso_code, indicator__code=code, cycle__year=year)


class IndicatorWeighting(models.Model):
    """An indicator's ponderación in one cycle and whether it counts for the incentive."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="weightings", verbose_name=_("indicador")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="weightings", verbose_name=_("ciclo")
    )
    weight = models.DecimalField(
        _("ponderación (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    counts_for_incentive = models.BooleanField(_("compromete incentivo"), default=True)
    notes = models.TextField(_("notas"), blank=True)

    history = HistoricalRecords()
    objects = IndicatorWeightingManager()

    class Meta:
        verbose_name = _("ponderación del indicador en el ciclo")
        verbose_name_plural = _("ponderaciones de indicadores por ciclo")
        ordering = ["-cycle__year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "cycle"],
                name="weighting_unique_per_cycle",
                violation_error_message=_("El indicador ya tiene una ponderación en ese ciclo."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100),
                name="weighting_weight_0_100",
                violation_error_message=_("La ponderación debe estar entre 0 y 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.cycle}"

    def natural_key(self) -> tuple:
        return self.indicator.natural_key() + self.cycle.natural_key()

    natural_key.dependencies = ["indicators.indicator", "evaluation.evaluationcycle"]


class MeasurementManager(models.Manager):
    def get_by_natural_key(self, iso_code: str, code: str, year: int, kind: str) -> Measurement:
        return self.get(indicator__region__iso_code=iso_code, indicator__code=code, year=year, kind=kind)


class Measurement(models.Model):
    """One yearly figure of an indicator: its numerator and denominator as efectivo, estimado or meta."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicador")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    kind = models.CharField(_("tipo"), max_length=10, choices=MeasurementKind)
    numerator = models.DecimalField(
        _("numerador"),
        max_digits=18,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), message=_("El numerador no puede ser negativo."))],
    )
    denominator = models.DecimalField(
        _("denominador"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"), message=_("El denominador debe ser mayor que cero."))],
    )

    # Owned by indicators.services._write_measurements, the one writer of figures (grid, spreadsheet, admin,
    # commands): it raises the version of every figure it changes, once.
    version = models.PositiveIntegerField(
        _("versión"), default=1, help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro.")
    )

    history = HistoricalRecords()
    objects = MeasurementManager()

    class Meta:
        verbose_name = _("valor")  # the domain's word (docs/domain.md), as every page calls a figure
        verbose_name_plural = _("valores")
        ordering = ["indicator", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "kind"],
                name="measurement_unique_per_year_kind",
                violation_error_message=_("Ya existe un valor de ese tipo para ese año en el indicador."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0),
                name="measurement_numerator_not_negative",
                violation_error_message=_("El numerador no puede ser negativo."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="measurement_denominator_positive",
                violation_error_message=_("El denominador debe ser mayor que cero."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeasurementKind.values),
                name="measurement_kind_valid",
                violation_error_message=_("El tipo de valor no es válido."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100),
                name="measurement_year_range",
                violation_error_message=_("El año debe estar entre 1990 y 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} {self.get_kind_display()}"

    def natural_key(self) -> tuple:
        return (*self.indicator.natural_key(), self.year, self.kind)

    natural_key.dependencies = ["indicators.indicator"]

    def clean(self) -> None:
        if self.indicator_id is None:
            return
        if self.indicator.has_denominator and self.denominator is None:
            raise ValidationError({"denominator": _("Este indicador requiere denominador.")})
        if not self.indicator.has_denominator and self.denominator is not None:
            raise ValidationError({"denominator": _("Este indicador es de conteo y no lleva denominador.")})
        if (
            self.indicator.is_share
            and self.denominator is not None
            and self.denominator > 0
            and self.numerator is not None
            and self.numerator > self.denominator
        ):
            raise ValidationError({"numerator": _("El numerador no puede superar al denominador en este indicador.")})

    @property
    def value(self) -> Decimal | None:
        """Return the indicator's value for this figure; None where it is undefined."""
        return calculations.indicator_value(self.numerator, self.denominator, self.indicator.factor)

    @property
    def exact_value(self) -> Fraction | None:
        """Return the indicator's value for this figure as an exact fraction (for scoring); None where undefined."""
        return calculations.indicator_ratio(self.numerator, self.denominator, self.indicator.factor)


class ResultAnalysis(models.Model):
    """The analysis of an indicator's result against its meta in one cycle (DIPRES «análisis de causas»).

    Causes are required when the efectivo misses cumplido; a justification when it exceeds the
    cycle's sobrecumplimiento threshold. DIPRES may accept external causes, excluding the indicator
    from the institution's score.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="analyses", verbose_name=_("indicador")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="analyses", verbose_name=_("ciclo")
    )
    causes = models.TextField(_("causas del resultado"), blank=True)
    external_causes = models.BooleanField(
        _("causas externas"),
        default=False,
        help_text=_("Las causas escapan al control de la institución; DIPRES puede aceptarlas."),
    )
    external_accepted = models.BooleanField(
        _("causas externas aceptadas por DIPRES"), null=True, blank=True, default=None
    )
    overachievement_justification = models.TextField(_("justificación del sobrecumplimiento"), blank=True)
    # 1 when first saved, then one more per change (the analyst's or DIPRES's decision); a page that showed none
    # sends 0.
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("análisis del resultado")
        verbose_name_plural = _("análisis de resultados")
        ordering = ["-cycle__year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "cycle"],
                name="analysis_unique_per_cycle",
                violation_error_message=_("El indicador ya tiene un análisis del resultado en ese ciclo."),
            ),
            models.CheckConstraint(
                condition=Q(external_accepted__isnull=True) | Q(external_causes=True),
                name="analysis_acceptance_needs_external_causes",
                violation_error_message=_("Solo se pueden aceptar causas marcadas como externas."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.cycle}"


class Commitment(models.Model):
    """What every commitment shares, whatever it answers (an indicator's result, an evaluation): what is
    committed, who answers for it, by when, and its follow-up (state and what was done), kept through later
    cycles while it is open. The follow-up rule is indicators.services.commitments."""

    description = models.TextField(_("compromiso"))
    owner = models.CharField(_("responsable"), max_length=200)
    due_date = models.DateField(_("fecha comprometida"))
    status = models.CharField(_("estado"), max_length=12, choices=CommitmentStatus, default=CommitmentStatus.PENDING)
    follow_up = models.TextField(_("seguimiento"), blank=True)
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)

    def is_overdue_on(self, day) -> bool:
        """Return whether the commitment is still open after its due date, on that day."""
        return self.is_open and self.due_date < day


class ImprovementCommitment(Commitment):
    """A compromiso de mejora made for an indicator in one cycle and followed up in later ones."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="improvement_commitments", verbose_name=_("indicador")
    )
    cycle = models.ForeignKey(
        EvaluationCycle,
        on_delete=models.PROTECT,
        related_name="improvement_commitments",
        verbose_name=_("ciclo en que se comprometió"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compromiso de mejora")
        verbose_name_plural = _("compromisos de mejora")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values),
                name="improvement_commitment_status_valid",
                violation_error_message=_("El estado no es válido."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.description[:60]}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Return where an evidence file is stored: by region, indicator and year, under a random name."""
    return (
        f"evidencia/{instance.indicator.region.iso_code}/{instance.indicator.code}/{instance.year}/{uuid.uuid4().hex}"
    )


class Evidence(models.Model):
    """A medio de verificación: a file backing an indicator's figures for one year. Never deleted, withdrawn."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("indicador")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    file = models.FileField(_("archivo"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("nombre del archivo"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    description = models.CharField(_("descripción"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("subido por")
    )
    uploaded_at = models.DateTimeField(_("subido el"), auto_now_add=True)
    withdrawn = models.BooleanField(_("retirado"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medio de verificación")
        verbose_name_plural = _("medios de verificación")
        ordering = ["-year", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} · {self.original_name}"


class ProductBudget(models.Model):
    """Money beside performance: a product's budget allocated and executed in a year, in thousands of pesos."""

    product = models.ForeignKey(
        StrategicProduct, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("producto estratégico")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    allocated = models.DecimalField(
        _("presupuesto asignado (M$)"), max_digits=16, decimal_places=0, validators=[MinValueValidator(Decimal(0))]
    )
    executed = models.DecimalField(
        _("presupuesto ejecutado (M$)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    output = models.DecimalField(
        _("producción del año"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Unidades entregadas en el año, en la unidad de producción del producto."),
    )
    is_illustrative = models.BooleanField(
        _("ilustrativo"),
        default=False,
        help_text=_("Montos de ejemplo: el documento no da presupuestos; se quitan con la demostración."),
    )
    # 1 when first saved, then one more per change; a page that showed no budget sends 0.
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("presupuesto del producto")
        verbose_name_plural = _("presupuestos de productos")
        ordering = ["product", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "year"],
                name="product_budget_unique_year",
                violation_error_message=_("El producto ya tiene presupuesto para ese año."),
            ),
            models.CheckConstraint(
                condition=Q(allocated__gte=0)
                & (Q(executed__isnull=True) | Q(executed__gte=0))
                & (Q(output__isnull=True) | Q(output__gte=0)),
                name="product_budget_not_negative",
                violation_error_message=_("Los montos no pueden ser negativos."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.year}"

    @property
    def execution(self) -> Decimal | None:
        """Return executed / allocated × 100; None without execution or with nothing allocated."""
        return calculations.budget_execution(self.executed, self.allocated)

    @property
    def unit_cost(self) -> Decimal | None:
        """Return the executed money per unit delivered (M$); None without execution or output."""
        return calculations.unit_cost(self.executed, self.output)


class ImportLog(models.Model):
    """A spreadsheet import: who, when, which file, what it would change (the preview) and what it did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("usuario")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="imports", verbose_name=_("región"))
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="imports", verbose_name=_("ciclo")
    )
    file_name = models.CharField(_("archivo"), max_length=255)
    file_sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    downloaded_at = models.DateTimeField(
        _("plantilla descargada el"),
        null=True,
        blank=True,
        help_text=_("Según la marca de la planilla; vacío si no la trae (una plantilla anterior o modificada)."),
    )
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    applied_at = models.DateTimeField(_("aplicada el"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=16, choices=ImportStatus, default=ImportStatus.PREVIEW)
    rows = models.PositiveIntegerField(_("filas"), default=0)
    changes = models.JSONField(_("cambios"), default=list)
    errors = models.JSONField(_("errores"), default=list)
    applied = models.PositiveIntegerField(_("valores guardados"), default=0)

    class Meta:
        verbose_name = _("importación de planilla")
        verbose_name_plural = _("importaciones de planillas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.region} · {self.get_status_display()}"


class ComputedFigure(models.Model):
    """An efectivo computed from a list pbr keeps (the PROPIR), beside the one the indicator has: the two are
    reconciled (the computed one is written as the efectivo while nobody typed another; a mismatch is shown)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="computed_figures", verbose_name=_("indicador")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    source = models.CharField(_("origen"), max_length=12, choices=FigureSource)
    numerator = models.DecimalField(_("numerador"), max_digits=18, decimal_places=4)
    denominator = models.DecimalField(_("denominador"), max_digits=18, decimal_places=4, null=True, blank=True)
    applied_version = models.PositiveIntegerField(
        _("versión del efectivo escrita desde el cálculo"),
        default=0,
        help_text=_("0: el efectivo no se escribió desde el cálculo (se ingresó a mano, o no hay)."),
    )
    computed_at = models.DateTimeField(_("calculado el"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("efectivo calculado")
        verbose_name_plural = _("efectivos calculados")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "source"],
                name="computed_figure_unique",
                violation_error_message=_("Ya hay un efectivo calculado de ese origen para el año."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} · {self.get_source_display()}"

    @property
    def pair(self) -> tuple[Decimal, Decimal | None]:
        return self.numerator, self.denominator


class MediumTermTarget(models.Model):
    """A medium-term target of an objetivo estratégico, measured by one of its indicators: the value the
    indicator should reach in a year beyond the cycle. Each cycle's meta is checked against the path to it."""

    objective = models.ForeignKey(
        StrategicObjective,
        on_delete=models.CASCADE,
        related_name="medium_term_targets",
        verbose_name=_("objetivo estratégico"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="medium_term_targets", verbose_name=_("indicador")
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    value = models.DecimalField(
        _("valor meta"),
        max_digits=18,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), message=_("El valor no puede ser negativo."))],
        help_text=_("En la unidad del indicador (p. ej. 98 para 98 %)."),
    )
    notes = models.TextField(_("notas"), blank=True)
    is_illustrative = models.BooleanField(_("ilustrativo"), default=False)
    # 1 when first saved, then one more per change; a page that showed none sends 0.
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        editable=False,
        help_text=_("Aumenta con cada cambio; evita que un cambio pise a otro."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meta de mediano plazo")
        verbose_name_plural = _("metas de mediano plazo")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="medium_term_target_unique",
                violation_error_message=_("El indicador ya tiene una meta de mediano plazo para ese año."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"

    def clean(self) -> None:
        if not (self.objective_id and self.indicator_id):
            return
        definition = self.objective.definition
        if self.indicator.region_id != definition.region_id:
            raise ValidationError({"indicator": _("El indicador debe ser de la región del objetivo.")})
        if self.year and self.year <= definition.cycle.year:
            raise ValidationError(
                {
                    "year": _("Una meta de mediano plazo es de un año posterior al ciclo (%(year)s).")
                    % {"year": definition.cycle.year}
                }
            )


class Observation(models.Model):
    """A reviewer's observation on an indicator in a cycle, and its thread: the region answers, either side
    replies, DIPRES resolves it. While not resolved, the region's data in the cycle cannot be approved."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", verbose_name=_("indicador")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="observations", verbose_name=_("ciclo")
    )
    topic = models.CharField(_("sobre"), max_length=16, choices=ObservationTopic)
    check_item = models.CharField(_("punto de la revisión"), max_length=16, choices=CheckItem, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=ObservationStatus, default=ObservationStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("abierta por")
    )
    opened_at = models.DateTimeField(_("abierta"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resuelta por"),
    )
    resolved_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    # One more per message or change of state: resolving a thread that got a reply meanwhile is refused.
    version = models.PositiveIntegerField(_("versión"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ObservationStatus.values), name="observation_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ObservationStatus.RESOLVED, resolved_at__isnull=False)
                | (~Q(status=ObservationStatus.RESOLVED) & Q(resolved_at__isnull=True)),
                name="observation_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.get_topic_display()} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != ObservationStatus.RESOLVED

    @property
    def status_badge(self) -> str:
        """Return the Bootstrap class of the status's badge (the badge always shows the status's word too)."""
        return ObservationStatus(self.status).badge_class


class ObservationMessage(models.Model):
    """One message of an observation's thread: who wrote what, when. Messages are never changed."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("observación")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("autor")
    )
    text = models.TextField(_("texto"))
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("mensaje de observación")
        verbose_name_plural = _("mensajes de observación")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%Y-%m-%d %H:%M}"


class FormulationCheck(models.Model):
    """A reviewer's verdict on one point of an indicator's formulation in a cycle: conforme, or observado
    (with the observation that says why)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="formulation_checks", verbose_name=_("indicador")
    )
    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="formulation_checks", verbose_name=_("ciclo")
    )
    item = models.CharField(_("punto"), max_length=16, choices=CheckItem)
    state = models.CharField(_("estado"), max_length=12, choices=CheckState)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("revisado por")
    )
    checked_at = models.DateTimeField(_("revisado"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punto de la revisión de la formulación")
        verbose_name_plural = _("puntos de la revisión de la formulación")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "cycle", "item"],
                name="formulation_check_unique",
                violation_error_message=_("Ese punto ya fue revisado para el indicador en el ciclo."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.get_item_display()}: {self.get_state_display()}"
