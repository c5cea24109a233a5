"""Project-level views."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.cache import never_cache

from notifications import services as notification_services
from pbr import oidc
from regions.models import Region


class Login(auth_views.LoginView):
    """The login page: a local account, or the identity provider when one is configured (pbr/oidc.py)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_provider"] = settings.OIDC_PROVIDER_NAME if oidc.enabled() else None
        context["oidc_failed"] = self.request.GET.get("oidc") == "fallo"
        return context


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Say whether the app and its database answer: one small query, one small template (also the
    benchmark's control page). 503 when the database does not answer."""
    try:
        regions = Region.objects.count()
    except DatabaseError:
        return render(request, "health.html", {"ok": False}, status=503)
    return render(request, "health.html", {"ok": True, "regions": regions})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; a signed-in person's choice is also kept for the mails they receive."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        notification_services.language_save(user=request.user, language=language)
    return response
