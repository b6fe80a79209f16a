"""iCalendar: one UID per meeting, rising SEQUENCE, CANCELLED, Europe/Berlin with VTIMEZONE, DST."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from meetings import services
from meetings.enums import MeetingStatus
from meetings.ics import calendar_feed, meeting_ics
from meetings.tokens import calendar_feed_url
from members.services import person_reset_calendar_token
from tests.factories.meetings import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def for_rep_a(meeting, people):
    return meeting.invitations.select_related("person").get(person=people["rep_a"])


def test_one_event_with_uid_sequence_method_and_timezone(people, published_meeting):
    calendar = parse(
        meeting_ics(published_meeting, method="REQUEST", recipient=for_rep_a(published_meeting, people))
    )
    assert calendar["METHOD"] == "REQUEST"
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "Europe/Berlin"
    event = only_event(calendar)
    assert (
        str(event["UID"])
        == published_meeting.ical_uid
        == f"meeting-{published_meeting.pk}@regionalbuendnis-lippe"
    )
    assert int(event["SEQUENCE"]) == 0
    assert event["STATUS"] == "CONFIRMED"
    start = event.decoded("DTSTART")
    assert start == published_meeting.start
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(event["SUMMARY"]) == published_meeting.title
    assert "Rathaus Detmold" in str(event["LOCATION"])


def test_request_names_organizer_and_only_the_recipient(people, published_meeting):
    recipient = for_rep_a(published_meeting, people)
    event = only_event(parse(meeting_ics(published_meeting, method="REQUEST", recipient=recipient)))
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{people['rep_a'].email}"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    publish = only_event(parse(meeting_ics(published_meeting)))
    assert "ATTENDEE" not in publish


@pytest.mark.parametrize(
    ("response", "waitlist_position", "partstat"),
    [
        ("yes", None, "ACCEPTED"),
        ("yes", 1, "TENTATIVE"),
        ("maybe", None, "TENTATIVE"),
        ("no", None, "DECLINED"),
    ],
)
def test_attendee_status_follows_the_answer(people, published_meeting, response, waitlist_position, partstat):
    recipient = for_rep_a(published_meeting, people)
    recipient.response, recipient.waitlist_position = response, waitlist_position
    event = only_event(parse(meeting_ics(published_meeting, method="REQUEST", recipient=recipient)))
    assert event["ATTENDEE"].params["PARTSTAT"] == partstat


def test_change_raises_sequence_with_the_same_uid(people, published_meeting):
    before = only_event(parse(meeting_ics(published_meeting)))
    moved = services.meeting_update(
        meeting=published_meeting,
        by=people["coordinator"],
        revision=published_meeting.revision,
        venue="Rathaus Lage",
    )
    after = only_event(parse(meeting_ics(moved, method="REQUEST", recipient=for_rep_a(moved, people))))
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1


def test_cancelled_meeting(people, published_meeting):
    cancelled = services.meeting_cancel(meeting=published_meeting, by=people["coordinator"])
    calendar = parse(meeting_ics(cancelled, method="CANCEL", recipient=for_rep_a(cancelled, people)))
    assert calendar["METHOD"] == "CANCEL"
    event = only_event(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_meeting_moved_across_the_dst_change_keeps_its_wall_clock_time(people, time_machine):
    time_machine.move_to(berlin(2027, 3, 1, 9, 0))
    start = berlin(2027, 3, 24, 14, 0)  # CET, UTC+1
    meeting = services.meeting_create(
        by=people["coordinator"],
        title="Sitzung",
        start=start,
        end=start + datetime.timedelta(hours=2),
        venue="Rathaus",
    )
    meeting = services.meeting_publish(meeting=meeting, by=people["coordinator"])
    # One week later, after the change to summer time on 28 March 2027: still 14:00 local.
    new_start = berlin(2027, 3, 31, 14, 0)  # CEST, UTC+2
    meeting = services.meeting_update(
        meeting=meeting,
        by=people["coordinator"],
        revision=meeting.revision,
        start=new_start,
        end=new_start + datetime.timedelta(hours=2),
    )
    event = only_event(parse(meeting_ics(meeting, method="REQUEST", recipient=for_rep_a(meeting, people))))
    assert event["DTSTART"].to_ical() == b"20270331T140000"
    assert event["DTEND"].to_ical() == b"20270331T160000"
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)
    assert event.decoded("DTSTART").astimezone(datetime.UTC).hour == 12
    # The VTIMEZONE itself resolves both offsets correctly (what calendar programs use).
    (vtimezone,) = parse(meeting_ics(meeting)).walk("VTIMEZONE")
    tz = vtimezone.to_tz()
    assert datetime.datetime(2027, 3, 24, 14, 0, tzinfo=tz).utcoffset() == datetime.timedelta(hours=1)
    assert datetime.datetime(2027, 3, 31, 14, 0, tzinfo=tz).utcoffset() == datetime.timedelta(hours=2)
    assert datetime.datetime(2027, 10, 30, 14, 0, tzinfo=tz).utcoffset() == datetime.timedelta(hours=2)
    assert datetime.datetime(2027, 11, 1, 14, 0, tzinfo=tz).utcoffset() == datetime.timedelta(hours=1)


def test_ics_download_only_for_people_who_see_the_meeting(login, people, published_meeting, client):
    url = reverse("meetings:ics", args=[published_meeting.pk])
    response = login(people["rep_a"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    parse(response.content)
    assert login(people["guest"]).get(url).status_code == 403
    assert login(None).get(url).status_code == 302


class TestFeed:
    def test_feed_has_my_meetings_but_no_drafts(self, people, published_meeting, draft_meeting):
        other = MeetingFactory(title="Nicht eingeladen")
        cancelled = MeetingFactory(title="Abgesagt", status=MeetingStatus.CANCELLED, sequence=1)
        InvitationFactory(meeting=cancelled, person=people["rep_a"])
        calendar = parse(calendar_feed(people["rep_a"]))
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        assert set(events) == {published_meeting.title, "Abgesagt"}
        assert events["Abgesagt"]["STATUS"] == "CANCELLED"
        assert "METHOD" not in calendar
        assert other.title not in events

    def test_feed_url_with_the_secret_token(self, client, people, published_meeting, settings):
        url = calendar_feed_url(people["rep_a"])
        assert url.startswith(settings.SITE_URL)
        response = client.get(url[len(settings.SITE_URL) :])
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert len(parse(response.content).walk("VEVENT")) == 1

    def test_wrong_or_reset_token_is_404(self, client, people, published_meeting, settings):
        old = calendar_feed_url(people["rep_a"])[len(settings.SITE_URL) :]
        assert client.get(reverse("meetings:calendar_feed", args=["nope"])).status_code == 404
        person_reset_calendar_token(person=people["rep_a"])
        assert client.get(old).status_code == 404
        new = calendar_feed_url(people["rep_a"])[len(settings.SITE_URL) :]
        assert client.get(new).status_code == 200

    def test_inactive_person_has_no_feed(self, client, people, settings):
        person = people["rep_a"]
        url = calendar_feed_url(person)[len(settings.SITE_URL) :]
        person.is_active = False
        person.save()
        assert client.get(url).status_code == 404
