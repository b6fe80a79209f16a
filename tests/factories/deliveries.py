"""Stand-ins for the SMTP server (an external service) and helpers for the delivery tests."""

import contextlib
import datetime
import smtplib
import time

import factory
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from factory.django import DjangoModelFactory

from meetings.enums import DeliveryKind, DeliveryStatus, InvitationRole, MeetingStatus
from meetings.models import Delivery, Invitation, Meeting
from regionalbuendnis.celery import app as celery_app


class TemporarilyRefusingBackend(BaseEmailBackend):
    """An SMTP server that answers every message with "451 try again later"."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Temporary failure, try again later")


class PermanentlyRefusingBackend(BaseEmailBackend):
    """An SMTP server that rejects every recipient with "550 no such mailbox"."""

    def send_messages(self, email_messages):
        recipients = {address: (550, b"5.1.1 No such mailbox") for m in email_messages for address in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class SlowLocmemBackend(LocmemBackend):
    """Delivers into mail.outbox after a pause, so that two workers really overlap while sending."""

    pause_seconds = 0.5

    def send_messages(self, messages):
        time.sleep(self.pause_seconds)
        return super().send_messages(messages)


class WorkerKilled(BaseException):
    """A worker process killed while sending: nothing in the process gets to handle it."""


class DyingBackend(LocmemBackend):
    """Delivers `survives` messages, then the worker dies while handing over the next one."""

    survives = 1

    def send_messages(self, messages):
        if len(mail.outbox) >= self.survives:
            raise WorkerKilled
        return super().send_messages(messages)


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    kind = DeliveryKind.INVITATION
    object_key = factory.Sequence(lambda n: f"meeting:{n}")
    variant = ""
    email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    status = DeliveryStatus.PENDING


def make_meeting(*, start, hours=2, status=MeetingStatus.PUBLISHED, **fields):
    """A meeting as the meetings services leave it (the delivery tests need no form logic)."""
    fields.setdefault("title", "Sitzung des Regionalbündnisses")
    fields.setdefault("venue", "Rathaus Detmold")
    return Meeting.objects.create(
        start=start, end=start + datetime.timedelta(hours=hours), status=status, **fields
    )


def invite(meeting, person, *, organisation=None, role=InvitationRole.REPRESENTATIVE, **fields):
    return Invitation.objects.create(
        meeting=meeting, person=person, organisation=organisation, role=role, **fields
    )


@contextlib.contextmanager
def celery_broker(url: str, *, eager: bool):
    """Point the project's Celery app at another broker (and eager mode) for the duration."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.worker_hijack_root_logger
    conf.broker_url, conf.task_always_eager, conf.worker_hijack_root_logger = url, eager, False
    _reset_producer_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.worker_hijack_root_logger = saved
        _reset_producer_pools()


def _reset_producer_pools():
    # Celery caches the broker connection pool on first use; a changed broker_url needs a new one.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
