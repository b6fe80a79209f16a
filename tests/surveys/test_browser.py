"""The survey in a real Chromium: answered with the keyboard from the e-mail link, without
JavaScript, and the coordinator's pages checked with axe-core (WCAG 2.1 AA)."""

# The browser harness's fixtures are imported by name, and tests take them as arguments.
# ruff: noqa: F811

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from surveys import services
from surveys.enums import QuestionKind
from surveys.models import Recipient, Response
from surveys.tasks import run_schedule
from tests.browser.axe import serious_violations
from tests.browser.conftest import (  # noqa: F401 - fixtures of the browser harness
    _django_async_unsafe,
    _links_point_at_the_live_server,
    browser,
    open_page,
    page,
)
from tests.browser.helpers import sign_in, tr
from tests.browser.test_accessibility import UNLABELLED_FIELDS_JS

from .conftest import full_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_survey(coordinator, rep_a, deputy_a, rep_b):
    """This year's survey, sent a week ago by the beat task (e-mails in mail.outbox)."""
    today = timezone.localdate()
    survey = services.survey_create(year=today.year, created_by=coordinator)
    services.survey_update(
        survey=survey,
        send_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=7),
        reminder_offsets=[3],
    )
    services.survey_schedule(survey=survey)
    run_schedule.apply()
    survey.refresh_from_db()
    return survey


def survey_link(person) -> str:
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    return re.search(r"https?://\S+/survey/r/[A-Za-z0-9_-]{43}/", message.body).group(0)


def page_problems(page) -> dict:
    found = {
        "axe": serious_violations(page),
        "unlabelled fields": page.evaluate(UNLABELLED_FIELDS_JS),
        "h1 count other than 1": page.locator("h1").count() != 1,
    }
    return {kind: value for kind, value in found.items() if value}


def test_answered_with_the_keyboard_from_the_email(page, live_survey, rep_a):
    satisfaction = live_survey.questions.get(kind=QuestionKind.SCALE, is_satisfaction=True)
    page.goto(survey_link(rep_a))
    assert page_problems(page) == {}
    page.steps.step("form")

    # Submitting without the required answer: the error summary is announced and focused.
    submit = page.get_by_role("button", name=tr("de", "Submit answers"), exact=True)
    submit.focus()
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    assert tr("de", "Please answer this question.") in alert.inner_text()
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "alert"
    assert page_problems(page) == {}
    page.steps.step("errors")

    # The summary's link puts the focus on the question; arrow keys choose the value.
    alert.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == f"id_q{satisfaction.pk}_0"
    description = page.evaluate(
        "(el) => document.getElementById(el.getAttribute('aria-describedby')).textContent",
        page.locator(f"#id_q{satisfaction.pk}_0").element_handle(),
    )
    assert tr("de", "Please answer this question.") in description
    for _press in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator(f"#id_q{satisfaction.pk}_3").is_checked()

    # Enter in the form presses its first button: the draft is saved, nothing submitted.
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(
        has_text=tr("de", "Your draft was saved. You can change it until you submit.")
    ).wait_for()
    recipient = Recipient.objects.get(survey=live_survey, person=rep_a)
    assert recipient.draft[str(satisfaction.pk)] == {"scale": 4}
    assert not Response.objects.exists()
    assert page.locator(f"#id_q{satisfaction.pk}_3").is_checked()

    page.get_by_role("button", name=tr("de", "Submit answers"), exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=tr("de", "Thank you for your answers!")).wait_for()
    recipient.refresh_from_db()
    assert recipient.answered and recipient.draft == {}
    assert Response.objects.get().answers.get(question=satisfaction).scale_value == 4


def test_form_works_without_javascript(open_page, live_survey, deputy_a):
    page = open_page("no-js", java_script_enabled=False)
    page.goto(survey_link(deputy_a))
    page.get_by_label(re.compile(r"^5 – sehr zufrieden$")).check()
    page.get_by_role("button", name=tr("de", "Submit answers"), exact=True).click()
    page.get_by_role("heading", name=tr("de", "Thank you for your answers!")).wait_for()
    assert Response.objects.count() == 1


def test_coordinator_pages_have_no_serious_accessibility_violations(
    page, live_survey, coordinator, rep_a, deputy_a, rep_b
):
    for person in (rep_a, deputy_a, rep_b):
        recipient = Recipient.objects.get(survey=live_survey, person=person)
        services.response_submit(recipient_id=recipient.pk, answers=full_answers(live_survey))
    sign_in(page, coordinator)
    pk = live_survey.pk
    question = live_survey.questions.first()
    problems = {}
    for address in [
        "/survey/",
        "/survey/new/",
        f"/survey/{pk}/",
        f"/survey/{pk}/settings/",
        f"/survey/{pk}/questions/",
        f"/survey/{pk}/questions/{question.pk}/",
        f"/survey/{pk}/recipients/",
        f"/survey/{pk}/results/",
        f"/survey/{pk}/preview/",
        "/",
    ]:
        response = page.goto(address)
        assert response.status == 200, address
        page.steps.step(address.strip("/").replace("/", "-") or "dashboard")
        found = page_problems(page)
        if found:
            problems[address] = found
    assert problems == {}
