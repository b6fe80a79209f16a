"""The demo meetings: a realistic series since September 2016, upcoming ones, idempotent."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from meetings import demo
from meetings.enums import MeetingKind, MeetingStatus, Response
from meetings.models import ActionItem, Attendance, Invitation, Meeting
from members import demo as members_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_alliance", verbosity=0)
    members_demo.seed()
    demo.seed()


def test_series_since_september_2016(seeded):
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("start")
    first = held.first()
    assert timezone.localdate(first.start) == datetime.date(2016, 9, 21)
    per_year = Counter(timezone.localdate(m.start).year for m in held.filter(kind=MeetingKind.MEETING))
    this_year = timezone.localdate().year
    for year in range(2017, this_year):
        assert 3 <= per_year[year] <= 5, year
    workshops = held.filter(kind=MeetingKind.WORKSHOP)
    assert workshops.count() >= this_year - 2017
    assert all(m.end <= timezone.now() for m in held)


def test_hosts_rotate_and_titles_are_german(seeded):
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    assert held.values("host_organisation").distinct().count() >= 10
    titles = " ".join(held.values_list("title", flat=True))
    assert "Sitzung des Regionalbündnisses" in titles
    topics = " ".join(held.values_list("description", flat=True))
    for word in ("Stadtradeln", "Energiemanagement", "Quartierssanierung"):
        assert word in topics or word in titles


def test_attendance_between_15_and_30_present(seeded):
    counts = list(
        Meeting.objects.filter(status=MeetingStatus.HELD)
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .values_list("present", flat=True)
    )
    assert all(15 <= count <= 30 for count in counts), counts
    assert len(set(counts)) > 3  # varied, not a constant
    assert not Meeting.objects.filter(status=MeetingStatus.HELD, attendance_recorded_at__isnull=True).exists()


def test_attendance_organisation_is_the_one_of_the_meeting_date(seeded):
    """Lemgo's former representative attended for Lemgo until 2020 only."""
    former = Attendance.objects.filter(person__full_name="Hartmut Vorgänger", present=True)
    assert former.exists()
    assert all(timezone.localdate(a.meeting.start).year <= 2020 for a in former.select_related("meeting"))
    assert {a.organisation.short_name for a in former.select_related("organisation")} == {"Lemgo"}


def test_upcoming_published_with_answers_and_one_draft(seeded):
    upcoming = Meeting.objects.filter(status=MeetingStatus.PUBLISHED, start__gt=timezone.now())
    assert 2 <= upcoming.count() <= 3
    answers = Invitation.objects.filter(meeting__in=upcoming).exclude(response=Response.PENDING)
    assert answers.count() > 10
    assert Invitation.objects.filter(meeting__in=upcoming, waitlist_position__isnull=False).exists()
    assert Meeting.objects.filter(status=MeetingStatus.DRAFT).count() == 1
    assert ActionItem.objects.filter(done_at__isnull=True).exists()


def test_idempotent(seeded):
    counts = (
        Meeting.objects.count(),
        Invitation.objects.count(),
        Attendance.objects.count(),
        ActionItem.objects.count(),
    )
    demo.seed()
    assert (
        Meeting.objects.count(),
        Invitation.objects.count(),
        Attendance.objects.count(),
        ActionItem.objects.count(),
    ) == counts
