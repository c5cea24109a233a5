"""Reads of regions, and the one place that decides who may see and edit which region.

What decides it (the review permission, the assigned regions) and the user row itself are read from the
cache when it is shared between processes (settings.CACHE_IS_SHARED), so that a page view costs no query
for them. Every change to them gives the person, or everyone, a new cache token (regions/signals.py):
an entry stored under an older token is stale at once, in every process.
"""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import QuerySet, Value
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from regions.models import Region

REVIEW_PERMISSION = "regions.review_all_regions"

# Bounds how long a change made without signals (queryset.update(), raw SQL, a database shell) can go
# unseen; changes through the ORM, the admin and the services are seen at once through the tokens.
ACCESS_CACHE_TIMEOUT = 5 * 60
_EVERYONE_KEY = "pbr:access:token"

T = TypeVar("T")


class Access(NamedTuple):
    """What a person's role is drawn from, besides the user row: the review permission, the regions assigned
    to them as analyst and those they head (neither read for reviewers, whose role does not depend on them)."""

    reviews: bool
    region_ids: frozenset[int]
    head_region_ids: frozenset[int] = frozenset()


class Scope(NamedTuple):
    """What a credential narrower than the person's own sign-in allows (an API token): whether it may change
    data at all, and which of the person's regions it covers (None: all of them). It narrows the person's
    role, never widens it: a token of a reviewer that writes still enters no figures."""

    write: bool
    region_ids: frozenset[int] | None = None


def scope_narrow(user: AbstractBaseUser, scope: Scope) -> None:
    """Narrow what this user object may do (for the request it serves) to the credential's scope."""
    user._pbr_scope = scope


def _scope(user: AbstractBaseUser | AnonymousUser) -> Scope | None:
    return getattr(user, "_pbr_scope", None)


def _in_scope(user: AbstractBaseUser | AnonymousUser, region: Region, *, write: bool = False) -> bool:
    """Return whether the credential the user came with covers the region (and writing, when asked)."""
    scope = _scope(user)
    if scope is None:
        return True
    if write and not scope.write:
        return False
    return scope.region_ids is None or region.pk in scope.region_ids


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "revisor"
    ANALYST = "analista"
    HEAD = "jefatura"  # reads its regions and hears of their state; changes nothing
    NONE = "ninguno"


def user_role(user: AbstractBaseUser | AnonymousUser) -> Role:
    """Return the user's role: admin (superuser), DIPRES reviewer (review permission), analyst, or none.

    An inactive or anonymous user has no role.
    """
    if not user.is_authenticated or not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.ADMIN
    access = _access(user)
    if access.reviews:
        return Role.REVIEWER
    if access.region_ids:
        return Role.ANALYST
    if access.head_region_ids:
        return Role.HEAD
    return Role.NONE


def _access(user: AbstractBaseUser) -> Access:
    """Return the user's review permission and assigned regions, read once per user object (one request),
    from the shared cache when there is one."""
    cached = getattr(user, "_pbr_access", None)
    if cached is None:
        cached = cached_per_user(user_id=user.pk, name="access", compute=lambda: _access_compute(user))
        user._pbr_access = cached
    return cached


def _access_compute(user: AbstractBaseUser) -> Access:
    """Return the user's access read from the database (two queries for a reviewer, three otherwise)."""
    if user.has_perm(REVIEW_PERMISSION):
        return Access(reviews=True, region_ids=frozenset())
    # One query for both: the regions assigned as analyst and those headed.
    assigned = user.analyst_assignments.annotate(head=Value(False)).values_list("region_id", "head")
    headed = user.region_headships.annotate(head=Value(True)).values_list("region_id", "head")
    rows = list(assigned.union(headed, all=True))
    return Access(
        reviews=False,
        region_ids=frozenset(region_id for region_id, head in rows if not head),
        head_region_ids=frozenset(region_id for region_id, head in rows if head),
    )


def _assigned_region_ids(user: AbstractBaseUser) -> frozenset[int]:
    """Return the ids of the regions the user is analyst of (empty for reviewers: see Access)."""
    return _access(user).region_ids


def _seen_region_ids(user: AbstractBaseUser) -> frozenset[int]:
    """Return the ids of the regions the user is analyst or head of."""
    access = _access(user)
    return access.region_ids | access.head_region_ids


def regions_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """Return the regions the user may see: all for admins and reviewers, the assigned ones for analysts, the
    ones they head for heads."""
    role = user_role(user)
    if role in (Role.ADMIN, Role.REVIEWER):
        regions = Region.objects.all()
    elif role in (Role.ANALYST, Role.HEAD):
        regions = Region.objects.filter(pk__in=_seen_region_ids(user))
    else:
        return Region.objects.none()
    return _scoped(user, regions)


def _scoped(user: AbstractBaseUser | AnonymousUser, regions: QuerySet[Region], *, write: bool = False) -> QuerySet:
    """Return the regions narrowed to what the user's credential covers (see Scope)."""
    scope = _scope(user)
    if scope is None:
        return regions
    if write and not scope.write:
        return regions.none()
    return regions if scope.region_ids is None else regions.filter(pk__in=scope.region_ids)


def regions_editable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """Return the regions whose data the user may change: all for admins, the assigned ones for analysts.

    Reviewers read every region but enter no data.
    """
    role = user_role(user)
    if role == Role.ADMIN:
        regions = Region.objects.all()
    elif role == Role.ANALYST:
        regions = Region.objects.filter(pk__in=_assigned_region_ids(user))
    else:
        return Region.objects.none()
    return _scoped(user, regions, write=True)


def can_view_region(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    """Return whether the user may see the region's pages: admins and reviewers all, analysts and heads their
    own. A credential narrower than the sign-in (Scope) covers fewer."""
    if not _in_scope(user, region):
        return False
    role = user_role(user)
    if role in (Role.ADMIN, Role.REVIEWER):
        return True
    return role in (Role.ANALYST, Role.HEAD) and region.pk in _seen_region_ids(user)


def can_read_published(*, user: AbstractBaseUser | AnonymousUser, region: Region, published: bool) -> bool:
    """Return whether the person may read the region's results in a cycle: anyone, signed in or not, when the
    cycle's results are published (evaluation.selectors.is_published: the region's data approved, or the
    cycle closed); otherwise who may see the region. What the public never reads, published or not, is
    decided by `sees_internals`."""
    return published or can_view_region(user=user, region=region)


def sees_internals(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    """Return whether the person reads what is never published about a region: drafts and data under review,
    evidence files, causes DIPRES has not accepted, and the names of people (responsible, authors, history).
    Those who may see the region read them; the public, and people of other regions, read published results
    only."""
    return can_view_region(user=user, region=region)


def can_edit_region(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    """Return whether the user may change the region's data: admins all, analysts their own (a read-only or
    narrower credential fewer: Scope)."""
    if not _in_scope(user, region, write=True):
        return False
    role = user_role(user)
    if role == Role.ADMIN:
        return True
    return role == Role.ANALYST and region.pk in _assigned_region_ids(user)


def can_review(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether the user reviews submissions (returns, approves, reopens): reviewers and admins, signed
    in (no API token reviews: the review happens in the pages)."""
    return _scope(user) is None and user_role(user) in (Role.ADMIN, Role.REVIEWER)


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


def authorize_edit(*, user: AbstractBaseUser | AnonymousUser, region: Region) -> Region:
    """Return the region if the user may see it and change its data; raises PermissionDenied otherwise."""
    authorize_view(user=user, region=region)
    if not can_edit_region(user=user, region=region):
        raise PermissionDenied(_("No puede modificar los datos de %(region)s.") % {"region": region.name})
    return region


def region_get_for_editor(*, user: AbstractBaseUser | AnonymousUser, iso_code: str) -> Region:
    """Return the region if the user may change its data; Http404 when unknown, PermissionDenied otherwise."""
    return authorize_edit(user=user, region=region_get(iso_code=iso_code))


# The cache of who is asking and what they may see (see the module docstring).


def user_get_cached(*, user_id: int) -> AbstractBaseUser | None:
    """Return the user row with that id (active or not), or None when there is none; no query while the
    shared cache holds it (see cached_per_user)."""
    return cached_per_user(user_id=user_id, name="user", compute=lambda: _user_get(user_id))


def access_cache_warm(*, user_id: int) -> None:
    """Put the person's user row and access in the shared cache (at login), so that their first page
    costs no more queries than the next ones; nothing when the cache is per process."""
    if not settings.CACHE_IS_SHARED:
        return
    user = user_get_cached(user_id=user_id)
    if user is not None and user.is_active and not user.is_superuser:
        _access(user)


def _user_get(user_id: int) -> AbstractBaseUser | None:
    """Return the user row with that id, or None (one query), with what higher layers keep beside the person
    (settings.PBR_USER_ANNOTATIONS: the bell's count), cached with the row and renewed with the person's token."""
    user_model = get_user_model()
    try:
        user = user_model._default_manager.get(pk=user_id)
    except user_model.DoesNotExist:
        return None
    for annotate in _user_annotations():
        annotate(user)
    return user


@functools.cache
def _user_annotations() -> list[Callable]:
    """Return the functions (user → None) named in settings.PBR_USER_ANNOTATIONS, named there, never imported:
    they belong to higher layers."""
    return [import_string(path) for path in getattr(settings, "PBR_USER_ANNOTATIONS", [])]


def cached_per_user(*, user_id: int, name: str, compute: Callable[[], T]) -> T:
    """Return `compute()` for that user: from the shared cache while no change to the person, their groups,
    permissions or assignments has renewed their token or everyone's; computed afresh when the cache is per
    process (a change in one worker could not reach the others' caches).

    The tokens are read before computing, so a value computed from data that changes meanwhile is stored
    under the old token and never served. Only committed rows of the primary database are stored: nothing
    computed inside a transaction (a rollback renews no token) or from a read replica (it may lag).
    """
    if not settings.CACHE_IS_SHARED:
        return compute()
    token_keys = [_EVERYONE_KEY, _user_token_key(user_id)]
    entry_key = f"pbr:access:{name}:{user_id}"
    found = cache.get_many([*token_keys, entry_key])
    tokens = tuple(found.get(key) or cache.get_or_set(key, uuid.uuid4().hex, None) for key in token_keys)
    entry = found.get(entry_key)
    if entry is not None and entry[0] == tokens:
        return entry[1]
    value = compute()
    if _reads_committed_primary():
        cache.set(entry_key, (tokens, value), ACCESS_CACHE_TIMEOUT)
    return value


def _reads_committed_primary() -> bool:
    """Return whether reads of users see the primary database's committed rows: routed to the database
    that takes the writes, outside any transaction (a test case's own enclosing transaction aside)."""
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    if alias != router.db_for_write(user_model):
        return False
    # Django marks the transactions a TestCase wraps each test in; in them the test's data stands for
    # committed rows, as in its own durable=True check (django.db.transaction.Atomic).
    return all(getattr(block, "_from_testcase", False) for block in connections[alias].atomic_blocks)


def access_cache_forget(*, user_id: int | None) -> None:
    """Make the cached user row and access of that person (of everyone when None) stale in every process."""
    cache.set(_EVERYONE_KEY if user_id is None else _user_token_key(user_id), uuid.uuid4().hex, None)


def _user_token_key(user_id: int) -> str:
    return f"pbr:access:token:{user_id}"
