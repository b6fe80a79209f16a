"""iCalendar (RFC 5545) for meetings: one event per .ics, and a person's subscription feed.

Times are written in Europe/Berlin with a VTIMEZONE whose rules cover every year, so a meeting at
14:00 stays at 14:00 in the calendar on both sides of a daylight-saving change. Each meeting keeps
one UID; SEQUENCE (`Meeting.sequence`) rises with every change invitees must see, so calendar
programs replace the entry instead of adding a second one.
"""

import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import MeetingStatus, Response
from .models import Invitation, Meeting
from .tokens import absolute

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Kreis Lippe//Regionalbuendnis 2050//DE"
PARTSTAT = {
    Response.YES: "ACCEPTED",
    Response.NO: "DECLINED",
    Response.MAYBE: "TENTATIVE",
    Response.PENDING: "NEEDS-ACTION",
}
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


def berlin_timezone() -> icalendar.Timezone:
    """Central European Time with the EU rules (last Sunday of March and of October)."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Berlin")
    tz.add("x-lic-location", "Europe/Berlin")
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime.datetime(1981, 3, 29, 2, 0))
    daylight.add("tzoffsetfrom", datetime.timedelta(hours=1))
    daylight.add("tzoffsetto", datetime.timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime.datetime(1996, 10, 27, 3, 0))
    standard.add("tzoffsetfrom", datetime.timedelta(hours=2))
    standard.add("tzoffsetto", datetime.timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _calendar(*, method: str | None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Berlin")
    calendar.add_component(berlin_timezone())
    return calendar


def _location(meeting: Meeting) -> str:
    parts = [meeting.venue, " ".join(meeting.address.split())]
    return ", ".join(part for part in parts if part) or meeting.online_url


def _description(meeting: Meeting) -> str:
    parts = [meeting.description.strip()]
    if meeting.online_url:
        parts.append(meeting.online_url)
    parts.append(absolute(meeting.get_absolute_url()))
    return "\n\n".join(part for part in parts if part)


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["cn"] = icalendar.vText(name)
    return organizer


def _attendee(invitation: Invitation) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{invitation.person.email}")
    attendee.params["cn"] = icalendar.vText(invitation.person.full_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    partstat = PARTSTAT.get(invitation.response, "NEEDS-ACTION")
    if invitation.waitlist_position is not None:
        partstat = "TENTATIVE"  # said yes, but has no place yet
    attendee.params["partstat"] = icalendar.vText(partstat)
    # Answers are given on the web page (one-click links), not by calendar replies.
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    return attendee


def _event(meeting: Meeting, *, stamp: datetime.datetime, attendees=()) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("dtstart", timezone.localtime(meeting.start, BERLIN))
    event.add("dtend", timezone.localtime(meeting.end, BERLIN))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("description", _description(meeting))
    if meeting.online_url:
        event.add("url", meeting.online_url)
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    elif meeting.status == MeetingStatus.DRAFT:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    if attendees:
        event.add("organizer", _organizer())
        for invitation in attendees:
            event.add("attendee", _attendee(invitation))
    return event


def meeting_ics(meeting: Meeting, *, method: str = "PUBLISH", recipient: Invitation | None = None) -> bytes:
    """One meeting as an .ics file.

    REQUEST and CANCEL are scheduling messages for one recipient: they carry the organiser and that
    recipient as the only ATTENDEE. Invitees come from different municipalities; listing everyone
    would hand each of them all the others' e-mail addresses.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unsupported iTIP method {method!r}")
    attendees = ()
    if method in ("REQUEST", "CANCEL"):
        if recipient is None:
            raise ValueError(f"An iTIP {method} is addressed to one recipient; pass `recipient`.")
        if recipient.meeting_id != meeting.pk:
            raise ValueError("The recipient's invitation belongs to another meeting.")
        attendees = [recipient] if recipient.person.email else []
    calendar = _calendar(method=method)
    calendar.add_component(_event(meeting, stamp=timezone.now(), attendees=attendees))
    return calendar.to_ical()


def feed_meetings(person):
    """The meetings in a person's feed: every published, held or cancelled one they are invited to."""
    return (
        Meeting.objects.filter(invitations__person=person)
        .exclude(status=MeetingStatus.DRAFT)
        .order_by("start", "pk")
    )


def calendar_feed(person) -> bytes:
    """All of a person's meetings as one subscribable calendar (no METHOD: a plain feed)."""
    calendar = _calendar(method=None, name=_("Regionalbündnis 2050 – my meetings"))
    for meeting in feed_meetings(person):
        calendar.add_component(_event(meeting, stamp=meeting.updated_at or timezone.now()))
    return calendar.to_ical()
