"""The meetings' cards on the dashboard: my next meetings, and open action items."""

from django.utils import timezone

from . import selectors
from .enums import MeetingStatus
from .models import Meeting

NEXT_MEETINGS = 5
ACTION_ITEMS = 6


def dashboard_sections(user) -> list[dict]:
    """Two queries (three for the coordinator) whatever the number of meetings and action items."""
    now = timezone.now()
    upcoming, unanswered = selectors.my_next_meetings(user, now=now, limit=NEXT_MEETINGS)
    without_attendance = 0
    if user.is_coordinator:
        without_attendance = Meeting.objects.filter(
            status=MeetingStatus.PUBLISHED, end__lt=now, attendance_recorded_at__isnull=True
        ).count()
    items, total = selectors.open_action_items_with_total(user, limit=ACTION_ITEMS)
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
            "more": max(total - ACTION_ITEMS, 0),
            "today": timezone.localdate(),
        },
    ]
