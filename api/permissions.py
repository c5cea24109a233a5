"""The API's gate: anyone reads (what each person reads is api.selectors'), only a signed-in person or a token
writes (what each may write is the services', through regions.selectors)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadAnyoneWriteSignedIn(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)
