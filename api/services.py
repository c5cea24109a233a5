"""Every write of the API's own data: making and revoking tokens. Figures, causes and commitments written
through the API go through the services of the layers that own them (indicators.services…)."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import KEY_PREFIX, ApiToken, key_digest
from regions.models import Region
from regions.selectors import Role, regions_editable_by, regions_visible_to, user_role

MAX_DAYS = 366  # a token lives a year at most: a forgotten program loses its access by itself


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    can_write: bool,
    regions: list[Region],
    expires_on: datetime.date,
) -> tuple[ApiToken, str]:
    """Make a token for the person and return it with its key, which is never stored nor shown again.

    Raises PermissionDenied (a person with no role) or ValidationError (a name missing, an expiry in the past
    or beyond a year, a region the person does not see, writing asked by who enters no data)."""
    if user_role(user) is Role.NONE:
        raise PermissionDenied(_("Solo las personas con un rol en pbr crean tokens."))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not name.strip():
        errors["name"] = [_("Dé un nombre al token: para qué programa es.")]
    if expires_on < today:
        errors["expires_on"] = [_("La fecha de vencimiento ya pasó.")]
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS):
        errors["expires_on"] = [_("Un token vence a más tardar en un año.")]
    seen = set(regions_visible_to(user).values_list("pk", flat=True))
    if any(region.pk not in seen for region in regions):
        errors["regions"] = [_("Solo puede elegir regiones que usted ve.")]
    if can_write:
        editable = set(regions_editable_by(user).values_list("pk", flat=True))
        if not editable:
            errors["can_write"] = [_("Usted no registra datos en ninguna región: el token solo puede leer.")]
        elif regions and not any(region.pk in editable for region in regions):
            errors["can_write"] = [_("Usted no registra datos en las regiones elegidas: el token solo puede leer.")]
    if errors:
        raise ValidationError(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        digest=key_digest(key),
        prefix=key[: len(KEY_PREFIX) + 6],
        can_write=can_write,
        expires_on=expires_on,
    )
    token._history_user = user
    token.save()
    token.regions.set(regions)
    return token, key


@transaction.atomic
def token_revoke(*, user: AbstractBaseUser, token: ApiToken) -> ApiToken:
    """Revoke the token from now on (its owner or an administrator); revoking twice changes nothing."""
    if not (user.is_active and (user.is_superuser or token.user_id == user.pk)):
        raise PermissionDenied(_("Solo quien creó el token o un administrador lo revoca."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = user
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(token: ApiToken) -> None:
    """Record that the token was used now, at most once a minute (a program's every request would otherwise
    write a row); not part of the history."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
