"""The meetings services' events (publish, reschedule, cancel, invite) reach the invitees' inboxes."""

import datetime

import icalendar
import pytest
from django.core import mail

from meetings import services
from meetings.enums import DeliveryKind, DeliveryStatus
from meetings.models import Delivery
from meetings.tasks import sweep_deliveries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def calendar_of(message):
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part["Content-Type"], icalendar.Calendar.from_ical(part.get_payload(decode=True))


def sequences(method):
    found = set()
    for message in mail.outbox:
        content_type, calendar = calendar_of(message)
        assert content_type == f"text/calendar; method={method}; charset=UTF-8"
        assert calendar["METHOD"] == method
        found |= {int(event["SEQUENCE"]) for event in calendar.walk("VEVENT")}
    return found


@pytest.fixture
def published(draft_meeting, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_publish(meeting=draft_meeting, by=people["coordinator"])
    return meeting


def test_publishing_invites_every_default_invitee_once(published, people):
    invitees = {i.person.email for i in published.invitations.select_related("person")}

    assert sorted(m.to[0] for m in mail.outbox) == sorted(invitees)
    assert people["rep_a"].email in invitees
    assert sequences("REQUEST") == {0}

    sweep_deliveries.delay()
    assert len(mail.outbox) == len(invitees)


def test_rescheduling_sends_updates_with_the_new_sequence(
    published, people, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    later = published.start + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=published,
            by=people["coordinator"],
            revision=published.revision,
            start=later,
            end=later + datetime.timedelta(hours=2),
        )

    assert len(mail.outbox) == published.invitations.count()
    assert sequences("REQUEST") == {1}
    assert all(m.subject.startswith("Geändert:") for m in mail.outbox)


def test_a_change_of_title_alone_sends_nothing(published, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=published, by=people["coordinator"], revision=published.revision, title="Neuer Titel"
        )
    sweep_deliveries.delay()

    assert mail.outbox == []


def test_cancelling_sends_cancellations(published, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=published, by=people["coordinator"])

    assert len(mail.outbox) == published.invitations.count()
    assert sequences("CANCEL") == {1}
    assert Delivery.objects.filter(kind=DeliveryKind.CANCELLATION, status=DeliveryStatus.SENT).count() == len(
        mail.outbox
    )


def test_people_added_later_get_their_invitation(published, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    newcomer = UserFactory(full_name="Neu Hinzugekommen", email="neu@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_add_people(meeting=published, people=[newcomer], by=people["coordinator"])

    assert [m.to for m in mail.outbox] == [["neu@example.org"]]
