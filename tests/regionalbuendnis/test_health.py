"""/health/: 200 with JSON when PostgreSQL and Redis answer, 503 naming the one that does not."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.urls import reverse

from regionalbuendnis import views
from regionalbuendnis.health import check_database, check_redis

pytestmark = pytest.mark.django_db

CLOSED_PORT = "1"
ROOT = Path(__file__).resolve().parents[2]


def current_database_url():
    """The URL of the database these tests run in (it exists while they run)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def unreachable_database():
    """A second, real PostgreSQL connection pointed at a closed port; the test database stays intact."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
    broken = connections["default"].__class__(settings_dict, alias="unreachable")
    yield broken
    broken.close()


def test_both_answer(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_redis_down_is_named(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["redis"] == "error: ConnectionError"
    assert body["checks"]["database"] == "ok"


def test_check_database_reports_an_unreachable_server(unreachable_database):
    assert check_database(unreachable_database) == "error: OperationalError"
    assert check_database(connection) == "ok"


def test_database_down_is_named(client, monkeypatch, unreachable_database):
    # The view checks the unreachable server instead of the default one; everything else is real.
    monkeypatch.setattr(views, "connection", unreachable_database)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "error: OperationalError", "redis": "ok"},
    }


def test_both_down(client, monkeypatch, settings, unreachable_database):
    monkeypatch.setattr(views, "connection", unreachable_database)
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert set(response.json()["checks"].values()) == {"error: OperationalError", "error: ConnectionError"}


def test_check_redis_directly(settings):
    assert check_redis() == "ok"
    settings.REDIS_URL = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    assert check_redis() == "error: ConnectionError"


def test_health_needs_no_login_and_only_answers_get(client):
    assert client.get(reverse("health")).status_code == 200
    assert client.post(reverse("health")).status_code == 405


@pytest.mark.parametrize("url", ["redis://127.0.0.1:notaport/0", "http://127.0.0.1:6379/0"])
def test_a_malformed_redis_url_is_named_not_a_crash(client, settings, url):
    settings.REDIS_URL = url
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error: ValueError"}


HEALTH_IN_A_FRESH_PROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/health/")
print(response.status_code, json.dumps(response.json()["checks"], sort_keys=True))
"""


@pytest.mark.parametrize(
    ("database_url", "redis_url", "expected"),
    [
        # A database name that does not exist on the real server.
        (
            "postgres://postgres@127.0.0.1:5432/rb_health_no_such_database",
            None,
            '503 {"database": "error: OperationalError", "redis": "ok"}',
        ),
        (None, "redis://127.0.0.1:1/0", '503 {"database": "ok", "redis": "error: ConnectionError"}'),
        (None, None, '200 {"database": "ok", "redis": "ok"}'),
    ],
)
def test_wrong_urls_in_the_environment_are_reported(database_url, redis_url, expected):
    """The whole stack as deployed: settings read from the environment, then /health/ asked."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.local",
        "DATABASE_URL": database_url or current_database_url(),
        "REDIS_URL": redis_url or django_settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTH_IN_A_FRESH_PROCESS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
