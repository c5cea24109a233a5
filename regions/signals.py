"""Keeps the built-in roles' groups in every database, as Django keeps its permissions, and the cache of
who may see what (regions.selectors) fresh on every change to people, groups, permissions and assignments.

Bulk writes (queryset.update(), bulk_create) send no signals: a caller changing these models so must call
regions.selectors.access_cache_forget() itself; otherwise the change shows after ACCESS_CACHE_TIMEOUT.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model, user_logged_in
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from regions.models import AnalystAssignment, RegionHead
from regions.selectors import access_cache_forget, access_cache_warm

REVIEWER_GROUP = "Revisores DIPRES"
REVIEWER_GROUP_LABEL = _("Revisores DIPRES")


def ensure_role_groups(sender, apps=global_apps, using="default", **kwargs) -> None:
    """Create the DIPRES reviewers' group with its permission; idempotent (runs after every migrate)."""
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    permission = (
        permission_model.objects.using(using)
        .filter(content_type__app_label="regions", codename="review_all_regions")
        .first()
    )
    if permission is None:
        return
    group, _created = group_model.objects.using(using).get_or_create(name=REVIEWER_GROUP)
    group.permissions.add(permission)


def _forget(user_ids: list[int] | None, using: str) -> None:
    """Make the access of those people (everyone when None) stale now and again when the transaction commits.

    Now, for this transaction's own reads; at the commit, because another process may have cached the
    old rows meanwhile, under the token set now.
    """

    def forget() -> None:
        for user_id in user_ids if user_ids is not None else [None]:
            access_cache_forget(user_id=user_id)

    forget()
    transaction.on_commit(forget, using=using)


def _user_saved_or_deleted(sender, instance, using, **kwargs) -> None:
    _forget([instance.pk], using)


def _assignment_saved_or_deleted(sender, instance, using, **kwargs) -> None:
    _forget([instance.user_id], using)


def _membership_changed(sender, instance, action, reverse, pk_set, using, **kwargs) -> None:
    """A person's groups or own permissions changed, from either side of the relation."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _forget([instance.pk], using)
    else:  # from the group's or the permission's side: pk_set holds people, or is None on clear()
        _forget(None if pk_set is None else list(pk_set), using)


def _group_permissions_changed(sender, action, using, **kwargs) -> None:
    """A group's permissions changed: any of its members may be concerned."""
    if action in ("post_add", "post_remove", "post_clear"):
        _forget(None, using)


def _group_or_permission_deleted(sender, using, **kwargs) -> None:
    """A group or a permission is gone, and with it memberships and grants: anyone may be concerned."""
    _forget(None, using)


def _logged_in(sender, request, user, **kwargs) -> None:
    access_cache_warm(user_id=user.pk)


def connect_access_invalidation() -> None:
    """Connect the receivers that keep the access cache fresh, and fill it at login (from RegionsConfig.ready)."""
    user_model = get_user_model()
    uid = "regions.access_cache"
    post_save.connect(_user_saved_or_deleted, sender=user_model, dispatch_uid=f"{uid}.user_saved")
    post_delete.connect(_user_saved_or_deleted, sender=user_model, dispatch_uid=f"{uid}.user_deleted")
    post_save.connect(_assignment_saved_or_deleted, sender=AnalystAssignment, dispatch_uid=f"{uid}.assignment_saved")
    post_delete.connect(
        _assignment_saved_or_deleted, sender=AnalystAssignment, dispatch_uid=f"{uid}.assignment_deleted"
    )
    post_save.connect(_assignment_saved_or_deleted, sender=RegionHead, dispatch_uid=f"{uid}.head_saved")
    post_delete.connect(_assignment_saved_or_deleted, sender=RegionHead, dispatch_uid=f"{uid}.head_deleted")
    m2m_changed.connect(_membership_changed, sender=user_model.groups.through, dispatch_uid=f"{uid}.groups")
    m2m_changed.connect(
        _membership_changed, sender=user_model.user_permissions.through, dispatch_uid=f"{uid}.user_permissions"
    )
    m2m_changed.connect(
        _group_permissions_changed, sender=Group.permissions.through, dispatch_uid=f"{uid}.group_permissions"
    )
    post_delete.connect(_group_or_permission_deleted, sender=Group, dispatch_uid=f"{uid}.group_deleted")
    post_delete.connect(_group_or_permission_deleted, sender=Permission, dispatch_uid=f"{uid}.permission_deleted")
    # After auth's own receiver, which saves last_login (and so renews the person's token) first.
    user_logged_in.connect(_logged_in, dispatch_uid=f"{uid}.warm_at_login")
