"""Sentences with a date and time: English times end in "p.m.", so no full stop may follow them
("… 4:30 p.m.." was shown). German times ("16:30") read right in the same sentences."""

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from meetings import services
from meetings.emails import meeting_email
from meetings.enums import DeliveryKind, MeetingStatus
from meetings.tokens import rsvp_url
from tests.factories import MeetingFactory
from tests.factories.deliveries import invite

from .conftest import local

pytestmark = pytest.mark.django_db

DOUBLE_STOP = re.compile(r"[ap]\.m\.\.")
NOW = local(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def upcoming(people):
    """Thursday 26 Nov 2026, 5:30–7:30 p.m. (check-in from 4:30 p.m.); answers until 24 Nov, 4:30 p.m."""
    meeting = MeetingFactory(
        start=local(2026, 11, 26, 17, 30),
        end=local(2026, 11, 26, 19, 30),
        registration_deadline=local(2026, 11, 24, 16, 30),
    )
    invite(meeting, people["rep_a"])
    return meeting


@pytest.fixture
def held(people):
    """Held on 12 Nov 2026; attendance recorded at 4:30 p.m., minutes saved the next day at 4:30 p.m."""
    meeting = MeetingFactory(
        start=local(2026, 11, 12, 15, 0),
        end=local(2026, 11, 12, 17, 0),
        status=MeetingStatus.HELD,
        attendance_recorded_at=local(2026, 11, 12, 16, 30),
        minutes="# Protokoll",
        minutes_updated_at=local(2026, 11, 13, 16, 30),
    )
    invite(meeting, people["rep_a"])
    return meeting


def english(client, url):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_pages_of_a_held_meeting(login, people, held):
    client = login(people["coordinator"])
    expectations = {
        reverse("meetings:detail", args=[held.pk]): "Attendance recorded: 11/12/2026 4:30 p.m.",
        reverse("meetings:attendance", args=[held.pk]): (
            "Attendance recorded on 11/12/2026 4:30 p.m.; corrections are kept in the history below."
        ),
        reverse("meetings:minutes", args=[held.pk]): "Last saved: 11/13/2026 4:30 p.m.",
    }
    for url, sentence in expectations.items():
        page = english(client, url)
        assert sentence in page, url
        assert not DOUBLE_STOP.search(page), url


def test_german_reads_right_in_the_same_places(login, people, held):
    client = login(people["coordinator"])
    assert "Anwesenheit erfasst: 12.11.2026 16:30" in client.get(held.get_absolute_url()).content.decode()
    page = client.get(reverse("meetings:minutes", args=[held.pk])).content.decode()
    assert "Zuletzt gespeichert: 13.11.2026 16:30" in page


def test_answer_deadline_on_my_meetings_and_the_answer_page(login, client, people, upcoming, settings):
    sentence = "Please answer before the registration deadline: 11/24/2026 4:30 p.m."
    page = english(login(people["rep_a"]), reverse("meetings:my_meetings"))
    assert sentence in page and not DOUBLE_STOP.search(page)

    people["rep_a"].preferred_language = "en"
    people["rep_a"].save(update_fields=["preferred_language"])
    invitation = upcoming.invitations.get(person=people["rep_a"])
    login(None)
    page = client.get(rsvp_url(invitation).removeprefix(settings.SITE_URL)).content.decode()
    assert sentence in page and not DOUBLE_STOP.search(page)


def test_answer_deadline_in_the_invitation_email(people, upcoming):
    people["rep_a"].preferred_language = "en"
    people["rep_a"].save(update_fields=["preferred_language"])
    invitation = upcoming.invitations.get(person=people["rep_a"])
    message = meeting_email(kind=DeliveryKind.INVITATION, invitation=invitation)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Please answer before the registration deadline: Nov. 24, 2026, 4:30 p.m." in text
        assert not DOUBLE_STOP.search(text)


def test_check_in_outside_its_time(login, people, upcoming):
    client = login(people["rep_a"])
    url = reverse("meetings:check_in", args=[upcoming.check_in_code])
    sentence = "Check-in is not possible now (it is open from 11/26/2026 4:30 p.m. to 11/26/2026 8:30 p.m.)."
    page = english(client, url)
    assert sentence in page and not DOUBLE_STOP.search(page)
    page = client.post(url).content.decode()
    assert page.count(sentence) == 2  # the refusal and the notice
    assert not DOUBLE_STOP.search(page)


def test_attendance_before_the_meeting_is_refused_in_one_sentence(people, upcoming):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.attendance_record(meeting=upcoming, by=people["coordinator"], present_person_ids=[])
    assert refused.value.messages == [
        "The meeting has not started yet (attendance can be recorded from 11/26/2026 4:30 p.m. on)."
    ]
