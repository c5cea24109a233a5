"""Keeps the built-in roles' groups in every database, as Django keeps its permissions."""

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

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
