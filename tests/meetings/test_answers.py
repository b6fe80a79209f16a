"""Answers per person: yes/no/maybe, the deputy instead, deadline, capacity and waiting list."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from meetings import selectors, services
from meetings.enums import MeetingKind, Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def answer(client, meeting, response, invitation=None, **extra):
    data = {"rsvp-response": response, "rsvp-comment": extra.pop("comment", ""), **extra}
    if invitation is not None:
        data["invitation"] = invitation.pk
    return client.post(reverse("meetings:respond", args=[meeting.pk]), data)


class TestOwnAnswer:
    def test_representative_answers_with_comment(self, login, people, published_meeting, invitation, client):
        client = login(people["rep_a"])
        response = answer(client, published_meeting, "yes", comment="Komme mit dem Rad")
        assert response.status_code == 302
        mine = invitation(people["rep_a"])
        assert (mine.response, mine.comment) == (Response.YES, "Komme mit dem Rad")
        assert mine.responded_at is not None
        assert invitation(people["deputy_a"]).response == Response.PENDING

    def test_send_the_deputy_instead(self, login, people, published_meeting, invitation, client):
        client = login(people["rep_a"])
        answer(client, published_meeting, "no", **{"rsvp-sends_deputy": "on"})
        mine = invitation(people["rep_a"])
        assert mine.response == Response.NO and mine.sends_deputy
        groups = selectors.invitations_grouped(published_meeting)
        detmold = next(g for g in groups if g.organisation and g.organisation.name == "Stadt Detmold")
        assert detmold.sends_deputy and not detmold.coming
        page = client.get(published_meeting.get_absolute_url()).content.decode()
        assert "sends the deputy" in page or "schickt die Stellvertretung" in page

    def test_the_deputy_learns_of_being_sent(self, login, people, published_meeting, invitation, client):
        answer(login(people["rep_a"]), published_meeting, "no", **{"rsvp-sends_deputy": "on"})

        page = login(people["deputy_a"]).get(published_meeting.get_absolute_url()).content.decode()

        name = people["rep_a"].full_name
        assert f"{name} kommt nicht und schickt Sie als Stellvertretung" in page
        # The representative's own page and another member's page say nothing of it.
        assert (
            "an ihrer oder seiner Stelle"
            not in login(people["rep_a"]).get(published_meeting.get_absolute_url()).content.decode()
        )
        assert (
            "an ihrer oder seiner Stelle"
            not in login(people["rep_b"]).get(published_meeting.get_absolute_url()).content.decode()
        )

    def test_a_member_whose_deputy_declines_is_not_coming(self, login, people, published_meeting, invitation):
        answer(login(people["rep_a"]), published_meeting, "no", **{"rsvp-sends_deputy": "on"})
        services.invitation_respond(
            invitation=invitation(people["deputy_a"]), by=people["deputy_a"], response=Response.NO
        )

        groups = selectors.invitations_grouped(published_meeting)

        detmold = next(g for g in groups if g.organisation and g.organisation.name == "Stadt Detmold")
        assert not detmold.sends_deputy and detmold.answered and not detmold.coming
        page = login(people["coordinator"]).get(published_meeting.get_absolute_url()).content.decode()
        header = re.search(r"Stadt Detmold\s*<span[^>]*>–\s*([^<]*?)\s*</span>", page)
        assert header.group(1) == "kommt nicht"

    def test_deputy_cannot_send_a_deputy(self, people, published_meeting, invitation):
        with pytest.raises(ValidationError):
            services.invitation_respond(
                invitation=invitation(people["deputy_a"]),
                by=people["deputy_a"],
                response=Response.NO,
                sends_deputy=True,
            )

    def test_yes_and_deputy_together_is_refused(self, people, published_meeting, invitation):
        with pytest.raises(ValidationError):
            services.invitation_respond(
                invitation=invitation(people["rep_a"]),
                by=people["rep_a"],
                response=Response.YES,
                sends_deputy=True,
            )
        assert invitation(people["rep_a"]).response == Response.PENDING

    def test_per_organisation_view_shows_who_comes(
        self, login, people, published_meeting, invitation, client
    ):
        services.invitation_respond(
            invitation=invitation(people["deputy_a"]), by=people["deputy_a"], response=Response.YES
        )
        services.invitation_respond(
            invitation=invitation(people["rep_b"]), by=people["rep_b"], response=Response.NO
        )
        groups = {g.label: g for g in selectors.invitations_grouped(published_meeting)}
        assert [i.person for i in groups["Stadt Detmold"].coming] == [people["deputy_a"]]
        assert groups["Stadt Lemgo"].coming == [] and groups["Stadt Lemgo"].answered
        summary = selectors.answer_summary(published_meeting)
        assert summary["members_coming"] == 1
        assert summary["yes"] == 1 and summary["no"] == 1


class TestWhoMayAnswer:
    def test_representative_of_a_cannot_answer_for_member_b(
        self, login, people, published_meeting, invitation, client
    ):
        client = login(people["rep_a"])
        response = answer(client, published_meeting, "no", invitation=invitation(people["rep_b"]))
        assert response.status_code == 403
        assert invitation(people["rep_b"]).response == Response.PENDING

    def test_representative_cannot_answer_for_own_deputy(
        self, login, people, published_meeting, invitation, client
    ):
        client = login(people["rep_a"])
        assert (
            answer(client, published_meeting, "yes", invitation=invitation(people["deputy_a"])).status_code
            == 403
        )
        with pytest.raises(PermissionDenied):
            services.invitation_respond(
                invitation=invitation(people["deputy_a"]), by=people["rep_a"], response=Response.YES
            )

    def test_coordinator_answers_for_anyone(self, login, people, published_meeting, invitation, client):
        client = login(people["coordinator"])
        answer(client, published_meeting, "maybe", invitation=invitation(people["rep_b"]), quick="1")
        assert invitation(people["rep_b"]).response == Response.MAYBE

    def test_not_invited_person_gets_404_on_answer(self, login, people, published_meeting, client):
        client = login(people["guest"])
        assert answer(client, published_meeting, "yes").status_code == 404

    def test_anonymous_is_sent_to_login(self, login, published_meeting, client):
        client = login(None)
        response = answer(client, published_meeting, "yes")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


class TestDeadline:
    @pytest.fixture
    def workshop(self, people, published_meeting):
        deadline = published_meeting.start - datetime.timedelta(days=2)
        return services.meeting_update(
            meeting=published_meeting,
            by=people["coordinator"],
            revision=published_meeting.revision,
            registration_deadline=deadline,
        )

    def test_answers_close_at_the_deadline(self, login, people, workshop, invitation, client):
        with time_machine.travel(workshop.registration_deadline + datetime.timedelta(minutes=1)):
            client = login(people["rep_a"])
            response = client.post(
                reverse("meetings:respond", args=[workshop.pk]), {"rsvp-response": "yes"}, follow=True
            )
            content = response.content.decode()
            assert "Anmeldeschluss" in content or "registration deadline" in content
        assert invitation(people["rep_a"]).response == Response.PENDING

    def test_before_the_deadline_answers_are_open(self, people, workshop, invitation):
        with time_machine.travel(workshop.registration_deadline - datetime.timedelta(minutes=1)):
            services.invitation_respond(
                invitation=invitation(people["rep_a"]), by=people["rep_a"], response=Response.YES
            )
        assert invitation(people["rep_a"]).response == Response.YES

    def test_the_coordinator_may_still_record_an_answer(self, people, workshop, invitation):
        with time_machine.travel(workshop.registration_deadline + datetime.timedelta(hours=1)):
            services.invitation_respond(
                invitation=invitation(people["rep_a"]), by=people["coordinator"], response=Response.NO
            )
        assert invitation(people["rep_a"]).response == Response.NO

    def test_no_answers_once_the_meeting_started(self, people, published_meeting, invitation):
        with (
            time_machine.travel(published_meeting.start + datetime.timedelta(minutes=5)),
            pytest.raises(ValidationError),
        ):
            services.invitation_respond(
                invitation=invitation(people["rep_a"]), by=people["coordinator"], response=Response.NO
            )

    def test_no_answers_for_drafts(self, people, draft_meeting):
        invitation = draft_meeting.invitations.get(person=people["rep_a"])
        with pytest.raises(ValidationError):
            services.invitation_respond(invitation=invitation, by=people["rep_a"], response=Response.YES)


class TestWaitingList:
    @pytest.fixture
    def workshop(self, people, published_meeting, member_a):
        """Capacity 2, five invitees with an e-mail: rep A, deputy A, rep B, coordinator, and two more."""
        meeting = services.meeting_update(
            meeting=published_meeting,
            by=people["coordinator"],
            revision=published_meeting.revision,
            kind=MeetingKind.WORKSHOP,
            capacity=2,
        )
        extra = [UserFactory(full_name=f"Gast {n}") for n in range(2)]
        services.invitation_add_people(meeting=meeting, people=extra, by=people["coordinator"])
        return meeting

    def yes(self, meeting, person):
        invitation = meeting.invitations.get(person=person)
        return services.invitation_respond(invitation=invitation, by=person, response=Response.YES)

    def test_full_workshop_puts_yes_on_the_waiting_list_and_it_moves_up(self, people, workshop):
        first = self.yes(workshop, people["rep_a"])
        second = self.yes(workshop, people["rep_b"])
        third = self.yes(workshop, people["deputy_a"])
        fourth = self.yes(workshop, people["coordinator"])
        assert first.waitlist_position is None and second.waitlist_position is None
        assert (third.waitlist_position, fourth.waitlist_position) == (1, 2)
        assert selectors.answer_summary(workshop)["yes"] == 2
        # rep B declines: the first on the waiting list gets the place, the second keeps waiting.
        services.invitation_respond(invitation=second, by=people["rep_b"], response=Response.NO)
        third.refresh_from_db()
        fourth.refresh_from_db()
        assert third.waitlist_position is None
        assert fourth.waitlist_position == 2
        assert selectors.answer_summary(workshop)["yes"] == 2

    def test_changing_yes_to_yes_keeps_the_place(self, people, workshop):
        self.yes(workshop, people["rep_a"])
        self.yes(workshop, people["rep_b"])
        again = self.yes(workshop, people["rep_a"])
        assert again.waitlist_position is None

    def test_leaving_the_waiting_list(self, people, workshop):
        self.yes(workshop, people["rep_a"])
        self.yes(workshop, people["rep_b"])
        waiting = self.yes(workshop, people["deputy_a"])
        left = services.invitation_respond(invitation=waiting, by=people["deputy_a"], response=Response.MAYBE)
        assert left.waitlist_position is None and left.response == Response.MAYBE
        assert selectors.answer_summary(workshop)["waiting"] == 0

    def test_more_places_move_people_up(self, people, workshop):
        for person in (people["rep_a"], people["rep_b"], people["deputy_a"]):
            self.yes(workshop, person)
        assert selectors.answer_summary(workshop)["waiting"] == 1
        workshop.refresh_from_db()
        services.meeting_update(
            meeting=workshop, by=people["coordinator"], revision=workshop.revision, capacity=3
        )
        summary = selectors.answer_summary(workshop)
        assert (summary["yes"], summary["waiting"]) == (3, 0)

    def test_removing_a_confirmed_invitee_frees_the_place(self, people, workshop):
        confirmed = self.yes(workshop, people["rep_a"])
        self.yes(workshop, people["rep_b"])
        waiting = self.yes(workshop, people["deputy_a"])
        services.invitation_remove(invitation=confirmed, by=people["coordinator"])
        waiting.refresh_from_db()
        assert waiting.waitlist_position is None

    def test_page_tells_about_the_waiting_list(self, login, people, workshop, client):
        self.yes(workshop, people["rep_a"])
        self.yes(workshop, people["rep_b"])
        client = login(people["deputy_a"])
        response = answer(client, workshop, "yes")
        page = client.get(response["Location"]).content.decode()
        assert "Warteliste" in page or "waiting list" in page


class TestMaybeAndDeputy:
    """Who sends the deputy does not come: "maybe" with the deputy is refused like "yes"."""

    def test_the_service_refuses_maybe_with_deputy(self, people, published_meeting, invitation):
        with pytest.raises(ValidationError) as refused:
            services.invitation_respond(
                invitation=invitation(people["rep_a"]),
                by=people["rep_a"],
                response=Response.MAYBE,
                sends_deputy=True,
            )
        assert list(refused.value.error_dict) == ["sends_deputy"]
        mine = invitation(people["rep_a"])
        assert (mine.response, mine.sends_deputy) == (Response.PENDING, False)

    def test_the_meeting_page_form_says_why_and_saves_nothing(
        self, login, people, published_meeting, invitation
    ):
        client = login(people["rep_a"])
        client.cookies["django_language"] = "en"
        response = answer(client, published_meeting, "maybe", **{"rsvp-sends_deputy": "on"})
        page = client.get(response["Location"]).content.decode()
        assert "If you send your deputy, your own answer must be “no”." in page
        mine = invitation(people["rep_a"])
        assert (mine.response, mine.sends_deputy) == (Response.PENDING, False)

    def test_the_coordinator_changing_no_with_deputy_to_maybe_drops_the_deputy(
        self, login, people, published_meeting, invitation
    ):
        services.invitation_respond(
            invitation=invitation(people["rep_a"]),
            by=people["rep_a"],
            response=Response.NO,
            sends_deputy=True,
        )
        client = login(people["coordinator"])
        answer(client, published_meeting, "maybe", invitation=invitation(people["rep_a"]), quick="1")
        mine = invitation(people["rep_a"])
        assert (mine.response, mine.sends_deputy) == (Response.MAYBE, False)


class TestTamperedAnswerForm:
    @pytest.mark.parametrize("value", ["abc", "1.5", "²", "9" * 30, "-1"])
    def test_an_invitation_that_is_no_id_is_not_found(self, login, people, published_meeting, value):
        client = login(people["coordinator"])
        response = client.post(
            reverse("meetings:respond", args=[published_meeting.pk]),
            {"invitation": value, "rsvp-response": "yes"},
        )
        assert response.status_code == 404
        assert not published_meeting.invitations.exclude(response=Response.PENDING).exists()


class TestClosedNotice:
    """What the meeting page says instead of the answer form."""

    def notice(self, client, meeting):
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'name="rsvp-response"' not in page
        return page

    def test_a_held_meeting_has_taken_place(self, login, people, past_meeting):
        services.attendance_record(meeting=past_meeting, by=people["coordinator"], present_person_ids=[])
        client = login(people["rep_a"])
        page = self.notice(client, past_meeting)
        assert "Das Treffen hat stattgefunden; Antworten sind nicht mehr möglich." in page
        assert "veröffentlicht" not in page
        client.cookies["django_language"] = "en"
        assert "The meeting has taken place; answers are closed." in self.notice(client, past_meeting)

    def test_a_past_meeting_without_attendance_has_taken_place_too(self, login, people, past_meeting):
        page = self.notice(login(people["rep_a"]), past_meeting)
        assert "Das Treffen hat stattgefunden; Antworten sind nicht mehr möglich." in page

    def test_a_meeting_held_and_still_going_on_has_started(self, login, people, published_meeting):
        with time_machine.travel(published_meeting.start + datetime.timedelta(minutes=30)):
            services.attendance_record(
                meeting=published_meeting, by=people["coordinator"], present_person_ids=[]
            )
            page = self.notice(login(people["rep_a"]), published_meeting)
        assert "Das Treffen hat begonnen; Antworten sind nicht mehr möglich." in page

    def test_a_cancelled_meeting_says_so(self, login, people, published_meeting):
        services.meeting_cancel(meeting=published_meeting, by=people["coordinator"])
        page = self.notice(login(people["rep_a"]), published_meeting)
        assert "Das Treffen wurde abgesagt." in page
        assert "veröffentlicht" not in page

    def test_a_draft_keeps_its_notice(self, login, people, draft_meeting):
        page = self.notice(login(people["coordinator"]), draft_meeting)
        assert "Antworten sind möglich, sobald das Treffen veröffentlicht ist." in page

    def test_the_service_says_the_same_for_a_held_meeting(self, people, past_meeting):
        services.attendance_record(meeting=past_meeting, by=people["coordinator"], present_person_ids=[])
        invitation = past_meeting.invitations.get(person=people["rep_a"])
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.invitation_respond(
                invitation=invitation, by=people["coordinator"], response=Response.YES
            )
        assert refused.value.messages == ["The meeting has taken place; answers are closed."]
