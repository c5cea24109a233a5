from django.contrib import admin

from core.admin_safety import SafeAdmin
from regions.models import AnalystAssignment, Region, RegionHead


@admin.register(Region)
class RegionAdmin(SafeAdmin):
    list_display = ["name", "iso_code", "roman_numeral", "cut_code", "valid_from", "valid_to"]
    search_fields = ["name", "government_name", "iso_code", "cut_code"]
    ordering = ["order"]


@admin.register(AnalystAssignment)
class AnalystAssignmentAdmin(SafeAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region__name"]
    autocomplete_fields = ["user", "region"]
    list_select_related = ["user", "region"]


@admin.register(RegionHead)
class RegionHeadAdmin(SafeAdmin):
    """The regions' heads (jefatura): they read their regions and are notified of their state."""

    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region__name"]
    autocomplete_fields = ["user", "region"]
    list_select_related = ["user", "region"]
