"""The meetings' dashboard cards: the next meetings with one's own answer, the count of invitations
waiting for an answer, open action items, in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from meetings import dashboard
from meetings.enums import MeetingStatus, Response
from tests.factories.meetings import ActionItemFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def meeting_in(days, status=MeetingStatus.PUBLISHED, **extra):
    start = timezone.now() + datetime.timedelta(days=days)
    return MeetingFactory(start=start, end=start + datetime.timedelta(hours=2), status=status, **extra)


@pytest.fixture
def invitations_of_rep_a(people):
    """Seven meetings ahead (three unanswered), plus a draft, a cancelled and a past one."""
    person = people["rep_a"]
    answers = [Response.PENDING, Response.YES, Response.PENDING, Response.NO, Response.MAYBE]
    answers += [Response.PENDING, Response.YES]
    ahead = [meeting_in(days=3 + n) for n in range(len(answers))]
    for meeting, answer in zip(ahead, answers, strict=True):
        InvitationFactory(meeting=meeting, person=person, response=answer)
    cancelled = meeting_in(days=1, status=MeetingStatus.CANCELLED)
    InvitationFactory(meeting=cancelled, person=person, response=Response.PENDING)
    InvitationFactory(meeting=meeting_in(days=2, status=MeetingStatus.DRAFT), person=person)
    InvitationFactory(meeting=meeting_in(days=-5), person=person, response=Response.PENDING)
    return [cancelled, *ahead], answers


def test_next_meetings_with_own_answer_and_the_unanswered_count(people, invitations_of_rep_a):
    meetings_ahead, answers = invitations_of_rep_a
    card, _ = dashboard.dashboard_sections(people["rep_a"])
    shown = card["meetings"]
    assert [m.pk for m in shown] == [m.pk for m in meetings_ahead[: dashboard.NEXT_MEETINGS]]
    assert [m.my_response for m in shown[1:]] == answers[: dashboard.NEXT_MEETINGS - 1]
    # The cancelled meeting is shown but waits for nobody's answer; the draft and the past one count neither.
    assert card["unanswered"] == answers.count(Response.PENDING) == 3
    assert card["without_attendance"] == 0


def test_somebody_without_invitations_sees_no_meetings(people):
    card, actions = dashboard.dashboard_sections(people["rep_b"])
    assert card["meetings"] == [] and card["unanswered"] == 0
    assert actions["items"] == [] and actions["more"] == 0


def test_action_items_show_the_first_six_and_how_many_more(people):
    meeting = meeting_in(days=-3, status=MeetingStatus.HELD)
    InvitationFactory(meeting=meeting, person=people["rep_a"])
    today = timezone.localdate()
    items = [
        ActionItemFactory(meeting=meeting, due_date=today + datetime.timedelta(days=n)) for n in range(9)
    ]
    _, actions = dashboard.dashboard_sections(people["rep_a"])
    assert [i.pk for i in actions["items"]] == [i.pk for i in items[: dashboard.ACTION_ITEMS]]
    assert actions["more"] == 3


@pytest.mark.parametrize(("who", "queries"), [("coordinator", 3), ("rep_a", 2)])
def test_queries_do_not_grow_with_meetings(
    people, invitations_of_rep_a, django_assert_num_queries, who, queries
):
    for meeting in invitations_of_rep_a[0]:
        ActionItemFactory(meeting=meeting)
    person = people[who]
    assert person.is_coordinator == (who == "coordinator")  # the role is read once per request
    with django_assert_num_queries(queries):
        dashboard.dashboard_sections(person)
