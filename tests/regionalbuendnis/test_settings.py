"""Production settings refuse to start without secrets and pass Django's deployment check."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, **env):
    # A clean environment: nothing from the developer's shell. Empty values also shadow a local .env,
    # which the settings read without overriding what the environment already has.
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    clean.update({"SECRET_KEY": "", "ALLOWED_HOSTS": ""})
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def strong_key():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set in production."),
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY must be set in production."),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set in production."),
    ],
)
def test_production_settings_refuse_to_import_without_secrets(env, message):
    result = run(["-c", "import regionalbuendnis.settings.production"], **env)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_production_settings_import_with_secrets():
    result = run(
        ["-c", "import regionalbuendnis.settings.production as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        SECRET_KEY=strong_key(),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


def test_check_deploy_reports_nothing():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="regionalbuendnis.settings.production",
        SECRET_KEY=strong_key(),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_weak_secret_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="regionalbuendnis.settings.production",
        SECRET_KEY="kurz",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_local_settings_work_without_any_environment():
    result = run(
        [
            "-c",
            "import regionalbuendnis.settings.local as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True django.db.backends.sqlite3"


def test_test_settings_use_postgresql_and_redis(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.REDIS_URL.startswith("redis://")
    assert settings.LANGUAGE_CODE == "de"
    assert settings.AUTH_USER_MODEL == "members.User"
