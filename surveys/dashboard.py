"""Dashboard cards: "please answer" for recipients of an open survey, the response rate for the
coordinator. One query each."""

from django.utils import timezone

from . import selectors


def dashboard_sections(user) -> list[dict]:
    sections = []
    recipient = selectors.open_recipient_for(person=user)
    if recipient is not None:
        sections.append({"template": "surveys/dashboard_answer.html", "survey": recipient.survey})
    if user.is_coordinator:
        survey = selectors.current_survey_for_coordinator()
        sections.append(
            {
                "template": "surveys/dashboard_coordinator.html",
                "survey": survey,
                "needs_this_years_survey": survey is None or survey.year < timezone.localdate().year,
                "response_rate": selectors.response_rate(
                    invited=survey.invited_count, answered=survey.answered_count
                )
                if survey
                else None,
            }
        )
    return sections
