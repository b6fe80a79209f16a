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
        (
            {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org", "CACHE_URL": "locmemcache://"},
            "CACHE_URL must name a cache all processes share, e.g. redis://redis:6379/1.",
        ),
    ],
)
def test_production_settings_refuse_to_import_without_secrets(env, message):
    result = run(["-c", "import regionalbuendnis.settings.production"], **env)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_production_settings_import_with_secrets():
    result = run(
        [
            "-c",
            "import regionalbuendnis.settings.production as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CACHES['default']['BACKEND'])",
        ],
        SECRET_KEY=strong_key(),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True django.core.cache.backends.redis.RedisCache"


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


EMAIL_SETTINGS = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'regionalbuendnis.settings.local'; "
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
)
NO_EMAIL_ENV = {"EMAIL_URL": "", "EMAIL_HOST": ""}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.core.mail.backends.console.EmailBackend"),
        (
            {"EMAIL_URL": "smtp+tls://rb:geheim@mail.example.org:587"},
            "django.core.mail.backends.smtp.EmailBackend mail.example.org 587 rb True False",
        ),
        (
            {"EMAIL_HOST": "mail.example.org", "EMAIL_HOST_USER": "rb", "EMAIL_HOST_PASSWORD": "geheim"},
            "django.core.mail.backends.smtp.EmailBackend mail.example.org 587 rb True False",
        ),
        (
            {"EMAIL_HOST": "mail.example.org", "EMAIL_USE_SSL": "true"},
            "django.core.mail.backends.smtp.EmailBackend mail.example.org 465  False True",
        ),
        (
            {"EMAIL_HOST": "relay.local", "EMAIL_PORT": "25", "EMAIL_USE_TLS": "false"},
            "django.core.mail.backends.smtp.EmailBackend relay.local 25  False False",
        ),
        # EMAIL_URL wins when both are given.
        (
            {"EMAIL_URL": "consolemail://", "EMAIL_HOST": "mail.example.org"},
            "django.core.mail.backends.console.EmailBackend",
        ),
    ],
)
def test_email_from_email_url_or_smtp_variables(env, expected):
    result = run(["-c", EMAIL_SETTINGS], **{**NO_EMAIL_ENV, **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(expected)


def test_default_from_email_and_site_url_from_the_environment():
    result = run(
        ["-c", "import regionalbuendnis.settings.local as s; print(s.DEFAULT_FROM_EMAIL, '|', s.SITE_URL)"],
        DEFAULT_FROM_EMAIL="Klima <klima@example.org>",
        SITE_URL="https://rb.example.org/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Klima <klima@example.org> | https://rb.example.org"
