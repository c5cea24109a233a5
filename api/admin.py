"""API tokens in the admin: shown, and revoked through the service (made only by their owners, on /cuenta/tokens/,
so that the key is shown to them alone)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services
from api.models import ApiToken
from core.admin_safety import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "can_write", "expires_on", "last_used_at", "revoked_at"]
    list_filter = ["can_write", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]

    @admin.action(description=_("Revocar los tokens elegidos"))
    def revoke(self, request, queryset):
        tokens = [token for token in queryset if token.revoked_at is None]
        for token in tokens:
            services.token_revoke(user=request.user, token=token)
        count = len(tokens)
        self.message_user(
            request,
            ngettext("Se revocó %(count)s token.", "Se revocaron %(count)s tokens.", count) % {"count": count},
            messages.SUCCESS,
        )
