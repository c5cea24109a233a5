"""The one place that decides who sees and edits which region, as a matrix over the cast."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from regions import selectors
from regions.selectors import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user", "role", "visible", "editable"),
    [
        ("camila", Role.ANALYST, {"CL-CO"}, {"CL-CO"}),
        ("bruno", Role.ANALYST, {"CL-BI"}, {"CL-BI"}),
        ("daniela", Role.REVIEWER, "all", set()),
        ("ana", Role.ADMIN, "all", "all"),
        ("charlie", Role.NONE, set(), set()),
    ],
)
def test_roles_and_scopes(cast, user, role, visible, editable):
    person = cast[user]
    all_codes = {r.iso_code for r in selectors.Region.objects.all()}
    expect_visible = all_codes if visible == "all" else visible
    expect_editable = all_codes if editable == "all" else editable
    assert selectors.user_role(person) == role
    assert {r.iso_code for r in selectors.regions_visible_to(person)} == expect_visible
    assert {r.iso_code for r in selectors.regions_editable_by(person)} == expect_editable
    for region in selectors.Region.objects.all():
        assert selectors.can_view_region(user=person, region=region) == (region.iso_code in expect_visible)
        assert selectors.can_edit_region(user=person, region=region) == (region.iso_code in expect_editable)


def test_anonymous_and_inactive_users_have_no_role(camila):
    assert selectors.user_role(AnonymousUser()) == Role.NONE
    assert not selectors.regions_visible_to(AnonymousUser()).exists()
    camila.is_active = False
    assert selectors.user_role(camila) == Role.NONE


def test_region_get_for_user(camila):
    assert selectors.region_get_for_user(user=camila, iso_code="cl-co").name == "Coquimbo"
    with pytest.raises(PermissionDenied):
        selectors.region_get_for_user(user=camila, iso_code="CL-BI")
    with pytest.raises(Http404):
        selectors.region_get_for_user(user=camila, iso_code="CL-ZZ")
