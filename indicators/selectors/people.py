"""Who answers for an indicator in its GORE: its responsible analyst, to whom its notifications go."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from indicators.models import Indicator
from notifications.selectors import region_analysts, region_followers


def indicator_recipients(indicator: Indicator) -> list[AbstractBaseUser]:
    """Return who hears of what happens to the indicator: its responsible while an active analyst of its
    region, else the region's followers (its analysts and heads)."""
    responsible = indicator.responsible
    if (
        responsible is not None
        and responsible.is_active
        and responsible.analyst_assignments.filter(region_id=indicator.region_id).exists()
    ):
        return [responsible]
    return list(region_followers(indicator.region))


def responsible_choices(indicator: Indicator) -> list[AbstractBaseUser]:
    """Return the people who may answer for the indicator: its region's active analysts, by name."""
    return list(region_analysts(indicator.region).order_by("first_name", "last_name", "username"))


def user_get(pk: int) -> AbstractBaseUser | None:
    return get_user_model().objects.filter(pk=pk).first()
