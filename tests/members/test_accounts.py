"""Login by e-mail, logout, password reset and invitation links, lockout after failed attempts."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from members import services
from tests.factories import UserFactory
from tests.factories.members import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def logged_in_pk(client):
    pk = client.session.get(SESSION_KEY)
    return int(pk) if pk is not None else None


def without_csrf_tokens(text):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def link_path(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def choose_password(client, path, password="Ein-neues-Passwort-2050"):
    """Opens a reset/invitation link and submits a new password; returns the final response."""
    response = client.get(path)
    if response.status_code != 302:
        return response
    return client.post(response.url, {"new_password1": password, "new_password2": password}, follow=True)


@pytest.fixture
def anna():
    return UserFactory(full_name="Anna Beispiel", email="anna@example.org")


class TestLogin:
    def test_email_is_matched_case_insensitively(self, client, anna):
        response = log_in(client, "Anna@Example.org")
        assert response.status_code == 302
        assert response.url == reverse("dashboard")
        assert logged_in_pk(client) == anna.pk

    def test_surrounding_spaces_are_ignored(self, client, anna):
        log_in(client, "  ANNA@example.ORG ")
        assert logged_in_pk(client) == anna.pk

    def test_wrong_password_shows_a_clear_message_and_does_not_log_in(self, client, anna):
        response = log_in(client, "anna@example.org", "falsch")
        assert response.status_code == 200
        assert "E-Mail-Adresse oder Passwort ist falsch" in response.text
        assert logged_in_pk(client) is None

    def test_unknown_address_gets_the_same_message(self, client, anna):
        unknown = log_in(client, "niemand@example.org", PASSWORD)
        wrong = log_in(client, "anna@example.org", "falsch")
        assert unknown.status_code == wrong.status_code == 200
        assert "E-Mail-Adresse oder Passwort ist falsch" in unknown.text

    def test_inactive_person_cannot_log_in(self, client, anna):
        anna.is_active = False
        anna.save()
        response = log_in(client, "anna@example.org")
        assert response.status_code == 200
        assert logged_in_pk(client) is None

    def test_person_without_usable_password_cannot_log_in(self, client):
        person = services.person_create(full_name="Ohne Passwort", email="ohne@example.org")
        assert not person.has_usable_password()
        for attempt in ("", "!", person.password):
            log_in(client, "ohne@example.org", attempt)
            assert logged_in_pk(client) is None

    def test_person_without_email_cannot_log_in(self, client):
        person = UserFactory(email=None)
        assert not person.can_log_in
        log_in(client, "", PASSWORD)
        assert logged_in_pk(client) is None

    def test_logged_in_person_is_sent_on_from_the_login_page(self, client, anna):
        client.force_login(anna)
        assert client.get(reverse("login")).status_code == 302

    def test_next_parameter_is_followed_only_within_the_site(self, client, anna):
        target = reverse("members:organisation_list")
        response = client.post(
            reverse("login"), {"username": anna.email, "password": PASSWORD, "next": target}
        )
        assert response.url == target
        client.logout()
        response = client.post(
            reverse("login"),
            {"username": anna.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response.url == reverse("dashboard")

    def test_login_page_is_german_with_an_email_field(self, client):
        response = client.get(reverse("login"))
        assert '<html lang="de">' in response.text
        assert 'type="email"' in response.text
        assert 'name="username"' in response.text
        assert "Anmelden" in response.text


class TestLogout:
    def test_logout_by_post(self, client, anna):
        client.force_login(anna)
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert response.url == reverse("login")
        assert logged_in_pk(client) is None

    def test_logout_by_get_is_refused_and_keeps_the_session(self, client, anna):
        client.force_login(anna)
        assert client.get(reverse("logout")).status_code == 405
        assert logged_in_pk(client) == anna.pk

    def test_every_page_offers_logout_as_a_form(self, client, anna):
        client.force_login(anna)
        text = client.get(reverse("dashboard")).text
        assert re.search(r'<form action="/accounts/logout/" method="post">', text)


class TestPasswordChange:
    def test_person_changes_their_password(self, client, anna):
        client.force_login(anna)
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Klimaschutz-Lippe-2050",
                "new_password2": "Klimaschutz-Lippe-2050",
            },
        )
        assert response.status_code == 302
        client.logout()
        log_in(client, anna.email, "Klimaschutz-Lippe-2050")
        assert logged_in_pk(client) == anna.pk

    def test_anonymous_visitor_is_sent_to_login(self, client):
        response = client.get(reverse("password_change"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


class TestPasswordReset:
    def request_reset(self, client, email):
        return client.post(reverse("password_reset"), {"email": email}, follow=True)

    def test_same_answer_for_known_and_unknown_addresses(self, client, anna, mailoutbox):
        known = self.request_reset(client, "anna@example.org")
        unknown = self.request_reset(client, "nobody@example.org")
        assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
        assert without_csrf_tokens(known.text) == without_csrf_tokens(unknown.text)
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["anna@example.org"]

    def test_address_is_matched_case_insensitively(self, client, anna, mailoutbox):
        self.request_reset(client, "ANNA@example.org")
        assert [m.to for m in mailoutbox] == [["anna@example.org"]]

    @pytest.mark.parametrize("kind", ["inactive", "no_password"])
    def test_no_mail_for_inactive_people_or_people_without_password(self, client, mailoutbox, kind):
        person = UserFactory(email="x@example.org")
        if kind == "inactive":
            person.is_active = False
        else:
            person.set_unusable_password()
        person.save()
        response = self.request_reset(client, "x@example.org")
        assert response.redirect_chain == [(reverse("password_reset_done"), 302)]
        assert mailoutbox == []

    def test_reset_link_works_once(self, client, anna, mailoutbox):
        self.request_reset(client, anna.email)
        path = link_path(mailoutbox[0])
        response = choose_password(client, path)
        assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
        assert log_in(client, anna.email, "Ein-neues-Passwort-2050").status_code == 302
        client.logout()

        second = client.get(path, follow=True)
        assert "Dieser Link ist nicht mehr gültig" in second.text
        assert 'name="new_password1"' not in second.text

    def test_reset_link_expires_after_password_reset_timeout(self, client, anna, mailoutbox):
        start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            self.request_reset(client, anna.email)
        path = link_path(mailoutbox[0])
        timeout = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        with time_machine.travel(start + timeout + datetime.timedelta(seconds=1), tick=False):
            response = client.get(path, follow=True)
            assert "Dieser Link ist nicht mehr gültig" in response.text
        with time_machine.travel(start + timeout - datetime.timedelta(minutes=1), tick=False):
            response = choose_password(client, path)
            assert response.redirect_chain[-1][0] == reverse("password_reset_complete")

    def test_reset_mail_is_in_the_language_of_the_page(self, client, anna, mailoutbox):
        self.request_reset(client, anna.email)
        assert "Passwort" in mailoutbox[0].subject


class TestInvitation:
    def invite(self, client, person):
        return client.post(reverse("members:person_invite", args=[person.pk]), follow=True)

    def test_coordinator_invites_a_person_who_then_sets_a_password_once(
        self, client, login, coordinator, mailoutbox
    ):
        person = services.person_create(full_name="Neu Eingeladen", email="Neu@Example.org")
        login(coordinator)
        response = self.invite(client, person)
        assert "neu@example.org" in response.text
        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        assert message.to == ["neu@example.org"]
        assert "Miriam Koordinatorin" in message.body
        path = link_path(message)

        client.logout()
        response = choose_password(client, path)
        assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
        assert log_in(client, "NEU@example.org", "Ein-neues-Passwort-2050").status_code == 302
        assert logged_in_pk(client) == person.pk
        client.logout()

        assert "Dieser Link ist nicht mehr gültig" in client.get(path, follow=True).text

    def test_invitation_link_expires(self, client, login, coordinator, mailoutbox):
        person = services.person_create(full_name="Spät Dran", email="spaet@example.org")
        start = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC)
        login(coordinator)
        with time_machine.travel(start, tick=False):
            self.invite(client, person)
        client.logout()
        later = start + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
        with time_machine.travel(later, tick=False):
            assert (
                "Dieser Link ist nicht mehr gültig" in client.get(link_path(mailoutbox[0]), follow=True).text
            )

    def test_invitation_is_written_in_the_persons_language(self, client, login, coordinator, mailoutbox):
        person = services.person_create(
            full_name="Emma English", email="emma@example.org", preferred_language="en"
        )
        login(coordinator)
        self.invite(client, person)
        assert "Your access" in mailoutbox[0].subject
        assert "choose your password" in mailoutbox[0].body

    def test_person_without_email_cannot_be_invited(self, client, login, coordinator, mailoutbox):
        person = services.person_create(full_name="Ohne Adresse")
        login(coordinator)
        response = self.invite(client, person)
        assert response.status_code == 200
        assert "keine E-Mail-Adresse" in response.text
        assert mailoutbox == []

    def test_inactive_person_cannot_be_invited(self, client, login, coordinator, mailoutbox):
        person = UserFactory(is_active=False)
        login(coordinator)
        self.invite(client, person)
        assert mailoutbox == []

    @pytest.mark.parametrize("who", ["rep_a", "rep_b", "guest_user"])
    def test_only_the_coordinator_may_invite(self, client, login, request, who, mailoutbox):
        person = services.person_create(full_name="Neu", email="neu@example.org")
        login(request.getfixturevalue(who))
        assert client.post(reverse("members:person_invite", args=[person.pk])).status_code == 403
        assert mailoutbox == []

    def test_anonymous_is_sent_to_login_and_get_is_refused(self, client, login, coordinator):
        person = services.person_create(full_name="Neu", email="neu@example.org")
        response = client.post(reverse("members:person_invite", args=[person.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        login(coordinator)
        assert client.get(reverse("members:person_invite", args=[person.pk])).status_code == 405


class TestLockout:
    def fail(self, client, email, times):
        responses = []
        for _ in range(times):
            responses.append(log_in(client, email, "falsch"))
        return responses

    def test_lockout_after_failure_limit_shows_the_locked_page(self, client, anna):
        limit = settings.AXES_FAILURE_LIMIT
        responses = self.fail(client, "anna@example.org", limit)
        assert all(r.status_code == 200 for r in responses[:-1])
        locked = responses[-1]
        assert locked.status_code == 429
        assert "registration/locked_out.html" in [t.name for t in locked.templates]
        assert "Zu viele fehlgeschlagene Anmeldeversuche" in locked.text
        assert "30 Minuten" in locked.text

        # Even the right password is refused while locked.
        response = log_in(client, "anna@example.org")
        assert response.status_code == 429
        assert logged_in_pk(client) is None

    def test_changing_the_case_of_the_address_does_not_escape_the_lockout(self, client, anna):
        variants = ["anna@example.org", "Anna@example.org", "ANNA@EXAMPLE.ORG", "anna@Example.org"]
        for index in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, variants[index % len(variants)], "falsch")
        assert log_in(client, "aNNa@example.org").status_code == 429
        assert AccessAttempt.objects.get().username == "anna@example.org"

    def test_lockout_is_per_address_others_still_log_in(self, client, anna):
        other = UserFactory(email="other@example.org")
        self.fail(client, "anna@example.org", settings.AXES_FAILURE_LIMIT)
        log_in(client, "other@example.org")
        assert logged_in_pk(client) == other.pk

    def test_lockout_ends_after_the_cooloff_time(self, client, anna):
        start = datetime.datetime(2026, 1, 10, 10, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            self.fail(client, "anna@example.org", settings.AXES_FAILURE_LIMIT)
        with time_machine.travel(start + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
            log_in(client, "anna@example.org")
            assert logged_in_pk(client) == anna.pk

    def test_success_before_the_limit_resets_the_counter(self, client, anna):
        self.fail(client, "anna@example.org", settings.AXES_FAILURE_LIMIT - 1)
        log_in(client, "anna@example.org")
        assert logged_in_pk(client) == anna.pk
        client.logout()
        self.fail(client, "anna@example.org", settings.AXES_FAILURE_LIMIT - 1)
        log_in(client, "anna@example.org")
        assert logged_in_pk(client) == anna.pk
