"""Who may see and change what in the meetings app. Views call these; services re-check writes."""

from django.core.exceptions import PermissionDenied

from .enums import MeetingStatus
from .models import Invitation, Meeting


def can_view_meeting(user, meeting: Meeting, *, invited: bool | None = None) -> bool:
    """The coordinator sees everything; others see non-draft meetings they were invited to or attended.

    `invited` may be passed when the caller already knows it (saves a query).
    """
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    if meeting.status == MeetingStatus.DRAFT:
        return False
    if invited is None:
        invited = (
            meeting.invitations.filter(person=user).exists()
            or meeting.attendances.filter(person=user).exists()
        )
    return invited


def require_view_meeting(user, meeting: Meeting, *, invited: bool | None = None) -> None:
    if not can_view_meeting(user, meeting, invited=invited):
        raise PermissionDenied


def can_answer_for(user, invitation: Invitation) -> bool:
    """A person answers for themselves; the coordinator for anyone (e.g. after a phone call)."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or invitation.person_id == user.pk


def can_manage_action_item(user, item) -> bool:
    """The coordinator, and the owner of an action item may mark it done."""
    return user.is_authenticated and (user.is_coordinator or item.owner_id == user.pk)
