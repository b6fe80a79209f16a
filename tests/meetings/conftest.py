"""Meetings with the people of the shared fixtures invited, as the services leave them."""

import datetime

import pytest
from django.utils import timezone

from meetings import services
from meetings.enums import MeetingStatus
from tests.factories import MeetingFactory


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def people(coordinator, rep_a, deputy_a, rep_b, guest_user):
    """Everyone of the shared fixtures; the coordinator is the one who schedules."""
    return {
        "coordinator": coordinator,
        "rep_a": rep_a,
        "deputy_a": deputy_a,
        "rep_b": rep_b,
        "guest": guest_user,
    }


@pytest.fixture
def draft_meeting(people):
    """A draft next week with the default invitees (rep A, deputy A, rep B, coordinator)."""
    start = (timezone.localtime() + datetime.timedelta(days=7)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    return services.meeting_create(
        by=people["coordinator"],
        title="Sitzung Regionalbündnis",
        start=start,
        end=start + datetime.timedelta(hours=2),
        venue="Rathaus Detmold",
    )


@pytest.fixture
def published_meeting(draft_meeting, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.meeting_publish(meeting=draft_meeting, by=people["coordinator"])


@pytest.fixture
def invitation(published_meeting):
    """The invitation of a person in the published meeting: invitation(person)."""

    def _get(person):
        return published_meeting.invitations.get(person=person)

    return _get


@pytest.fixture
def past_meeting(people):
    """Held last month, with rep A, deputy A and rep B invited; attendance not recorded yet."""
    start = local(*(timezone.localdate() - datetime.timedelta(days=30)).timetuple()[:3], 14)
    meeting = MeetingFactory(
        start=start, end=start + datetime.timedelta(hours=2), status=MeetingStatus.PUBLISHED
    )
    invitees = [people[key] for key in ("rep_a", "deputy_a", "rep_b", "coordinator")]
    services.invitation_add_people(meeting=meeting, people=invitees, by=people["coordinator"])
    return meeting
