"""One-click answers from the e-mail: signed per person and meeting, GET changes nothing."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from meetings import services
from meetings.enums import Response
from meetings.tokens import RSVP_SALT, rsvp_token, rsvp_url

pytestmark = pytest.mark.django_db


def path_of(url, settings):
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]


def test_url_is_absolute_stable_and_preselects(people, invitation, settings):
    mine = invitation(people["rep_a"])
    url = rsvp_url(mine, Response.YES)
    assert url.startswith(settings.SITE_URL + "/meetings/answer/")
    assert url.endswith("?answer=yes")
    assert rsvp_url(mine, Response.YES) == url
    assert rsvp_url(mine) == url.split("?")[0]
    assert rsvp_url(invitation(people["rep_b"])) != rsvp_url(mine)


def test_get_shows_the_choice_and_changes_nothing(client, people, invitation, settings):
    mine = invitation(people["rep_a"])
    response = client.get(path_of(rsvp_url(mine, Response.YES), settings))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Anna Detmold" in content
    assert 'value="yes" checked' in content or 'checked value="yes"' in content or "checked" in content
    mine.refresh_from_db()
    assert mine.response == Response.PENDING and mine.responded_at is None


def test_post_confirms_without_login(client, people, invitation, settings):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine), settings)
    response = client.post(url, {"rsvp-response": "maybe", "rsvp-comment": "Vielleicht später"})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert (mine.response, mine.comment) == (Response.MAYBE, "Vielleicht später")
    # A used link still works to change the answer.
    client.post(url, {"rsvp-response": "no", "rsvp-sends_deputy": "on"})
    mine.refresh_from_db()
    assert mine.response == Response.NO and mine.sends_deputy


def test_tampered_link_shows_a_clear_page(client, people, invitation, settings):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine), settings)
    tampered = url.replace("/answer/", "/answer/x")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "Link" in response.content.decode()
    response = client.post(tampered, {"rsvp-response": "yes"})
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.response == Response.PENDING


def test_a_token_for_another_invitation_cannot_be_forged(client, people, invitation):
    mine, other = invitation(people["rep_a"]), invitation(people["rep_b"])
    # A token with rep B's invitation but rep A's person (as if edited) is refused.
    forged = signing.dumps({"i": other.pk, "p": mine.person_id}, salt=RSVP_SALT)
    response = client.post(reverse("meetings:rsvp", args=[forged]), {"rsvp-response": "no"})
    assert response.status_code == 404
    # Signed with another salt (e.g. a password reset token) is refused too.
    other_salt = signing.dumps({"i": other.pk, "p": other.person_id}, salt="something-else")
    assert client.get(reverse("meetings:rsvp", args=[other_salt])).status_code == 400
    other.refresh_from_db()
    assert other.response == Response.PENDING


def test_link_of_another_person_answers_only_for_that_person(login, people, invitation, settings):
    client = login(people["rep_b"])
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine), settings)
    page = client.get(url).content.decode()
    assert "Anna Detmold" in page
    client.post(url, {"rsvp-response": "yes"})
    mine.refresh_from_db()
    assert mine.response == Response.YES
    assert invitation(people["rep_b"]).response == Response.PENDING


def test_expired_after_the_meeting(client, people, published_meeting, invitation, settings):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine, Response.YES), settings)
    with time_machine.travel(published_meeting.end + datetime.timedelta(minutes=1)):
        response = client.get(url)
        assert response.status_code == 410
        assert "vorbei" in response.content.decode() or "over" in response.content.decode()
        assert client.post(url, {"rsvp-response": "yes"}).status_code == 410
    mine.refresh_from_db()
    assert mine.response == Response.PENDING


def test_moved_meeting_keeps_its_links(client, people, published_meeting, invitation, settings):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine), settings)
    old_end = published_meeting.end
    services.meeting_update(
        meeting=published_meeting,
        by=people["coordinator"],
        revision=published_meeting.revision,
        start=published_meeting.start + datetime.timedelta(days=7),
        end=old_end + datetime.timedelta(days=7),
    )
    with time_machine.travel(old_end + datetime.timedelta(days=1)):
        assert client.get(url).status_code == 200


def test_removed_invitee_gets_a_clear_page(client, people, invitation, settings):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine), settings)
    services.invitation_remove(invitation=mine, by=people["coordinator"])
    response = client.get(url)
    assert response.status_code == 404
    assert "Einladung" in response.content.decode() or "invitation" in response.content.decode()


def test_after_the_deadline_the_page_says_closed(client, people, published_meeting, invitation, settings):
    meeting = services.meeting_update(
        meeting=published_meeting,
        by=people["coordinator"],
        revision=published_meeting.revision,
        registration_deadline=published_meeting.start - datetime.timedelta(days=1),
    )
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine, Response.YES), settings)
    with time_machine.travel(meeting.registration_deadline + datetime.timedelta(minutes=1)):
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="rsvp-response"' not in page.content.decode()
        assert client.post(url, {"rsvp-response": "yes"}).status_code == 400
    mine.refresh_from_db()
    assert mine.response == Response.PENDING


def test_full_workshop_via_link_goes_to_the_waiting_list(
    client, people, published_meeting, invitation, settings
):
    services.meeting_update(
        meeting=published_meeting, by=people["coordinator"], revision=published_meeting.revision, capacity=1
    )
    services.invitation_respond(
        invitation=invitation(people["rep_b"]), by=people["rep_b"], response=Response.YES
    )
    mine = invitation(people["rep_a"])
    response = client.post(path_of(rsvp_url(mine), settings), {"rsvp-response": "yes"})
    mine.refresh_from_db()
    assert mine.waitlist_position == 1
    content = response.content.decode()
    assert "Warteliste" in content or "waiting list" in content


def test_token_contents_are_not_guessable(people, invitation):
    token = rsvp_token(invitation(people["rep_a"]))
    assert ":" in token and len(token) > 30


@pytest.mark.parametrize(
    "token",
    ["x", "!!!", "ä-ö-ü", "a" * 3000, "..", "eyJpIjoxfQ:1abc:def", "%00", "1:2:3:4:5"],
)
def test_garbage_tokens_show_the_clear_page_never_an_error(client, people, invitation, token):
    mine = invitation(people["rep_a"])
    url = reverse("meetings:rsvp", args=[token])
    for response in (client.get(url, {"answer": "yes"}), client.post(url, {"rsvp-response": "yes"})):
        assert response.status_code == 400
        assert "Link" in response.content.decode()
    mine.refresh_from_db()
    assert mine.response == Response.PENDING


@pytest.mark.parametrize("payload", [[1, 2], "text", 7, {"i": "eins", "p": 2}, {"i": 1}])
def test_signed_but_malformed_payload_is_invalid_too(client, payload):
    url = reverse("meetings:rsvp", args=[signing.Signer(salt=RSVP_SALT).sign_object(payload)])
    assert client.get(url).status_code == 400


def test_the_token_carries_no_timestamp_so_every_mail_has_the_same_link(people, invitation, time_machine):
    mine = invitation(people["rep_a"])
    time_machine.move_to(datetime.datetime.now(datetime.UTC), tick=False)
    url = rsvp_url(mine)
    time_machine.shift(datetime.timedelta(days=2))
    assert rsvp_url(mine) == url


def test_links_with_the_earlier_timestamped_tokens_still_work(client, people, invitation):
    mine = invitation(people["rep_a"])
    earlier = signing.dumps({"i": mine.pk, "p": mine.person_id}, salt=RSVP_SALT)
    response = client.post(reverse("meetings:rsvp", args=[earlier]), {"rsvp-response": "maybe"})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.response == Response.MAYBE


def test_link_of_a_cancelled_meeting_says_so_and_changes_nothing(
    client, people, published_meeting, invitation, settings
):
    mine = invitation(people["rep_a"])
    url = path_of(rsvp_url(mine, Response.YES), settings)
    services.meeting_cancel(meeting=published_meeting, by=people["coordinator"])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="rsvp-response"' not in page.content.decode()
    assert client.post(url, {"rsvp-response": "yes"}).status_code == 400
    mine.refresh_from_db()
    assert mine.response == Response.PENDING


def test_maybe_with_deputy_via_link_is_refused_with_a_reason(client, people, invitation, settings):
    mine = invitation(people["rep_a"])
    response = client.post(
        path_of(rsvp_url(mine), settings), {"rsvp-response": "maybe", "rsvp-sends_deputy": "on"}
    )
    assert response.status_code == 400
    assert "muss Ihre eigene Antwort „Nein“ sein" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.response, mine.sends_deputy) == (Response.PENDING, False)


def test_a_link_choosing_maybe_does_not_keep_the_deputy_ticked(client, people, invitation, settings):
    mine = services.invitation_respond(
        invitation=invitation(people["rep_a"]), by=people["rep_a"], response=Response.NO, sends_deputy=True
    )
    url = path_of(rsvp_url(mine, Response.MAYBE), settings)
    form = client.get(url).context["form"]
    assert (form.initial["response"], form.initial["sends_deputy"]) == (Response.MAYBE, False)
    # The saved answer, without a choice in the link, keeps it.
    assert client.get(url.split("?")[0]).context["form"].initial["sends_deputy"] is True


class TestLanguage:
    """The page is in the invitee's language, as the survey's answer page (surveys.views.respond)."""

    def english_invitee(self, people, invitation):
        people["rep_a"].preferred_language = "en"
        people["rep_a"].save(update_fields=["preferred_language"])
        return invitation(people["rep_a"])

    def test_in_the_invitees_language_whatever_the_browser_says(self, client, people, invitation, settings):
        url = path_of(rsvp_url(self.english_invitee(people, invitation), Response.YES), settings)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert '<html lang="en">' in page
        assert "Confirm answer" in page and "Your answer" in page
        # German invitees get German even from an English browser.
        german = path_of(rsvp_url(invitation(people["rep_b"])), settings)
        page = client.get(german, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="de">' in page and "Antwort bestätigen" in page

    def test_the_saved_message_and_errors_too(self, client, people, invitation, settings):
        url = path_of(rsvp_url(self.english_invitee(people, invitation)), settings)
        page = client.post(url, {"rsvp-response": "no"}).content.decode()
        assert "Answer saved for Anna Detmold: No." in page
        page = client.post(url, {"rsvp-response": "yes", "rsvp-sends_deputy": "on"}).content.decode()
        assert "If you send your deputy, your own answer must be “no”." in page

    def test_the_language_switch_wins(self, client, people, invitation, settings):
        url = path_of(rsvp_url(self.english_invitee(people, invitation)), settings)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
        assert "Antwort bestätigen" in client.get(url).content.decode()

    def test_a_logged_in_visitor_sees_their_own_language(self, login, people, invitation, settings):
        url = path_of(rsvp_url(self.english_invitee(people, invitation)), settings)
        page = login(people["rep_b"]).get(url).content.decode()
        assert '<html lang="de">' in page and "Antwort bestätigen" in page

    def test_an_expired_link_explains_in_the_invitees_language(
        self, client, people, published_meeting, invitation, settings
    ):
        url = path_of(rsvp_url(self.english_invitee(people, invitation)), settings)
        with time_machine.travel(published_meeting.end + datetime.timedelta(minutes=1)):
            response = client.get(url)
        assert response.status_code == 410
        assert "is over, so answers are no longer possible" in response.content.decode()
