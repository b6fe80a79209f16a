"""Template tags other apps' pages use to show meetings (e.g. a member's hosted meetings)."""

from django import template

from .. import selectors

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
