"""No hidden PostgreSQL row data (transaction id, physical place) ties a response to a person.

Runs with real transactions: each submission commits on its own, as in production.
"""

import pytest
from django.db import connection
from django.utils import timezone

from surveys import services, tasks
from surveys.models import Answer, Recipient, Response

from .conftest import full_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _xmin_links(survey) -> list:
    """Recipients whose row was written by the same transaction as a response of the survey."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.email FROM {Recipient._meta.db_table} r "
            f"JOIN {Response._meta.db_table} s ON s.xmin = r.xmin "
            "WHERE r.survey_id = %s AND s.survey_id = %s",
            [survey.pk, survey.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def _response_transactions(survey) -> set:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {Response._meta.db_table} WHERE survey_id = %s", [survey.pk])
        return {row[0] for row in cursor.fetchall()}


def _answers(survey) -> list:
    return sorted(
        (a.question_id, a.scale_value, tuple(a.choices), a.text)
        for a in Answer.objects.filter(response__survey=survey)
    )


def test_the_schedule_tick_breaks_the_transaction_id_link(open_survey, rep_a, deputy_a, rep_b):
    recipients = list(open_survey.recipients.filter(person__in=[rep_a, deputy_a, rep_b]))
    for satisfaction, recipient in enumerate(recipients, start=2):
        services.response_submit(
            recipient_id=recipient.pk, answers=full_answers(open_survey, satisfaction=satisfaction)
        )
    # Right after submitting, each response shares its transaction id with the recipient row.
    assert sorted(_xmin_links(open_survey)) == sorted(r.email for r in recipients)
    before = _answers(open_survey)

    tasks.run_schedule()

    assert _xmin_links(open_survey) == []
    assert len(_response_transactions(open_survey)) == 1
    assert _answers(open_survey) == before
    assert Response.objects.filter(survey=open_survey).count() == 3


def test_closing_rewrites_the_responses_too(open_survey, recipient_a):
    services.response_submit(recipient_id=recipient_a.pk, answers=full_answers(open_survey))
    assert _xmin_links(open_survey) == [recipient_a.email]
    services.survey_close(survey_id=open_survey.pk, now=timezone.now())
    assert _xmin_links(open_survey) == []


def test_shuffle_of_a_survey_without_responses_does_nothing(open_survey):
    assert services.responses_shuffle(survey_id=open_survey.pk) == 0
