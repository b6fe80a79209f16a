"""The meetings' cards on the dashboard: my next meetings, and open action items."""

from django.utils import timezone

from . import selectors
from .enums import MeetingStatus, Response
from .models import Invitation, Meeting

NEXT_MEETINGS = 5
ACTION_ITEMS = 6


def dashboard_sections(user) -> list[dict]:
    """At most six queries whatever the number of meetings and action items."""
    now = timezone.now()
    upcoming = list(selectors.my_upcoming_meetings(user, now=now)[:NEXT_MEETINGS])
    unanswered = Invitation.objects.filter(
        person=user,
        response=Response.PENDING,
        meeting__status=MeetingStatus.PUBLISHED,
        meeting__start__gt=now,
    ).count()
    without_attendance = 0
    if user.is_coordinator:
        without_attendance = Meeting.objects.filter(
            status=MeetingStatus.PUBLISHED, end__lt=now, attendance_recorded_at__isnull=True
        ).count()
    open_items = selectors.open_action_items(user)
    items = list(open_items[:ACTION_ITEMS])
    more = max(open_items.count() - ACTION_ITEMS, 0)
    return [
        {
            "template": "meetings/dashboard_meetings.html",
            "meetings": upcoming,
            "unanswered": unanswered,
            "without_attendance": without_attendance,
        },
        {
            "template": "meetings/dashboard_actions.html",
            "items": items,
            "more": more,
            "today": timezone.localdate(),
        },
    ]
