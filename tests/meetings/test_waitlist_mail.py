"""Moving up from a full workshop's waiting list: the person is told once, in their language."""

import pytest
from django.core import mail

from meetings import services
from meetings.enums import DeliveryKind, DeliveryStatus, MeetingKind, Response
from meetings.models import Delivery
from meetings.tasks import send_meeting_mails, sweep_deliveries
from meetings.tokens import rsvp_url

pytestmark = pytest.mark.django_db


def to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def place_deliveries(invitation):
    return Delivery.objects.filter(kind=DeliveryKind.WAITLIST_PLACE, recipient=invitation.person)


@pytest.fixture
def workshop(people, draft_meeting, django_capture_on_commit_callbacks):
    """A published workshop with one place; its invitations went out and were then cleared."""
    people["rep_b"].preferred_language = "en"
    people["rep_b"].save()
    # The sweep would also send the coordinator's daily digest; these tests count meeting mails.
    people["coordinator"].notify_digest = False
    people["coordinator"].save()
    draft = services.meeting_update(
        meeting=draft_meeting,
        by=people["coordinator"],
        revision=draft_meeting.revision,
        kind=MeetingKind.WORKSHOP,
        capacity=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_publish(meeting=draft, by=people["coordinator"])
    assert len(mail.outbox) == 4  # rep A, deputy A, rep B, coordinator
    mail.outbox.clear()
    return meeting


@pytest.fixture
def answer(workshop, django_capture_on_commit_callbacks):
    """answer(person, response): the service as the RSVP page calls it, with commit callbacks run."""

    def _answer(person, response, *, run_on_commit=True):
        invitation = workshop.invitations.get(person=person)
        with django_capture_on_commit_callbacks(execute=run_on_commit):
            return services.invitation_respond(invitation=invitation, by=person, response=response)

    return _answer


def test_moved_up_person_gets_one_mail_in_their_language_even_if_the_task_runs_twice(
    people, workshop, answer, settings
):
    answer(people["rep_a"], Response.YES)
    waiting = answer(people["rep_b"], Response.YES)
    assert waiting.waitlist_position == 1
    assert mail.outbox == []  # answering sends nothing

    answer(people["rep_a"], Response.NO)

    (message,) = mail.outbox
    assert message.to == [people["rep_b"].email]
    assert message.subject.startswith(f"You have a place now: {workshop.title}")
    assert "a place has become free" in message.body
    assert rsvp_url(waiting, Response.NO) in message.body
    html = html_of(message)
    assert "a place has become free" in html
    assert rsvp_url(waiting, Response.NO).replace("&", "&amp;") in html
    # The footer: why this person gets the mail, and where to choose reminders.
    settings_link = f"{settings.SITE_URL}/members/people/{people['rep_b'].pk}/edit/"
    assert "because you were on the waiting list for this meeting" in message.body
    assert settings_link in message.body and settings_link in html

    # The same task again (a redelivered message, a retry) and two sweeps: nothing more.
    send_meeting_mails(workshop.pk, str(DeliveryKind.WAITLIST_PLACE), [waiting.pk])
    send_meeting_mails(workshop.pk, str(DeliveryKind.WAITLIST_PLACE), None)
    sweep_deliveries()
    sweep_deliveries()
    assert len(mail.outbox) == 1
    (delivery,) = place_deliveries(waiting)
    assert delivery.status == DeliveryStatus.SENT and delivery.meeting_id == workshop.pk


def test_german_by_default(people, workshop, answer):
    answer(people["rep_b"], Response.YES)
    waiting = answer(people["rep_a"], Response.YES)

    answer(people["rep_b"], Response.MAYBE)

    (message,) = to(people["rep_a"])
    assert message.subject.startswith(f"Sie haben jetzt einen Platz: {workshop.title}")
    assert "Warteliste" in message.body
    assert "Warteliste" in html_of(message)
    assert place_deliveries(waiting).count() == 1
    assert len(mail.outbox) == 1


def test_sweep_sends_it_when_the_task_was_never_enqueued(people, workshop, answer):
    answer(people["rep_a"], Response.YES)
    waiting = answer(people["rep_b"], Response.YES)

    # Redis was down when the place became free: the commit callback never ran.
    answer(people["rep_a"], Response.NO, run_on_commit=False)
    assert mail.outbox == []

    sweep_deliveries()
    sweep_deliveries()

    assert [m.to for m in mail.outbox] == [[people["rep_b"].email]]
    assert place_deliveries(waiting).get().status == DeliveryStatus.SENT


def test_no_mail_if_the_person_gave_the_place_up_before_it_went_out(people, workshop, answer):
    answer(people["rep_a"], Response.YES)
    answer(people["rep_b"], Response.YES)
    answer(people["rep_a"], Response.NO, run_on_commit=False)
    answer(people["rep_b"], Response.NO)

    sweep_deliveries()

    assert mail.outbox == []


def test_moving_up_a_second_time_is_told_again(people, workshop, answer):
    answer(people["rep_a"], Response.YES)
    answer(people["rep_b"], Response.YES)
    answer(people["rep_a"], Response.NO)  # rep B moves up
    answer(people["rep_a"], Response.YES)  # waits
    answer(people["rep_b"], Response.NO)  # rep A moves up
    answer(people["rep_b"], Response.YES)  # waits
    answer(people["rep_a"], Response.NO)  # rep B moves up again

    assert len(to(people["rep_b"])) == 2
    assert len(to(people["rep_a"])) == 1
    sweep_deliveries()
    assert len(mail.outbox) == 3


def test_more_places_tell_everyone_who_moves_up(people, workshop, answer, django_capture_on_commit_callbacks):
    answer(people["rep_a"], Response.YES)
    answer(people["rep_b"], Response.YES)
    answer(people["deputy_a"], Response.YES)
    workshop.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=workshop, by=people["coordinator"], revision=workshop.revision, capacity=3
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["rep_b"].email, people["deputy_a"].email])
    assert not to(people["rep_a"])


def test_removing_a_confirmed_invitee_tells_the_next_one(
    people, workshop, answer, django_capture_on_commit_callbacks
):
    confirmed = answer(people["rep_a"], Response.YES)
    answer(people["rep_b"], Response.YES)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_remove(invitation=confirmed, by=people["coordinator"])

    assert [m.to for m in mail.outbox] == [[people["rep_b"].email]]


def test_someone_still_waiting_gets_no_place_mail(people, workshop, answer):
    answer(people["rep_a"], Response.YES)
    answer(people["rep_b"], Response.YES)
    answer(people["deputy_a"], Response.YES)

    answer(people["rep_a"], Response.NO)

    assert [m.to for m in mail.outbox] == [[people["rep_b"].email]]
    sweep_deliveries()
    assert not to(people["deputy_a"])
