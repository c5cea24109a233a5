from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import EvaluationCycle


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(SimpleHistoryAdmin):
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
