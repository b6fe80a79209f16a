"""Celery tasks that send the meetings' e-mails. They take primary keys and are idempotent.

`send_meeting_mails` re-decides per invitee what is due (`notifications.due_mail`) and sends it
through `delivery.send_once`, so running it twice, from two workers at once or after a crash sends
each e-mail once. `sweep_deliveries` runs every five minutes (CELERY_BEAT_SCHEDULE) and enqueues
whatever is due and not delivered: it makes up for tasks that were never enqueued (Redis down) or
lost (worker killed), and it is what sends reminders and the daily digest.
"""

import functools
import logging

from celery import shared_task
from django.utils import timezone

from . import digest, emails, notifications
from .delivery import BROKER_ERRORS, RetryableDeliveryError, retry_later, send_once
from .models import Delivery, Meeting

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, acks_late=True)
def send_meeting_mails(self, meeting_id: int, kind: str, invitation_ids: list[int] | None = None):
    """Send `kind` to every invitee of the meeting (or those listed) for whom it is due now.

    Invitees whose SMTP attempt failed transiently are retried together after the backoff; the
    others are not held up by them.
    """
    now = timezone.now()
    # One meeting object for all messages: invitations fetched through it share it.
    meeting = (
        Meeting.objects.select_related("host_organisation")
        .prefetch_related("agenda_items")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return None
    invitations = notifications.mailable_invitations(
        meeting.invitations.select_related("person", "organisation")
    )
    if invitation_ids is not None:
        invitations = invitations.filter(pk__in=invitation_ids)
    states = notifications.recipient_states(Delivery.objects.filter(meeting=meeting))
    reminder = notifications.current_reminder(meeting.start, now)
    retry_ids, retry_error = [], None
    for invitation in invitations:
        invitee = notifications.invitee_from(invitation)
        state = states.get((meeting.pk, invitee.email)) or notifications.RecipientState()
        due = notifications.due_mail(
            meeting=meeting, invitee=invitee, state=state, now=now, reminder=reminder, respect_backoff=False
        )
        if due is None or due.kind != kind:
            continue
        try:
            send_once(
                kind=due.kind,
                object_key=notifications.meeting_object_key(meeting.pk),
                variant=due.variant,
                email=invitee.email,
                build=functools.partial(emails.meeting_email, kind=due.kind, invitation=invitation),
                recipient=invitation.person,
                meeting=meeting,
                version=meeting.sequence,
            )
        except RetryableDeliveryError as exc:
            retry_ids.append(invitation.pk)
            if retry_error is None or exc.countdown > retry_error.countdown:
                retry_error = exc
    if retry_ids:
        return retry_later(self, retry_error, args=(meeting_id, kind, retry_ids))
    return None


@shared_task(bind=True, ignore_result=True, acks_late=True)
def send_digest(self, person_id: int, day: str):
    """The daily digest of `day` (ISO date) for one coordinator, if there is anything to report."""
    try:
        return digest.send_digest(person_id=person_id, day=day)
    except RetryableDeliveryError as exc:
        return retry_later(self, exc)


@shared_task(bind=True, ignore_result=True, acks_late=True)
def resend_delivery(self, delivery_id: int):
    """One more attempt for a delivery the coordinator asked to resend."""
    delivery = Delivery.objects.select_related("meeting").filter(pk=delivery_id).first()
    if delivery is None or delivery.meeting is None:
        return False
    key = {"kind": delivery.kind, "object_key": delivery.object_key, "variant": delivery.variant}
    try:
        invitation = (
            delivery.meeting.invitations.select_related("person", "organisation")
            .filter(person_id=delivery.recipient_id)
            .first()
        )
        if invitation is None:
            return False
        result = send_once(
            **key,
            email=delivery.email,
            build=functools.partial(emails.meeting_email, kind=delivery.kind, invitation=invitation),
            recipient=invitation.person,
            meeting=delivery.meeting,
            version=delivery.meeting.sequence,
        )
    except RetryableDeliveryError as exc:
        return retry_later(self, exc)
    return result.sent_at is not None


@shared_task(ignore_result=True)
def sweep_deliveries() -> int:
    """Enqueue every meeting e-mail and digest that is due and not delivered; returns the task count."""
    now = timezone.now()
    calls = [
        (send_meeting_mails, (meeting_id, kind, invitation_ids))
        for (meeting_id, kind), invitation_ids in notifications.due_meeting_mails(now).items()
    ]
    calls += [(send_digest, (person_id, day)) for person_id, day in digest.due_digests(now)]
    enqueued = 0
    for task, args in calls:
        try:
            task.delay(*args)
        except BROKER_ERRORS:
            logger.warning("Sweep could not enqueue %s%r; the next sweep tries again.", task.name, args)
        else:
            enqueued += 1
    return enqueued
