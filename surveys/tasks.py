"""Celery tasks of the survey. They take primary keys and are idempotent.

`run_schedule` (celery beat, every 15 minutes) opens scheduled surveys on their send date,
invites new representatives and deputies while a survey is open, rewrites the responses so that
no hidden row data ties them to a person (services.responses_shuffle), enqueues the invitations and
reminders that are due and closes surveys after their closing date. The sending tasks go through
`meetings.delivery.send_once`, so every e-mail is sent once, however often a task runs.
"""

import functools
import logging

from celery import shared_task
from django.utils import timezone

from meetings.delivery import BROKER_ERRORS, RetryableDeliveryError, retry_later, send_once
from meetings.enums import DeliveryKind, DeliveryStatus

from . import emails, schedule, selectors, services
from .enums import SurveyStatus
from .models import Survey

logger = logging.getLogger(__name__)


def _open_survey(survey_id: int, now):
    survey = Survey.objects.filter(pk=survey_id, status=SurveyStatus.OPEN).first()
    if survey is None or survey.closes_on < timezone.localdate(now):
        return None
    return survey


def _send(task, *, kind: str, survey: Survey, recipients, variant: str, retry_args: tuple):
    """Send one e-mail per recipient; those that failed transiently are retried together."""
    retry_ids, retry_error = [], None
    for recipient in recipients:
        try:
            delivery = send_once(
                kind=kind,
                object_key=survey.object_key,
                variant=variant,
                email=recipient.email,
                build=functools.partial(emails.survey_email, kind=kind, survey=survey, recipient=recipient),
                recipient=recipient.person,
            )
        except RetryableDeliveryError as exc:
            retry_ids.append(recipient.pk)
            if retry_error is None or exc.countdown > retry_error.countdown:
                retry_error = exc
            continue
        if kind == DeliveryKind.SURVEY_INVITATION and delivery.status == DeliveryStatus.SENT:
            services.recipient_mark_invited(
                recipient_id=recipient.pk, on=timezone.localdate(delivery.sent_at)
            )
    if retry_ids:
        return retry_later(task, retry_error, args=(*retry_args, retry_ids))
    return None


@shared_task(bind=True, ignore_result=True, acks_late=True)
def send_invitations(self, survey_id: int, recipient_ids: list[int] | None = None):
    """The invitation with a personal link to every recipient of an open survey not invited yet."""
    survey = _open_survey(survey_id, timezone.now())
    if survey is None:
        return None
    recipients = selectors.recipients_due_invitation(survey=survey).select_related("person")
    if recipient_ids is not None:
        recipients = recipients.filter(pk__in=recipient_ids)
    return _send(
        self,
        kind=DeliveryKind.SURVEY_INVITATION,
        survey=survey,
        recipients=recipients,
        variant="",
        retry_args=(survey_id,),
    )


@shared_task(bind=True, ignore_result=True, acks_late=True)
def send_reminders(self, survey_id: int, offset: int, recipient_ids: list[int] | None = None):
    """The reminder `offset` days before closing to those invited before it who have not answered."""
    now = timezone.now()
    survey = _open_survey(survey_id, now)
    if survey is None:
        return None
    reminder = schedule.current_reminder(survey, now)
    if reminder is None or reminder[1] != offset:
        return None  # superseded by a later reminder, or the offsets were changed meanwhile
    day, _offset = reminder
    recipients = selectors.recipients_due_reminder(
        survey=survey, offset=offset, reminder_day=day
    ).select_related("person")
    if recipient_ids is not None:
        recipients = recipients.filter(pk__in=recipient_ids)
    return _send(
        self,
        kind=DeliveryKind.SURVEY_REMINDER,
        survey=survey,
        recipients=recipients,
        variant=selectors.reminder_variant(offset),
        retry_args=(survey_id, offset),
    )


def _enqueue(task, *args) -> bool:
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning("Could not enqueue %s%r; the next schedule tick tries again.", task.name, args)
        return False
    return True


@shared_task(ignore_result=True)
def run_schedule() -> dict:
    """Open, invite, remind and close whatever is due now; returns what it did (for the log)."""
    now = timezone.now()
    done = {"opened": 0, "closed": 0, "invitations": 0, "reminders": 0}
    for survey_id in schedule.surveys_to_open(now):
        done["opened"] += services.survey_open(survey_id=survey_id, now=now)
    for survey_id in schedule.surveys_to_close(now):
        done["closed"] += services.survey_close(survey_id=survey_id, now=now)
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__gte=timezone.localdate(now)):
        services.responses_shuffle(survey_id=survey.pk)
        services.recipients_sync(survey=survey, on=timezone.localdate(now))
        # The tick names the recipients: those waiting for a retry's backoff are not among them.
        invite = list(
            selectors.recipients_due_invitation(survey=survey, now=now).values_list("pk", flat=True)
        )
        if invite:
            done["invitations"] += _enqueue(send_invitations, survey.pk, invite)
        reminder = schedule.current_reminder(survey, now)
        if reminder is not None:
            day, offset = reminder
            due = selectors.recipients_due_reminder(survey=survey, offset=offset, reminder_day=day, now=now)
            remind = list(due.values_list("pk", flat=True))
            if remind:
                done["reminders"] += _enqueue(send_reminders, survey.pk, offset, remind)
    return done
