"""Demo data for `seed_demo`: last year's survey closed with about 20 answers, this year's survey
open (or closed after 30 November) with some answers. Idempotent: a year that has a survey is
left alone.

The e-mails of the demo surveys are recorded as sent (shared delivery records), so that the beat
does not mail the demo people on its first tick. The demo logins of Detmold, Lemgo and Lügde have
not answered this year's survey: their dashboard offers it.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from meetings.enums import DeliveryKind, DeliveryStatus
from meetings.models import Delivery
from members.demo import COORDINATOR_EMAIL
from members.models import User

from . import dates, schedule, selectors, services
from .enums import QuestionKind, SurveyStatus
from .models import Survey

DEMO_LOGIN_MEMBERS = ("Detmold", "Lemgo", "Lügde")
# Most leave "other" empty.
OTHER_TOPICS = ["Kommunale Wärmeplanung mit den Stadtwerken", "Beschaffung von E-Fahrzeugen"] + [""] * 6
COMMENTS = [
    "Die Sitzungen sind gut vorbereitet, die Protokolle kommen schnell.",
    "Mehr Zeit für den Austausch zwischen den Kommunen wäre schön.",
    "Der Workshop zur Wärmeplanung war sehr hilfreich.",
    "Bitte Termine früher bekannt geben.",
    "Online-Teilnahme sollte immer möglich sein.",
    "",
    "",
]


def _answers(questions, rng: random.Random, *, mood: float) -> dict:
    """Plausible answers; `mood` shifts the scale values (last year a bit lower than this year)."""
    answers = {}
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            if not question.required and rng.random() < 0.2:
                continue  # e.g. did not attend a workshop
            value = round(rng.gauss(3.6 + mood, 0.9))
            answers[question.pk] = {"scale": min(max(value, 1), 5)}
        elif question.kind == QuestionKind.MULTIPLE:
            count = len(question.options_de)
            chosen = sorted(rng.sample(range(count), rng.randint(1, min(3, count))))
            answers[question.pk] = {"choices": chosen, "text": rng.choice(OTHER_TOPICS)}
        elif question.kind == QuestionKind.SINGLE:
            weights = [1] * len(question.options_de)
            weights[min(1, len(weights) - 1)] = 4  # most keep the quarterly meetings
            answers[question.pk] = {"choices": rng.choices(range(len(weights)), weights=weights)}
        else:
            answers[question.pk] = {"text": rng.choice(COMMENTS)}
    return answers


def _record_sent(survey: Survey, recipient, kind: str, variant: str, when: datetime.datetime) -> None:
    Delivery.objects.get_or_create(
        kind=kind,
        object_key=survey.object_key,
        variant=variant,
        email=recipient.email,
        defaults={
            "recipient": recipient.person,
            "status": DeliveryStatus.SENT,
            "attempts": 1,
            "last_attempt_at": when,
            "sent_at": when,
        },
    )


def _seed_survey(*, year: int, coordinator, answers: int, send_on, closes_on, mood: float) -> Survey:
    now = timezone.now()
    today = timezone.localdate()
    source = Survey.objects.filter(year__lt=year).order_by("-year").first()
    survey = services.survey_create(year=year, created_by=coordinator, copy_from=source)
    services.survey_update(survey=survey, send_on=send_on, closes_on=closes_on)
    survey.refresh_from_db()
    opened = schedule.send_moment(send_on)
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.OPEN, opened_at=opened)
    services.recipients_sync(survey=survey, on=send_on)
    survey.refresh_from_db()
    recipients = list(selectors.recipient_list(survey=survey))
    for recipient in recipients:
        _record_sent(survey, recipient, DeliveryKind.SURVEY_INVITATION, "", opened)
    survey.recipients.update(invited_on=send_on)

    rng = random.Random(year)
    questions = list(survey.questions.all())
    candidates = [
        r for r in recipients if not (r.organisation and r.organisation.short_name in DEMO_LOGIN_MEMBERS)
    ]
    responders = rng.sample(candidates, min(answers, len(candidates)))
    for recipient in responders:
        recipient.survey = survey
        cleaned = services.clean_answers(
            questions=questions, answers=_answers(questions, rng, mood=mood), require=True
        )
        services.response_record(recipient=recipient, cleaned=cleaned)
    answered = {r.pk for r in responders}
    for day, offset in dates.reminder_days(closes_on=closes_on, offsets=survey.reminder_offsets):
        moment = schedule.send_moment(day)
        if moment > now:
            continue
        for recipient in recipients:
            if recipient.pk not in answered:
                _record_sent(
                    survey,
                    recipient,
                    DeliveryKind.SURVEY_REMINDER,
                    selectors.reminder_variant(offset),
                    moment,
                )
    if closes_on < today:
        services.survey_close(
            survey_id=survey.pk, now=schedule.send_moment(closes_on + datetime.timedelta(days=1))
        )
    return survey


@transaction.atomic
def seed(stdout=None) -> list:
    coordinator = User.objects.filter(email__iexact=COORDINATOR_EMAIL).first()
    today = timezone.localdate()
    last_year = today.year - 1
    if not Survey.objects.filter(year=last_year).exists():
        _seed_survey(
            year=last_year,
            coordinator=coordinator,
            answers=20,
            send_on=dates.default_send_on(last_year),
            closes_on=dates.default_closes_on(last_year),
            mood=-0.3,
        )
    if not Survey.objects.filter(year=today.year).exists():
        send_on = dates.default_send_on(today.year)
        if send_on >= today:
            # Early in the year: the demo still shows a survey that is under way.
            send_on = today - datetime.timedelta(days=14)
        closes_on = max(dates.default_closes_on(today.year), send_on + datetime.timedelta(days=30))
        _seed_survey(
            year=today.year,
            coordinator=coordinator,
            answers=9,
            send_on=send_on,
            closes_on=closes_on,
            mood=0.1,
        )
    if stdout is not None:
        stdout.write(f"Surveys: {Survey.objects.count()}")
    return []
