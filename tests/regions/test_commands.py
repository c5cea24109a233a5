"""The demo logins: created by the command only, idempotent, refused outside DEBUG."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from regions.models import AnalystAssignment
from regions.selectors import Role, user_role

pytestmark = pytest.mark.django_db


def test_migrations_create_no_users():
    assert not get_user_model().objects.exists()


def test_demo_users_have_their_roles(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=out)  # twice: idempotent
    assert "revisor.dipres / pbr-demo-2012" in out.getvalue()
    roles = {u.username: user_role(u) for u in get_user_model().objects.all()}
    assert roles == {
        "admin": Role.ADMIN,
        "analista.coquimbo": Role.ANALYST,
        "analista.biobio": Role.ANALYST,
        "revisor.dipres": Role.REVIEWER,
        "jefe.biobio": Role.HEAD,
    }
    assert set(AnalystAssignment.objects.values_list("user__username", "region__iso_code")) == {
        ("analista.coquimbo", "CL-CO"),
        ("analista.biobio", "CL-BI"),
    }
    request = RequestFactory().post("/cuenta/ingresar/")
    assert authenticate(request, username="revisor.dipres", password="pbr-demo-2012") is not None
    assert authenticate(request, username="admin", password="pbr-admin-2012").is_staff


def test_demo_users_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()
