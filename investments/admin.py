"""The admin of the PROPIR: MIDEPLAN's results are a catalogue managed here with its history; initiatives are
read here and written on the PROPIR's pages (investments.services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin_safety import ReadOnlyHistoryAdmin, SafeHistoryAdmin
from investments.models import InvestmentInitiative, MideplanResult, PropirImport


@admin.register(MideplanResult)
class MideplanResultAdmin(SafeHistoryAdmin):
    list_display = ("code", "name", "name_en", "is_recommended", "order")
    list_editable = ("order",)


@admin.register(InvestmentInitiative)
class InvestmentInitiativeAdmin(ReadOnlyHistoryAdmin):
    """Read-only: every write goes through the PROPIR's service (permission, lock, version, history)."""

    list_display = ("bip_code", "name", "region", "year", "state", "result", "programmed", "executed")
    list_filter = ("year", "region", "state", "result", "is_illustrative")
    list_select_related = ("region", "result")
    search_fields = ("bip_code", "name", "comuna", "sector")


@admin.register(PropirImport)
class PropirImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "region", "year", "file_name", "status", "added", "changed", "removed"]
    list_filter = ["status", "region", "year"]
    list_select_related = ["user", "region"]
    readonly_fields = [f.name for f in PropirImport._meta.fields]

    def has_add_permission(self, request):
        return False
