"""The survey list (one survey a year) and a survey's recipients in pages: constant queries, page 2."""

import pytest
from django.urls import reverse

from surveys.enums import SurveyStatus
from surveys.models import Recipient, Survey
from surveys.views import RECIPIENTS_PER_PAGE, SURVEYS_PER_PAGE

from .conftest import make_survey

pytestmark = pytest.mark.django_db


def _closed_surveys(years):
    # The services create the first one with its default questions; the rest are copies by row.
    template = make_survey(year=years[0], status=SurveyStatus.CLOSED)
    Survey.objects.bulk_create(
        Survey(
            year=year,
            title_de=f"Feedback-Umfrage {year}",
            title_en=f"Feedback survey {year}",
            status=SurveyStatus.CLOSED,
            send_on=template.send_on.replace(year=year),
            closes_on=template.closes_on.replace(year=year),
        )
        for year in years[1:]
    )


def test_list_queries_do_not_grow_with_surveys(
    client, login, coordinator, mid_october, django_assert_num_queries
):
    make_survey(year=2026, coordinator=coordinator)
    login(coordinator)
    url = reverse("surveys:list")
    client.get(url)
    with django_assert_num_queries(5) as one:
        response = client.get(url)
    assert response.context["page"].paginator.count == 1
    _closed_surveys(list(range(2000, 2026)))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["surveys"]) == SURVEYS_PER_PAGE
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url, {"page": 2})


def test_page_two_lists_the_older_years(client, login, coordinator, mid_october):
    make_survey(year=2026, coordinator=coordinator)
    _closed_surveys(list(range(2000, 2026)))
    login(coordinator)
    first = client.get(reverse("surveys:list"))
    response = client.get(reverse("surveys:list"), {"page": 2})
    assert response.status_code == 200
    years = [row["survey"].year for row in response.context["surveys"]]
    assert years == list(range(2026 - SURVEYS_PER_PAGE, 1999, -1))
    assert "page=2" in first.text
    assert [row["survey"].year for row in first.context["surveys"]][0] == 2026


def _extra_recipients(survey, count):
    Recipient.objects.bulk_create(
        Recipient(survey=survey, email=f"extra{n:03d}@example.org", name=f"Extra {n:03d}", is_extra=True)
        for n in range(count)
    )


def test_recipient_list_queries_do_not_grow(
    client, login, coordinator, mid_october, django_assert_num_queries
):
    survey = make_survey(year=2026, coordinator=coordinator, status=SurveyStatus.OPEN)
    _extra_recipients(survey, 1)
    login(coordinator)
    url = reverse("surveys:recipients", args=[survey.pk])
    client.get(url)
    with django_assert_num_queries(6) as one:
        response = client.get(url)
    assert response.context["page"].paginator.count == 1
    Recipient.objects.bulk_create(
        Recipient(survey=survey, email=f"more{n:03d}@example.org", name=f"More {n:03d}", is_extra=True)
        for n in range(1, RECIPIENTS_PER_PAGE + 20)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["recipients"]) == RECIPIENTS_PER_PAGE
    with django_assert_num_queries(len(one.captured_queries)):
        second = client.get(url, {"page": 2})
    assert second.status_code == 200
    assert len(second.context["recipients"]) == 20
    first_page = {r.email for r in response.context["recipients"]}
    assert first_page.isdisjoint(r.email for r in second.context["recipients"])
    assert "page=2" in response.text
