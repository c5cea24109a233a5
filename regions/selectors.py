"""Reads of regions, and the one place that decides who may see and edit which region."""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from regions.models import Region

REVIEW_PERMISSION = "regions.review_all_regions"


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "revisor"
    ANALYST = "analista"
    NONE = "ninguno"


def user_role(user: AbstractBaseUser | AnonymousUser) -> Role:
    """Return the user's role: admin (superuser), DIPRES reviewer (review permission), analyst, or none.

    An inactive or anonymous user has no role.
    """
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.ADMIN
    if user.has_perm(REVIEW_PERMISSION):  # Django caches the permissions on the user object
        return Role.REVIEWER
    if _assigned_region_ids(user):
        return Role.ANALYST
    return Role.NONE


def _assigned_region_ids(user: AbstractBaseUser) -> frozenset[int]:
    """Return the ids of the regions the user is analyst of, read once per user object (one request)."""
    cached = getattr(user, "_pbr_assigned_region_ids", None)
    if cached is None:
        cached = frozenset(user.analyst_assignments.values_list("region_id", flat=True))
        user._pbr_assigned_region_ids = cached
    return cached


def regions_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """Return the regions the user may see: all for admins and reviewers, the assigned ones for analysts."""
    role = user_role(user)
    if role in (Role.ADMIN, Role.REVIEWER):
        return Region.objects.all()
    if role == Role.ANALYST:
        return Region.objects.filter(pk__in=_assigned_region_ids(user))
    return Region.objects.none()


def regions_editable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """Return the regions whose data the user may change: all for admins, the assigned ones for analysts.

    Reviewers read every region but enter no data.
    """
    role = user_role(user)
    if role == Role.ADMIN:
        return Region.objects.all()
    if role == Role.ANALYST:
        return Region.objects.filter(pk__in=_assigned_region_ids(user))
    return Region.objects.none()


def can_view_region(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    """Return whether the user may see the region's pages: admins and reviewers all, analysts their own."""
    role = user_role(user)
    if role in (Role.ADMIN, Role.REVIEWER):
        return True
    return role == Role.ANALYST and region.pk in _assigned_region_ids(user)


def can_edit_region(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    """Return whether the user may change the region's data: admins all, analysts their own."""
    role = user_role(user)
    if role == Role.ADMIN:
        return True
    return role == Role.ANALYST and region.pk in _assigned_region_ids(user)


def can_review(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether the user reviews submissions (returns, approves, reopens): reviewers and admins."""
    return user_role(user) in (Role.ADMIN, Role.REVIEWER)


def region_get(*, iso_code: str) -> Region:
    """Return the region with that ISO code (any case); raises Http404 when there is none."""
    try:
        return Region.objects.get(iso_code=iso_code.upper())
    except Region.DoesNotExist:
        raise Http404(_("No existe una región con el código %(code)s.") % {"code": iso_code}) from None


def authorize_view(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> Region:
    """Return the region if the user may see it; raises PermissionDenied otherwise."""
    if not can_view_region(user=user, region=region):
        raise PermissionDenied(_("No tiene acceso a la región %(region)s.") % {"region": region.name})
    return region


def region_get_for_user(*, user: AbstractBaseUser | AnonymousUser, iso_code: str) -> Region:
    """Return the region with that ISO code if the user may see it.

    Raises Http404 for an unknown code and PermissionDenied for a region outside the user's scope.
    """
    return authorize_view(user=user, region=region_get(iso_code=iso_code))


def region_get_for_editor(*, user: AbstractBaseUser | AnonymousUser, iso_code: str) -> Region:
    """Return the region if the user may change its data; Http404 when unknown, PermissionDenied otherwise."""
    region = region_get_for_user(user=user, iso_code=iso_code)
    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    return region
