"""How the year page and the PDF write dates and numbers in each language: chart day labels,
deviations of percentages in percentage points, survey means with one decimal, no doubled full stop."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from controlling.enums import Kpi
from tests.factories import KpiTargetFactory
from tests.factories.controlling import local
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

from .conftest import REPORT_YEAR, downloaded_pdf_text

pytestmark = pytest.mark.django_db


def _client_in(language, coordinator, login):
    coordinator.preferred_language = language
    coordinator.save()
    return login(coordinator)


def _chart_labels(content: str) -> list[str]:
    chart = re.search(
        r'<svg[^>]*aria-label="(?:Members represented|Vertretene Mitglieder)[^"]*".*?</svg>', content
    )
    return re.findall(r'text-anchor="middle">([^<]*)</text>', chart.group(0))


@pytest.mark.parametrize(
    ("language", "labels"), [("en", ["02/10", "05/12", "09/01"]), ("de", ["10.02.", "12.05.", "01.09."])]
)
def test_the_day_labels_of_the_members_chart_follow_the_language(
    language, labels, coordinator, year_data, login, in_q4
):
    content = _client_in(language, coordinator, login).get(reverse("controlling:year", args=[REPORT_YEAR]))
    # Each bar carries its value above and its day below; the days are the labels without a digit-only text.
    shown = [label for label in _chart_labels(content.content.decode()) if not label.isdigit()]
    assert shown == labels


@pytest.fixture
def survey_below_target(db):
    """3 of 8 invited answered (37.5 %, target 60 %); satisfaction 4, 4, 4 (mean 4, target 4.5)."""
    survey = SurveyFactory(year=REPORT_YEAR)
    satisfaction = QuestionFactory(
        survey=survey, is_satisfaction=True, text_de="Wie zufrieden?", text_en="How satisfied?"
    )
    for number in range(8):
        RecipientFactory(survey=survey, invited_on=datetime.date(REPORT_YEAR, 10, 1), answered=number < 3)
    for _number in range(3):
        AnswerFactory(response=ResponseFactory(survey=survey), question=satisfaction, scale_value=4)
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.SURVEY_RESPONSE_RATE, target=60)
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.SURVEY_SATISFACTION, target=Decimal("4.5"))
    return survey


def _kpi_row(content: str, label: str) -> str:
    return re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', content, re.S).group(1)


def test_the_deviation_of_the_response_rate_is_in_percentage_points(
    coordinator, survey_below_target, login, in_q4
):
    english = _client_in("en", coordinator, login)
    page = english.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()
    english_pdf = downloaded_pdf_text(english, "en")
    german = _client_in("de", coordinator, login)
    german_page = german.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()
    german_pdf = downloaded_pdf_text(german, "de")
    data = german.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()

    row = _kpi_row(page, "Survey response rate")
    assert "≥ 60 %" in row and "37.5 %" in row
    assert "−22.5 pp" in row and "−22.5 %" not in row
    assert "−22.5 pp" in english_pdf
    assert "−22,5 Pp." in _kpi_row(german_page, "Rücklaufquote der Umfrage")
    assert "−22,5 Pp." in german_pdf and "−22,5 %" not in german_pdf
    # The machine-readable figure stays the plain number.
    rate = next(row for row in data["targets"] if row["kpi"] == "survey_response_rate")
    assert (rate["deviation"], rate["unit"]) == (-22.5, "%")


def test_survey_means_have_one_decimal_on_the_page_and_in_the_pdf(
    coordinator, survey_below_target, login, in_q4
):
    english = _client_in("en", coordinator, login)
    page = english.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()
    section = english.get(reverse("controlling:section", args=[REPORT_YEAR, "survey"])).content.decode()
    pdf = downloaded_pdf_text(english, "en")
    german = downloaded_pdf_text(_client_in("de", coordinator, login), "de")

    # As on the survey's own results page: "4.0", never "4" next to "4.3".
    assert "Satisfaction (mean, 1–5): 4.0" in section
    assert ">4.0</td>" in _kpi_row(page, r"Satisfaction \(survey mean, 1–5\)")
    assert re.search(r"<td[^>]*>4\.0</td>\s*<td[^>]*>4\.0</td>", section)  # mean and median
    assert "satisfaction 4.0" in pdf
    assert "Q1 How satisfied? 3 4.0 4.0" in pdf
    assert "Zufriedenheit 4,0" in german


def test_the_frozen_note_has_no_doubled_full_stop_after_a_morning_time(coordinator, year_data, login):
    client = _client_in("en", coordinator, login)
    with time_machine.travel(local(REPORT_YEAR, 12, 6, 11, 10), tick=False):
        assert client.post(reverse("controlling:freeze", args=[REPORT_YEAR])).status_code == 302
        content = client.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()

    assert "11:10 a.m." in content
    assert "a.m.." not in content
    assert "frozen on Dec. 6, 2025, 11:10 a.m. is what you download above." in content


def test_the_frozen_note_in_german(coordinator, year_data, login):
    client = _client_in("de", coordinator, login)
    with time_machine.travel(local(REPORT_YEAR, 12, 6, 11, 10), tick=False):
        client.post(reverse("controlling:freeze", args=[REPORT_YEAR]))
        content = client.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()

    assert "das beim Festschreiben am 6. Dezember 2025 11:10 gespeichert wurde." in content
