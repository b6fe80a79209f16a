import datetime
from zoneinfo import ZoneInfo

import pytest

from surveys import services
from surveys.enums import QuestionKind, SurveyStatus
from surveys.models import Question, Recipient, Survey

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def make_survey(*, year=2026, coordinator=None, status=SurveyStatus.DRAFT, **fields) -> Survey:
    """A survey with the default questions, created and (optionally) moved on by the services."""
    survey = services.survey_create(year=year, created_by=coordinator)
    if fields:
        services.survey_update(survey=survey, **fields)
    if status != SurveyStatus.DRAFT:
        Survey.objects.filter(pk=survey.pk).update(status=status)
    survey.refresh_from_db()
    return survey


def open_with_recipients(survey: Survey, *, on) -> list[Recipient]:
    """Open the survey as the beat would and mark everybody invited on `on`."""
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.OPEN)
    survey.refresh_from_db()
    services.recipients_sync(survey=survey, on=on)
    survey.recipients.update(invited_on=on)
    return list(survey.recipients.order_by("email"))


def question(survey, kind) -> Question:
    return survey.questions.filter(kind=kind).order_by("position").first()


def full_answers(survey, *, satisfaction=4) -> dict:
    """Answers to every default question (as the respond form builds them)."""
    answers = {}
    for q in survey.questions.all():
        if q.kind == QuestionKind.SCALE:
            answers[q.pk] = {"scale": satisfaction}
        elif q.kind == QuestionKind.SINGLE:
            answers[q.pk] = {"choices": [1]}
        elif q.kind == QuestionKind.MULTIPLE:
            answers[q.pk] = {"choices": [0, 2], "text": "Wasserstoff"}
        else:
            answers[q.pk] = {"text": "Weiter so."}
    return answers


def form_data(survey, answers: dict, action="submit") -> dict:
    """The POST data of the respond form for `answers`."""
    data = {"action": action}
    for q in survey.questions.all():
        value = answers.get(q.pk, {})
        name = f"q{q.pk}"
        if q.kind == QuestionKind.SCALE and value.get("scale"):
            data[name] = str(value["scale"])
        elif q.kind == QuestionKind.SINGLE and value.get("choices"):
            data[name] = str(value["choices"][0])
        elif q.kind == QuestionKind.MULTIPLE and value.get("choices"):
            data[name] = [str(c) for c in value["choices"]]
        elif q.kind == QuestionKind.TEXT and value.get("text"):
            data[name] = value["text"]
        if q.allows_other and value.get("text"):
            data[f"{name}_other"] = value["text"]
    return data


@pytest.fixture
def mid_october(time_machine):
    """Tests do not depend on the day they run: it is 15 October 2026, 10:00 in Detmold."""
    time_machine.move_to(berlin(2026, 10, 15, 10, 0), tick=False)


@pytest.fixture
def survey(mid_october, coordinator):
    """The 2026 survey with the default questions, still a draft."""
    return make_survey(coordinator=coordinator)


@pytest.fixture
def open_survey(survey, rep_a, deputy_a, rep_b):
    """The 2026 survey open since 1 October, with rep A, deputy A and rep B invited."""
    open_with_recipients(survey, on=datetime.date(2026, 10, 1))
    survey.refresh_from_db()
    return survey


@pytest.fixture
def recipient_a(open_survey, rep_a):
    return open_survey.recipients.get(person=rep_a)


@pytest.fixture
def token_a(recipient_a):
    return services.link_create(recipient=recipient_a)
