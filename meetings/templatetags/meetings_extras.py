"""Template tags for meetings: badges, and what other apps' pages show (a member's hosted meetings)."""

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors
from ..enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus, Response

register = template.Library()

HOSTED_LIMIT = 10


@register.inclusion_tag("meetings/includes/hosted_meetings.html", takes_context=True)
def hosted_meetings(context, organisation):
    """The latest meetings the organisation hosted that the viewer may see (two queries)."""
    user = context["request"].user
    meetings = selectors.visible_meetings(user).filter(host_organisation=organisation)
    return {
        "organisation": organisation,
        "meetings": list(meetings.order_by("-start")[:HOSTED_LIMIT]),
        "total": meetings.count(),
    }


# Badges as tags rendered in Python rather than `{% include %}`s: lists render one or two per row
# (40 invitees, 25 meetings), and an include costs a template render each.

_STATUS_CLASSES = {
    MeetingStatus.DRAFT: "text-bg-secondary",
    MeetingStatus.PUBLISHED: "text-bg-primary",
    MeetingStatus.HELD: "text-bg-success",
}


@register.simple_tag
def status_badge(meeting):
    """The meeting's status as a coloured badge."""
    css = _STATUS_CLASSES.get(meeting.status, "text-bg-danger")
    return format_html('<span class="badge {}">{}</span>', css, meeting.get_status_display())


@register.simple_tag
def answer_badge(response, waitlist_position=None, sends_deputy=False):
    """An invitee's answer as a badge: yes (or the waiting-list place), no, maybe, no answer yet."""
    if response == Response.YES and waitlist_position:
        label = _("Waiting list (%(position)s)") % {"position": waitlist_position}
        return format_html('<span class="badge text-bg-warning">{}</span>', label)
    if response == Response.YES:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Yes"))
    if response == Response.NO:
        badge = format_html('<span class="badge text-bg-danger">{}</span>', _("No"))
        if sends_deputy:
            badge = format_html('{} <span class="small">{}</span>', badge, _("(sends the deputy)"))
        return badge
    if response == Response.MAYBE:
        return format_html('<span class="badge text-bg-info">{}</span>', _("Maybe"))
    if response == Response.PENDING:
        return format_html('<span class="badge text-bg-light border">{}</span>', _("No answer yet"))
    return mark_safe('<span class="text-muted">–</span>')


def detail_url_of():
    """A function giving a meeting page's address from its pk: one `reverse()` for a whole list."""
    placeholder = 2_147_483_647
    head, _placeholder, tail = reverse("meetings:detail", args=[placeholder]).partition(str(placeholder))
    return lambda pk: f"{head}{pk}{tail}"


class RowFormatter:
    """Formats, translations and badges looked up once per table rather than once per row."""

    def __init__(self):
        self.day_and_date = "D, " + formats.get_format("SHORT_DATE_FORMAT")
        self.time = formats.get_format("TIME_FORMAT")
        self._answers = {}
        self._statuses = {}
        self.roles = {value: str(label) for value, label in InvitationRole.choices}
        self.sources = {value: str(label) for value, label in AttendanceSource.choices}
        self.present = format_html('<span class="badge text-bg-success">{}</span>', _("present"))
        self.absent = format_html('<span class="badge text-bg-secondary">{}</span>', _("absent"))

    @classmethod
    def of(cls, context) -> "RowFormatter":
        """The formatter shared by the tags of one page (a template render)."""
        formatter = context.render_context.get(cls)
        if formatter is None:
            formatter = context.render_context[cls] = cls()
        return formatter

    def answer(self, response, waitlist_position=None, sends_deputy=False):
        key = (response, waitlist_position, bool(sends_deputy))
        badge = self._answers.get(key)
        if badge is None:
            badge = self._answers[key] = answer_badge(response, waitlist_position, sends_deputy)
        return badge

    def status(self, meeting):
        badge = self._statuses.get(meeting.status)
        if badge is None:
            badge = self._statuses[meeting.status] = status_badge(meeting)
        return badge

    def when(self, meeting) -> str:
        start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        return format_html(
            '<time datetime="{}">{}<br><span class="small text-muted">{}–{}</span></time>',
            start.isoformat(),
            dateformat.format(start, self.day_and_date),
            dateformat.time_format(start, self.time),
            dateformat.time_format(end, self.time),
        )


@register.simple_tag
def meeting_rows(meetings):
    """The rows of the meeting table (meetings/includes/meeting_table.html) for meetings with
    `selectors.add_list_figures`, rendered in Python: 25 rows of template tags, filters and
    translations took most of the meeting list's time."""
    url_of = detail_url_of()
    rows = RowFormatter()
    kinds = {value: str(label) for value, label in MeetingKind.choices}
    host = _("Host: %(host)s")
    online = _("Online")
    places = _("%(capacity)s places")
    not_invited = format_html('<span class="text-muted">{}</span>', _("not invited"))
    dash = mark_safe('<span class="text-muted">–</span>')

    def place(meeting):
        if meeting.host_organisation:
            return format_html(
                '{}<br><span class="small text-muted">{}</span>{}',
                meeting.venue,
                host % {"host": meeting.host_organisation.display_name},
                online if meeting.online_url and not meeting.venue else "",
            )
        return online if meeting.online_url and not meeting.venue else meeting.venue

    def answers(meeting):
        if not meeting.capacity:
            return f"{meeting.yes_count} / {meeting.invitee_count}"
        waiting, count = "", meeting.waitlist_count
        if count:
            waiting = ngettext("%(counter)s waiting", "%(counter)s waiting", count) % {"counter": count}
            waiting = f", {waiting}"
        return format_html(
            '{} / {}<br><span class="small text-muted">{}{}</span>',
            meeting.yes_count,
            meeting.invitee_count,
            places % {"capacity": meeting.capacity},
            waiting,
        )

    return format_html_join(
        "\n",
        "<tr>"
        '<td class="text-nowrap">{}</td>'
        '<td><a href="{}">{}</a><br><span class="small text-muted">{}</span></td>'
        "<td>{}</td>"
        "<td>{}</td>"
        '<td class="text-end">{}</td>'
        '<td class="text-end">{}</td>'
        "<td>{}</td>"
        "</tr>",
        (
            (
                rows.when(meeting),
                url_of(meeting.pk),
                meeting.title,
                kinds.get(meeting.kind, meeting.kind),
                place(meeting),
                rows.status(meeting),
                answers(meeting),
                meeting.present_count if meeting.attendance_recorded_at else dash,
                rows.answer(meeting.my_response, meeting.my_waitlist_position, meeting.my_sends_deputy)
                if meeting.my_response
                else not_invited,
            )
            for meeting in meetings
        ),
    )


@register.simple_tag(takes_context=True)
def invitee_rows(context, group, comments=False, attendance=False):
    """The rows of one organisation's invitees on the meeting page (name, role, answer, and the
    comment and attendance columns when shown), rendered in Python: 40 invitees in 20 tables."""
    rows = RowFormatter.of(context)

    def name(invitation):
        person = invitation.person
        if group.organisation is None and person.affiliation:
            return format_html(
                '{} <span class="text-muted small">({})</span>', person.full_name, person.affiliation
            )
        return person.full_name

    def presence(invitation):
        if invitation.attendance is None:
            return "–"
        return rows.present if invitation.attendance.present else rows.absent

    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td>{}{}</tr>",
        (
            (
                name(invitation),
                rows.roles.get(invitation.role, invitation.role),
                rows.answer(invitation.response, invitation.waitlist_position, invitation.sends_deputy),
                format_html('<td class="small">{}</td>', invitation.comment) if comments else "",
                format_html("<td>{}</td>", presence(invitation)) if attendance else "",
            )
            for invitation in group.invitations
        ),
    )


@register.simple_tag(takes_context=True)
def attendance_rows(context, group):
    """The rows of one organisation's invitees on the attendance page: a checkbox per person (with
    the words the page's filter searches), role, answer and how the attendance was recorded."""
    rows = RowFormatter.of(context)
    organisation = group.organisation.name.lower() if group.organisation else ""

    def affiliation(invitation):
        if group.organisation is None and invitation.person.affiliation:
            return format_html(' <span class="small text-muted">({})</span>', invitation.person.affiliation)
        return ""

    return format_html_join(
        "\n",
        '<tr data-attendance-row data-search="{} {} {}"><td>'
        '<input class="form-check-input" type="checkbox" name="present" value="{}" id="present-{}"{}></td>'
        '<td><label for="present-{}">{}</label>{}</td>'
        "<td>{}</td><td>{}</td>"
        '<td class="small">{}</td>'
        "</tr>",
        (
            (
                invitation.person.full_name.lower(),
                organisation,
                invitation.person.affiliation.lower(),
                invitation.person_id,
                invitation.person_id,
                mark_safe(" checked") if invitation.attendance and invitation.attendance.present else "",
                invitation.person_id,
                invitation.person.full_name,
                affiliation(invitation),
                rows.roles.get(invitation.role, invitation.role),
                rows.answer(invitation.response, invitation.waitlist_position, invitation.sends_deputy),
                rows.sources.get(invitation.attendance.source, invitation.attendance.source)
                if invitation.attendance
                else "–",
            )
            for invitation in group.invitations
        ),
    )
