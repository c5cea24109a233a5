"""The API's gate: anyone reads (what each person reads is api.selectors'), only a signed-in person or a token
that writes may write (what each may write is the services', through regions.selectors)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken


class ReadAnyoneWriteSignedIn(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiToken) and not request.auth.can_write:
            # Said here, before any service: the token, not the person, is what may not write.
            detail = _(
                "Este token solo permite leer: para registrar datos, cree uno que también escriba en /cuenta/tokens/."
            )
            raise PermissionDenied(detail, code="token_read_only")
        return bool(request.user and request.user.is_authenticated)
