"""Security headers on every kind of response, cookie flags, and the production settings' values.

(`check --deploy` itself is covered in tests/regionalbuendnis/test_settings.py.)
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OWN_SOURCES = {"'self'", "'none'", "data:"}


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def responses(client, login, coordinator, rep_a):
    """A page for anonymous visitors, pages for logged-in people, an error page, JSON, a redirect."""
    anonymous = {
        "login page": client.get(reverse("login")),
        "redirect to login": client.get(reverse("dashboard")),
        "not found": client.get("/gibt-es-nicht/"),
        "health JSON": client.get(reverse("health")),
    }
    login(rep_a)
    member = {"forbidden": client.get(reverse("members:people_list"))}
    login(coordinator)
    coordinator_pages = {
        "dashboard": client.get(reverse("dashboard")),
        "people": client.get(reverse("members:people_list")),
        "export download": client.get(reverse("members:person_export", args=[rep_a.pk])),
    }
    return anonymous | member | coordinator_pages


def test_every_response_carries_the_security_headers(responses):
    assert {name: r.status_code for name, r in responses.items()} == {
        "login page": 200,
        "redirect to login": 302,
        "not found": 404,
        "health JSON": 200,
        "forbidden": 403,
        "dashboard": 200,
        "people": 200,
        "export download": 200,
    }
    for name, response in responses.items():
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert "Content-Security-Policy" in response, name


def test_content_security_policy_allows_only_the_own_origin(responses):
    for name, response in responses.items():
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == ["'self'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == ["'self'"], name
        assert directives["form-action"] == ["'self'"], name
        for directive, sources in directives.items():
            assert set(sources) <= OWN_SOURCES, (name, directive, sources)
            assert not any("unsafe" in source for source in sources), (name, directive)


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, rep_a, password):
    page = client.get(reverse("login"))
    csrf_cookie = page.cookies["csrftoken"]
    assert csrf_cookie["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": rep_a.email, "password": password})
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    # Outside production (plain http in tests) cookies cannot be Secure; see the production test.
    assert not session_cookie["secure"]


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
client = Client()
plain = client.get("/accounts/login/", HTTP_HOST="alliance.example")
health_plain = client.get("/health/", HTTP_HOST="alliance.example")
health_secure = client.get("/health/", HTTP_HOST="alliance.example", secure=True)
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "SESSION_COOKIE_SAMESITE": s.SESSION_COOKIE_SAMESITE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "CSRF_COOKIE_HTTPONLY": s.CSRF_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SAMESITE": s.CSRF_COOKIE_SAMESITE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_PROXY_SSL_HEADER": list(s.SECURE_PROXY_SSL_HEADER),
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "SECURE_CONTENT_TYPE_NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "plain_login": [plain.status_code, plain.get("Location")],
    "plain_health": health_plain.status_code,
    "hsts_plain": health_plain.get("Strict-Transport-Security"),
    "hsts_secure": health_secure.get("Strict-Transport-Security"),
}))
"""


def test_production_settings_make_cookies_secure_and_force_https():
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.production",
        "SECRET_KEY": "x7!Kq2#vLp9@Zr4$Tw8%Yb1^Nc6&Md3*Hf5(Gj0)Sa" * 2,
        "ALLOWED_HOSTS": "alliance.example",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit(
            "/", 1
        )[0]
        + "/"
        + connection.settings_dict["NAME"],
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        # Plain http is sent to https; the health check stays reachable for the load balancer.
        "plain_login": [301, "https://alliance.example/accounts/login/"],
        "plain_health": 200,
        "hsts_plain": None,
        "hsts_secure": "max-age=31536000; includeSubDomains; preload",
    }
