"""What the API reads and writes, field by field (the OpenAPI schema is generated from these)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.numbers import round_half_up
from evaluation.models import EvaluationCycle
from indicators.models import (
    ImprovementCommitment,
    Indicator,
    Measurement,
    ResultAnalysis,
    StrategicDefinition,
    StrategicProduct,
)
from indicators.vocabulary import CommitmentStatus, MeasurementKind
from investments.models import InvestmentInitiative
from programs.models import ProgramEvaluation
from regions.models import Region

AMOUNT = {"max_digits": 18, "decimal_places": 4}
MAX_FIGURES = 5000  # per request: a whole region's cycle fits, a runaway program does not


@extend_schema_field({"type": "string", "format": "decimal", "example": "71.43"})
class ExactDecimalField(serializers.Field):
    """An exact decimal as a string, without trailing zeros (71.43, 100): never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return format(Decimal(value).normalize(), "f")


def _shown(value, places: int) -> str | None:
    """Return a value rounded as the pages show it (core.numbers: once, exactly, halves away from zero)."""
    return None if value is None else format(round_half_up(value, places), "f")


def _internal(serializer: serializers.Serializer, region_id: int) -> bool:
    """Return whether the reader sees the region whole (else only its published results, without people)."""
    return serializer.context["readable"].sees_internals(region_id)


class RegionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="iso_code", help_text=_("Código ISO 3166-2, p. ej. CL-CO."))

    class Meta:
        model = Region
        fields = ["code", "name", "government_name", "roman_numeral", "cut_code", "order", "valid_from", "valid_to"]


class CycleSerializer(serializers.ModelSerializer):
    first_year = serializers.IntegerField(read_only=True, help_text=_("Primer año de la ventana del ciclo."))

    class Meta:
        model = EvaluationCycle
        fields = [
            "year",
            "stage",
            "first_year",
            "history_years",
            "data_deadline",
            "met_threshold",
            "partial_threshold",
            "overachievement_threshold",
            "scoring_cap",
            "weighting",
            "bonus_full_threshold",
            "bonus_partial_threshold",
            "bonus_full_rate",
            "bonus_partial_rate",
            "pmg_share",
            "is_illustrative",
        ]


class ProductSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.iso_code")

    class Meta:
        model = StrategicProduct
        fields = ["id", "region", "number", "name", "description", "is_institutional", "output_unit"]


class IndicatorSerializer(serializers.ModelSerializer):
    """Every field of the Formulario H; the responsible person is not published."""

    region = serializers.CharField(source="region.iso_code")
    product = serializers.IntegerField(source="product.number", help_text=_("Número del producto estratégico."))
    product_name = serializers.CharField(source="product.name")
    axes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "region",
            "code",
            "name",
            "product",
            "product_name",
            "formula",
            "numerator_description",
            "denominator_description",
            "unit",
            "factor",
            "decimals",
            "dimension",
            "control_scope",
            "direction",
            "is_share",
            "verification_means",
            "assumptions",
            "notes",
            "gender_disaggregation",
            "territorial_management",
            "source",
            "axes",
            "is_active",
            "is_illustrative",
        ]


class FigureSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="indicator.region.iso_code")
    indicator = serializers.CharField(source="indicator.code")
    indicator_id = serializers.IntegerField()
    value = serializers.SerializerMethodField(
        help_text=_(
            "Valor del indicador como lo muestran las páginas: redondeado a sus decimales (mitades hacia arriba)."
        )
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "region",
            "indicator",
            "indicator_id",
            "year",
            "kind",
            "numerator",
            "denominator",
            "value",
            "version",
        ]

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "example": "71"})
    def get_value(self, measurement: Measurement) -> str | None:
        return _shown(measurement.exact_value, measurement.indicator.decimals)


class FigureInputSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=20, help_text=_("Código del indicador en la región, p. ej. CO-01."))
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    kind = serializers.ChoiceField(choices=MeasurementKind.choices)
    numerator = serializers.DecimalField(**AMOUNT, allow_null=True, min_value=Decimal(0))
    # The figure's own rule (greater than zero), checked with the others: «abc» over 0 is told both.
    denominator = serializers.DecimalField(
        **AMOUNT,
        allow_null=True,
        required=False,
        default=None,
        validators=Measurement._meta.get_field("denominator").validators,
    )
    version = serializers.IntegerField(
        min_value=0, help_text=_("La versión del valor que se leyó (0 si no había): evita pisar otro cambio.")
    )


class FigureBatchSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=5, help_text=_("Código ISO de la región, p. ej. CL-CO."))
    cycle = serializers.IntegerField(min_value=1990, max_value=2100, help_text=_("Año del ciclo."))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    figures = FigureInputSerializer(many=True, allow_empty=False, max_length=MAX_FIGURES)


class FigureBatchResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField(help_text=_("Cuántos valores cambiaron."))
    figures = FigureSerializer(many=True, help_text=_("Los valores enviados, como quedaron (con su versión)."))


class CellProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField(required=False, help_text=_("Posición del valor en la lista enviada."))
    line = serializers.IntegerField(required=False, help_text=_("Línea del CSV (la cabecera es la 1)."))
    indicator = serializers.CharField(required=False)
    year = serializers.IntegerField(required=False)
    kind = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ConflictSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line = serializers.IntegerField(required=False)
    indicator = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    current = FigureSerializer(allow_null=True, help_text=_("Lo que está registrado ahora."))


class FigurePairSerializer(serializers.Serializer):
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(required=False)


class FigureChangeSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    line = serializers.IntegerField(required=False)
    indicator = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    old = FigurePairSerializer(allow_null=True, help_text=_("Lo registrado antes (null: no había)."))
    new = FigurePairSerializer()


class FigureImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    saved = serializers.IntegerField(help_text=_("Cuántos valores se guardaron (0 en una prueba)."))
    would_save = serializers.IntegerField(help_text=_("Cuántos valores cambian al guardar."))
    changes = FigureChangeSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """Every error's shape (api.errors)."""

    detail = serializers.CharField(help_text=_("Qué pasó, en el idioma de la petición."))
    code = serializers.CharField(help_text=_("Una palabra que un programa puede comparar: not_found, invalid…"))
    fields = serializers.DictField(
        required=False, help_text=_("Para datos no válidos: los mensajes de cada campo (de una lista, por posición).")
    )
    errors = CellProblemSerializer(many=True, required=False)
    conflicts = ConflictSerializer(many=True, required=False)


class _IndicatorInCycle(serializers.Serializer):
    region = serializers.CharField(max_length=5, help_text=_("Código ISO de la región, p. ej. CL-CO."))
    cycle = serializers.IntegerField(min_value=1990, max_value=2100, help_text=_("Año del ciclo."))
    indicator = serializers.CharField(max_length=20, help_text=_("Código del indicador en la región, p. ej. CO-01."))


class AnalysisInputSerializer(_IndicatorInCycle):
    causes = serializers.CharField(max_length=5000, allow_blank=True, default="")
    external_causes = serializers.BooleanField(default=False)
    overachievement_justification = serializers.CharField(max_length=5000, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=0, help_text=_("La versión del análisis que se leyó (0 si no había): evita pisar otro cambio.")
    )


class CommitmentInputSerializer(_IndicatorInCycle):
    description = serializers.CharField(max_length=2000)
    owner = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


class FollowUpInputSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(
        min_value=1990, max_value=2100, help_text=_("Año del ciclo desde el que se hace el seguimiento.")
    )
    status = serializers.ChoiceField(choices=CommitmentStatus.choices)
    follow_up = serializers.CharField(max_length=2000, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=0, help_text=_("La versión del compromiso que se leyó: evita pisar otro cambio.")
    )


class StaleProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    current = serializers.DictField(allow_null=True, help_text=_("Lo que está registrado ahora."))


class ObjectiveSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    description = serializers.CharField()
    axes = serializers.ListField(child=serializers.CharField())


class DefinitionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.iso_code")
    cycle = serializers.IntegerField(source="cycle.year")
    objectives = serializers.SerializerMethodField()

    class Meta:
        model = StrategicDefinition
        fields = ["id", "region", "cycle", "mission", "objectives", "is_illustrative", "version"]

    @extend_schema_field(ObjectiveSerializer(many=True))
    def get_objectives(self, definition: StrategicDefinition) -> list[dict]:
        return [
            {
                "number": objective.number,
                "description": objective.description,
                "axes": [axis.code for axis in objective.axes.all()],
            }
            for objective in definition.objectives.all()
        ]


class AnalysisSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="indicator.region.iso_code")
    indicator = serializers.CharField(source="indicator.code")
    cycle = serializers.IntegerField(source="cycle.year")

    class Meta:
        model = ResultAnalysis
        fields = [
            "id",
            "region",
            "indicator",
            "cycle",
            "causes",
            "external_causes",
            "external_accepted",
            "overachievement_justification",
            "version",
        ]


class CommitmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="indicator.region.iso_code")
    indicator = serializers.CharField(source="indicator.code")
    cycle = serializers.IntegerField(source="cycle.year")
    owner = serializers.SerializerMethodField(help_text=_("Responsable: solo para quien ve la región."))

    class Meta:
        model = ImprovementCommitment
        fields = [
            "id",
            "region",
            "indicator",
            "cycle",
            "description",
            "owner",
            "due_date",
            "status",
            "follow_up",
            "version",
        ]

    def get_owner(self, commitment: ImprovementCommitment) -> str | None:
        return commitment.owner if _internal(self, commitment.indicator.region_id) else None


class InstitutionalCommitmentSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    due_date = serializers.DateField()
    status = serializers.CharField()
    follow_up = serializers.CharField()


class EvaluationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.iso_code")
    cycle = serializers.IntegerField(source="cycle.year")
    line = serializers.CharField(source="line.code")
    line_name = serializers.CharField(source="line.label")
    verdict = serializers.CharField(source="verdict.code", allow_null=True)
    verdict_name = serializers.CharField(source="verdict.label", allow_null=True)
    commitments = serializers.SerializerMethodField()

    class Meta:
        model = ProgramEvaluation
        fields = [
            "id",
            "region",
            "cycle",
            "line",
            "line_name",
            "program",
            "evaluator",
            "started_on",
            "finished_on",
            "verdict",
            "verdict_name",
            "summary",
            "is_illustrative",
            "commitments",
        ]

    @extend_schema_field(InstitutionalCommitmentSerializer(many=True))
    def get_commitments(self, evaluation: ProgramEvaluation) -> list[dict]:
        internal = _internal(self, evaluation.region_id)
        return [
            {
                "description": commitment.description,
                "owner": commitment.owner if internal else None,
                "due_date": commitment.due_date.isoformat(),
                "status": commitment.status,
                "follow_up": commitment.follow_up,
            }
            for commitment in evaluation.commitments.all()
        ]


class InitiativeSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.iso_code")
    result = serializers.CharField(
        source="result.code", allow_null=True, help_text=_("Resultado MIDEPLAN (RS, FI, OT…).")
    )

    class Meta:
        model = InvestmentInitiative
        fields = [
            "id",
            "region",
            "year",
            "bip_code",
            "name",
            "sector",
            "comuna",
            "programmed",
            "executed",
            "result",
            "state",
            "is_illustrative",
            "version",
        ]


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    product_number = serializers.IntegerField()
    dimension = serializers.CharField()
    control_scope = serializers.CharField()
    unit = serializers.CharField()
    weight = ExactDecimalField()
    counts = serializers.BooleanField(help_text=_("Compromete incentivo."))
    excused = serializers.BooleanField(help_text=_("Causas externas aceptadas por DIPRES."))
    decimals = serializers.IntegerField()
    actual = serializers.SerializerMethodField(help_text=_("Efectivo, redondeado a los decimales del indicador."))
    target = serializers.SerializerMethodField(help_text=_("Meta, redondeada a los decimales del indicador."))
    percent = ExactDecimalField(allow_null=True, help_text=_("Porcentaje de cumplimiento de la meta."))
    classification = serializers.CharField()
    overachieved = serializers.BooleanField()
    is_illustrative = serializers.BooleanField()

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_actual(self, item) -> str | None:
        return _shown(item.actual, item.decimals)

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_target(self, item) -> str | None:
        return _shown(item.target, item.decimals)


class RegionResultSerializer(serializers.Serializer):
    region = serializers.CharField(source="region_code")
    region_name = serializers.CharField()
    cycle = serializers.IntegerField(source="cycle_year")
    published = serializers.BooleanField(help_text=_("Datos aprobados por DIPRES o ciclo cerrado."))
    submission_status = serializers.CharField()
    compliance = ExactDecimalField(allow_null=True)
    incentive_compliance = ExactDecimalField(allow_null=True)
    pmg_compliance = ExactDecimalField(allow_null=True)
    committed = ExactDecimalField()
    earned = ExactDecimalField()
    bonus_rate = ExactDecimalField()
    pending = serializers.IntegerField()
    frozen = serializers.BooleanField(help_text=_("Resultados congelados al cerrar el ciclo."))
    indicators = IndicatorResultSerializer(many=True)
