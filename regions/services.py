"""Writes about regions and the people who work on them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from regions.models import AnalystAssignment, Region, RegionHead
from regions.signals import REVIEWER_GROUP


@transaction.atomic
def user_upsert(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
    reviewer: bool = False,
    analyst_of: list[Region] | tuple[Region, ...] = (),
    head_of: list[Region] | tuple[Region, ...] = (),
) -> AbstractUser:
    """Return the user with that username, created or updated to exactly the given role and regions.

    A reviewer joins the «Revisores DIPRES» group; an analyst gets one assignment per region, a region's head
    one headship per region, and those of other regions are removed.
    """
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_superuser = user.is_staff = is_superuser
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    group = Group.objects.get(name=REVIEWER_GROUP)
    if reviewer:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    AnalystAssignment.objects.filter(user=user).exclude(region__in=analyst_of).delete()
    for region in analyst_of:
        AnalystAssignment.objects.get_or_create(user=user, region=region)
    RegionHead.objects.filter(user=user).exclude(region__in=head_of).delete()
    for region in head_of:
        RegionHead.objects.get_or_create(user=user, region=region)
    return user
