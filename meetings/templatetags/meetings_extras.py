"""Template tags for meetings: badges, and what other apps' pages show (a member's hosted meetings)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import selectors
from ..enums import MeetingStatus, Response

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
