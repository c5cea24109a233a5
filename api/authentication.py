"""Token authentication for programs: `Authorization: Bearer pbr_…` (or `Token pbr_…`). The token acts as its
person, narrowed to its scope (regions.selectors.Scope), so every permission stays decided in one place."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import KEY_PREFIX, ApiToken, key_digest
from api.services import token_touch
from regions.selectors import Scope, scope_narrow


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("La cabecera Authorization debe ser «Bearer <clave>»."))
        key = header[1].decode(errors="replace")
        if not key.startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed(_("La clave no es un token de pbr."))
        token = (
            ApiToken.objects.select_related("user").prefetch_related("regions").filter(digest=key_digest(key)).first()
        )
        if token is None or not token.is_valid_on(timezone.localdate()) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("El token no existe, venció o fue revocado."))
        region_ids = frozenset(region.pk for region in token.regions.all()) or None
        scope_narrow(token.user, Scope(write=token.can_write, region_ids=region_ids))
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
