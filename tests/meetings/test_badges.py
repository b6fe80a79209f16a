"""The answer and status badges every meeting list shows, rendered by tags instead of includes."""

import pytest
from django.template import Context, Template
from django.utils import translation

from meetings.enums import MeetingStatus, Response
from meetings.models import Meeting


def render(source: str, language: str = "en", **context) -> str:
    with translation.override(language):
        return Template("{% load meetings_extras %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("response", "waitlist_position", "sends_deputy", "expected"),
    [
        (Response.YES, None, False, '<span class="badge text-bg-success">Yes</span>'),
        (Response.YES, 3, False, '<span class="badge text-bg-warning">Waiting list (3)</span>'),
        (Response.NO, None, False, '<span class="badge text-bg-danger">No</span>'),
        (
            Response.NO,
            None,
            True,
            '<span class="badge text-bg-danger">No</span> <span class="small">(sends the deputy)</span>',
        ),
        (Response.MAYBE, None, False, '<span class="badge text-bg-info">Maybe</span>'),
        (Response.PENDING, None, False, '<span class="badge text-bg-light border">No answer yet</span>'),
        (None, None, False, '<span class="text-muted">–</span>'),
    ],
)
def test_answer_badge(response, waitlist_position, sends_deputy, expected):
    html = render(
        "{% answer_badge response position deputy %}",
        response=response,
        position=waitlist_position,
        deputy=sends_deputy,
    )
    assert html == expected


def test_answer_badge_in_german():
    assert render("{% answer_badge 'yes' 2 %}", "de") == (
        '<span class="badge text-bg-warning">Warteliste (2)</span>'
    )
    assert "Noch keine Antwort" in render("{% answer_badge 'pending' %}", "de")


@pytest.mark.parametrize(
    ("status", "css"),
    [
        (MeetingStatus.DRAFT, "text-bg-secondary"),
        (MeetingStatus.PUBLISHED, "text-bg-primary"),
        (MeetingStatus.HELD, "text-bg-success"),
        (MeetingStatus.CANCELLED, "text-bg-danger"),
    ],
)
def test_status_badge(status, css):
    meeting = Meeting(status=status)
    html = render("{% status_badge meeting %}", "de", meeting=meeting)
    with translation.override("de"):
        label = meeting.get_status_display()
    assert html == f'<span class="badge {css}">{label}</span>'
