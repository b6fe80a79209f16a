"""Meetings on the days the clocks change in Europe/Berlin (last Sunday of March and October)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def post_meeting(client, start, end):
    return client.post(
        reverse("meetings:create"),
        {
            "kind": "workshop",
            "title": "Workshop Zeitumstellung",
            "start": start,
            "end": end,
            "venue": "Kreishaus",
        },
    )


@pytest.fixture
def coordinator_client(login, people):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        yield login(people["coordinator"])


@pytest.mark.parametrize(
    ("start", "end", "utc_start", "utc_end", "hours"),
    [
        # 29 March 2026: 02:00 CET becomes 03:00 CEST; the night lasts an hour less.
        ("2026-03-29T01:00", "2026-03-29T04:00", (2026, 3, 29, 0, 0), (2026, 3, 29, 2, 0), 2),
        # 25 October 2026: 03:00 CEST becomes 02:00 CET; the night lasts an hour more.
        ("2026-10-25T01:00", "2026-10-25T04:00", (2026, 10, 24, 23, 0), (2026, 10, 25, 3, 0), 4),
        ("2026-10-26T14:00", "2026-10-26T16:00", (2026, 10, 26, 13, 0), (2026, 10, 26, 15, 0), 2),
    ],
)
def test_local_times_on_and_after_the_change_are_stored_exactly(
    coordinator_client, start, end, utc_start, utc_end, hours
):
    response = post_meeting(coordinator_client, start, end)

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.start == datetime.datetime(*utc_start, tzinfo=UTC)
    assert meeting.end == datetime.datetime(*utc_end, tzinfo=UTC)
    assert meeting.end - meeting.start == datetime.timedelta(hours=hours)
    assert timezone.localtime(meeting.start).strftime("%H:%M") == start[-5:]


@pytest.mark.parametrize(
    "start",
    [
        "2026-03-29T02:30",  # does not exist: the clocks jump from 02:00 to 03:00
        "2026-10-25T02:30",  # exists twice: the form cannot know which one is meant
    ],
)
def test_a_time_that_does_not_exist_or_is_ambiguous_is_refused_clearly(coordinator_client, start):
    response = post_meeting(coordinator_client, start, start[:-5] + "05:00")

    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    assert not Meeting.objects.exists()
