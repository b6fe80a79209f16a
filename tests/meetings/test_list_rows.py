"""The meeting list's rows: the figures of each meeting and the person's own answer, as shown."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import selectors
from meetings.enums import InvitationRole, MeetingKind, MeetingStatus, Response
from tests.factories.meetings import AttendanceFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def at(days, hour=18):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=30, second=0, microsecond=0
    )


@pytest.fixture
def workshop(people, member_a):
    """A full workshop next week: 2 places taken, 1 waiting, 1 no, 1 pending; rep A waits."""
    meeting = MeetingFactory(
        title="Workshop <Wärme>",
        kind=MeetingKind.WORKSHOP,
        start=at(7),
        end=at(7) + datetime.timedelta(hours=2),
        capacity=2,
        venue="",
        online_url="https://example.org/raum",
        host_organisation=member_a,
    )
    for response in (Response.YES, Response.YES, Response.NO, Response.PENDING):
        InvitationFactory(meeting=meeting, response=response)
    InvitationFactory(
        meeting=meeting,
        person=people["rep_a"],
        organisation=member_a,
        role=InvitationRole.REPRESENTATIVE,
        response=Response.YES,
        waitlist_position=1,
    )
    return meeting


@pytest.fixture
def held(people):
    """A meeting last month with attendance recorded: 2 present, 1 absent (rep A)."""
    start = at(-30)
    meeting = MeetingFactory(
        title="Sitzung im Frühjahr",
        start=start,
        end=start + datetime.timedelta(hours=2),
        status=MeetingStatus.HELD,
        attendance_recorded_at=start,
    )
    InvitationFactory(meeting=meeting, person=people["rep_a"], response=Response.YES)
    AttendanceFactory(meeting=meeting, person=people["rep_a"], present=False)
    AttendanceFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting)
    return meeting


def row_of(page: str, meeting) -> str:
    match = re.search(rf'<tr>(?:(?!</tr>).)*href="{meeting.get_absolute_url()}".*?</tr>', page, re.S)
    assert match, meeting
    return re.sub(r"\s+", " ", match.group(0))


def test_figures_and_own_answer(people, workshop, held):
    unanswered = MeetingFactory(start=at(9), end=at(9) + datetime.timedelta(hours=1))
    check_ins_only = MeetingFactory(start=at(-1), end=at(10))
    AttendanceFactory(meeting=check_ins_only, person=people["rep_a"])
    meetings = selectors.add_list_figures(
        [workshop, held, unanswered, check_ins_only], people["rep_a"], own_attendance=True
    )
    figures = [
        (
            m.invitee_count,
            m.yes_count,
            m.waitlist_count,
            m.present_count,
            m.my_response,
            m.my_waitlist_position,
            m.my_present,
        )
        for m in meetings
    ]
    assert figures == [
        (5, 2, 1, None, Response.YES, 1, None),
        (1, 1, 0, 2, Response.YES, None, False),
        (0, 0, 0, None, None, None, None),
        # Checked in, but the list is not recorded yet: no figure for the lists, one's own presence.
        (0, 0, 0, None, None, None, True),
    ]


def test_figures_of_an_empty_page_need_no_query(people, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.add_list_figures([], people["rep_a"]) == []


def test_list_row_shows_the_figures_and_own_answer(login, client, people, workshop):
    login(people["rep_a"])
    client.cookies["django_language"] = "en"
    row = row_of(client.get(reverse("meetings:list")).content.decode(), workshop)
    start = timezone.localtime(workshop.start)
    assert f'<time datetime="{start.isoformat()}">' in row
    assert f"{start:%a}, {start:%m/%d/%Y}<br>" in row
    assert "Workshop &lt;Wärme&gt;</a>" in row and "Thematic workshop" in row
    assert "Host: Detmold</span>Online</td>" in row
    assert '<span class="badge text-bg-primary">Published</span>' in row
    assert "2 / 5<br>" in row and "2 places, 1 waiting" in row
    assert '<td class="text-end"><span class="text-muted">–</span></td>' in row
    assert "Waiting list (1)" in row


def test_year_view_shows_attendance_and_who_was_not_invited(login, client, people, held):
    InvitationFactory(meeting=held, person=people["rep_b"], response=Response.NO)
    login(people["coordinator"])
    client.cookies["django_language"] = "en"
    year = timezone.localtime(held.start).year
    row = row_of(client.get(reverse("meetings:list") + f"?year={year}").content.decode(), held)
    assert "1 / 2</td>" in row
    assert '<td class="text-end">2</td>' in row
    assert '<span class="text-muted">not invited</span>' in row
    assert "Rathaus Detmold</td>" in row


def test_my_meetings_show_own_attendance(login, client, people, held):
    login(people["rep_a"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("meetings:my_meetings")).content.decode()
    assert held.title in page and '<span class="badge text-bg-secondary">absent</span>' in page
