"""Status transitions: draft → published → held or cancelled, and nothing else."""

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.enums import MeetingStatus, Response
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_in(draft_meeting, people):
    """meeting_in(status): the draft of next week, forced into that status as a past step left it."""

    def _make(status):
        Meeting.objects.filter(pk=draft_meeting.pk).update(status=status)
        draft_meeting.refresh_from_db()
        return draft_meeting

    return _make


@pytest.mark.parametrize("status", [MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_only_a_draft_is_published(meeting_in, people, status):
    meeting = meeting_in(status)
    with pytest.raises(ValidationError):
        services.meeting_publish(meeting=meeting, by=people["coordinator"])
    meeting.refresh_from_db()
    assert meeting.status == status


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_only_a_published_meeting_is_cancelled(meeting_in, people, status):
    meeting = meeting_in(status)
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=people["coordinator"])
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (status, 0)


@pytest.mark.parametrize("status", [MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_only_a_draft_is_deleted(meeting_in, people, status):
    meeting = meeting_in(status)
    with pytest.raises(ValidationError):
        services.meeting_delete_draft(meeting=meeting, by=people["coordinator"])
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_cancelled_meeting_is_not_edited(meeting_in, people):
    meeting = meeting_in(MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.meeting_update(
            meeting=meeting, by=people["coordinator"], revision=meeting.revision, title="Neu"
        )
    meeting.refresh_from_db()
    assert meeting.title == "Sitzung Regionalbündnis"


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_answers_only_while_published(meeting_in, people, status):
    meeting = meeting_in(status)
    invitation = meeting.invitations.get(person=people["rep_a"])
    with pytest.raises(ValidationError):
        services.invitation_respond(invitation=invitation, by=people["rep_a"], response=Response.YES)
    invitation.refresh_from_db()
    assert invitation.response == Response.PENDING


def test_a_meeting_with_recorded_attendance_is_held_and_cannot_be_cancelled(people, past_meeting):
    held = services.attendance_record(
        meeting=past_meeting, by=people["coordinator"], present_person_ids=[people["rep_a"].pk]
    )
    assert held.status == MeetingStatus.HELD
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=held, by=people["coordinator"])
