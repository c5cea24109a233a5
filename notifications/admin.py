"""Notifications in the admin: shown only (they are written by the services of what happened)."""

from django.contrib import admin

from core.admin_safety import ReadOnlyAdmin
from notifications.models import Notification, NotificationPreference, PersonSettings, SentReminder


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "region", "cycle", "read_at", "mail"]
    list_filter = ["event", "mail", "region"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient", "region", "cycle"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "event", "delivery"]
    list_filter = ["event", "delivery"]


@admin.register(PersonSettings)
class PersonSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "language"]


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "user", "key"]
    search_fields = ["key", "user__username"]
