"""The survey's demo data: last year closed with about 20 answers, this year open with some."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from members import demo as member_demo
from surveys import demo
from surveys.enums import SurveyStatus
from surveys.models import Answer, Recipient, Response, Survey
from surveys.selectors import controlling_survey
from surveys.tasks import run_schedule

from .conftest import berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    call_command("seed_alliance", stdout=None)
    member_demo.seed()


@time_machine.travel(berlin(2026, 11, 25, 9, 0), tick=False)
def test_seed_is_idempotent_and_plausible(alliance):
    demo.seed()
    counts = (
        Survey.objects.count(),
        Recipient.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
    )
    demo.seed()
    assert (
        Survey.objects.count(),
        Recipient.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
    ) == (counts)

    last = Survey.objects.get(year=2025)
    assert last.status == SurveyStatus.CLOSED
    assert Response.objects.filter(survey=last).count() == 20
    this = Survey.objects.get(year=2026)
    assert this.status == SurveyStatus.OPEN
    assert this.send_on == datetime.date(2026, 10, 1) and this.closes_on == datetime.date(2026, 11, 30)
    assert 3 <= Response.objects.filter(survey=this).count() < this.recipients.count()

    report = controlling_survey(year=2025)
    assert report["answered"] == 20 and report["results_visible"]
    assert 1 <= report["satisfaction_mean"] <= 5

    # The demo people of Detmold have not answered: their dashboard offers the survey.
    assert not this.recipients.filter(organisation__short_name="Detmold", answered=True).exists()

    # The beat's first tick does not mail the demo people what they already "received".
    run_schedule.apply()
    assert mail.outbox == []


@time_machine.travel(berlin(2026, 3, 10, 9, 0), tick=False)
def test_seed_early_in_the_year_shows_a_survey_under_way(alliance):
    demo.seed()
    this = Survey.objects.get(year=2026)
    assert this.send_on < datetime.date(2026, 3, 10) < this.closes_on
    assert this.status == SurveyStatus.OPEN
