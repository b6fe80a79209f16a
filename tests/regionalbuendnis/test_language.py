"""German by default, the switch to English, and the person's remembered language."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.members import PASSWORD

pytestmark = pytest.mark.django_db


def switch(client, language, next_url="/accounts/login/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, follow=True)


def test_german_is_the_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="de">' in response.text
    assert "Anmelden" in response.text
    assert "E-Mail-Adresse" in response.text
    assert response["Content-Language"] == "de"


def test_the_switch_shows_english_for_anonymous_visitors(client):
    response = switch(client, "en")
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # And back.
    assert '<html lang="de">' in switch(client, "de").text


def test_the_switch_remembers_the_language_of_a_logged_in_person(client, login, rep_a):
    login(rep_a)
    response = switch(client, "en", next_url=reverse("dashboard"))
    assert '<html lang="en">' in response.text
    assert f"Welcome, {rep_a.full_name}" in response.text
    rep_a.refresh_from_db()
    assert rep_a.preferred_language == "en"
    switch(client, "de", next_url=reverse("dashboard"))
    rep_a.refresh_from_db()
    assert rep_a.preferred_language == "de"


def test_unknown_language_changes_nothing(client, login, rep_a):
    login(rep_a)
    switch(client, "fr", next_url=reverse("dashboard"))
    rep_a.refresh_from_db()
    assert rep_a.preferred_language == "de"


def test_switch_is_post_only_and_ignores_foreign_next(client):
    assert client.get(reverse("set_language")).status_code == 405
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"


def test_preferred_english_applies_after_login_without_a_cookie(client):
    person = UserFactory(email="emma@example.org", preferred_language="en")
    response = client.post(
        reverse("login"), {"username": "emma@example.org", "password": PASSWORD}, follow=True
    )
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert '<html lang="en">' in response.text
    assert f"Welcome, {person.full_name}" in response.text


def test_an_explicit_choice_wins_over_the_stored_language(client):
    UserFactory(email="emma@example.org", preferred_language="en")
    switch(client, "de")
    response = client.post(
        reverse("login"), {"username": "emma@example.org", "password": PASSWORD}, follow=True
    )
    assert '<html lang="de">' in response.text


def test_model_and_enum_labels_are_translated(client, login, rep_a, member_a):
    login(rep_a)
    text = client.get(member_a.get_absolute_url()).text
    assert "Stadt</dd>" in text  # OrganisationKind.TOWN
    assert "Vertreter·in" in text  # MembershipRole.REPRESENTATIVE
