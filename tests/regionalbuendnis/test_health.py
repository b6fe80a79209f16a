"""/health/: 200 with JSON when PostgreSQL and Redis answer, 503 naming the one that does not."""

import copy

import pytest
from django.db import connection, connections
from django.urls import reverse

from regionalbuendnis import views
from regionalbuendnis.health import check_database, check_redis

pytestmark = pytest.mark.django_db

CLOSED_PORT = "1"


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
