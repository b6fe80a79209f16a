"""The contract the controlling report codes against: surveys.selectors.controlling_survey."""

import pytest
from django.utils import translation

from surveys.enums import QuestionKind, SurveyStatus
from surveys.selectors import controlling_survey
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


def answer_scale(survey, questions_and_values):
    response = ResponseFactory(survey=survey)
    for question, value in questions_and_values:
        AnswerFactory(response=response, question=question, scale_value=value)
    return response


def test_no_survey_in_the_year():
    SurveyFactory(year=2025)
    assert controlling_survey(year=2024) is None


def test_figures_of_a_year(django_assert_num_queries):
    survey = SurveyFactory(year=2025, status=SurveyStatus.CLOSED)
    satisfaction = QuestionFactory(
        survey=survey, position=2, text_de="Zufriedenheit", text_en="Satisfaction", is_satisfaction=True
    )
    meetings = QuestionFactory(survey=survey, position=1, text_de="Sitzungen", text_en="Meetings")
    topics = QuestionFactory(
        survey=survey,
        position=3,
        kind=QuestionKind.MULTIPLE,
        text_de="Themen",
        text_en="Topics",
        options_de=["Wärme", "Mobilität"],
        options_en=["Heat", "Mobility"],
    )
    for index in range(8):
        RecipientFactory(survey=survey, invited_on="2025-10-01", answered=index < 4)
    RecipientFactory(survey=survey)  # added but never invited: not counted
    for sat, meet in ((5, 4), (4, 2), (2, 4), (4, None)):
        response = answer_scale(survey, [(satisfaction, sat)] + ([(meetings, meet)] if meet else []))
        AnswerFactory(response=response, question=topics, choices=[0])

    with django_assert_num_queries(5), translation.override("de"):
        result = controlling_survey(year=2025)

    assert result["title"] == "Feedback-Umfrage 2025"
    assert result["invited"] == 8
    assert result["answered"] == 4
    assert result["response_rate"] == 0.5
    assert result["results_visible"] is True
    assert [q["text"] for q in result["questions"]] == ["Sitzungen", "Zufriedenheit", "Themen"]
    meet, sat, top = result["questions"]
    assert sat == {
        "text": "Zufriedenheit",
        "kind": "scale",
        "count": 4,
        "mean": 3.75,
        "median": 4.0,
        "distribution": {1: 0, 2: 1, 3: 0, 4: 2, 5: 1},
    }
    assert meet["count"] == 3
    assert meet["mean"] == pytest.approx(10 / 3)  # unrounded
    assert meet["median"] == 4.0
    assert top == {"text": "Themen", "kind": "multiple", "count": 4, "mean": None, "median": None}
    assert result["satisfaction_mean"] == 3.75


def test_english_texts():
    survey = SurveyFactory(year=2025)
    QuestionFactory(survey=survey, text_de="Zufriedenheit", text_en="Satisfaction")
    with translation.override("en"):
        result = controlling_survey(year=2025)
    assert result["title"] == "Feedback survey 2025"
    assert result["questions"][0]["text"] == "Satisfaction"


def test_results_withheld_below_three_responses(django_assert_num_queries):
    survey = SurveyFactory(year=2025)
    question = QuestionFactory(survey=survey, is_satisfaction=True)
    RecipientFactory(survey=survey, invited_on="2025-10-01", answered=True)
    RecipientFactory(survey=survey, invited_on="2025-10-01", answered=True)
    RecipientFactory(survey=survey, invited_on="2025-10-01")
    answer_scale(survey, [(question, 1)])
    answer_scale(survey, [(question, 5)])

    with django_assert_num_queries(4):
        result = controlling_survey(year=2025)

    assert result["results_visible"] is False
    assert result["answered"] == 2
    assert result["response_rate"] == pytest.approx(2 / 3)
    assert result["questions"] == [
        {
            "text": question.text,
            "kind": "scale",
            "count": 0,
            "mean": None,
            "median": None,
            "distribution": None,
        }
    ]
    assert result["satisfaction_mean"] is None


def test_nobody_invited_yet():
    SurveyFactory(year=2026, status=SurveyStatus.SCHEDULED)
    result = controlling_survey(year=2026)
    assert result["invited"] == 0
    assert result["response_rate"] is None
    assert result["satisfaction_mean"] is None
