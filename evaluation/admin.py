from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluation import services
from evaluation.models import CycleSnapshot, DataVersion, EvaluationCycle, Submission, SubmissionEvent


@admin.action(description=_("Cerrar el ciclo y congelar los resultados de cada región"))
def close_cycles(modeladmin, request, queryset):
    for cycle in queryset.order_by("year"):
        try:
            frozen = services.cycle_close(user=request.user, cycle=cycle)
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("Ciclo %(year)s cerrado: resultados de %(count)s regiones congelados.")
                % {"year": cycle.year, "count": frozen},
                messages.SUCCESS,
            )


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(SimpleHistoryAdmin):
    actions = [close_cycles]
    list_display = ["year", "stage", "data_deadline", "met_threshold", "partial_threshold", "weighting"]
    list_filter = ["stage", "weighting"]
    search_fields = ["year"]
    fieldsets = [
        (None, {"fields": ["year", "stage", "history_years", "data_deadline"]}),
        (
            _("Cumplimiento de indicadores"),
            {"fields": ["met_threshold", "partial_threshold", "overachievement_threshold", "scoring_cap"]},
        ),
        (
            _("Cumplimiento institucional e incentivo"),
            {
                "fields": [
                    "weighting",
                    "bonus_full_threshold",
                    "bonus_partial_threshold",
                    "bonus_full_rate",
                    "bonus_partial_rate",
                ]
            },
        ),
    ]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = ["at", "action", "actor", "comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["region", "cycle", "status", "updated_at"]
    list_filter = ["cycle", "status", "region"]
    search_fields = ["region__name"]
    list_select_related = ["region", "cycle"]
    readonly_fields = ["status"]
    inlines = [SubmissionEventInline]


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ["submission", "action", "actor", "at"]
    list_filter = ["action", "submission__cycle", "submission__region"]
    search_fields = ["comment", "submission__region__name"]
    list_select_related = ["submission__region", "submission__cycle", "actor"]
    readonly_fields = ["submission", "action", "actor", "comment", "at"]

    def has_add_permission(self, request):
        return False


@admin.register(CycleSnapshot)
class CycleSnapshotAdmin(admin.ModelAdmin):
    list_display = ["cycle", "region", "created_at", "created_by"]
    list_filter = ["cycle", "region"]
    list_select_related = ["cycle", "region", "created_by"]
    readonly_fields = ["cycle", "region", "data", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False  # snapshots are made by closing a cycle

    def has_change_permission(self, request, obj=None):
        return False  # frozen results never change


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin):
    list_display = ["value"]
    readonly_fields = ["value"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
