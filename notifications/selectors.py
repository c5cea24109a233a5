"""Reads of notifications: who hears of what happens in a region, a person's unread count (under the bell on
every page), their notifications and preferences."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from notifications.models import Notification, NotificationPreference, PersonSettings
from notifications.vocabulary import Delivery, Event
from regions.models import Region
from regions.selectors import REVIEW_PERMISSION, access_cache_forget

PAGE_SIZE = 30


def reviewers() -> QuerySet:
    """Return DIPRES's reviewers: active people with the review permission (through a group or their own)."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label) | Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    return get_user_model().objects.filter(permission, is_active=True, is_superuser=False).distinct()


def region_analysts(region: Region) -> QuerySet:
    """Return the active analysts of the region."""
    return get_user_model().objects.filter(analyst_assignments__region=region, is_active=True).distinct()


def region_heads(region: Region) -> QuerySet:
    """Return the active heads of the region (jefatura)."""
    return get_user_model().objects.filter(region_headships__region=region, is_active=True).distinct()


def region_followers(region: Region) -> QuerySet:
    """Return who follows a region's state: its active analysts and heads."""
    return (
        get_user_model()
        .objects.filter(Q(analyst_assignments__region=region) | Q(region_headships__region=region), is_active=True)
        .distinct()
    )


def unread_count(user: AbstractBaseUser) -> int:
    """Return how many notifications the person has not read: kept on the user row the request already read
    (with a shared cache, cached with it: every change to their notifications renews the person's cache
    token, regions.selectors), else counted (one query)."""
    if not user.is_authenticated:
        return 0
    known = getattr(user, "_pbr_unread", None)
    if known is None:
        unread_annotate(user)
        known = user._pbr_unread
    return known


def unread_annotate(user: AbstractBaseUser) -> None:
    """Count the person's unread notifications onto the user row (settings.PBR_USER_ANNOTATIONS)."""
    user._pbr_unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_forget(user_ids) -> None:
    """Make the cached count of those people stale in every process (their cache token is renewed)."""
    for user_id in user_ids:
        access_cache_forget(user_id=user_id)


def shell_variant(request) -> str:
    """Return what of the person a page's cached parts depend on besides who they are: the bell's count."""
    return str(unread_count(request.user))


def notifications_page(*, user: AbstractBaseUser, number: int | str | None, unread_only: bool = False) -> Page:
    """Return one page of the person's notifications, newest first (two queries)."""
    mine = Notification.objects.filter(recipient=user).select_related("region", "cycle", "actor")
    if unread_only:
        mine = mine.filter(read_at__isnull=True)
    return Paginator(mine, PAGE_SIZE).get_page(number)


def notification_get(*, user: AbstractBaseUser, pk: int) -> Notification | None:
    """Return the person's own notification with that id; None for any other (another person's included)."""
    return Notification.objects.filter(recipient=user, pk=pk).first()


def deliveries(user: AbstractBaseUser) -> dict[str, str]:
    """Return {event: how the person wants its mail}, every event present (at once unless chosen)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
    return {event.value: chosen.get(event.value, Delivery.IMMEDIATE.value) for event in Event}


def languages(user_ids) -> dict[int, str]:
    """Return {user id: the language of their mails}: the one they set apart for them, else the one they chose
    for the pages, else the site's default."""
    rows = PersonSettings.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "mail_language", "language")
    chosen = {user_id: mail or own for user_id, mail, own in rows}
    return {user_id: chosen.get(user_id) or settings.LANGUAGE_CODE for user_id in user_ids}


def language_of(user: AbstractBaseUser) -> str:
    """Return the language of the person's mails (see languages)."""
    return languages([user.pk])[user.pk]


@dataclass(frozen=True)
class Languages:
    """A person's languages: the one they chose for the pages ("" while they chose none), the one set apart for
    their mails ("": the pages'), and the one their mails go in."""

    interface: str
    mail_apart: str
    mail: str


def person_languages(user: AbstractBaseUser) -> Languages:
    """Return the person's languages (one query)."""
    row = PersonSettings.objects.filter(user=user).values_list("language", "mail_language").first()
    interface, apart = row or ("", "")
    return Languages(interface=interface, mail_apart=apart, mail=apart or interface or settings.LANGUAGE_CODE)
