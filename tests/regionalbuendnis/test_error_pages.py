"""Helpful error pages in the layout (DEBUG is off in the tests, as in production)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from regionalbuendnis import views

pytestmark = pytest.mark.django_db


def test_debug_is_off(settings):
    assert settings.DEBUG is False


def test_404_for_an_unknown_address(client, login, rep_a):
    login(rep_a)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    assert "Seite nicht gefunden" in response.text
    assert 'href="/"' in response.text
    # The layout with the navigation is there: the person can go on from here.
    assert "Mitglieder" in response.text


def test_404_for_anonymous_visitors(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text


def test_403_explains_and_offers_a_way_back(client, login, rep_a):
    login(rep_a)
    response = client.get(reverse("members:people_list"))
    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]
    assert "Sie dürfen diese Seite nicht öffnen" in response.text
    assert "Masterplanmanagement" in response.text


def test_403_in_english(client, login, rep_a):
    rep_a.preferred_language = "en"
    rep_a.save()
    login(rep_a)
    response = client.get(reverse("members:people_list"))
    assert "You may not open this page" in response.text


def test_csrf_failure_gives_a_helpful_page(rep_a):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": rep_a.email, "password": "x"})
    assert response.status_code == 403
    assert "errors/403_csrf.html" in [t.name for t in response.templates]
    assert "Das Formular konnte nicht gesendet werden" in response.text
    assert "Nichts wurde gespeichert" in response.text


def test_csrf_failure_when_logged_in_keeps_the_layout(rep_a):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(rep_a)
    response = csrf_client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Das Formular konnte nicht gesendet werden" in response.text
    assert rep_a.full_name in response.text


def test_400_for_a_foreign_host_header(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Diese Anfrage konnte nicht verarbeitet werden" in response.text


def test_500_page_renders_without_the_database_or_the_layout(django_assert_num_queries, rep_a):
    request = RequestFactory().get("/")
    request.user = rep_a
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "Bei uns ist etwas schiefgelaufen" in text
    assert "<html" in text


def test_500_handler_is_used(client, settings):
    settings.ROOT_URLCONF = "tests.regionalbuendnis.failing_urls"
    client.raise_request_exception = False
    response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Bei uns ist etwas schiefgelaufen" in response.text


@pytest.mark.parametrize("logged_in", [True, False])
def test_an_address_that_takes_only_a_form_explains_itself(client, login, rep_a, logged_in):
    """Reloading the page after a button (or following a bookmark to it) must not show a blank page."""
    if logged_in:
        login(rep_a)

    response = client.get(reverse("set_language"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "errors/405.html" in [t.name for t in response.templates]
    assert "Diese Adresse ist keine eigene Seite" in response.text
    assert "Es wurde nichts geändert." in response.text
