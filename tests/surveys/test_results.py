"""Result arithmetic (count, mean, median, distribution), the threshold of three, and the exports."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from surveys import exports, selectors, services
from surveys.enums import QuestionKind
from surveys.models import Response

from .conftest import full_answers, make_survey, open_with_recipients, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_recipients(mid_october, member_a, member_b):
    from members.enums import MembershipRole
    from tests.factories import MembershipFactory, UserFactory

    people = []
    for index in range(6):
        person = UserFactory(full_name=f"Person {index}", email=f"p{index}@example.org")
        MembershipFactory(
            person=person,
            organisation=member_a if index < 4 else member_b,
            role=MembershipRole.REPRESENTATIVE if index % 2 == 0 else MembershipRole.DEPUTY,
        )
        people.append(person)
    return people


def submit(survey, recipient, answers):
    services.response_submit(recipient_id=recipient.pk, answers=answers)


def answers_with(survey, **by_kind):
    """Full answers, with some questions changed: scale=(satisfaction, meetings, workshops) etc."""
    answers = full_answers(survey)
    scales = list(survey.questions.filter(kind=QuestionKind.SCALE).order_by("position"))
    for q, value in zip(scales, by_kind.get("scales", ()), strict=False):
        if value is None:
            answers.pop(q.pk)
        else:
            answers[q.pk] = {"scale": value}
    if "topics" in by_kind:
        answers[question(survey, QuestionKind.MULTIPLE).pk] = by_kind["topics"]
    if "frequency" in by_kind:
        answers[question(survey, QuestionKind.SINGLE).pk] = {"choices": [by_kind["frequency"]]}
    if "comment" in by_kind:
        text_question = question(survey, QuestionKind.TEXT)
        if by_kind["comment"]:
            answers[text_question.pk] = {"text": by_kind["comment"]}
        else:
            answers.pop(text_question.pk)
    return answers


@pytest.fixture
def answered_survey(coordinator, many_recipients):
    survey = make_survey(coordinator=coordinator)
    recipients = open_with_recipients(survey, on=survey.send_on)
    submit(
        survey,
        recipients[0],
        answers_with(
            survey, scales=(5, 4, None), topics={"choices": [0, 1]}, frequency=1, comment="Sehr hilfreich."
        ),
    )
    submit(
        survey,
        recipients[1],
        answers_with(survey, scales=(2, 4, 3), topics={"choices": [1], "text": "=HYPERLINK(1)"}, frequency=1),
    )
    submit(
        survey,
        recipients[2],
        answers_with(
            survey, scales=(4, 1, 5), topics={"choices": [1, 7]}, frequency=3, comment="=1+1 ist zwei"
        ),
    )
    submit(survey, recipients[3], answers_with(survey, scales=(4, 2, None), frequency=0, comment="-1 Punkt"))
    return survey


def test_arithmetic(answered_survey, django_assert_num_queries):
    with django_assert_num_queries(4), translation.override("de"):
        results = selectors.survey_results(survey=answered_survey)
    assert results["invited"] == 6 and results["answered"] == 4 and results["response_rate"] == 4 / 6
    assert results["visible"]
    satisfaction, meetings, workshops, topics, frequency, comments = results["questions"]
    assert satisfaction["count"] == 4
    assert satisfaction["mean"] == 3.75
    assert satisfaction["median"] == 4.0
    assert satisfaction["distribution"] == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert satisfaction["scale_labels"][0] == (1, "sehr unzufrieden")
    assert meetings["mean"] == 11 / 4 and meetings["median"] == 3.0  # 1, 2, 4, 4
    assert workshops["count"] == 2 and workshops["mean"] == 4.0 and workshops["median"] == 4.0
    assert workshops["distribution"] == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert topics["count"] == 4  # the fourth chose the default topics [0, 2] with "Wasserstoff"
    counts = dict(topics["options"])
    assert counts["Kommunale Wärmeplanung"] == 2
    assert counts["Energiemanagement kommunaler Gebäude"] == 3
    assert counts["Quartierssanierung"] == 1
    assert counts["Öffentlichkeitsarbeit und Bürgerbeteiligung"] == 1
    assert sorted(text for text, _org in topics["other_texts"]) == ["=HYPERLINK(1)", "Wasserstoff"]
    assert [count for _label, count in frequency["options"]] == [1, 2, 0, 1]
    assert sorted(text for text, _org in comments["texts"]) == [
        "-1 Punkt",
        "=1+1 ist zwei",
        "Sehr hilfreich.",
        "Weiter so.",
    ]
    assert all(org is None for _text, org in comments["texts"])


def test_results_hidden_below_three_answers(coordinator, many_recipients, client, login):
    survey = make_survey(coordinator=coordinator)
    recipients = open_with_recipients(survey, on=survey.send_on)
    submit(survey, recipients[0], full_answers(survey, satisfaction=1))
    submit(survey, recipients[1], full_answers(survey, satisfaction=5))
    results = selectors.survey_results(survey=survey)
    assert not results["visible"] and results["questions"] == []
    assert results["answered"] == 2
    assert exports.response_table(survey=survey) is None
    login(coordinator)
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "damit niemand an seinen Antworten erkannt werden kann" in html
    assert "Mean" not in html and "Mittelwert" not in html
    response = client.get(reverse("surveys:export", args=[survey.pk, "csv"]))
    assert response.status_code == 302
    # The third answer makes them visible.
    submit(survey, recipients[2], full_answers(survey, satisfaction=3))
    assert selectors.survey_results(survey=survey)["visible"]


def test_results_page_shows_charts_and_numbers(answered_survey, client, login, coordinator):
    login(coordinator)
    with translation.override("en"):
        page = client.get(reverse("surveys:results", args=[answered_survey.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "3,8" in html or "3.8" in html  # 3.75 with one decimal, as everywhere survey means are shown
    assert "Sehr hilfreich." in html
    assert "66,7 %" in html or "66.7 %" in html


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        # Scale questions: 5, 2, 4, 4 · 4, 4, 1, 2 · 3, 5 (two left it out).
        ("en", ["3.8", "4.0", "2.8", "3.0", "4.0", "4.0"]),
        ("de", ["3,8", "4,0", "2,8", "3,0", "4,0", "4,0"]),
    ],
)
def test_means_and_medians_always_have_one_decimal(answered_survey, login, coordinator, language, shown):
    # Not "4" for one question and "3.75" for the next: as in the controlling report.
    coordinator.preferred_language = language
    coordinator.save()
    html = login(coordinator).get(reverse("surveys:results", args=[answered_survey.pk])).content.decode()
    assert re.findall(r'<dd class="col-6">([^<]*)</dd>', html) == shown


def test_csv_export(answered_survey, client, login, coordinator):
    login(coordinator)
    response = client.get(reverse("surveys:export", args=[answered_survey.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="feedback-survey-2026.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 5
    header = rows[0]
    assert header[0] in ("No.", "Nr.")
    assert len(header) == 1 + answered_survey.questions.count()
    satisfaction_column = [row[1] for row in rows[1:]]
    assert sorted(satisfaction_column) == ["2", "4", "4", "5"]
    cells = [cell for row in rows for cell in row]
    # A formula typed into a free text stays text in the spreadsheet.
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.endswith(": =HYPERLINK(1)") for cell in cells)
    assert "'-1 Punkt" in cells
    assert "'=1+1 ist zwei" in cells


def test_xlsx_export(answered_survey, client, login, coordinator):
    login(coordinator)
    response = client.get(reverse("surveys:export", args=[answered_survey.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert sorted(row[1] for row in rows[1:] if row[1] is not None) == [2, 4, 4, 5]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    values = [cell for row in rows for cell in row]
    assert "-1 Punkt" in values
    assert "=1+1 ist zwei" in values  # stored as text, not as a formula


def test_export_formats(answered_survey, client, login, coordinator):
    login(coordinator)
    assert client.get(f"/survey/{answered_survey.pk}/export.pdf").status_code == 404


def test_named_survey_per_member(coordinator, many_recipients, member_a, member_b):
    survey = make_survey(coordinator=coordinator, is_anonymous=False)
    recipients = open_with_recipients(survey, on=survey.send_on)
    detmold = [r for r in recipients if r.organisation == member_a]
    lemgo = [r for r in recipients if r.organisation == member_b]
    for recipient in detmold[:3]:
        submit(survey, recipient, full_answers(survey))
    submit(survey, lemgo[0], answers_with(survey, comment="Aus Lemgo."))
    results = selectors.survey_results(survey=survey)
    per_member = {row["organisation__name"]: row for row in results["per_member"]}
    assert per_member["Stadt Detmold"]["invited"] == 4
    assert per_member["Stadt Detmold"]["answered"] == 3
    assert per_member["Stadt Detmold"]["response_rate"] == 0.75
    assert per_member["Stadt Lemgo"]["response_rate"] == 0.5
    comments = results["questions"][-1]["texts"]
    assert ("Aus Lemgo.", "Stadt Lemgo") in comments
    with translation.override("en"):
        table = exports.response_table(survey=survey)
    assert table["header"][1:3] == ["Member", "Respondent"]
    assert {row[1] for row in table["rows"]} == {"Stadt Detmold", "Stadt Lemgo"}
    assert Response.objects.filter(survey=survey, organisation=member_a).count() == 3


def test_results_query_count_does_not_grow(coordinator, many_recipients, django_assert_num_queries):
    survey = make_survey(coordinator=coordinator, is_anonymous=False)
    recipients = open_with_recipients(survey, on=survey.send_on)
    for recipient in recipients[:3]:
        submit(survey, recipient, full_answers(survey))
    with django_assert_num_queries(5):
        selectors.survey_results(survey=survey)
    for recipient in recipients[3:]:
        submit(survey, recipient, full_answers(survey))
    with django_assert_num_queries(5):
        selectors.survey_results(survey=survey)
    with django_assert_num_queries(3):
        exports.response_table(survey=survey)
