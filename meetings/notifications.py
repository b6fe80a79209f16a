"""What invitees must hear about a meeting, and when.

The meetings services call the four entry points below inside the transaction that changes the
meeting; each enqueues `meetings.tasks.send_meeting_mails` after the commit. The task and the
periodic sweep (`meetings.tasks.sweep_deliveries`) both decide with `due_mail` which single e-mail
an invitee is due, by comparing the meeting's state with the Delivery rows of that invitee — so an
invitation whose task was lost while Redis was down is sent by the next sweep, and nothing that was
delivered is sent again.

Per invitee and meeting, in this order:
1. invitation (variant "") when the meeting is published and has not started;
2. update (variant = the meeting's SEQUENCE) when the last invitation/update they received carried
   an older SEQUENCE (date, time or place changed since);
3. "you have a place now" (variant = the moment of moving up) when the person moved up from the
   waiting list of a full meeting and has not been told yet;
4. reminder (accepted or "maybe") or answer request (no answer yet) at the current offset of
   `settings.MEETING_REMINDER_OFFSETS_DAYS`: due at `settings.MEETING_REMINDER_TIME`, local time,
   N calendar days before the meeting's local date (right across DST changes). Only the nearest due
   offset counts (a worker that was down for a week sends one reminder, not two), and not when the
   person heard from us after that moment anyway (a fresh update or a late invitation);
5. cancellation (variant "") when the meeting is cancelled, to those who received an invitation.
Nothing is sent once the meeting has started.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .delivery import enqueue_on_commit, is_ready_to_send
from .enums import DeliveryKind, DeliveryStatus, MeetingStatus, Response
from .models import Delivery, Invitation, Meeting

logger = logging.getLogger(__name__)

MEETING_MAIL_KINDS = (
    DeliveryKind.INVITATION,
    DeliveryKind.UPDATE,
    DeliveryKind.CANCELLATION,
    DeliveryKind.REMINDER,
    DeliveryKind.ANSWER_REQUEST,
    DeliveryKind.WAITLIST_PLACE,
)
# Mails that bring the invitee's calendar entry up to date (they carry the .ics).
CALENDAR_KINDS = (DeliveryKind.INVITATION, DeliveryKind.UPDATE)


def meeting_published(*, meeting) -> None:
    """A meeting was published: every invitee gets an invitation."""
    _enqueue(meeting.pk, DeliveryKind.INVITATION)


def meeting_rescheduled(*, meeting) -> None:
    """Date, time or place changed: every invitee gets an update (same UID, higher SEQUENCE)."""
    _enqueue(meeting.pk, DeliveryKind.UPDATE)


def meeting_cancelled(*, meeting) -> None:
    """The meeting was cancelled: every invitee gets a cancellation."""
    _enqueue(meeting.pk, DeliveryKind.CANCELLATION)


def invitees_added(*, meeting, invitation_ids) -> None:
    """People were added to an already published meeting: they get the invitation."""
    _enqueue(meeting.pk, DeliveryKind.INVITATION, list(invitation_ids))


def waitlist_promoted(*, meeting, invitation_ids) -> None:
    """People moved up from the waiting list to a place: each is told they have a place now."""
    _enqueue(meeting.pk, DeliveryKind.WAITLIST_PLACE, list(invitation_ids))


def _enqueue(meeting_id: int, kind: str, invitation_ids: list[int] | None = None) -> None:
    from .tasks import send_meeting_mails

    enqueue_on_commit(send_meeting_mails, meeting_id, str(kind), invitation_ids)


def meeting_object_key(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def reminder_due_at(start: datetime.datetime, offset_days: int) -> datetime.datetime:
    """MEETING_REMINDER_TIME (local) on the day `offset_days` before the meeting's local date."""
    day = timezone.localdate(start) - datetime.timedelta(days=offset_days)
    at = datetime.time.fromisoformat(settings.MEETING_REMINDER_TIME)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def waitlist_place_variant(promoted_at: datetime.datetime) -> str:
    # One e-mail per move up: someone who drops back onto the list and moves up again is told again.
    return promoted_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


class Reminder(NamedTuple):
    offset_days: int
    due_at: datetime.datetime
    variant: str


def current_reminder(start: datetime.datetime, now: datetime.datetime) -> Reminder | None:
    """The nearest reminder offset whose moment has come, or None. Computed once per meeting."""
    for offset in sorted(set(settings.MEETING_REMINDER_OFFSETS_DAYS)):
        due_at = reminder_due_at(start, offset)
        if due_at <= now:
            return Reminder(offset, due_at, reminder_variant(start, offset))
    return None


def reminder_variant(start: datetime.datetime, offset_days: int) -> str:
    # Keyed by the meeting's date: moving the meeting to another day makes new reminders due,
    # moving it within the day does not repeat one.
    return f"{offset_days}d:{timezone.localdate(start).isoformat()}"


class Invitee(NamedTuple):
    """What deciding about one invitation needs; built from a model or a values() row."""

    invitation_id: int
    email: str
    response: str
    waitlisted: bool
    notify_reminders: bool
    notify_answer_requests: bool
    promoted_at: datetime.datetime | None = None


class SentRow(NamedTuple):
    status: str
    next_attempt_at: datetime.datetime | None
    version: int | None
    sent_at: datetime.datetime | None


@dataclass
class RecipientState:
    """The Delivery rows of one address for one meeting."""

    rows: dict[tuple[str, str], SentRow] = field(default_factory=dict)

    def add(self, kind: str, variant: str, row: SentRow) -> None:
        self.rows[(kind, variant)] = row

    def _sent_calendar_rows(self):
        return [
            row
            for (kind, _variant), row in self.rows.items()
            if kind in CALENDAR_KINDS and row.status == DeliveryStatus.SENT
        ]

    @property
    def informed_version(self) -> int | None:
        versions = [row.version or 0 for row in self._sent_calendar_rows()]
        return max(versions) if versions else None

    @property
    def informed_at(self) -> datetime.datetime | None:
        moments = [row.sent_at for row in self._sent_calendar_rows() if row.sent_at]
        return max(moments) if moments else None

    def status_of(self, kind: str, variant: str) -> str | None:
        row = self.rows.get((kind, variant))
        return row.status if row else None

    def ready(self, kind: str, variant: str, now: datetime.datetime | None) -> bool:
        """No row yet, or a pending row whose backoff has passed (now=None: ignore the backoff)."""
        row = self.rows.get((kind, variant))
        if row is None:
            return True
        if now is None:
            return row.status == DeliveryStatus.PENDING
        return is_ready_to_send(status=row.status, next_attempt_at=row.next_attempt_at, now=now)


@dataclass(frozen=True)
class DueMail:
    kind: str
    variant: str


def due_mail(
    *,
    meeting: Meeting,
    invitee: Invitee,
    state: RecipientState,
    now,
    reminder: Reminder | None,
    respect_backoff: bool = True,
) -> DueMail | None:
    """The one e-mail this invitee is due now, or None (see the module docstring for the rules).

    `reminder` is `current_reminder(meeting.start, now)`, passed in to compute it once per meeting.
    The sweep respects the backoff of a transiently failed delivery; the task does not, because it
    is the retry that the backoff scheduled.
    """
    ready_at = now if respect_backoff else None
    if meeting.start <= now:
        return None
    if meeting.status == MeetingStatus.CANCELLED:
        if state.informed_at is not None and state.ready(DeliveryKind.CANCELLATION, "", ready_at):
            return DueMail(DeliveryKind.CANCELLATION, "")
        return None
    if meeting.status != MeetingStatus.PUBLISHED:
        return None

    invitation_status = state.status_of(DeliveryKind.INVITATION, "")
    if invitation_status != DeliveryStatus.SENT:
        if state.ready(DeliveryKind.INVITATION, "", ready_at):
            return DueMail(DeliveryKind.INVITATION, "")
        return None  # waiting for a retry, or failed: the coordinator sees it in the delivery log

    if (state.informed_version or 0) < meeting.sequence:
        variant = str(meeting.sequence)
        return (
            DueMail(DeliveryKind.UPDATE, variant)
            if state.ready(DeliveryKind.UPDATE, variant, ready_at)
            else None
        )

    has_place = invitee.response == Response.YES and not invitee.waitlisted
    if has_place and invitee.promoted_at is not None:
        variant = waitlist_place_variant(invitee.promoted_at)
        if state.status_of(DeliveryKind.WAITLIST_PLACE, variant) in (None, DeliveryStatus.PENDING):
            return (
                DueMail(DeliveryKind.WAITLIST_PLACE, variant)
                if state.ready(DeliveryKind.WAITLIST_PLACE, variant, ready_at)
                else None
            )

    if reminder is None:
        return None
    if state.informed_at is not None and state.informed_at >= reminder.due_at:
        return None
    if invitee.response in (Response.YES, Response.MAYBE) and not invitee.waitlisted:
        if not invitee.notify_reminders:
            return None
        kind = DeliveryKind.REMINDER
    elif invitee.response == Response.PENDING:
        deadline_passed = meeting.registration_deadline is not None and meeting.registration_deadline <= now
        if not invitee.notify_answer_requests or deadline_passed:
            return None
        kind = DeliveryKind.ANSWER_REQUEST
    else:
        return None
    return DueMail(kind, reminder.variant) if state.ready(kind, reminder.variant, ready_at) else None


def mailable_invitations(queryset):
    """Invitations whose person can receive e-mail: active, not anonymised, with an address."""
    return (
        queryset.filter(
            person__is_active=True, person__anonymised_at__isnull=True, person__email__isnull=False
        )
        .exclude(person__email="")
        .order_by("pk")
    )


def invitee_from(invitation: Invitation) -> Invitee:
    person = invitation.person
    return Invitee(
        invitation_id=invitation.pk,
        email=person.email.lower(),
        response=invitation.response,
        waitlisted=invitation.waitlist_position is not None,
        notify_reminders=person.notify_reminders,
        notify_answer_requests=person.notify_answer_requests,
        promoted_at=invitation.promoted_at,
    )


def recipient_states(delivery_queryset) -> dict[tuple[int, str], RecipientState]:
    """{(meeting_id, email): RecipientState} from one query over meeting deliveries."""
    states: dict[tuple[int, str], RecipientState] = defaultdict(RecipientState)
    rows = delivery_queryset.filter(kind__in=MEETING_MAIL_KINDS).values_list(
        "meeting_id", "email", "kind", "variant", "status", "next_attempt_at", "version", "sent_at"
    )
    for meeting_id, email, kind, variant, status, next_attempt_at, version, sent_at in rows:
        states[(meeting_id, email.lower())].add(
            kind, variant, SentRow(status, next_attempt_at, version, sent_at)
        )
    return states


def due_meeting_mails(now=None) -> dict[tuple[int, str], list[int]]:
    """Everything due now, grouped for the task: {(meeting_id, kind): [invitation ids]}.

    Three queries whatever the number of meetings and invitees.
    """
    now = now or timezone.now()
    upcoming = {"status__in": [MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED], "start__gt": now}
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(**upcoming).only(
            "pk", "status", "start", "sequence", "registration_deadline"
        )
    }
    if not meetings:
        return {}
    invitations = mailable_invitations(
        Invitation.objects.filter(**{f"meeting__{key}": value for key, value in upcoming.items()})
    ).values_list(
        "pk",
        "meeting_id",
        "person__email",
        "response",
        "waitlist_position",
        "person__notify_reminders",
        "person__notify_answer_requests",
        "promoted_at",
    )
    states = recipient_states(
        Delivery.objects.filter(**{f"meeting__{key}": value for key, value in upcoming.items()})
    )
    reminders = {pk: current_reminder(meeting.start, now) for pk, meeting in meetings.items()}
    due: dict[tuple[int, str], list[int]] = defaultdict(list)
    for (
        pk,
        meeting_id,
        email,
        response,
        waitlist_position,
        notify_reminders,
        notify_answers,
        promoted_at,
    ) in invitations:
        invitee = Invitee(
            pk,
            email.lower(),
            response,
            waitlist_position is not None,
            notify_reminders,
            notify_answers,
            promoted_at,
        )
        state = states.get((meeting_id, invitee.email)) or RecipientState()
        mail = due_mail(
            meeting=meetings[meeting_id],
            invitee=invitee,
            state=state,
            now=now,
            reminder=reminders[meeting_id],
        )
        if mail is not None:
            due[(meeting_id, str(mail.kind))].append(pk)
    return dict(due)


@transaction.atomic
def delivery_resend(*, delivery: Delivery, by) -> Delivery:
    """The coordinator asks for one more attempt of a failed (or already sent) e-mail."""
    from .tasks import resend_delivery

    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.PENDING:
        raise ValidationError(_("This e-mail is still being sent; it cannot be resent now."))
    meeting = delivery.meeting
    if delivery.kind not in MEETING_MAIL_KINDS or meeting is None:
        raise ValidationError(_("Only e-mails about a meeting can be resent from here."))
    if meeting.start <= timezone.now():
        raise ValidationError(_("The meeting has already started; the e-mail is not resent."))
    if meeting.status == MeetingStatus.CANCELLED and delivery.kind != DeliveryKind.CANCELLATION:
        raise ValidationError(_("The meeting was cancelled; only the cancellation can be resent."))
    if not Invitation.objects.filter(meeting=meeting, person_id=delivery.recipient_id).exists():
        raise ValidationError(_("This person is no longer invited to the meeting."))
    delivery.status = DeliveryStatus.PENDING
    delivery.error = ""
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "error", "next_attempt_at"])
    logger.info("Delivery %s resent by %s", delivery.pk, by.pk)
    enqueue_on_commit(resend_delivery, delivery.pk)
    return delivery
