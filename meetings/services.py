"""Writes for the meetings app. Each service validates fully and changes all or nothing.

The notifications of the delivery work (`meetings.notifications`) are called inside the same
transaction as the change; they enqueue the e-mails after the commit.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User
from members.selectors import active_representatives_and_deputies, membership_on
from regionalbuendnis.uploads import check_upload

from . import notifications
from .enums import AttendanceSource, InvitationRole, MeetingStatus, Response
from .models import ActionItem, AgendaItem, Attendance, Invitation, Meeting, MeetingDocument
from .permissions import can_answer_for, can_manage_action_item

# Fields whose change on a published meeting must reach every invitee's calendar.
SCHEDULE_FIELDS = ("start", "end", "venue", "address", "online_url")
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "start",
    "end",
    "venue",
    "address",
    "online_url",
    "host_organisation",
    "capacity",
    "registration_deadline",
)
# Who sends the deputy does not come: the own answer is "no" (not "yes", not "maybe").
DEPUTY_MEANS_NO = gettext_lazy("If you send your deputy, your own answer must be “no”.")
# Self check-in is open from shortly before the start until shortly after the end.
CHECK_IN_EARLY = datetime.timedelta(minutes=60)
CHECK_IN_LATE = datetime.timedelta(minutes=60)


def _require_coordinator(user) -> None:
    if not (user and user.is_authenticated and user.is_coordinator):
        raise PermissionDenied


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _validate_meeting(meeting: Meeting) -> None:
    """Model validation plus the rules that need more than one field, keyed by field."""
    errors = {}
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        errors["end"] = _("The end must be after the start.")
    if meeting.registration_deadline and meeting.start and meeting.registration_deadline > meeting.start:
        errors["registration_deadline"] = _("The registration deadline must not be after the start.")
    if meeting.capacity is not None and meeting.capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1 (or empty for no limit).")
    if not (meeting.venue or meeting.address or meeting.online_url):
        errors["venue"] = _("Give a venue, an address or an online link.")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["check_in_code"])


# --- Invitees -------------------------------------------------------------------------------


def default_invitees(*, on: datetime.date | None = None) -> list[tuple[User, Organisation, str]]:
    """Every active representative and deputy of the members, plus the coordinators.

    (person, organisation, invitation role); a person with two roles is listed once.
    """
    on = on or timezone.localdate()
    invitees: dict[int, tuple[User, Organisation, str]] = {}
    for membership in active_representatives_and_deputies(on=on):
        role = (
            InvitationRole.REPRESENTATIVE
            if membership.role == MembershipRole.REPRESENTATIVE
            else InvitationRole.DEPUTY
        )
        current = invitees.get(membership.person_id)
        if current is None or (current[2] == InvitationRole.DEPUTY and role == InvitationRole.REPRESENTATIVE):
            invitees[membership.person_id] = (membership.person, membership.organisation, role)
    coordinators = (
        Membership.objects.current(on)
        .filter(
            role=MembershipRole.COORDINATOR,
            organisation__kind=OrganisationKind.COORDINATOR,
            person__is_active=True,
        )
        .select_related("person", "organisation")
        .order_by("person__full_name")
    )
    for membership in coordinators:
        invitees.setdefault(
            membership.person_id, (membership.person, membership.organisation, InvitationRole.COORDINATOR)
        )
    return list(invitees.values())


def _role_of(person: User, *, on: datetime.date) -> tuple[Organisation | None, str]:
    """The organisation and invitation role a person would be invited with on a date."""
    membership = membership_on(person=person, on=on)
    if membership is not None:
        role = (
            InvitationRole.REPRESENTATIVE
            if membership.role == MembershipRole.REPRESENTATIVE
            else InvitationRole.DEPUTY
        )
        return membership.organisation, role
    # membership_on() looks at member organisations only; the coordinating one is not a member.
    coordinating = (
        Membership.objects.current(on)
        .filter(
            person=person, role=MembershipRole.COORDINATOR, organisation__kind=OrganisationKind.COORDINATOR
        )
        .select_related("organisation")
        .first()
    )
    if coordinating is not None:
        return coordinating.organisation, InvitationRole.COORDINATOR
    return None, InvitationRole.GUEST


def _invite_defaults(meeting: Meeting) -> list[Invitation]:
    """Invite every default invitee not invited yet; returns the new invitations."""
    already = set(meeting.invitations.values_list("person_id", flat=True))
    new = [
        Invitation(meeting=meeting, person=person, organisation=organisation, role=role)
        for person, organisation, role in default_invitees()
        if person.pk not in already
    ]
    return Invitation.objects.bulk_create(new)


@transaction.atomic
def invitation_add_people(*, meeting: Meeting, people, by) -> list[Invitation]:
    """Invite existing people (members' staff or guests); people already invited are skipped."""
    _require_coordinator(by)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot get new invitees."))
    already = set(meeting.invitations.values_list("person_id", flat=True))
    day = timezone.localdate(meeting.start)
    new = []
    for person in people:
        if person.pk in already:
            continue
        organisation, role = _role_of(person, on=day)
        new.append(Invitation(meeting=meeting, person=person, organisation=organisation, role=role))
        already.add(person.pk)
    created = Invitation.objects.bulk_create(new)
    if created and meeting.status == MeetingStatus.PUBLISHED:
        notifications.invitees_added(meeting=meeting, invitation_ids=[i.pk for i in created])
    return created


def person_for_guest(*, full_name: str, email: str = "", affiliation: str = "") -> User:
    """The person with this e-mail address, or a new person without a login (a guest)."""
    email = (email or "").strip().lower()
    if email:
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            return existing
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter the guest's name.")})
    person = User(full_name=full_name, email=email or None, affiliation=(affiliation or "").strip())
    person.set_unusable_password()
    person.full_clean(exclude=["password", "calendar_token"])
    person.save()
    return person


@transaction.atomic
def invitation_add_guest(
    *,
    meeting: Meeting,
    by,
    person: User | None = None,
    full_name: str = "",
    email: str = "",
    affiliation: str = "",
) -> Invitation:
    """Invite a guest: an existing person, or someone new (a person without a login is created)."""
    _require_coordinator(by)
    if person is None:
        person = person_for_guest(full_name=full_name, email=email, affiliation=affiliation)
    if Invitation.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError({"person": _("%(name)s is already invited.") % {"name": person.full_name}})
    (invitation,) = invitation_add_people(meeting=meeting, people=[person], by=by)
    return invitation


@transaction.atomic
def invitation_remove(*, invitation: Invitation, by) -> None:
    _require_coordinator(by)
    meeting = _locked(invitation.meeting)
    if invitation.meeting.attendances.filter(person_id=invitation.person_id).exists():
        raise ValidationError(
            _("%(name)s has an attendance record for this meeting and stays invited.")
            % {"name": invitation.person.full_name}
        )
    freed_place = invitation.response == Response.YES and invitation.waitlist_position is None
    invitation.delete()
    if freed_place:
        _promote_waitlist(meeting)


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, by, **fields) -> Meeting:
    """A new draft; every default invitee is invited (the coordinator may add guests)."""
    _require_coordinator(by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(status=MeetingStatus.DRAFT, created_by=by, **fields)
    _validate_meeting(meeting)
    meeting.save()
    _invite_defaults(meeting)
    return meeting


def _stale_message(meeting: Meeting) -> str:
    last = meeting.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = last.history_user.full_name if last and last.history_user else _("someone else")
    return _(
        "This meeting was changed by %(who)s at %(when)s after you opened the form. "
        "Nothing was saved; reload the page to see the current version and make your change again."
    ) % {"who": who, "when": _when(meeting.updated_at)}


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, revision: int, **fields) -> Meeting:
    """Save edited fields if nobody saved the meeting since `revision` was read (optimistic lock)."""
    _require_coordinator(by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    current = _locked(meeting)
    if current.revision != revision:
        raise ValidationError(_stale_message(current))
    if current.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    before = {name: getattr(current, name) for name in SCHEDULE_FIELDS}
    for name, value in fields.items():
        setattr(current, name, value)
    _validate_meeting(current)
    now = timezone.now()
    rescheduled = current.status == MeetingStatus.PUBLISHED and any(
        getattr(current, name) != before[name] for name in SCHEDULE_FIELDS
    )
    if rescheduled and current.start != before["start"] and current.start <= now:
        raise ValidationError({"start": _("A published meeting cannot be moved into the past.")})
    if rescheduled:
        current.sequence += 1
    current.revision += 1
    current._history_user = by
    current.save()
    if rescheduled:
        notifications.meeting_rescheduled(meeting=current)
    # More places (or no limit any more): people waiting move up.
    _promote_waitlist(current)
    return current


@transaction.atomic
def meeting_publish(*, meeting: Meeting, by) -> Meeting:
    """Draft → published: invitees missing since the draft are added, invitations go out."""
    _require_coordinator(by)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if meeting.start <= timezone.now():
        raise ValidationError(
            {
                "start": _("This meeting starts in the past (%(when)s); it cannot be published.")
                % {"when": _when(meeting.start)}
            }
        )
    _validate_meeting(meeting)
    _invite_defaults(meeting)
    meeting.status = MeetingStatus.PUBLISHED
    meeting.revision += 1
    meeting._history_user = by
    meeting.save()
    notifications.meeting_published(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    _require_coordinator(by)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ValidationError(_("Only a published meeting can be cancelled (a draft can be deleted)."))
    if meeting.attendance_recorded_at is not None:
        raise ValidationError(_("The attendance of this meeting was recorded; it cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.revision += 1
    meeting._history_user = by
    meeting.save()
    notifications.meeting_cancelled(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_delete_draft(*, meeting: Meeting, by) -> None:
    _require_coordinator(by)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted; cancel a published meeting instead."))
    files = [(document.file.storage, document.file.name) for document in meeting.documents.all()]
    meeting.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


@transaction.atomic
def meeting_duplicate(
    *, meeting: Meeting, by, start: datetime.datetime, end: datetime.datetime | None = None
) -> Meeting:
    """A new draft from an earlier meeting: contents, place, agenda and guests; not the answers."""
    _require_coordinator(by)
    if end is None:
        end = start + (meeting.end - meeting.start)
    deadline = None
    if meeting.registration_deadline is not None:
        deadline = start - (meeting.start - meeting.registration_deadline)
    copy = meeting_create(
        by=by,
        kind=meeting.kind,
        title=meeting.title,
        description=meeting.description,
        start=start,
        end=end,
        venue=meeting.venue,
        address=meeting.address,
        online_url=meeting.online_url,
        host_organisation=meeting.host_organisation,
        capacity=meeting.capacity,
        registration_deadline=deadline,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=copy,
            position=item.position,
            title=item.title,
            presenter=item.presenter,
            planned_minutes=item.planned_minutes,
        )
        for item in meeting.agenda_items.all()
    )
    guests = [
        invitation.person
        for invitation in meeting.invitations.filter(role=InvitationRole.GUEST, person__is_active=True)
        .select_related("person")
        .order_by("pk")
    ]
    invitation_add_people(meeting=copy, people=guests, by=by)
    return copy


@transaction.atomic
def meeting_minutes_update(*, meeting: Meeting, by, minutes: str, revision: int) -> Meeting:
    _require_coordinator(by)
    current = _locked(meeting)
    if current.revision != revision:
        raise ValidationError(_stale_message(current))
    if current.status in (MeetingStatus.DRAFT, MeetingStatus.CANCELLED):
        raise ValidationError(_("Minutes can only be written for a published or held meeting."))
    current.minutes = minutes
    current.minutes_updated_at = timezone.now()
    current.revision += 1
    current._history_user = by
    current.save()
    return current


# --- Agenda and documents -------------------------------------------------------------------


@transaction.atomic
def agenda_save(*, meeting: Meeting, by, items: list[dict]) -> list[AgendaItem]:
    """Replace the agenda by `items` (dicts with title, presenter, planned_minutes, optional pk).

    Items are numbered in the given order; existing items not in the list are removed (their
    documents stay with the meeting).
    """
    _require_coordinator(by)
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    existing = {item.pk: item for item in meeting.agenda_items.all()}
    kept, errors = [], []
    for position, data in enumerate(items, start=1):
        pk = data.get("pk")
        item = existing.get(pk) if pk else AgendaItem(meeting=meeting)
        if item is None:
            raise ValidationError(_("An agenda item was removed by someone else; reload the page."))
        item.position = position
        item.title = (data.get("title") or "").strip()
        item.presenter = (data.get("presenter") or "").strip()
        item.planned_minutes = data.get("planned_minutes")
        if not item.title:
            errors.append(_("Agenda item %(position)s needs a title.") % {"position": position})
            continue
        try:
            item.full_clean(exclude=["meeting"])
        except ValidationError as error:
            errors.extend(
                _("Agenda item %(position)s: %(error)s") % {"position": position, "error": message}
                for message in error.messages
            )
        kept.append(item)
    if errors:
        raise ValidationError(errors)
    keep_ids = {item.pk for item in kept if item.pk}
    meeting.agenda_items.exclude(pk__in=keep_ids).delete()
    for item in kept:
        item.save()
    return kept


@transaction.atomic
def document_upload(
    *, meeting: Meeting, by, uploaded_file, agenda_item: AgendaItem | None = None
) -> MeetingDocument:
    _require_coordinator(by)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("The agenda item belongs to another meeting.")})
    checked = check_upload(uploaded_file)
    document = MeetingDocument(
        meeting=meeting,
        agenda_item=agenda_item,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    document.full_clean(exclude=["file"])
    document.file.save(checked.name, uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        # Files are not transactional: a row that could not be saved leaves no file behind.
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_delete(*, document: MeetingDocument, by) -> None:
    _require_coordinator(by)
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Answers ----------------------------------------------------------------------------------


def _answers_open(meeting: Meeting, *, by, now) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled; answers are closed."))
    if meeting.status == MeetingStatus.DRAFT:
        raise ValidationError(_("Answers are only possible for a published meeting."))
    if meeting.end <= now:
        raise ValidationError(_("The meeting has taken place; answers are closed."))
    # Held: the attendance was recorded (possible from shortly before the start).
    if meeting.start <= now or meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("The meeting has already started; answers are closed."))
    deadline = meeting.registration_deadline
    if deadline is not None and deadline <= now and not by.is_coordinator:
        raise ValidationError(
            {
                "response": _(
                    "The registration deadline (%(when)s) has passed; answers are closed. "
                    "Please contact the coordinator."
                )
                % {"when": _when(deadline)}
            }
        )


def _confirmed_count(meeting: Meeting, *, exclude_pk=None) -> int:
    qs = meeting.invitations.filter(response=Response.YES, waitlist_position__isnull=True)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def _promote_waitlist(meeting: Meeting) -> list[Invitation]:
    """Give free places to the people waiting longest. The caller holds the meeting's row lock."""
    waiting = meeting.invitations.filter(response=Response.YES, waitlist_position__isnull=False).order_by(
        "waitlist_position", "responded_at", "pk"
    )
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - _confirmed_count(meeting)
        if free <= 0:
            return []
    promoted = list(waiting if free is None else waiting[:free])
    now = timezone.now()
    for invitation in promoted:
        invitation.waitlist_position = None
        invitation.promoted_at = now
        invitation.save(update_fields=["waitlist_position", "promoted_at"])
    if promoted:
        notifications.waitlist_promoted(meeting=meeting, invitation_ids=[i.pk for i in promoted])
    return promoted


@transaction.atomic
def invitation_respond(
    *, invitation: Invitation, by, response: str, comment: str = "", sends_deputy: bool = False, now=None
) -> Invitation:
    """Record an answer. A full workshop puts a "yes" on the waiting list; a freed place moves it up.

    `by` is the person answering: the invitee themselves (also via the one-click link) or the
    coordinator.
    """
    now = now or timezone.now()
    if not can_answer_for(by, invitation):
        raise PermissionDenied
    if response not in (Response.YES, Response.NO, Response.MAYBE):
        raise ValidationError({"response": _("Choose yes, no or maybe.")})
    meeting = _locked(invitation.meeting)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _answers_open(meeting, by=by, now=now)
    if sends_deputy:
        if invitation.role != InvitationRole.REPRESENTATIVE:
            raise ValidationError({"sends_deputy": _("Only a representative can send their deputy instead.")})
        if response != Response.NO:
            raise ValidationError({"sends_deputy": DEPUTY_MEANS_NO})
    had_place = invitation.response == Response.YES and invitation.waitlist_position is None
    invitation.response = response
    invitation.comment = (comment or "").strip()
    invitation.sends_deputy = bool(sends_deputy)
    invitation.responded_at = now
    if response == Response.YES:
        if not had_place and invitation.waitlist_position is None:
            full = (
                meeting.capacity is not None
                and _confirmed_count(meeting, exclude_pk=invitation.pk) >= meeting.capacity
            )
            if full:
                last = meeting.invitations.aggregate(last=Max("waitlist_position"))["last"] or 0
                invitation.waitlist_position = last + 1
                invitation.promoted_at = None
    else:
        invitation.waitlist_position = None
        # Whoever gives up a place they moved up to needs no "you have a place now" any more.
        invitation.promoted_at = None
    invitation.full_clean()
    invitation.save()
    if had_place and response != Response.YES:
        _promote_waitlist(meeting)
    return invitation


# --- Attendance -------------------------------------------------------------------------------


def _organisation_on(person: User, day: datetime.date) -> tuple[Organisation | None, str]:
    """The organisation a person came for on the meeting date (frozen), or free text for guests."""
    organisation, role = _role_of(person, on=day)
    if organisation is not None:
        return organisation, ""
    return None, person.affiliation


def _attendance_window_open(meeting: Meeting, now) -> bool:
    return meeting.start - CHECK_IN_EARLY <= now <= meeting.end + CHECK_IN_LATE


def _set_attendance(*, meeting: Meeting, person: User, present: bool, by, source: str, day) -> Attendance:
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first()
    if attendance is None:
        organisation, text = _organisation_on(person, day)
        attendance = Attendance(
            meeting=meeting, person=person, organisation=organisation, organisation_text=text
        )
    elif attendance.present == present:
        return attendance  # unchanged: no history entry
    attendance.present = present
    attendance.source = source
    attendance.recorded_by = by
    attendance._history_user = by
    attendance.save()
    return attendance


def _require_attendance_possible(meeting: Meeting, now) -> None:
    # A draft that already took place (entered afterwards) may get its attendance and become held.
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled; no attendance can be recorded."))
    if meeting.start - CHECK_IN_EARLY > now:
        raise ValidationError(
            _("The meeting has not started yet (attendance can be recorded from %(when)s on).")
            % {"when": _when(meeting.start - CHECK_IN_EARLY)}
        )


@transaction.atomic
def attendance_record(*, meeting: Meeting, by, present_person_ids, now=None) -> Meeting:
    """Save the attendance list: the people ticked are present, every other invitee absent.

    Everyone must be invited (walk-ins are added as guests first). The meeting becomes "held".
    """
    _require_coordinator(by)
    now = now or timezone.now()
    meeting = _locked(meeting)
    _require_attendance_possible(meeting, now)
    present_ids = {int(pk) for pk in present_person_ids}
    invitations = list(meeting.invitations.select_related("person"))
    invited = {invitation.person_id for invitation in invitations}
    not_invited = present_ids - invited
    if not_invited:
        names = ", ".join(
            User.objects.filter(pk__in=not_invited).order_by("full_name").values_list("full_name", flat=True)
        )
        raise ValidationError(
            _("Not invited to this meeting: %(names)s. Add them as guests first.") % {"names": names or "?"},
            code="not_invited",
        )
    day = timezone.localdate(meeting.start)
    for invitation in invitations:
        _set_attendance(
            meeting=meeting,
            person=invitation.person,
            present=invitation.person_id in present_ids,
            by=by,
            source=AttendanceSource.LIST,
            day=day,
        )
    # The first recording counts; later saves are corrections (kept in the attendance history).
    meeting.attendance_recorded_at = meeting.attendance_recorded_at or now
    meeting.status = MeetingStatus.HELD
    meeting._history_user = by
    meeting.save(update_fields=["attendance_recorded_at", "status", "updated_at"])
    return meeting


@transaction.atomic
def attendance_mark(
    *, meeting: Meeting, person: User, by, present: bool = True, add_as_guest: bool = False, now=None
) -> Attendance:
    """Mark one person present or absent; someone not invited is refused unless added as a guest."""
    _require_coordinator(by)
    now = now or timezone.now()
    meeting = _locked(meeting)
    _require_attendance_possible(meeting, now)
    if not meeting.invitations.filter(person=person).exists():
        if not add_as_guest:
            raise ValidationError(
                _("%(name)s is not invited to this meeting. Add them as a guest to record the attendance.")
                % {"name": person.full_name},
                code="not_invited",
            )
        invitation_add_people(meeting=meeting, people=[person], by=by)
    return _set_attendance(
        meeting=meeting,
        person=person,
        present=present,
        by=by,
        source=AttendanceSource.LIST,
        day=timezone.localdate(meeting.start),
    )


@transaction.atomic
def attendance_add_walk_in(
    *,
    meeting: Meeting,
    by,
    full_name: str = "",
    email: str = "",
    organisation: Organisation | None = None,
    organisation_text: str = "",
    now=None,
) -> Attendance:
    """Someone came without invitation: invite them as a guest and mark them present."""
    _require_coordinator(by)
    now = now or timezone.now()
    _require_attendance_possible(meeting, now)
    person = person_for_guest(
        full_name=full_name,
        email=email,
        affiliation=organisation_text or (organisation.name if organisation else ""),
    )
    if not Invitation.objects.filter(meeting=meeting, person=person).exists():
        invitation_add_people(meeting=meeting, people=[person], by=by)
    attendance = _set_attendance(
        meeting=meeting,
        person=person,
        present=True,
        by=by,
        source=AttendanceSource.LIST,
        day=timezone.localdate(meeting.start),
    )
    if organisation is not None and attendance.organisation_id is None:
        attendance.organisation = organisation
        attendance.organisation_text = ""
        attendance._history_user = by
        attendance.save()
    return attendance


@transaction.atomic
def attendance_check_in(*, meeting: Meeting, person: User, now=None) -> Attendance:
    """Self check-in by an invitee during the meeting window."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.HELD):
        raise ValidationError(_("Check-in is not possible for this meeting."))
    if not _attendance_window_open(meeting, now):
        raise ValidationError(
            _("Check-in is not possible now (it is open from %(start)s to %(end)s).")
            % {"start": _when(meeting.start - CHECK_IN_EARLY), "end": _when(meeting.end + CHECK_IN_LATE)}
        )
    if not meeting.invitations.filter(person=person).exists():
        raise ValidationError(
            _("You are not on the list of invitees. Please register with the coordinator at the meeting.")
        )
    return _set_attendance(
        meeting=meeting,
        person=person,
        present=True,
        by=person,
        source=AttendanceSource.CHECK_IN,
        day=timezone.localdate(meeting.start),
    )


# --- Action items ------------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *, meeting: Meeting, by, title: str, owner=None, owner_organisation=None, due_date=None
) -> ActionItem:
    _require_coordinator(by)
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.CANCELLED):
        raise ValidationError(_("Decisions and action items belong to a published or held meeting."))
    item = ActionItem(
        meeting=meeting,
        title=(title or "").strip(),
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by, done: bool, now=None) -> ActionItem:
    if not can_manage_action_item(by, item):
        raise PermissionDenied
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    item.done_at = (now or timezone.now()) if done else None
    item.save(update_fields=["done_at"])
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem, by) -> None:
    _require_coordinator(by)
    item.delete()
