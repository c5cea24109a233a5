from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import (
    Client,
    Deviation,
    Evidence,
    ImportLog,
    ImprovementCommitment,
    Indicator,
    IndicatorCommitment,
    Measurement,
    ProductBudget,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)


class StrategicObjectiveInline(admin.TabularInline):
    model = StrategicObjective
    extra = 0


@admin.register(StrategicDefinition)
class StrategicDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["region", "cycle"]
    list_filter = ["region", "cycle"]
    search_fields = ["region__name", "mission"]
    inlines = [StrategicObjectiveInline]
    list_select_related = ["region", "cycle"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "description", "definition"]
    list_filter = ["definition__region", "definition__cycle"]
    search_fields = ["description", "definition__region__name"]
    list_select_related = ["definition__region", "definition__cycle"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]


@admin.register(StrategicProduct)
class StrategicProductAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "region", "is_institutional"]
    list_filter = ["region", "is_institutional"]
    search_fields = ["name", "description", "region__name"]
    filter_horizontal = ["objectives", "clients"]
    list_select_related = ["region"]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ["year", "kind", "numerator", "denominator", "version"]
    readonly_fields = ["version"]
    ordering = ["year", "kind"]


class CommitmentInline(admin.TabularInline):
    model = IndicatorCommitment
    extra = 0
    fields = ["cycle", "weight", "counts_for_incentive", "notes"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region", "product", "dimension", "control_scope", "is_illustrative"]
    list_filter = [
        "region",
        "commitments__cycle",
        "product",
        "dimension",
        "control_scope",
        "direction",
        "unit",
        "is_illustrative",
    ]
    search_fields = ["code", "name", "formula", "region__name", "product__name"]
    list_select_related = ["region", "product"]
    autocomplete_fields = ["product"]
    inlines = [CommitmentInline, MeasurementInline]
    fieldsets = [
        (None, {"fields": ["region", "product", "code", "name", "is_active", "is_illustrative"]}),
        (
            _("Formulario H"),
            {
                "fields": [
                    "formula",
                    "numerator_description",
                    "denominator_description",
                    ("unit", "factor", "decimals"),
                    ("dimension", "control_scope", "direction"),
                    "is_share",
                    "verification_means",
                    "assumptions",
                    "notes",
                    ("gender_disaggregation", "territorial_management"),
                ]
            },
        ),
    ]


@admin.register(IndicatorCommitment)
class IndicatorCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "cycle", "weight", "counts_for_incentive"]
    list_filter = ["cycle", "indicator__region", "counts_for_incentive"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "cycle"]


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "kind", "numerator", "denominator", "version"]
    list_filter = ["indicator__region", "kind", "year", "indicator__product", "indicator__dimension"]
    readonly_fields = ["version"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator"]


@admin.register(Deviation)
class DeviationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "cycle", "external_causes", "external_accepted"]
    list_filter = ["cycle", "indicator__region", "external_causes", "external_accepted"]
    search_fields = ["indicator__code", "indicator__name", "causes"]
    list_select_related = ["indicator", "cycle"]


@admin.register(ImprovementCommitment)
class ImprovementCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "cycle", "description", "owner", "due_date", "status"]
    list_filter = ["status", "cycle", "indicator__region"]
    search_fields = ["indicator__code", "description", "owner"]
    list_select_related = ["indicator", "cycle"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "original_name", "content_type", "size", "uploaded_by", "withdrawn"]
    list_filter = ["indicator__region", "year", "withdrawn", "content_type"]
    search_fields = ["indicator__code", "original_name", "description"]
    list_select_related = ["indicator", "uploaded_by"]
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False  # uploads go through the indicator page, which checks the file's content


@admin.register(ProductBudget)
class ProductBudgetAdmin(SimpleHistoryAdmin):
    list_display = ["product", "year", "allocated", "executed"]
    list_filter = ["product__region", "year"]
    search_fields = ["product__name", "product__region__name"]
    list_select_related = ["product__region"]
    autocomplete_fields = ["product"]


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "region", "cycle", "file_name", "status", "rows", "applied"]
    list_filter = ["status", "region", "cycle"]
    search_fields = ["file_name", "user__username"]
    list_select_related = ["user", "region", "cycle"]
    readonly_fields = [f.name for f in ImportLog._meta.fields]

    def has_add_permission(self, request):
        return False
