"""Notifications in the admin: shown only (they are written by the services of what happened). The mail
templates' editor of django-post-office without its CodeMirror, which it loads from a CDN that the site's
Content-Security-Policy blocks (the admin loads nothing from other hosts): plain text areas."""

from django.contrib import admin
from post_office import admin as post_office_admin
from post_office.models import EmailTemplate

from core.admin_safety import ReadOnlyAdmin
from notifications.models import Notification, NotificationPreference, PersonSettings, SentReminder

admin.site.unregister(EmailTemplate)


@admin.register(EmailTemplate)
class EmailTemplateAdmin(post_office_admin.EmailTemplateAdmin):
    change_form_template = "admin/change_form.html"  # post_office's own adds CodeMirror from cdnjs


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
    list_display = ["user", "language", "mail_language"]


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "user", "key"]
    search_fields = ["key", "user__username"]
