"""The admin of evaluations: the configurable lists (evaluation lines, each cycle's verdicts) are managed here
with their history; evaluations and commitments are read here and written on their pages (the services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin_safety import ReadOnlyHistoryAdmin, SafeHistoryAdmin
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict


@admin.register(EvaluationLine)
class EvaluationLineAdmin(SafeHistoryAdmin):
    list_display = ("code", "name", "name_en", "scope", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("scope", "is_active")


@admin.register(Verdict)
class VerdictAdmin(SafeHistoryAdmin):
    list_display = ("cycle", "kind", "code", "name", "name_en", "order", "is_favourable")
    list_filter = ("cycle", "kind")
    list_select_related = ("cycle",)


class CommitmentInline(admin.TabularInline):
    model = InstitutionalCommitment
    extra = 0
    fields = ("description", "owner", "due_date", "status", "follow_up")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgramEvaluation)
class ProgramEvaluationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("region", "cycle", "line", "program", "verdict", "is_illustrative")
    list_filter = ("cycle", "region", "line", "is_illustrative")
    list_select_related = ("region", "cycle", "line", "verdict")
    search_fields = ("program", "evaluator")
    inlines = [CommitmentInline]


@admin.register(InstitutionalCommitment)
class InstitutionalCommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("evaluation", "description", "owner", "due_date", "status")
    list_filter = ("status", "evaluation__cycle", "evaluation__region")
    list_select_related = ("evaluation__region", "evaluation__cycle", "evaluation__line")
