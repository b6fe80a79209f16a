"""List pages and the meeting page run a constant number of queries, with one row and with many."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import selectors
from meetings.enums import InvitationRole, MeetingStatus, Response
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.meetings import ActionItemFactory, AttendanceFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def add_meetings(people, count, *, past=False):
    """`count` meetings with the four people invited (answers and attendance filled)."""
    meetings = []
    now = timezone.now()
    for n in range(count):
        start = now + datetime.timedelta(days=(-40 - n) if past else (3 + n))
        meeting = MeetingFactory(
            start=start,
            end=start + datetime.timedelta(hours=2),
            status=MeetingStatus.HELD if past else MeetingStatus.PUBLISHED,
            attendance_recorded_at=start if past else None,
            host_organisation=people["rep_a"].member_organisations[0],
        )
        for key in ("rep_a", "deputy_a", "rep_b", "coordinator"):
            InvitationFactory(meeting=meeting, person=people[key], response=Response.YES)
            if past:
                AttendanceFactory(meeting=meeting, person=people[key])
        ActionItemFactory(meeting=meeting, owner=people["rep_a"])
        meetings.append(meeting)
    return meetings


def add_invitees(meeting, count):
    for n in range(count):
        organisation = OrganisationFactory(name=f"Gemeinde Test {n}")
        person = UserFactory()
        MembershipFactory(person=person, organisation=organisation)
        InvitationFactory(
            meeting=meeting,
            person=person,
            organisation=organisation,
            role=InvitationRole.REPRESENTATIVE,
            response=Response.YES if n % 2 else Response.NO,
        )
        AttendanceFactory(meeting=meeting, person=person, organisation=organisation, present=bool(n % 3))
    guest = UserFactory(affiliation="Stadtwerke")
    InvitationFactory(meeting=meeting, person=guest, role=InvitationRole.GUEST)


@pytest.mark.parametrize("who", ["coordinator", "rep_a"])
@pytest.mark.parametrize(
    "url_of",
    [
        lambda m: reverse("meetings:list"),
        lambda m: reverse("meetings:my_meetings"),
        lambda m: reverse("meetings:action_items"),
        lambda m: reverse("dashboard"),
    ],
    ids=["list", "my_meetings", "action_items", "dashboard"],
)
def test_upcoming_lists(login, people, django_assert_num_queries, who, url_of):
    client = login(people[who])
    (first,) = add_meetings(people, 1)
    url = url_of(first)
    one = queries_of(client, url)
    add_meetings(people, 30)
    with django_assert_num_queries(one):
        client.get(url)


@pytest.mark.parametrize("who", ["coordinator", "rep_a"])
def test_year_view_and_past_meetings(login, people, django_assert_num_queries, who):
    client = login(people[who])
    (first,) = add_meetings(people, 1, past=True)
    year_url = reverse("meetings:list") + f"?year={timezone.localdate(first.start).year}"
    urls = [year_url, reverse("meetings:my_meetings")]
    counts = [queries_of(client, url) for url in urls]
    add_meetings(people, 25, past=True)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(url)


@pytest.mark.parametrize(
    "who,pages",
    [("coordinator", ["detail", "invitees", "attendance"]), ("rep_a", ["detail"])],
)
def test_meeting_pages_with_few_and_many_invitees(login, people, django_assert_num_queries, who, pages):
    (meeting,) = add_meetings(people, 1, past=True)
    client = login(people[who])
    urls = [reverse(f"meetings:{page}", args=[meeting.pk]) for page in pages]
    counts = [queries_of(client, url) for url in urls]
    add_invitees(meeting, 40)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(url)


def test_answer_summary_from_the_loaded_invitations_matches_the_database(people):
    (meeting,) = add_meetings(people, 1)
    add_invitees(meeting, 7)
    waiting = InvitationFactory(meeting=meeting, response=Response.YES, waitlist_position=1)
    InvitationFactory(meeting=meeting, response=Response.MAYBE, organisation=waiting.organisation)
    groups = selectors.invitations_grouped(meeting)
    summary = selectors.answer_summary_of(groups)
    assert summary == selectors.answer_summary(meeting)
    assert summary["waiting"] == 1 and summary["maybe"] == 1 and summary["pending"] == 1
    assert summary["total"] == 4 + 7 + 1 + 2
