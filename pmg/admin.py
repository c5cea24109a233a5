"""The admin of the PMG: each cycle's management systems and the excellence model's criteria are catalogues
managed here with their history; commitments and self-assessments are read here and written on the PMG page
(pmg.services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin_safety import ReadOnlyHistoryAdmin, SafeHistoryAdmin
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment


@admin.register(ManagementSystem)
class ManagementSystemAdmin(SafeHistoryAdmin):
    list_display = ("cycle", "code", "name", "area", "stages", "weight", "order")
    list_filter = ("cycle", "area")
    list_select_related = ("cycle",)


@admin.register(ExcellenceCriterion)
class ExcellenceCriterionAdmin(SafeHistoryAdmin):
    list_display = ("code", "name", "name_en", "max_score", "order")


@admin.register(PmgCommitment)
class PmgCommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("region", "system", "committed_stage", "reported_stage", "validated_stage")
    list_filter = ("system__cycle", "region")
    list_select_related = ("region", "system__cycle")


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("region", "cycle", "criterion", "score")
    list_filter = ("cycle", "region", "criterion")
    list_select_related = ("region", "cycle", "criterion")
