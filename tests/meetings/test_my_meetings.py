""" "My meetings": upcoming ones with my answer, past ones with my attendance, nobody else's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.enums import Response
from tests.factories import MeetingFactory
from tests.factories.deliveries import invite

pytestmark = pytest.mark.django_db


def row_of(page, title):
    """The list item or table row that names the meeting."""
    match = re.search(rf"<(li|tr)[^>]*>(?:(?!</\1>).)*{re.escape(title)}(?:(?!</\1>).)*</\1>", page, re.S)
    assert match, title
    return match.group(0)


def test_upcoming_with_my_answer_and_past_with_my_attendance(login, people, past_meeting):
    rep_a, coordinator = people["rep_a"], people["coordinator"]
    start = timezone.localtime() + datetime.timedelta(days=10)
    answered = MeetingFactory(title="Workshop Energiemanagement", start=start, capacity=1)
    waiting = MeetingFactory(title="Workshop Quartierssanierung", start=start, capacity=1)
    unanswered = MeetingFactory(title="Sitzung im Herbst", start=start)
    not_mine = MeetingFactory(title="Sitzung ohne mich", start=start)
    for meeting in (answered, waiting, unanswered):
        invite(meeting, rep_a)
    invite(waiting, people["rep_b"], response=Response.YES)
    invite(not_mine, people["rep_b"])
    services.invitation_respond(
        invitation=answered.invitations.get(person=rep_a), by=rep_a, response=Response.NO, sends_deputy=True
    )
    services.invitation_respond(
        invitation=waiting.invitations.get(person=rep_a), by=rep_a, response=Response.YES
    )
    absent_meeting = MeetingFactory(
        title="Sitzung im Frühjahr", start=past_meeting.start - datetime.timedelta(days=60)
    )
    invite(absent_meeting, rep_a)
    for meeting, present in ((past_meeting, [rep_a.pk]), (absent_meeting, [])):
        services.attendance_record(meeting=meeting, by=coordinator, present_person_ids=present)

    client = login(rep_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("meetings:my_meetings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "(sends the deputy)" in row_of(page, answered.title)
    assert ">No<" in row_of(page, answered.title)
    assert "Waiting list (1)" in row_of(page, waiting.title)
    assert "No answer yet" in row_of(page, unanswered.title)
    assert not_mine.title not in page
    assert "present" in row_of(page, past_meeting.title)
    assert "absent" in row_of(page, absent_meeting.title)
