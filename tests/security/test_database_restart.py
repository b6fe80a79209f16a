"""The database restarts (or drops the connection) between two requests: the next one works.

Requests go through Django's WSGI handler as in production, with persistent connections
(CONN_MAX_AGE) — the test client would keep its connection and skip the checks at request start.
"""

import io

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path: str, cookies: str = "") -> tuple[int, bytes]:
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_COOKIE=cookies)
    environ["wsgi.input"] = io.BytesIO()
    status = []
    result = WSGIHandler()(environ, lambda code, headers, exc_info=None: status.append(code))
    try:
        body = b"".join(result)
    finally:
        result.close()  # sends request_finished, as a WSGI server does
    return int(status[0].split()[0]), body


def terminate_backend(pid: int) -> None:
    """What a database restart does to an open connection, done from a second connection."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        terminated = admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    assert terminated


@pytest.fixture
def persistent_connections(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    connection.close()
    yield
    connection.close()


@pytest.fixture
def session_cookie(client, coordinator):
    client.force_login(coordinator, backend="members.backends.EmailBackend")
    return f"sessionid={client.cookies['sessionid'].value}"


def test_next_request_works_after_the_connection_was_killed(persistent_connections, session_cookie):
    url = reverse("members:people_list")
    assert wsgi_get(url, session_cookie)[0] == 200
    pid = connection.connection.info.backend_pid
    # Persistent: the same backend served the request and is still open.
    assert wsgi_get(url, session_cookie)[0] == 200
    assert connection.connection.info.backend_pid == pid

    terminate_backend(pid)

    status, body = wsgi_get(url, session_cookie)
    assert status == 200
    assert "Miriam Koordinatorin" in body.decode()
    assert connection.connection.info.backend_pid != pid


def test_without_health_checks_the_request_would_fail(persistent_connections, session_cookie, monkeypatch):
    """The control: the killed connection really breaks a request unless it is checked first."""
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    connection.close()  # the setting is read when connecting
    url = reverse("members:people_list")
    assert wsgi_get(url, session_cookie)[0] == 200
    terminate_backend(connection.connection.info.backend_pid)
    assert wsgi_get(url, session_cookie)[0] == 500
    # The failed connection is dropped at the end of that request; the one after works again.
    assert wsgi_get(url, session_cookie)[0] == 200
