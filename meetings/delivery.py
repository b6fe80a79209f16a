"""Exactly-once e-mail delivery, shared by the meetings and the survey apps.

Every e-mail is identified by (kind, object_key, variant, email) — the unique key of
`meetings.models.Delivery`. `send_once` records that key, locks the row while it sends and marks it
sent, so a task run twice, two beat ticks, a retry after a crash or two workers racing never send
the same e-mail twice. A worker killed while sending leaves the row pending (its transaction and
lock are released by the database), so a periodic sweep of the owning app sends it again
(meetings: `meetings.tasks.sweep_deliveries`; `is_ready_to_send` tells which pending rows are due).

Task pattern (copy it for your own tasks)::

    @shared_task(bind=True, ignore_result=True, acks_late=True)
    def send_something(self, something_id):
        obj = Something.objects.filter(pk=something_id).first()
        if obj is None:
            return
        try:
            send_once(kind=..., object_key=f"something:{obj.pk}", variant="", email=...,
                      build=lambda: build_message(obj), recipient=...)
        except RetryableDeliveryError as exc:
            return retry_later(self, exc)

`retry_later` re-publishes the task after the backoff (`exc.countdown`) and is *returned*, not
raised (Celery's `throw=False`): with CELERY_TASK_EAGER_PROPAGATES a raised `Retry` would reach
the caller in eager mode (`make run`, tests), while a returned one is re-applied at once. On a
worker the retry is published to Redis; if Redis is down then, the row stays pending with its
`next_attempt_at` and the sweep picks it up. The number of attempts is counted on the Delivery row
(`settings.DELIVERY_MAX_ATTEMPTS`), not by Celery: after the last attempt `send_once` marks the
row failed and returns it instead of raising.

Enqueue tasks with `enqueue_on_commit(task, *args)`: it publishes after the transaction commits
and only logs when the broker (Redis) is unreachable — the save succeeds and the periodic sweep
sends what is due.

`build` is called only by the worker that claimed the row, so it may be expensive; it must return
an `EmailMessage` addressed to `email`. Exceptions from `build` that are not SMTP/network errors
are programming or data errors: they mark the delivery failed (logged with the traceback) rather
than being retried forever.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .enums import DeliveryStatus
from .models import Delivery

logger = logging.getLogger(__name__)

__all__ = [
    "RetryableDeliveryError",
    "delivery_summary",
    "enqueue_on_commit",
    "is_ready_to_send",
    "retry_countdown",
    "retry_later",
    "send_once",
]


class RetryableDeliveryError(Exception):
    """A transient error (SMTP 4xx, connection refused or dropped): try again after `countdown`."""

    def __init__(self, delivery: Delivery, countdown: int):
        super().__init__(delivery.error)
        self.delivery = delivery
        self.countdown = countdown


# Raised by kombu/redis-py when the broker cannot be reached while publishing a task.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish `task.delay(*args, **kwargs)` after the current transaction commits.

    If Redis is down the error is logged, not raised: what was saved stays saved and the periodic
    sweep delivers what is due once the broker is back.
    """

    def publish():
        try:
            task.delay(*args, **kwargs)
        except BROKER_ERRORS:
            logger.warning(
                "Could not enqueue %s%r; the periodic sweep will deliver it.", task.name, args, exc_info=True
            )

    transaction.on_commit(publish)


def retry_countdown(attempts: int) -> int:
    """Seconds to wait after the given number of failed attempts: exponential, capped."""
    base = settings.DELIVERY_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.DELIVERY_RETRY_BACKOFF_MAX_SECONDS)


def retry_later(task, exc: RetryableDeliveryError, **options):
    """Schedule `task` (bound, inside its run) again after the backoff; return the result from the task."""
    return task.retry(exc=exc, countdown=exc.countdown, max_retries=None, throw=False, **options)


def is_ready_to_send(*, status: str, next_attempt_at, now) -> bool:
    """Whether the sweep should (re)try a recorded delivery now."""
    return status == DeliveryStatus.PENDING and (next_attempt_at is None or next_attempt_at <= now)


def _smtp_codes(exc: Exception) -> list[int]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def is_transient(exc: Exception) -> bool:
    """4xx replies, authentication and network errors may pass later; 5xx replies will not."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return True  # a configuration problem: fixing the password must not require resending all
    codes = _smtp_codes(exc)
    if codes:
        return any(400 <= code < 500 for code in codes)
    return isinstance(exc, smtplib.SMTPException | OSError)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def send_once(
    *,
    kind: str,
    object_key: str,
    variant: str,
    email: str,
    build: Callable[[], EmailMessage],
    recipient=None,
    meeting=None,
    version: int | None = None,
) -> Delivery:
    """Send the message `build()` returns at most once for this (kind, object_key, variant, email).

    Records/gets the Delivery row (unique constraint), locks it with
    `select_for_update(skip_locked=True)`, returns immediately if it is already sent or failed, or
    being sent by another worker (then the returned row is pending); otherwise builds, sends and
    marks it sent. On a transient SMTP error it records the attempt and raises
    `RetryableDeliveryError` (the task retries with backoff); after the last attempt
    (`settings.DELIVERY_MAX_ATTEMPTS`) or on a permanent error it marks the row failed with the
    error text and returns it. `version` is stored on the row (meetings: the iCal SEQUENCE sent).
    """
    email = email.strip().lower()
    key = {"kind": kind, "object_key": object_key, "variant": variant, "email": email}
    # INSERT … ON CONFLICT DO NOTHING: creating the row never waits for a worker that is sending it.
    Delivery.objects.bulk_create(
        [Delivery(**key, recipient=recipient, meeting=meeting, version=version)], ignore_conflicts=True
    )
    retry_in = None
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(**key).first()
        if delivery is None:
            # Another worker holds the lock and is sending this very message right now.
            return Delivery.objects.get(**key)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            message = build()
            message.send()
        except Exception as exc:
            delivery.error = _error_text(exc)
            if is_transient(exc) and delivery.attempts < settings.DELIVERY_MAX_ATTEMPTS:
                retry_in = retry_countdown(delivery.attempts)
                delivery.next_attempt_at = now + timedelta(seconds=retry_in)
                logger.warning("Delivery %s failed transiently: %s", delivery.pk, delivery.error)
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                logger.error("Delivery %s failed permanently", delivery.pk, exc_info=True)
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.error = ""
            delivery.next_attempt_at = None
            if version is not None:
                delivery.version = version
        if recipient is not None:
            delivery.recipient = recipient
        if meeting is not None:
            delivery.meeting = meeting
        delivery.save()
    if retry_in is not None:
        raise RetryableDeliveryError(delivery, retry_in)
    return delivery


def delivery_summary(meeting_id: int, *, failed_limit: int = 5) -> dict:
    """Counts per status for one meeting's e-mails and the latest failures (at most two queries)."""
    counts = Delivery.objects.filter(meeting_id=meeting_id).aggregate(
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        pending=Count("pk", filter=Q(status=DeliveryStatus.PENDING)),
    )
    failures = []
    if counts["failed"] and failed_limit:
        failures = list(
            Delivery.objects.filter(meeting_id=meeting_id, status=DeliveryStatus.FAILED)
            .select_related("recipient")
            .order_by("-last_attempt_at", "-pk")[:failed_limit]
        )
    return {**counts, "total": sum(counts.values()), "failures": failures}
