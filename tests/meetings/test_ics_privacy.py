"""No calendar file hands one invitee the other invitees' e-mail addresses."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from meetings import services
from meetings.ics import calendar_feed, meeting_ics
from meetings.tokens import calendar_feed_url

pytestmark = pytest.mark.django_db


def calendar_of(message):
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    return raw, icalendar.Calendar.from_ical(raw)


def other_addresses(meeting, person):
    emails = meeting.invitations.exclude(person=person).values_list("person__email", flat=True)
    return [email for email in emails if email]


def attendees(event):
    values = event.get("ATTENDEE", [])
    values = values if isinstance(values, list) else [values]
    return [str(value).removeprefix("mailto:") for value in values]


@pytest.fixture
def sent_meeting(people, draft_meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_publish(meeting=draft_meeting, by=people["coordinator"])


def test_invitation_lists_only_the_recipient_and_the_organizer(sent_meeting, settings):
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        (recipient,) = message.to
        raw, calendar = calendar_of(message)
        (event,) = calendar.walk("VEVENT")
        assert calendar["METHOD"] == "REQUEST"
        assert attendees(event) == [recipient]
        assert str(event["ORGANIZER"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('>')}"
        assert str(event["UID"]) == sent_meeting.ical_uid
        person = sent_meeting.invitations.get(person__email=recipient).person
        for address in other_addresses(sent_meeting, person):
            assert address.encode() not in raw


def test_update_and_cancellation_too_keep_uid_and_raise_sequence(
    people, sent_meeting, django_capture_on_commit_callbacks
):
    rep_a = people["rep_a"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.meeting_update(
            meeting=sent_meeting,
            by=people["coordinator"],
            revision=sent_meeting.revision,
            venue="Rathaus Lage",
        )
    (update,) = [m for m in mail.outbox if m.to == [rep_a.email]]
    raw, calendar = calendar_of(update)
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST"
    assert attendees(event) == [rep_a.email]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (sent_meeting.ical_uid, 1)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=moved, by=people["coordinator"])
    (cancellation,) = [m for m in mail.outbox if m.to == [rep_a.email]]
    raw, calendar = calendar_of(cancellation)
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL"
    assert attendees(event) == [rep_a.email]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (sent_meeting.ical_uid, 2)
    for address in other_addresses(moved, rep_a):
        assert address.encode() not in raw


def test_scheduling_messages_need_a_recipient_of_this_meeting(people, published_meeting, past_meeting):
    with pytest.raises(ValueError, match="recipient"):
        meeting_ics(published_meeting, method="REQUEST")
    foreign = past_meeting.invitations.get(person=people["rep_a"])
    with pytest.raises(ValueError, match="another meeting"):
        meeting_ics(published_meeting, method="CANCEL", recipient=foreign)


def test_download_and_feed_name_nobody(login, people, published_meeting, client, settings):
    rep_a = people["rep_a"]
    others = other_addresses(published_meeting, rep_a)
    assert others  # the meeting has other invitees whose addresses must not leak

    download = login(rep_a).get(reverse("meetings:ics", args=[published_meeting.pk])).content
    feed = client.get(calendar_feed_url(rep_a)[len(settings.SITE_URL) :]).content
    assert feed == calendar_feed(rep_a)
    for raw in (download, feed):
        (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        assert "ATTENDEE" not in event
        for address in [*others, rep_a.email]:
            assert address.encode() not in raw
