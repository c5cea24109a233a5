"""Security settings and behaviour: deploy checks, CSP without inline scripts, login throttling."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.html import soup, text

ROOT = Path(settings.BASE_DIR)


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "pbr.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "pbr.example.cl",
        "PBR_ALLOW_INSECURE_KEY": "",
        "PBR_PLAIN_STATIC": "",
        "SECURE_COOKIES": "1",
        "SECURE_SSL_REDIRECT": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pbr.settings",
        "DEBUG": "0",
        "SECRET_KEY": "",
        "PBR_ALLOW_INSECURE_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_no_template_has_an_inline_script():
    offenders = []
    for template in ROOT.glob("templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag:
                offenders.append(f"{template.relative_to(ROOT)}: {tag}")
    assert offenders == []


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client, daniela):
    client.force_login(daniela)
    policy = client.get(reverse("results:dashboard", kwargs={"code": "CL-CO", "year": 2012}))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_for_a_while(client, daniela):
    url = reverse("login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "daniela", "password": "wrong"})
    assert response.status_code == 429
    assert "Acceso bloqueado temporalmente" in text(soup(response, 429))
    # Even the right password is refused while locked out.
    response = client.post(url, {"username": "daniela", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, daniela):
    url = reverse("login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "daniela", "password": "wrong"})
    assert client.post(url, {"username": "daniela", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    assert client.post(url, {"username": "daniela", "password": "wrong"}).status_code == 200


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert len(settings.AUTH_PASSWORD_VALIDATORS) == 4
