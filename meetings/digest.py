"""The coordinators' daily digest: answers since the last digest, gaps in next week's meetings,
minutes still missing for meetings held.

The sweep asks `due_digests` every five minutes. A digest is due from `settings.DIGEST_TIME` (local
time) for `CATCH_UP` hours, once per coordinator and day (Delivery variant = the date), and only if
there is something to report. Answers are counted since the coordinator's last digest, so nothing
is lost when a day is skipped.
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from members.enums import MembershipRole
from members.models import Membership, User

from . import emails
from .delivery import is_ready_to_send, send_once
from .enums import DeliveryKind, DeliveryStatus, MeetingStatus
from .models import Delivery, Invitation, Meeting

DIGEST_OBJECT_KEY = "digest"
# A worker that was down in the morning still sends the day's digest within these hours.
CATCH_UP = datetime.timedelta(hours=6)
NEXT_WEEK = datetime.timedelta(days=7)


@dataclass
class MeetingGaps:
    meeting: Meeting
    lacks_host: bool
    lacks_place: bool
    lacks_agenda: bool


@dataclass
class DigestContent:
    since: datetime.datetime
    answers: list[Invitation]
    incomplete: list[MeetingGaps]
    minutes_missing: list[Meeting]

    def __bool__(self) -> bool:
        return bool(self.answers or self.incomplete or self.minutes_missing)


def digest_due_at(day: datetime.date) -> datetime.datetime:
    at = datetime.time.fromisoformat(settings.DIGEST_TIME)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def digest_recipients():
    """Current coordinators who want the digest and can receive e-mail."""
    coordinator_now = Membership.objects.current().filter(
        person=OuterRef("pk"), role=MembershipRole.COORDINATOR
    )
    return (
        User.objects.filter(
            Exists(coordinator_now),
            is_active=True,
            notify_digest=True,
            anonymised_at__isnull=True,
            email__isnull=False,
        )
        .exclude(email="")
        .order_by("pk")
    )


def _last_digest_sent(person_ids, *, before_day: str) -> dict[int, datetime.datetime]:
    rows = (
        Delivery.objects.filter(
            kind=DeliveryKind.DIGEST,
            object_key=DIGEST_OBJECT_KEY,
            status=DeliveryStatus.SENT,
            recipient_id__in=person_ids,
        )
        .exclude(variant=before_day)
        .values("recipient_id")
        .annotate(last=Max("sent_at"))
        .values_list("recipient_id", "last")
    )
    return dict(rows)


def _report(*, since: datetime.datetime, now: datetime.datetime) -> DigestContent:
    """The digest as of `now` with answers after `since` (three queries)."""
    answers = list(
        Invitation.objects.filter(responded_at__gt=since, responded_at__lte=now)
        .exclude(response="pending")
        .select_related("meeting", "person", "organisation")
        .order_by("meeting__start", "meeting_id", "organisation__sort_name", "person__full_name")
    )
    upcoming = (
        Meeting.objects.filter(status=MeetingStatus.PUBLISHED, start__gte=now, start__lt=now + NEXT_WEEK)
        .annotate(agenda_count=Count("agenda_items"))
        .filter(Q(host_organisation__isnull=True) | Q(venue="", online_url="") | Q(agenda_count=0))
        .order_by("start")
    )
    incomplete = [
        MeetingGaps(
            meeting=meeting,
            lacks_host=meeting.host_organisation_id is None,
            lacks_place=not (meeting.venue or meeting.online_url),
            lacks_agenda=meeting.agenda_count == 0,
        )
        for meeting in upcoming
    ]
    lookback = datetime.timedelta(days=settings.DIGEST_MINUTES_LOOKBACK_DAYS)
    minutes_missing = list(
        Meeting.objects.filter(
            status__in=[MeetingStatus.HELD, MeetingStatus.PUBLISHED],
            end__lt=now,
            end__gte=now - lookback,
            minutes="",
        ).order_by("start")
    )
    return DigestContent(since=since, answers=answers, incomplete=incomplete, minutes_missing=minutes_missing)


def _since(last_sent: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    return last_sent or now - datetime.timedelta(days=1)


def due_digests(now=None) -> list[tuple[int, str]]:
    """[(coordinator id, ISO date)] whose digest is due now; a constant number of queries."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    due_at = digest_due_at(day)
    if not due_at <= now < due_at + CATCH_UP:
        return []
    recipients = list(digest_recipients().values_list("pk", "email"))
    if not recipients:
        return []
    variant = day.isoformat()
    today_rows = {
        email.lower(): (status, next_attempt_at)
        for email, status, next_attempt_at in Delivery.objects.filter(
            kind=DeliveryKind.DIGEST, object_key=DIGEST_OBJECT_KEY, variant=variant
        ).values_list("email", "status", "next_attempt_at")
    }
    waiting = [
        (pk, email)
        for pk, email in recipients
        if email.lower() not in today_rows
        or is_ready_to_send(
            status=today_rows[email.lower()][0], next_attempt_at=today_rows[email.lower()][1], now=now
        )
    ]
    if not waiting:
        return []
    last_sent = _last_digest_sent([pk for pk, _email in waiting], before_day=variant)
    since_by_person = {pk: _since(last_sent.get(pk), now) for pk, _email in waiting}
    report = _report(since=min(since_by_person.values()), now=now)
    return [
        (pk, variant)
        for pk, since in since_by_person.items()
        if report.incomplete or report.minutes_missing or any(a.responded_at > since for a in report.answers)
    ]


def send_digest(*, person_id: int, day: str) -> bool:
    """Send one coordinator's digest for `day` unless sent already or empty; True if it went out now.

    Raises `RetryableDeliveryError` on a transient SMTP error (the task retries).
    """
    now = timezone.now()
    person = digest_recipients().filter(pk=person_id).first()
    if person is None:
        return False
    since = _since(_last_digest_sent([person.pk], before_day=day).get(person.pk), now)
    content = _report(since=since, now=now)
    if not content:
        return False
    delivery = send_once(
        kind=DeliveryKind.DIGEST,
        object_key=DIGEST_OBJECT_KEY,
        variant=day,
        email=person.email,
        build=functools.partial(emails.digest_email, person=person, content=content),
        recipient=person,
    )
    return delivery.status == DeliveryStatus.SENT and delivery.sent_at >= now
