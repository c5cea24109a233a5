"""The person's API tokens: the list, making one (its key shown once) and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from api.models import ApiToken
from regions.selectors import Role, regions_visible_to, user_role


def _refuse_without_role(request: HttpRequest) -> None:
    if user_role(request.user) is Role.NONE:
        raise PermissionDenied(_("Solo las personas con un rol en pbr crean tokens."))


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's tokens (never their keys), and the form to make one; a new key is shown once, here."""
    _refuse_without_role(request)
    form = TokenForm(request.POST or None, regions=regions_visible_to(request.user).order_by("order"))
    key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, key = services.token_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                form = TokenForm(regions=regions_visible_to(request.user).order_by("order"))
        else:
            status = 400
    rows = ApiToken.objects.filter(user=request.user).prefetch_related("regions")
    context = {"form": form, "tokens": rows, "key": key}
    return render(request, "api/tokens.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404(_("No tiene ese token."))
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("Se revocó el token «%(name)s»: ya no sirve.") % {"name": token.name})
    return redirect("api_tokens")
