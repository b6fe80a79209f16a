"""Reads for the meetings app. Query counts stay constant whatever the number of rows."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils import timezone

from members.models import Organisation

from .enums import InvitationRole, MeetingStatus, Response
from .models import ActionItem, AgendaItem, Attendance, Invitation, Meeting, MeetingDocument

# Within an organisation: the representative first, then the deputy.
ROLE_ORDER = (
    InvitationRole.REPRESENTATIVE,
    InvitationRole.DEPUTY,
    InvitationRole.COORDINATOR,
    InvitationRole.GUEST,
)
ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER)}


def visible_meetings(user):
    """Meetings the person may open: all for the coordinator; otherwise non-drafts they were
    invited to or attended."""
    meetings = Meeting.objects.all()
    if user.is_coordinator:
        return meetings
    invited = Invitation.objects.filter(meeting=OuterRef("pk"), person=user)
    attended = Attendance.objects.filter(meeting=OuterRef("pk"), person=user)
    return meetings.exclude(status=MeetingStatus.DRAFT).filter(Exists(invited) | Exists(attended))


# The columns the meeting lists show (the description, address and minutes can be long).
LIST_FIELDS = (
    "kind",
    "title",
    "start",
    "end",
    "venue",
    "online_url",
    "status",
    "capacity",
    "registration_deadline",
    "attendance_recorded_at",
    "host_organisation__name",
    "host_organisation__short_name",
)


def _listed(meetings):
    return meetings.select_related("host_organisation").only(*LIST_FIELDS)


def add_list_figures(meetings, user, *, own_attendance: bool = False) -> list[Meeting]:
    """The meetings of one page of a list, with the figures the lists show and the person's answer.

    Sets `invitee_count`, `yes_count`, `waitlist_count`; `present_count` for meetings whose
    attendance was recorded (None for the others, where the lists show no figure);
    `my_response`, `my_waitlist_position`, `my_sends_deputy` (None when not invited); and with
    `own_attendance`, `my_present` (None when no attendance is recorded for the person).

    At most two queries grouped by meeting for the page's rows, rather than eight correlated
    subqueries per meeting, which took longer to build and plan than to run. The attendance
    query runs only when a meeting of the page has its attendance recorded, or for
    `own_attendance`.
    """
    meetings = list(meetings)
    if not meetings:
        return meetings
    mine = Q(person=user)
    yes = Q(response=Response.YES)
    invitations = {
        row["meeting_id"]: row
        for row in Invitation.objects.filter(meeting_id__in=[meeting.pk for meeting in meetings])
        .order_by()
        .values("meeting_id")
        .annotate(
            invitee_count=Count("pk"),
            yes_count=Count("pk", filter=yes & Q(waitlist_position__isnull=True)),
            waitlist_count=Count("pk", filter=yes & Q(waitlist_position__isnull=False)),
            # At most one invitation per person and meeting: the aggregates give its values.
            my_response=Max("response", filter=mine),
            my_waitlist_position=Max("waitlist_position", filter=mine),
            my_sends_deputy=_any("sends_deputy", where=mine),
        )
    }
    attendance_of = [m.pk for m in meetings if own_attendance or m.attendance_recorded_at]
    attendances = {}
    if attendance_of:
        attendances = {
            row["meeting_id"]: row
            for row in Attendance.objects.filter(meeting_id__in=attendance_of)
            .order_by()
            .values("meeting_id")
            .annotate(
                present_count=Count("pk", filter=Q(present=True)),
                my_present=_any("present", where=mine),
            )
        }
    no_invitations = {
        "invitee_count": 0,
        "yes_count": 0,
        "waitlist_count": 0,
        "my_response": None,
        "my_waitlist_position": None,
        "my_sends_deputy": None,
    }
    no_attendance = {"present_count": 0, "my_present": None}
    for meeting in meetings:
        figures = invitations.get(meeting.pk, no_invitations)
        meeting.invitee_count = figures["invitee_count"]
        meeting.yes_count = figures["yes_count"]
        meeting.waitlist_count = figures["waitlist_count"]
        meeting.my_response = figures["my_response"]
        meeting.my_waitlist_position = figures["my_waitlist_position"]
        meeting.my_sends_deputy = _as_flag(figures["my_sends_deputy"])
        attended = attendances.get(meeting.pk, no_attendance)
        meeting.present_count = attended["present_count"] if meeting.attendance_recorded_at else None
        if own_attendance:
            meeting.my_present = _as_flag(attended["my_present"])
    return meetings


def _any(field: str, *, where: Q) -> Max:
    """Whether any matching row has the flag set: 1, 0, or None without a row. A portable
    BOOL_OR, which SQLite (the local database of `make run`) does not have."""
    return Max(Cast(field, IntegerField()), filter=where)


def _as_flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def upcoming_meetings(user, *, now=None):
    """Meetings ahead the person may see, for a page of the list (see `add_list_figures`)."""
    now = now or timezone.now()
    meetings = visible_meetings(user).filter(end__gte=now)
    if not user.is_coordinator:
        meetings = meetings.exclude(status=MeetingStatus.DRAFT)
    return _listed(meetings).order_by("start", "pk")


def meetings_of_year(user, *, year: int):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    meetings = visible_meetings(user).filter(start__gte=start, start__lt=end)
    return _listed(meetings).order_by("start", "pk")


def meeting_years(user) -> list[int]:
    """The years with meetings the person may see, newest first (one query)."""
    years = (
        visible_meetings(user)
        .annotate(year=ExtractYear("start", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def my_upcoming_meetings(user, *, now=None):
    """Published (and cancelled) meetings ahead that the person is invited to (see
    `add_list_figures` for their answer)."""
    now = now or timezone.now()
    invited = Invitation.objects.filter(meeting=OuterRef("pk"), person=user)
    meetings = Meeting.objects.filter(Exists(invited), end__gte=now).exclude(status=MeetingStatus.DRAFT)
    return _listed(meetings).order_by("start", "pk")


def my_next_meetings(user, *, now, limit: int) -> tuple[list[Meeting], int]:
    """The dashboard's next meetings of the person with their own answer, and how many published
    meetings ahead still wait for their answer, in one query (the count is a window over all the
    person's invitations ahead, computed before the limit)."""
    waiting = Q(response=Response.PENDING, meeting__status=MeetingStatus.PUBLISHED, meeting__start__gt=now)
    invitations = list(
        Invitation.objects.filter(person=user, meeting__end__gte=now)
        .exclude(meeting__status=MeetingStatus.DRAFT)
        .select_related("meeting")
        .only(
            "response",
            "waitlist_position",
            "sends_deputy",
            "meeting__title",
            "meeting__start",
            "meeting__venue",
            "meeting__status",
        )
        .annotate(unanswered=Window(Count("pk", filter=waiting)))
        .order_by("meeting__start", "meeting_id")[:limit]
    )
    meetings = []
    for invitation in invitations:
        meeting = invitation.meeting
        meeting.my_response = invitation.response
        meeting.my_waitlist_position = invitation.waitlist_position
        meeting.my_sends_deputy = invitation.sends_deputy
        meetings.append(meeting)
    return meetings, invitations[0].unanswered if invitations else 0


def my_past_meetings(user, *, now=None):
    """Meetings behind the person (invited or attended); see `add_list_figures` for their attendance."""
    now = now or timezone.now()
    invited = Invitation.objects.filter(meeting=OuterRef("pk"), person=user)
    attended = Attendance.objects.filter(meeting=OuterRef("pk"), person=user)
    meetings = Meeting.objects.filter(Exists(invited) | Exists(attended), end__lt=now).exclude(
        status=MeetingStatus.DRAFT
    )
    return _listed(meetings).order_by("-start", "-pk")


# --- Meeting detail ---------------------------------------------------------------------------


@dataclass
class OrganisationGroup:
    """The invitees of one organisation (or the guests) with a summary of who comes."""

    organisation: Organisation | None
    label: str
    invitations: list = field(default_factory=list)

    @property
    def coming(self) -> list:
        return [i for i in self.invitations if i.response == Response.YES and i.waitlist_position is None]

    @property
    def waiting(self) -> list:
        return [i for i in self.invitations if i.response == Response.YES and i.waitlist_position is not None]

    @property
    def maybe(self) -> list:
        return [i for i in self.invitations if i.response == Response.MAYBE]

    @property
    def sending_deputy(self) -> list:
        """The representatives who send the deputy in their place."""
        return [i for i in self.invitations if i.sends_deputy]

    @property
    def sends_deputy(self) -> bool:
        """A representative sends the deputy, and the deputy has not declined (else nobody comes)."""
        deputies = [i for i in self.invitations if i.role == InvitationRole.DEPUTY]
        declined = bool(deputies) and all(i.response == Response.NO for i in deputies)
        return bool(self.sending_deputy) and not declined

    @property
    def answered(self) -> bool:
        return any(i.response != Response.PENDING for i in self.invitations)

    @property
    def present(self) -> list:
        return [i for i in self.invitations if getattr(i, "attendance", None) and i.attendance.present]


def meeting_for_detail(pk: int) -> Meeting:
    """The meeting with everything its page shows, in four queries: the meeting, its agenda, its
    documents (each agenda item's `agenda_documents`, the others in `general_documents`) and its
    decisions and action items."""
    meeting = (
        Meeting.objects.select_related("host_organisation")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch(
                "documents",
                queryset=MeetingDocument.objects.only(
                    "meeting", "agenda_item", "original_name", "size"
                ).order_by("uploaded_at", "pk"),
                to_attr="all_documents",
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner", "owner_organisation")
                .only(*ACTION_ITEM_FIELDS)
                .order_by("done_at", "due_date", "pk"),
            ),
        )
        .get(pk=pk)
    )
    by_item: dict[int | None, list[MeetingDocument]] = {}
    for document in meeting.all_documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    for item in meeting.agenda_items.all():
        item.agenda_documents = by_item.get(item.pk, [])
    meeting.general_documents = by_item.get(None, [])
    return meeting


# What the lists of decisions and action items show of each, its owner and their organisation.
ACTION_ITEM_FIELDS = (
    "meeting",
    "title",
    "due_date",
    "done_at",
    "owner__full_name",
    "owner_organisation__name",
    "owner_organisation__short_name",
)

# What the meeting, attendance and invitee pages and the printed list show of an invitation.
INVITATION_FIELDS = (
    "meeting",
    "role",
    "response",
    "comment",
    "sends_deputy",
    "responded_at",
    "waitlist_position",
    "person__full_name",
    "person__affiliation",
    "person__email",
    "organisation__name",
    "organisation__short_name",
    "organisation__is_member",
)


def invitations_grouped(meeting: Meeting) -> list[OrganisationGroup]:
    """Invitees by organisation: members in German order, then the coordinator, then guests.

    Each invitation carries `.attendance` (or None). Two queries.
    """
    return invitations_grouped_and_uninvited(meeting)[0]


def invitations_grouped_and_uninvited(meeting: Meeting) -> tuple[list[OrganisationGroup], list[Attendance]]:
    """The invitees grouped as in `invitations_grouped`, and the attendance of people who were not
    invited (see `uninvited_attendances`), from the same two queries."""
    attendances = {
        a.person_id: a
        for a in Attendance.objects.filter(meeting=meeting)
        .select_related("organisation", "person")
        .only(
            "person__full_name",
            "organisation__name",
            "organisation__short_name",
            "organisation_text",
            "present",
            "source",
        )
    }
    invited_ids = set()
    # Ordered by organisation and name here, by role within each organisation below (a stable sort
    # keeps the names in the database's order; the role as an SQL expression took longer).
    invitations = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("person", "organisation")
        .only(*INVITATION_FIELDS)
        .order_by("organisation__sort_name", "organisation_id", "person__full_name", "pk")
    )
    members: dict[int, OrganisationGroup] = {}
    others: dict[int, OrganisationGroup] = {}
    guests = OrganisationGroup(organisation=None, label="")
    for invitation in invitations:
        invitation.meeting = meeting
        invited_ids.add(invitation.person_id)
        invitation.attendance = attendances.get(invitation.person_id)
        organisation = invitation.organisation
        if invitation.role == InvitationRole.GUEST or organisation is None:
            guests.invitations.append(invitation)
            continue
        target = members if organisation.is_member else others
        group = target.get(organisation.pk)
        if group is None:
            group = target[organisation.pk] = OrganisationGroup(organisation, organisation.name)
        group.invitations.append(invitation)
    groups = list(members.values()) + list(others.values())
    for group in groups:
        group.invitations.sort(key=lambda i: ROLE_RANK.get(i.role, len(ROLE_ORDER)))
    if guests.invitations:
        guests.invitations.sort(key=lambda i: i.person.full_name.casefold())
        groups.append(guests)
    uninvited = sorted(
        (a for person_id, a in attendances.items() if person_id not in invited_ids),
        key=lambda a: (a.person.full_name.casefold(), a.pk),
    )
    return groups, uninvited


def uninvited_attendances(meeting: Meeting) -> list[Attendance]:
    """Attendance of people who were not invited (e.g. imported from old paper lists)."""
    invited = Invitation.objects.filter(meeting=meeting, person=OuterRef("person"))
    return list(
        Attendance.objects.filter(meeting=meeting)
        .exclude(Exists(invited))
        .select_related("person", "organisation")
        .order_by("person__full_name")
    )


def answer_summary(meeting: Meeting) -> dict:
    """Counts of answers for one meeting (one query)."""
    return Invitation.objects.filter(meeting=meeting).aggregate(
        total=Count("pk"),
        yes=Count("pk", filter=Q(response=Response.YES, waitlist_position__isnull=True)),
        waiting=Count("pk", filter=Q(response=Response.YES, waitlist_position__isnull=False)),
        no=Count("pk", filter=Q(response=Response.NO)),
        maybe=Count("pk", filter=Q(response=Response.MAYBE)),
        pending=Count("pk", filter=Q(response=Response.PENDING)),
        members_coming=Count(
            "organisation",
            filter=Q(response=Response.YES, waitlist_position__isnull=True, organisation__is_member=True),
            distinct=True,
        ),
    )


def answer_summary_of(groups: list[OrganisationGroup]) -> dict:
    """The counts of `answer_summary`, from invitations already loaded by `invitations_grouped`
    (no query)."""
    invitations = [invitation for group in groups for invitation in group.invitations]
    coming = [i for i in invitations if i.response == Response.YES and i.waitlist_position is None]
    return {
        "total": len(invitations),
        "yes": len(coming),
        "waiting": sum(
            1 for i in invitations if i.response == Response.YES and i.waitlist_position is not None
        ),
        "no": sum(1 for i in invitations if i.response == Response.NO),
        "maybe": sum(1 for i in invitations if i.response == Response.MAYBE),
        "pending": sum(1 for i in invitations if i.response == Response.PENDING),
        "members_coming": len(
            {i.organisation_id for i in coming if i.organisation is not None and i.organisation.is_member}
        ),
    }


def linked_projects(meeting: Meeting):
    """The joint projects linked to this meeting, if the projects app defines that relation."""
    try:
        project_model = apps.get_model("projects", "Project")
        project_model._meta.get_field("meetings")
    except (LookupError, FieldDoesNotExist):
        return None
    return list(project_model.objects.filter(meetings=meeting).only("title").order_by("pk"))


def attendance_history(meeting: Meeting, *, limit: int = 50) -> list:
    """The latest corrections of the attendance list: who changed whom, when (one query)."""
    return list(
        Attendance.history.filter(meeting_id=meeting.pk)
        .select_related("history_user", "person")
        .order_by("-history_date", "-history_id")[:limit]
    )


# --- Attendance page and PDF ------------------------------------------------------------------


def attendance_sheet(meeting: Meeting) -> list[OrganisationGroup]:
    """Invitees grouped for the attendance list, with their current attendance (two queries)."""
    return invitations_grouped(meeting)


# --- Action items -----------------------------------------------------------------------------


def open_action_items(user, *, limit: int | None = None):
    """Open decisions/action items of the meetings the person may see, earliest due first."""
    items = (
        ActionItem.objects.filter(done_at__isnull=True, meeting__in=visible_meetings(user))
        .select_related("meeting", "owner", "owner_organisation")
        .order_by(Coalesce("due_date", Value(datetime.date.max)), "pk")
    )
    return items[:limit] if limit else items


def open_action_items_with_total(user, *, limit: int) -> tuple[list[ActionItem], int]:
    """The first open action items and how many there are in all, in one query."""
    items = list(open_action_items(user).annotate(total=Window(Count("pk")))[:limit])
    return items, items[0].total if items else 0


def overdue_count(user) -> int:
    return open_action_items(user).filter(due_date__lt=timezone.localdate()).count()


@dataclass(frozen=True)
class HostTurn:
    organisation: Organisation
    last_hosted: datetime.date | None


def host_rotation(*, on: datetime.date | None = None) -> list[HostTurn]:
    """The active members, whose turn it is to host first: never hosted, then longest ago.

    Published and held meetings count (a member hosting next month is not next again); drafts and
    cancelled meetings do not. One query.
    """
    on = on or timezone.localdate()
    hosted = Q(hosted_meetings__status__in=[MeetingStatus.PUBLISHED, MeetingStatus.HELD])
    organisations = (
        Organisation.objects.active_members(on)
        .annotate(last_hosted_at=Max("hosted_meetings__start", filter=hosted))
        .order_by(F("last_hosted_at").asc(nulls_first=True), "sort_name")
    )
    return [
        HostTurn(
            organisation,
            timezone.localdate(organisation.last_hosted_at) if organisation.last_hosted_at else None,
        )
        for organisation in organisations
    ]
