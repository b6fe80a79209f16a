"""The report's outputs: JSON keys and numbers, PDF text and fonts, CSV, the management command."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from controlling import outputs, selectors, services
from controlling.enums import Kpi
from controlling.models import KpiTarget
from projects import services as project_services
from tests.factories import KpiTargetFactory, UserFactory, YearReviewFactory
from tests.factories.controlling import attend, controlling_meeting, local
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory, ProjectFactory
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

from .conftest import REPORT_YEAR, downloaded_pdf_text, pdf_text

pytestmark = pytest.mark.django_db

REQUIRED_KEYS = {
    "year",
    "meetings_held",
    "meetings_by_kind",
    "meetings_cancelled",
    "participants_total",
    "participants_per_meeting",
    "unique_participants",
    "members_represented_per_meeting",
    "members_represented_in_year",
    "member_attendance",
    "meetings",
    "projects",
    "survey",
    "targets",
}


@pytest.fixture
def report_data(year_data, luegde, rep_b):
    """The edge-case year plus a member with an umlaut, a target and the assessment."""
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD, target=4, comment="Quartalsweise")
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.PARTICIPANTS_PER_MEETING, target=3)
    YearReviewFactory(year=REPORT_YEAR)
    return year_data


def test_json_has_the_documented_keys_and_unrounded_numbers(coordinator, report_data, login, in_q4):
    response = login(coordinator).get(reverse("controlling:report_json", args=[REPORT_YEAR]))

    data = response.json()
    assert set(data) >= REQUIRED_KEYS
    assert data["year"] == REPORT_YEAR
    assert data["meetings_held"] == 3
    assert data["meetings_by_kind"] == {"meeting": 2, "workshop": 1}
    assert data["meetings_cancelled"] == 1
    assert data["participants_total"] == 7
    assert data["participants_per_meeting"] == {"mean": 3.5, "min": 2, "max": 5}
    assert data["members_represented_per_meeting"] == {"mean": 1.5, "min": 1, "max": 2}
    assert data["members_represented_in_year"] == 2
    assert data["meetings_without_attendance"] == 1
    assert [m["title"] for m in data["planned"]] == ["Jahresabschluss"]
    assert {"organisation", "meetings_attended", "rate"} <= set(data["member_attendance"][0])
    assert [m["organisation"] for m in data["member_attendance"]] == [
        "Stadt Detmold",
        "Stadt Lemgo",
        "Stadt Lügde",
    ]
    assert {"date", "kind", "title", "participants", "members_represented"} <= set(data["meetings"][0])
    assert data["meetings"][0]["date"] == "2025-02-10"
    target = next(t for t in data["targets"] if t["kpi"] == "participants_per_meeting")
    assert {"kpi", "target", "actual", "deviation", "status"} <= set(target)
    assert (target["target"], target["actual"], target["deviation"], target["status"]) == (
        3.0,
        3.5,
        0.5,
        "green",
    )
    assert data["frozen"] is False


def test_members_mean_stays_unrounded_in_json(coordinator, member_a, member_b, rep_a, rep_b, login, in_q4):
    for day, people in (
        (1, [(rep_a, member_a)]),
        (2, [(rep_a, member_a)]),
        (3, [(rep_a, member_a), (rep_b, member_b)]),
    ):
        meeting = controlling_meeting(start=local(REPORT_YEAR, 3, day))
        for person, org in people:
            attend(meeting, person, org)

    data = login(coordinator).get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()

    assert data["members_represented_per_meeting"]["mean"] == pytest.approx(4 / 3)
    assert data["participants_per_meeting"]["mean"] == pytest.approx(4 / 3)


def test_german_pdf_text(coordinator, report_data, login, in_q4):
    response = login(coordinator).get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=de")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Erfolgscontrolling 2025" in text
    assert "Regionalbündnis 2050 – Klimazukunft Lippe" in text
    assert "Kreis Lippe – Masterplanmanagement" in text
    assert "3 Treffen durchgeführt" in text
    assert "Mittelwert 3,5" in text  # participants per meeting with a decimal comma
    assert "Stadt Lügde" in text
    assert "Workshop Wärmeplanung" in text
    assert "Noch keine Anwesenheit erfasst" in text
    assert "Jörg Wechsler (Stadt Lemgo)" in text  # annex: attendance lists
    assert "Quartalsweise" in text
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    assert f"1 / {pages}" in text and f"{pages} / {pages}" in text


def test_english_pdf_by_parameter(coordinator, report_data, login, in_q4):
    response = login(coordinator).get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=en")

    text = pdf_text(response.content)
    assert "Success controlling 2025" in text
    assert "3 meetings held" in text
    assert "mean 3.5" in text
    assert "Stadt Lügde" in text


def test_pdf_embeds_its_fonts(report_data, in_q4):
    content = outputs.report_pdf(selectors.controlling_report(year=REPORT_YEAR), language="de")

    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts
    assert all(fonts.values())
    assert any("DejaVu" in name for name in fonts)


def test_a_table_row_is_never_split_across_pages(report_data, in_q4):
    """Long reasons make the key-figure table cross a page; each row then moves whole, so a key
    figure's target, actual value and reason stay on one page with its name."""
    filler = " ".join(["Begründung"] * 45)
    for number, kpi in enumerate(Kpi.values):
        KpiTarget.objects.update_or_create(
            year=REPORT_YEAR,
            kpi=kpi,
            defaults={"target": 4, "comment": f"Anfang{number} {filler} Ende{number}"},
        )

    content = outputs.report_pdf(selectors.controlling_report(year=REPORT_YEAR), language="de")

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    page_of = {word: index for index, text in enumerate(pages) for word in text.split()}
    rows = range(len(Kpi.values))
    assert all(page_of[f"Anfang{number}"] == page_of[f"Ende{number}"] for number in rows)
    assert len({page_of[f"Anfang{number}"] for number in rows}) > 1  # the table does cross a page


def test_empty_year_renders_without_errors(coordinator, member_a, login, in_q4):
    data = login(coordinator).get(reverse("controlling:report_json", args=[2017])).json()
    assert data["meetings_held"] == 0
    assert data["participants_per_meeting"] == {"mean": None, "min": None, "max": None}

    response = login(coordinator).get(reverse("controlling:report_pdf", args=[2017]))
    assert "Erfolgscontrolling 2017" in pdf_text(response.content)
    assert login(coordinator).get(reverse("controlling:year", args=[2017])).status_code == 200


def test_command_writes_json_csv_and_pdf(report_data, tmp_path, in_q4):
    json_file, csv_file, pdf_file = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.pdf"

    call_command("controlling_report", year=REPORT_YEAR, output_format="json", output=str(json_file))
    call_command("controlling_report", "--year", str(REPORT_YEAR), "--format", "csv", "-o", str(csv_file))
    call_command(
        "controlling_report",
        "--year",
        str(REPORT_YEAR),
        "--format",
        "pdf",
        "-o",
        str(pdf_file),
        "--lang",
        "de",
    )

    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert set(data) >= REQUIRED_KEYS
    assert data["participants_per_meeting"]["mean"] == 3.5
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    values = {(r["section"], r["item"], r["measure"]): r["value"] for r in rows}
    assert values[("summary", "", "meetings_held")] == "3"
    assert values[("summary", "", "participants_per_meeting_mean")] == "3.5"
    assert values[("member_attendance", "Stadt Lügde", "meetings_attended")] == "0"
    assert values[("target", "meetings_held", "status")] == "red"
    assert pdf_file.read_bytes().startswith(b"%PDF")
    assert "Mittelwert 3,5" in pdf_text(pdf_file.read_bytes())


def test_command_json_to_stdout(report_data, in_q4):
    out = io.StringIO()
    call_command("controlling_report", year=REPORT_YEAR, stdout=out)
    assert json.loads(out.getvalue())["meetings_held"] == 3


def _meetings(count, member_a, member_b):
    people = UserFactory.create_batch(40)
    for number in range(count):
        meeting = controlling_meeting(start=local(REPORT_YEAR, 1 + number % 10, 1 + number))
        for index, person in enumerate(people):
            attend(meeting, person, member_a if index % 2 else member_b)


def test_report_takes_a_constant_number_of_queries(member_a, member_b, in_q4):
    def count():
        with CaptureQueriesContext(connection) as queries:
            selectors.controlling_report(year=REPORT_YEAR)
        return len(queries)

    _meetings(1, member_a, member_b)
    few = count()
    _meetings(11, member_a, member_b)
    many = count()

    assert few == many


def test_joint_projects_and_their_indicators_are_in_the_report(coordinator, member_a, luegde, login, in_q4):
    project = ProjectFactory(
        title="Stadtradeln Lippe",
        lead_organisation=luegde,
        start=datetime.date(REPORT_YEAR, 5, 1),
        participants=[member_a, luegde],
    )
    indicator = IndicatorFactory(project=project, name="Geradelte Kilometer", unit="km")
    IndicatorValueFactory(
        indicator=indicator, year=REPORT_YEAR, target=Decimal("1000000"), actual=Decimal("1067931.5")
    )
    client = login(coordinator)

    data = client.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()
    text = pdf_text(client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=de").content)

    assert (data["projects"]["running"], data["projects"]["started"]) == (1, 1)
    listed = data["projects"]["projects"][0]
    assert (listed["title"], listed["lead"], listed["participants"]) == (
        "Stadtradeln Lippe",
        "Stadt Lügde",
        2,
    )
    assert listed["indicators"][0]["actual"] == 1067931.5
    assert listed["indicators"][0]["status"] == "green"
    assert "Stadtradeln Lippe" in text
    assert "Federführung: Stadt Lügde" in text
    assert "Geradelte Kilometer" in text
    assert "1.067.931,5 km" in text


@pytest.fixture
def survey_2025(db):
    survey = SurveyFactory(year=REPORT_YEAR)
    satisfaction = QuestionFactory(
        survey=survey,
        is_satisfaction=True,
        text_de="Wie zufrieden sind Sie mit dem Regionalbündnis?",
        text_en="How satisfied are you with the alliance?",
    )
    for number in range(4):
        RecipientFactory(survey=survey, invited_on=datetime.date(REPORT_YEAR, 10, 1), answered=number < 3)
    for value in (4, 5, 3):
        AnswerFactory(response=ResponseFactory(survey=survey), question=satisfaction, scale_value=value)
    for kpi, target in ((Kpi.SURVEY_RESPONSE_RATE, 60), (Kpi.SURVEY_SATISFACTION, Decimal("4.5"))):
        KpiTargetFactory(year=REPORT_YEAR, kpi=kpi, target=target)
    return survey


def test_survey_results_and_their_targets(coordinator, member_a, survey_2025, login, in_q4):
    client = login(coordinator)

    data = client.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()
    german = pdf_text(client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=de").content)
    english = pdf_text(client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=en").content)

    assert (data["survey"]["invited"], data["survey"]["answered"]) == (4, 3)
    assert data["survey"]["response_rate"] == 0.75
    assert data["survey"]["satisfaction_mean"] == 4.0
    targets = {row["kpi"]: row for row in data["targets"]}
    assert (targets["survey_response_rate"]["actual"], targets["survey_response_rate"]["status"]) == (
        75.0,
        "green",
    )
    assert (targets["survey_satisfaction"]["deviation"], targets["survey_satisfaction"]["status"]) == (
        -0.5,
        "red",
    )
    assert "Rücklaufquote 75 %" in german
    assert "Wie zufrieden sind Sie mit dem Regionalbündnis?" in german
    assert "How satisfied are you with the alliance?" in english


# Besides the documented keys: what the page, PDF and freezing need, also machine-readable.
FURTHER_KEYS = {
    "meetings_planned",
    "meetings_without_attendance",
    "meetings_with_attendance",
    "member_count",
    "planned",
    "cancelled",
    "assessment",
    "work_programme",
    "history",
    "generated_at",
    "language",
    "frozen",
    "frozen_at",
}


def test_json_full_key_set(coordinator, report_data, survey_2025, login, in_q4):
    data = login(coordinator).get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()

    assert set(data) == REQUIRED_KEYS | FURTHER_KEYS
    assert set(data["meetings_by_kind"]) == {"meeting", "workshop"}
    for key in ("participants_per_meeting", "members_represented_per_meeting"):
        assert set(data[key]) == {"mean", "min", "max"}
    assert all(set(row) == {"organisation", "meetings_attended", "rate"} for row in data["member_attendance"])
    assert len(data["member_attendance"]) == data["member_count"] == 3
    for row in data["meetings"]:
        assert set(row) == {
            "id",
            "date",
            "kind",
            "title",
            "participants",
            "members_represented",
            "attendance_recorded",
            "attendees",
        }
    assert [row["kpi"] for row in data["targets"]] == list(Kpi.values)
    for row in data["targets"]:
        assert set(row) == {
            "kpi",
            "target",
            "actual",
            "deviation",
            "status",
            "direction",
            "tolerance_percent",
            "unit",
            "comment",
        }
    assert set(data["projects"]) == {"running", "started", "completed", "projects"}
    assert {"invited", "answered", "response_rate", "questions"} <= set(data["survey"])
    assert all({"text", "kind", "count", "mean"} <= set(q) for q in data["survey"]["questions"])
    # The meeting without a list is there, flagged, with no numbers (not 0).
    unrecorded = data["meetings"][2]
    assert (unrecorded["attendance_recorded"], unrecorded["participants"]) == (False, None)


@pytest.fixture
def thirds(member_a, member_b, rep_a, rep_b, deputy_a):
    """Three meetings: 1, 2 and 2 people from 1, 1 and 2 members, so the means are 5/3 and 4/3."""
    for day, people in (
        (1, [(rep_a, member_a)]),
        (2, [(rep_a, member_a), (deputy_a, member_a)]),
        (3, [(rep_a, member_a), (rep_b, member_b)]),
    ):
        meeting = controlling_meeting(start=local(REPORT_YEAR, 3, day))
        for person, org in people:
            attend(meeting, person, org)


def test_json_is_unrounded_while_page_and_pdf_show_one_decimal(coordinator, thirds, login, in_q4):
    client = login(coordinator)

    data = client.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()
    page = client.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()
    german = pdf_text(
        client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "de"}).content
    )
    english = pdf_text(
        client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "en"}).content
    )

    assert data["participants_per_meeting"]["mean"] == 5 / 3
    assert data["members_represented_per_meeting"]["mean"] == 4 / 3
    assert "Mittelwert 1,7 (min. 1, max. 2)" in page
    assert "Mittelwert 1,3 (min. 1, max. 2)" in page
    assert "1,66" not in page and "1,33" not in page
    assert "Teilnehmende je Treffen: Mittelwert 1,7, min. 1, max. 2" in german
    assert "(von 2): Mittelwert 1,3, min. 1, max. 2" in german
    assert "Participants per meeting: mean 1.7, min. 1, max. 2" in english
    assert "(of 2): mean 1.3, min. 1, max. 2" in english


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2015", "--format", "json"], "No report for 2015"),
        (["--year", "2200", "--format", "csv"], "No report for 2200"),
        (["--year", "zwanzig"], "argument --year: invalid int value: 'zwanzig'"),
        (["--year", "2025", "--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
        (["--year", "2025", "--format", "pdf"], "A PDF needs a file: -o report.pdf"),
        (["--format", "json"], "the following arguments are required: --year"),
    ],
)
def test_command_refuses_bad_arguments_clearly(arguments, message, db, in_q4, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("controlling_report", *arguments)

    assert message in str(error.value)
    assert not any(tmp_path.iterdir())


def test_command_writes_the_frozen_report_unless_live(coordinator, report_data, member_a, tmp_path, in_q4):
    frozen = services.report_freeze(year=REPORT_YEAR, user=coordinator)
    report_data["may"].attendances.create(
        person=UserFactory(full_name="Nachträglich Erfasst"), organisation=member_a, present=True
    )
    files = {name: tmp_path / name for name in ("final.json", "final.csv", "final.pdf", "live.json")}

    call_command("controlling_report", "--year", "2025", "--format", "json", "-o", str(files["final.json"]))
    call_command("controlling_report", "--year", "2025", "--format", "csv", "-o", str(files["final.csv"]))
    call_command(
        "controlling_report",
        "--year",
        "2025",
        "--format",
        "pdf",
        "--lang",
        "en",
        "-o",
        str(files["final.pdf"]),
    )
    call_command("controlling_report", "--year", "2025", "--live", "-o", str(files["live.json"]))

    final = json.loads(files["final.json"].read_text(encoding="utf-8"))
    assert (final["participants_total"], final["frozen"]) == (7, True)
    rows = list(csv.DictReader(files["final.csv"].read_text(encoding="utf-8-sig").splitlines()))
    assert {"section": "summary", "item": "", "measure": "participants_total", "value": "7"} in rows
    assert files["final.pdf"].read_bytes() == frozen.pdf("en")
    live = json.loads(files["live.json"].read_text(encoding="utf-8"))
    assert (live["participants_total"], live["frozen"]) == (8, False)


def test_projects_running_started_and_completed_in_the_year(coordinator, member_a, luegde, login, in_q4):
    ProjectFactory(title="Energiemanagement", lead_organisation=luegde, start=datetime.date(2020, 1, 1))
    ProjectFactory(
        title="Quartierssanierung", lead_organisation=member_a, start=datetime.date(REPORT_YEAR, 3, 1)
    )
    finished = ProjectFactory(title="Stadtradeln", lead_organisation=luegde, start=datetime.date(2021, 5, 1))
    project_services.project_change_status(
        project=finished,
        status="completed",
        reason="Kampagne beendet",
        changed_by=coordinator,
        changed_on=datetime.date(REPORT_YEAR, 6, 30),
    )
    earlier = ProjectFactory(title="Altprojekt", lead_organisation=member_a, start=datetime.date(2019, 1, 1))
    project_services.project_change_status(
        project=earlier,
        status="completed",
        reason="Erledigt",
        changed_by=coordinator,
        changed_on=datetime.date(REPORT_YEAR - 1, 12, 31),
    )
    client = login(coordinator)

    projects = client.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()["projects"]
    german = pdf_text(
        client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "de"}).content
    )
    english = pdf_text(
        client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "en"}).content
    )

    assert (projects["running"], projects["started"], projects["completed"]) == (2, 1, 1)
    assert [(p["title"], p["status"]) for p in projects["projects"]] == [
        ("Energiemanagement", "running"),
        ("Quartierssanierung", "running"),
        ("Stadtradeln", "completed"),
    ]
    assert "Gemeinsame Projekte: 2 laufend, 1 begonnen, 1 abgeschlossen" in german
    assert "Status: Abgeschlossen · Federführung: Stadt Lügde" in german
    assert "Altprojekt" not in german
    assert "Joint projects: 2 running, 1 started, 1 completed" in english
    assert "Status: Completed" in english


def test_survey_mean_per_scale_question(coordinator, member_a, login, in_q4):
    survey = SurveyFactory(year=REPORT_YEAR)
    useful = QuestionFactory(
        survey=survey,
        position=1,
        text_de="Wie nützlich sind die Treffen?",
        text_en="How useful are the meetings?",
    )
    climate = QuestionFactory(
        survey=survey, position=2, text_de="Wie gut gelingt der Klimaschutz?", text_en="How well does it go?"
    )
    wishes = QuestionFactory(
        survey=survey, position=3, kind="text", text_de="Themenwünsche für 2026", text_en="Topics for 2026"
    )
    for useful_value, climate_value, wish in ((4, 2, "Wärmeplanung"), (4, 3, "Radverkehr"), (5, 3, "")):
        response = ResponseFactory(survey=survey)
        AnswerFactory(response=response, question=useful, scale_value=useful_value)
        AnswerFactory(response=response, question=climate, scale_value=climate_value)
        if wish:
            AnswerFactory(response=response, question=wishes, text=wish)
    for number in range(5):
        RecipientFactory(survey=survey, invited_on=datetime.date(REPORT_YEAR, 10, 1), answered=number < 3)
    client = login(coordinator)

    survey_data = client.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()["survey"]
    german = downloaded_pdf_text(client, "de")
    english = downloaded_pdf_text(client, "en")

    assert (survey_data["invited"], survey_data["answered"], survey_data["response_rate"]) == (5, 3, 0.6)
    means = {q["text"]: q["mean"] for q in survey_data["questions"]}
    assert means == {
        "Wie nützlich sind die Treffen?": pytest.approx(13 / 3),
        "Wie gut gelingt der Klimaschutz?": pytest.approx(8 / 3),
        "Themenwünsche für 2026": None,
    }
    assert "Rücklaufquote: 60 %" in german
    assert "F1 Wie nützlich sind die Treffen? 3 4,3 4,0" in german
    assert "F2 Wie gut gelingt der Klimaschutz? 3 2,7 3,0" in german
    assert "Q1 How useful are the meetings? 3 4.3 4.0" in english
