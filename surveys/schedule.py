"""When the survey's e-mails are due: on the send date, on the reminder days, after closing.

Invitations and reminders go out from SURVEY_SEND_TIME (local time, default 08:00) on their day;
the survey closes at the end of its closing date. The beat task (`tasks.run_schedule`) asks these
functions on every tick, so a tick that was missed is made up by the next one.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .dates import reminder_days
from .enums import SurveyStatus
from .models import Survey


def send_time() -> datetime.time:
    return datetime.time.fromisoformat(getattr(settings, "SURVEY_SEND_TIME", "08:00"))


def send_moment(day: datetime.date) -> datetime.datetime:
    """`day` at the send time, Europe/Berlin (so 08:00 stays 08:00 across daylight saving time)."""
    return timezone.make_aware(datetime.datetime.combine(day, send_time()))


def surveys_to_open(now: datetime.datetime) -> list[int]:
    today = timezone.localdate(now)
    due = Survey.objects.filter(status=SurveyStatus.SCHEDULED, send_on__lte=today, closes_on__gte=today)
    return [pk for pk, send_on in due.values_list("pk", "send_on") if send_moment(send_on) <= now]


def surveys_to_close(now: datetime.datetime) -> list[int]:
    """Open surveys after their closing date, and scheduled ones whose whole period has passed."""
    today = timezone.localdate(now)
    statuses = [SurveyStatus.OPEN, SurveyStatus.SCHEDULED]
    return list(Survey.objects.filter(status__in=statuses, closes_on__lt=today).values_list("pk", flat=True))


def current_reminder(survey: Survey, now: datetime.datetime) -> tuple[datetime.date, int] | None:
    """The latest reminder (day, offset) whose moment has come, while the survey is still open.

    After a pause of the beat only the latest one is sent, not every missed one.
    """
    if survey.closes_on < timezone.localdate(now):
        return None
    due = [
        (day, offset)
        for day, offset in reminder_days(closes_on=survey.closes_on, offsets=survey.reminder_offsets)
        if send_moment(day) <= now
    ]
    return due[-1] if due else None
