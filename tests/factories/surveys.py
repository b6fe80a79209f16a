import datetime

import factory
from factory.django import DjangoModelFactory

from surveys.enums import QuestionKind, SurveyStatus
from surveys.models import Answer, Question, Recipient, Response, Survey


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey
        django_get_or_create = ("year",)

    year = 2026
    title_de = factory.LazyAttribute(lambda s: f"Feedback-Umfrage {s.year}")
    title_en = factory.LazyAttribute(lambda s: f"Feedback survey {s.year}")
    status = SurveyStatus.DRAFT
    send_on = factory.LazyAttribute(lambda s: datetime.date(s.year, 10, 1))
    closes_on = factory.LazyAttribute(lambda s: datetime.date(s.year, 11, 30))
    reminder_offsets = factory.LazyFunction(lambda: [14, 3])


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.SCALE
    text_de = factory.Sequence(lambda n: f"Frage {n}")
    text_en = factory.Sequence(lambda n: f"Question {n}")
    scale_labels_de = factory.LazyFunction(lambda: ["sehr schlecht", "schlecht", "mittel", "gut", "sehr gut"])
    scale_labels_en = factory.LazyFunction(lambda: ["very poor", "poor", "fair", "good", "very good"])


class RecipientFactory(DjangoModelFactory):
    class Meta:
        model = Recipient

    survey = factory.SubFactory(SurveyFactory)
    email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    name = factory.Sequence(lambda n: f"Recipient {n}")


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
