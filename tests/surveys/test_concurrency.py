"""One answer per link, even when two submissions arrive at the same moment (two real connections)."""

import threading

import pytest
from django.db import connection

from surveys import services
from surveys.models import Answer, Response

from .conftest import full_answers

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_submissions_store_one_response(open_survey, recipient_a):
    answers = full_answers(open_survey)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(satisfaction):
        try:
            barrier.wait(timeout=10)
            services.response_submit(
                recipient_id=recipient_a.pk, answers=full_answers(open_survey, satisfaction=satisfaction)
            )
            outcomes.append("stored")
        except services.LinkUnusable as unusable:
            outcomes.append(unusable.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(value,)) for value in (1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["stored", "used"]
    assert Response.objects.filter(survey=open_survey).count() == 1
    assert Answer.objects.count() == len(answers)
    recipient_a.refresh_from_db()
    assert recipient_a.answered


def test_submissions_over_http_from_two_threads(open_survey, recipient_a, token_a):
    from django.test import Client

    from .conftest import form_data

    data = form_data(open_survey, full_answers(open_survey))
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        try:
            barrier.wait(timeout=10)
            statuses.append(Client().post(f"/survey/r/{token_a}/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # One is redirected to the thank-you page, the other sees "already answered"; never a 500.
    assert sorted(statuses) == [200, 302]
    assert Response.objects.filter(survey=open_survey).count() == 1
