"""Sign-in with the state's identity providers (OpenID Connect: ClaveÚnica, a GORE's Google Workspace or Azure
AD), through mozilla-django-oidc, configured by environment (OIDC_* in settings; off when OIDC_RP_CLIENT_ID is
unset). A provider only proves who the person is: its verified e-mail is mapped to an existing, active account,
whose roles stay those pbr gives (regions.selectors); no account is ever created nor changed by a sign-in.
Local accounts keep working beside it."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from notifications import views as notification_views
from pbr.auth_cache import CachedModelBackend

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class StateIdentityBackend(OIDCAuthenticationBackend):
    """A provider's verified e-mail → the one active pbr account with that address, or no sign-in."""

    def authenticate(self, request, **kwargs):
        """Sign in through the provider, or nobody when it refuses the code, fails or does not answer (the
        person is sent back to the login page with the reason, never shown an error page)."""
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            logger.warning("OIDC: the provider did not complete the sign-in: %s", error)
            return None

    def verify_claims(self, claims: dict) -> bool:
        """Accept only an e-mail the provider says it verified (ClaveÚnica and the workspaces do)."""
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims: dict):
        email = (claims.get("email") or "").strip()
        if not email:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict):  # never reached: OIDC_CREATE_USER is off; refused all the same
        return None

    def update_user(self, user, claims: dict):
        return user  # the provider's data never changes the account, let alone its roles

    def get_user(self, user_id: int):
        """The signed-in person on later requests: as for a local account (through the shared cache)."""
        return CachedModelBackend().get_user(user_id)


class SignIn(OIDCAuthenticationRequestView):
    """Send the person to the provider (404 while no provider is configured)."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404(_("El ingreso con un proveedor de identidad no está activado en este servidor."))
        return super().dispatch(request, *args, **kwargs)


class Callback(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in (the pages in the person's language), or back to the login page saying
    why not."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404(_("El ingreso con un proveedor de identidad no está activado en este servidor."))
        return super().dispatch(request, *args, **kwargs)

    def login_success(self):
        return notification_views.language_at_sign_in(self.request, super().login_success())
