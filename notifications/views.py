"""The person's notifications: the list under the bell, reading one (which opens its page), reading them all,
and the preferences of what reaches them by mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.messages import text_of


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, unread ones marked; only theirs."""
    unread_only = request.GET.get("filtro") == "no-leidas"
    page = selectors.notifications_page(user=request.user, number=request.GET.get("pagina"), unread_only=unread_only)
    items = [(notification, text_of(notification)) for notification in page.object_list]
    context = {"page": page, "items": items, "unread_only": unread_only}
    return render(request, "notifications/list.html", context)


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the person's notifications read and go to its page."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    if notification is None:
        raise Http404(_("No tiene esa notificación."))
    services.notification_read(user=request.user, notification=notification)
    path = notification.path
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    return redirect(path)


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    messages.success(
        request,
        ngettext(
            "Se marcó %(count)s notificación como leída.", "Se marcaron %(count)s notificaciones como leídas.", count
        )
        % {"count": count},
    )
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """How the person wants each event's mail, and the mails' language (the pages', or one set apart)."""
    languages = selectors.person_languages(request.user)
    initial = {**selectors.deliveries(request.user), "language": languages.mail_apart}
    form = PreferencesForm(request.POST or None, initial=initial, interface_language=languages.interface)
    context = {"form": form, "mail_apart": bool(languages.mail_apart), "mail": dict(settings.LANGUAGES)[languages.mail]}
    if request.method == "POST":
        if form.is_valid():
            services.preferences_save(
                user=request.user, deliveries=form.deliveries(), mail_language=form.cleaned_data["language"]
            )
            messages.success(request, _("Se guardaron sus preferencias."))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", context, status=400)
    return render(request, "notifications/preferences.html", {**context, "has_email": bool(request.user.email)})


def language_at_sign_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Return a sign-in's response with the pages in the person's language: the language cookie set to the one
    they chose in the switcher, on any device. For someone who never chose one while signed in, the one chosen
    on the login page (the cookie) becomes theirs; without either, the pages stay in the default."""
    language = selectors.person_languages(request.user).interface
    if not language:
        showing = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if showing in dict(settings.LANGUAGES):
            services.language_save(user=request.user, language=showing)
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
