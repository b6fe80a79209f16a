"""The coordinators' daily digest, sent by the sweep."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from meetings.enums import DeliveryKind, DeliveryStatus, MeetingStatus, Response
from meetings.models import AgendaItem, Delivery
from meetings.tasks import sweep_deliveries
from tests.factories import UserFactory
from tests.factories.deliveries import DeliveryFactory, invite, make_meeting

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def clock():
    with time_machine.travel(berlin(2026, 6, 1, 6, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def upcoming(member_a):
    """A meeting in three weeks, complete (host, room, agenda)."""
    meeting = make_meeting(
        start=berlin(2026, 6, 22, 14, 0), title="Quartierssanierung", host_organisation=member_a
    )
    AgendaItem.objects.create(meeting=meeting, title="Begrüßung")
    return meeting


def digests():
    # The upcoming meeting's invitations go out in the same sweeps; only the digests matter here.
    return [m for m in mail.outbox if m.subject.startswith("Regionalbündnis 2050:")]


def answer(meeting, person, response, at, organisation=None):
    return invite(meeting, person, organisation=organisation, response=response, responded_at=at)


def test_the_digest_reports_answers_gaps_and_missing_minutes(clock, coordinator, upcoming, rep_a, member_a):
    answer(upcoming, rep_a, Response.YES, berlin(2026, 5, 31, 16, 0), organisation=member_a)
    make_meeting(start=berlin(2026, 6, 4, 10, 0), title="Workshop Stadtradeln", venue="")
    make_meeting(start=berlin(2026, 5, 20, 14, 0), title="Sitzung im Mai", status=MeetingStatus.HELD)
    clock.move_to(berlin(2026, 6, 1, 7, 0))

    sweep_deliveries.delay()

    (digest,) = digests()
    assert digest.to == [coordinator.email]
    assert digest.subject.startswith("Regionalbündnis 2050: Tagesübersicht")
    body = digest.body
    with translation.override("de"):
        assert f"Anna Detmold (Stadt Detmold): {Response.YES.label}" in body
    assert "Workshop Stadtradeln" in body
    assert "kein Gastgeber" in body and "kein Raum" in body and "keine Tagesordnung" in body
    assert "Sitzung im Mai" in body
    assert "Quartierssanierung (" in body  # only as the meeting of the answer, not as a gap
    assert body.count("Quartierssanierung") == 1
    assert "die tägliche Übersicht abonniert" in body
    assert f"/members/people/{coordinator.pk}/edit/" in digest.body


def test_once_a_day_and_then_only_new_answers(clock, coordinator, upcoming, rep_a, rep_b):
    answer(upcoming, rep_a, Response.YES, berlin(2026, 5, 31, 16, 0))
    clock.move_to(berlin(2026, 6, 1, 7, 5))
    sweep_deliveries.delay()
    clock.move_to(berlin(2026, 6, 1, 7, 10))
    sweep_deliveries.delay()
    assert len(digests()) == 1

    answer(upcoming, rep_b, Response.NO, berlin(2026, 6, 1, 12, 0))
    clock.move_to(berlin(2026, 6, 2, 7, 0))
    sweep_deliveries.delay()

    assert len(digests()) == 2
    second = digests()[1].body
    assert "Bernd Lemgo" in second
    assert "Anna Detmold" not in second
    assert Delivery.objects.filter(kind=DeliveryKind.DIGEST).count() == 2


def test_not_before_the_digest_time_and_not_in_the_afternoon(clock, coordinator, upcoming, rep_a):
    DeliveryFactory(
        kind=DeliveryKind.DIGEST,
        object_key="digest",
        variant="2026-05-31",
        email=coordinator.email,
        recipient=coordinator,
        status=DeliveryStatus.SENT,
        sent_at=berlin(2026, 5, 31, 7, 0),
    )
    answer(upcoming, rep_a, Response.YES, berlin(2026, 5, 31, 16, 0))
    clock.move_to(berlin(2026, 6, 1, 6, 59))
    sweep_deliveries.delay()
    clock.move_to(berlin(2026, 6, 1, 13, 0))  # the worker was down all morning
    sweep_deliveries.delay()
    assert digests() == []

    clock.move_to(berlin(2026, 6, 2, 7, 0))  # the answer is not lost: it comes the next morning
    sweep_deliveries.delay()
    assert "Anna Detmold" in digests()[0].body


def test_nothing_to_report_sends_nothing(clock, coordinator, upcoming):
    clock.move_to(berlin(2026, 6, 1, 7, 0))

    sweep_deliveries.delay()

    assert digests() == []


def test_only_coordinators_who_want_it(clock, coordinator, upcoming, rep_a):
    UserFactory(full_name="Ohne Rolle", notify_digest=True)
    coordinator.notify_digest = False
    coordinator.save()
    answer(upcoming, rep_a, Response.YES, berlin(2026, 5, 31, 16, 0))
    clock.move_to(berlin(2026, 6, 1, 7, 0))

    sweep_deliveries.delay()

    assert digests() == []


def test_in_the_coordinators_language(clock, coordinator, upcoming, rep_a):
    coordinator.preferred_language = "en"
    coordinator.save()
    answer(upcoming, rep_a, Response.MAYBE, berlin(2026, 5, 31, 16, 0))
    clock.move_to(berlin(2026, 6, 1, 7, 0))

    sweep_deliveries.delay()

    (digest,) = digests()
    assert digest.subject.startswith("Regionalbündnis 2050: daily digest")
    assert "Anna Detmold: Maybe" in digest.body
