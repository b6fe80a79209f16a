"""Against the real Redis: a real Celery worker delivers; with Redis down saving still works."""

import logging
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings import notifications, services
from meetings.enums import DeliveryKind, DeliveryStatus, MeetingStatus, Response
from meetings.models import Delivery, Meeting
from meetings.tasks import sweep_deliveries
from regionalbuendnis.celery import app as celery_app
from tests.factories import UserFactory
from tests.factories.deliveries import celery_broker, invite, make_meeting

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def publish(meeting):
    with transaction.atomic():
        meeting.status = MeetingStatus.PUBLISHED
        meeting.save()
        notifications.meeting_published(meeting=meeting)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def lone_draft():
    meeting = make_meeting(start=timezone.now() + timedelta(days=14), status=MeetingStatus.DRAFT)
    invite(meeting, UserFactory(full_name="Anna Detmold", email="anna@detmold.example"))
    return meeting


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_invitation(settings, lone_draft):
    with celery_broker(settings.REDIS_URL, eager=False):
        celery_app.control.purge()  # leftovers of an interrupted earlier run
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            publish(lone_draft)  # the task is published to Redis when the transaction commits
            delivered = wait_for(
                lambda: Delivery.objects.filter(
                    meeting=lone_draft, kind=DeliveryKind.INVITATION, status=DeliveryStatus.SENT
                ).exists()
            )

    assert delivered
    (message,) = mail.outbox
    assert message.to == ["anna@detmold.example"]
    assert message.subject.startswith("Einladung:")


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_saving_works_and_the_sweep_sends_later(lone_draft, caplog):
    with (
        celery_broker(CLOSED_PORT_BROKER, eager=False),
        caplog.at_level(logging.WARNING, "meetings.delivery"),
    ):
        publish(lone_draft)  # no exception reaches the caller

    assert Meeting.objects.get(pk=lone_draft.pk).status == MeetingStatus.PUBLISHED
    assert mail.outbox == []
    assert "periodic sweep will deliver it" in caplog.text

    sweep_deliveries.delay()  # Redis is back (tests run tasks eagerly, like `make run`)

    assert [m.to for m in mail.outbox] == [["anna@detmold.example"]]
    sweep_deliveries.delay()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_in_the_browser_while_redis_is_down_shows_no_error(login, people, draft_meeting):
    client = login(people["coordinator"])

    with celery_broker(CLOSED_PORT_BROKER, eager=False):
        response = client.post(reverse("meetings:publish", args=[draft_meeting.pk]), follow=True)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.PUBLISHED
    assert mail.outbox == []

    sweep_deliveries.delay()

    invitees = sorted(draft_meeting.invitations.values_list("person__email", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == invitees


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tells_who_moves_up_from_the_waiting_list(settings, lone_draft):
    lone_draft.capacity = 1
    lone_draft.save()
    bernd = UserFactory(full_name="Bernd Lemgo", email="bernd@lemgo.example", preferred_language="en")
    invite(lone_draft, bernd)
    publish(lone_draft)  # eagerly, as the tests' settings run tasks: both invitations go out
    anna_invitation, bernd_invitation = lone_draft.invitations.order_by("pk")
    services.invitation_respond(invitation=anna_invitation, by=anna_invitation.person, response=Response.YES)
    services.invitation_respond(invitation=bernd_invitation, by=bernd, response=Response.YES)
    mail.outbox.clear()

    with celery_broker(settings.REDIS_URL, eager=False):
        celery_app.control.purge()
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            services.invitation_respond(
                invitation=anna_invitation, by=anna_invitation.person, response=Response.NO
            )
            delivered = wait_for(
                lambda: Delivery.objects.filter(
                    meeting=lone_draft, kind=DeliveryKind.WAITLIST_PLACE, status=DeliveryStatus.SENT
                ).exists()
            )

    assert delivered
    (message,) = mail.outbox
    assert message.to == ["bernd@lemgo.example"]
    assert message.subject.startswith("You have a place now:")
