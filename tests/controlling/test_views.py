"""The controlling pages: who may see them, the target and assessment forms, the dashboard card."""

import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from controlling import selectors, services
from controlling.dashboard import dashboard_sections
from controlling.enums import Kpi
from controlling.models import KpiTarget, YearReview
from members.models import User
from tests.factories import KpiTargetFactory, OrganisationFactory, UserFactory, YearReviewFactory
from tests.factories.controlling import attend, controlling_meeting, local
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory, ProjectFactory
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

from .conftest import REPORT_YEAR

pytestmark = pytest.mark.django_db

READ_URLS = [
    ("controlling:index", []),
    ("controlling:year", [REPORT_YEAR]),
    ("controlling:section", [REPORT_YEAR, "meetings"]),
    ("controlling:section", [REPORT_YEAR, "members"]),
    ("controlling:section", [REPORT_YEAR, "projects"]),
    ("controlling:section", [REPORT_YEAR, "survey"]),
    ("controlling:report_json", [REPORT_YEAR]),
    ("controlling:report_pdf", [REPORT_YEAR]),
]
WRITE_URLS = ["targets_save", "review_save", "freeze", "unfreeze"]


@pytest.mark.parametrize(("name", "args"), READ_URLS)
def test_coordinator_may_open_everything(name, args, coordinator, year_data, login, in_q4):
    response = login(coordinator).get(reverse(name, args=args))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "args"), READ_URLS)
@pytest.mark.parametrize("person", ["rep_a", "rep_b", "deputy_a", "guest_user"])
def test_others_get_403(name, args, person, request, login):
    user = request.getfixturevalue(person)
    response = login(user).get(reverse(name, args=args))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args"), READ_URLS)
def test_anonymous_is_sent_to_login(name, args, login, db):
    response = login(None).get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", WRITE_URLS)
def test_representatives_cannot_change_anything(name, rep_a, login):
    response = login(rep_a).post(reverse(f"controlling:{name}", args=[REPORT_YEAR]), {"reason": "x"})
    assert response.status_code == 403
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize("year", [2015, 2100])
def test_years_outside_the_alliance_are_404(year, coordinator, login):
    assert login(coordinator).get(reverse("controlling:year", args=[year])).status_code == 404


def test_index_lists_the_years_with_their_meetings(coordinator, year_data, login, in_q4):
    response = login(coordinator).get(reverse("controlling:index"))

    content = response.content.decode()
    assert reverse("controlling:year", args=[2016]) in content
    assert reverse("controlling:year", args=[REPORT_YEAR + 1]) in content
    assert response.context["years"][1] == {
        "year": REPORT_YEAR,
        "meetings_held": 3,
        "participants_mean": 3.5,
        "frozen": False,
    }


def test_year_page_shows_the_figures_rounded_and_the_flag(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    response = client.get(reverse("controlling:year", args=[REPORT_YEAR]))
    meetings = client.get(reverse("controlling:section", args=[REPORT_YEAR, "meetings"]))

    content = response.content.decode()
    assert "3,5" in content  # participants per meeting, German decimal comma
    assert "1,5" in content  # members represented per meeting
    assert response.context["report"]["meetings_without_attendance"] == 1
    assert "Für 1 durchgeführtes Treffen ist noch keine Anwesenheit erfasst" in content
    # Without targets there is no traffic light to show.
    assert 'class="traffic-light' not in content
    assert "<svg" in content
    # The long lists are linked, each with its length.
    for section in ("meetings", "members", "projects", "survey"):
        assert reverse("controlling:section", args=[REPORT_YEAR, section]) in content
    assert "3 durchgeführt, 1 geplant, 1 abgesagt" in content
    # The meetings' page lists them, the one without a list flagged.
    listed = meetings.content.decode()
    assert "Workshop Wärmeplanung" in listed and "Ohne Liste" in listed
    assert "Noch keine Anwesenheit erfasst" in listed
    assert "Jahresabschluss" in listed  # still planned
    assert "Ausgefallen" in listed


def test_the_year_page_shows_the_reports_figures(coordinator, member_a, member_b, luegde, login, in_q4):
    # The page counts without the long lists; every figure it shows is the report's.
    _year_with_everything(3, member_a, member_b, luegde)
    overview = selectors.controlling_overview(year=REPORT_YEAR)
    report = selectors.controlling_report(year=REPORT_YEAR)

    assert set(overview) == set(report) - {"member_attendance"}
    for key, value in overview.items():
        if key == "meetings":
            assert value == [{k: v for k, v in row.items() if k != "attendees"} for row in report[key]]
        elif key == "projects":
            assert value == {k: v for k, v in report[key].items() if k != "projects"}
        elif key == "survey":
            assert value == {k: v for k, v in report[key].items() if k != "questions"}
        else:
            assert value == report[key], key
    assert overview["survey"]["satisfaction_mean"] == 4
    assert login(coordinator).get(reverse("controlling:year", args=[REPORT_YEAR])).status_code == 200


@pytest.mark.parametrize("section", ["meetings", "members", "projects", "survey"])
def test_each_list_shows_the_frozen_report_unless_the_live_figures_are_asked_for(
    section, coordinator, year_data, login, in_q4
):
    client = login(coordinator)
    url = reverse("controlling:section", args=[REPORT_YEAR, section])
    services.report_freeze(year=REPORT_YEAR, user=coordinator)
    # A meeting added after freezing is in the live figures only.
    late = controlling_meeting(start=local(REPORT_YEAR, 10, 1), title="Nachzügler")
    attend(late, year_data["may"].attendances.first().person, None, organisation_text="Gast")

    frozen = client.get(url)
    live = client.get(url + "?live=1")

    assert frozen.context["showing_frozen"] and not live.context["showing_frozen"]
    if section == "meetings":
        assert "Nachzügler" not in frozen.content.decode()
        assert "Nachzügler" in live.content.decode()
    assert "?live=1" in frozen.content.decode()


def test_an_unknown_list_is_404(coordinator, login, in_q4):
    response = login(coordinator).get(reverse("controlling:section", args=[REPORT_YEAR, "targets-x"]))
    assert response.status_code == 404


def test_the_members_list_is_paged_in_german_order(coordinator, member_a, member_b, luegde, login, in_q4):
    client = login(coordinator)
    url = reverse("controlling:section", args=[REPORT_YEAR, "members"])
    extra = [OrganisationFactory(name=f"Gemeinde {number:02}") for number in range(60)]

    first = client.get(url).context
    second = client.get(url + "?page=2").context

    names = [row["organisation"] for row in first["report"]["member_attendance"]]
    names += [row["organisation"] for row in second["report"]["member_attendance"]]
    assert len(first["report"]["member_attendance"]) == 50
    assert len(names) == len(extra) + 3 == first["page"].paginator.count
    assert names.index("Stadt Lügde") > names.index("Gemeinde 59")  # sorted by short name: L after G
    assert client.get(url + "?page=99").context["page"].number == 2


# Session, user, memberships; the frozen report in force; then per list: meetings (figures: 3),
# members (figures 3 + members + attendance per member), projects (3), survey (5).
SECTION_QUERIES = {"meetings": 7, "members": 9, "projects": 7, "survey": 9}


@pytest.mark.parametrize("meetings", [1, 12])
@pytest.mark.parametrize("section", ["meetings", "members", "projects", "survey"])
def test_each_list_takes_a_constant_number_of_queries(
    meetings, section, coordinator, member_a, member_b, luegde, login, in_q4, django_assert_num_queries
):
    _year_with_everything(meetings, member_a, member_b, luegde)
    client = login(coordinator)

    with django_assert_num_queries(SECTION_QUERIES[section]):
        response = client.get(reverse("controlling:section", args=[REPORT_YEAR, section]))

    assert response.status_code == 200


def _target_post(**overrides):
    data = {}
    for kpi in Kpi.values:
        data.update(
            {
                f"{kpi}-target": "",
                f"{kpi}-direction": "at_least",
                f"{kpi}-tolerance_percent": "10",
                f"{kpi}-comment": "",
            }
        )
    data.update(overrides)
    return data


def test_coordinator_sets_targets_inline(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    response = client.post(
        reverse("controlling:targets_save", args=[REPORT_YEAR]),
        _target_post(**{"meetings_held-target": "4", "meetings_held-comment": "Quartalsweise"}),
    )

    assert response.status_code == 302
    target = KpiTarget.objects.get(year=REPORT_YEAR)
    assert (target.kpi, target.target, target.comment, target.updated_by) == (
        "meetings_held",
        4,
        "Quartalsweise",
        coordinator,
    )
    page = client.get(reverse("controlling:year", args=[REPORT_YEAR]))
    row = next(r for r in page.context["targets"] if r["kpi"] == "meetings_held")
    assert (row["actual"], row["target"], row["deviation"], row["status"]) == (3.0, 4.0, -1.0, "red")


def test_invalid_targets_are_shown_as_field_errors(coordinator, login, in_q4):
    response = login(coordinator).post(
        reverse("controlling:targets_save", args=[REPORT_YEAR]),
        _target_post(**{"meetings_held-target": "-3", "participants_per_meeting-tolerance_percent": "200"}),
    )

    assert response.status_code == 200
    forms = {form.prefix: form for form in response.context["target_forms"]}
    assert "target" in forms["meetings_held"].errors
    assert "tolerance_percent" in forms["participants_per_meeting"].errors
    assert not KpiTarget.objects.exists()


def test_coordinator_writes_the_assessment(coordinator, login, in_q4):
    response = login(coordinator).post(
        reverse("controlling:review_save", args=[REPORT_YEAR]),
        {"assessment": "Gute Beteiligung aus Lügde.", "work_programme": "Wärmeplanung"},
    )

    assert response.status_code == 302
    review = YearReview.objects.get(year=REPORT_YEAR)
    assert review.assessment == "Gute Beteiligung aus Lügde."
    assert review.history.count() == 1


@pytest.fixture
def mid_2026():
    with time_machine.travel(local(2026, 6, 1, 12), tick=False):
        yield


def test_dashboard_card_for_the_coordinator_only(coordinator, rep_a, login, member_a, mid_2026):
    meeting = controlling_meeting(start=local(2026, 1, 15))
    attend(meeting, rep_a, member_a)

    response = login(coordinator).get(reverse("dashboard"))
    assert reverse("controlling:year", args=[2026]) in response.content.decode()
    sections = login(rep_a).get(reverse("dashboard")).context["sections"]
    assert "controlling/dashboard_card.html" not in [section["template"] for section in sections]


def test_dashboard_card_takes_a_constant_number_of_queries(coordinator, member_a, member_b, mid_2026):
    def count(meetings):
        people = UserFactory.create_batch(10)
        for number in range(meetings):
            meeting = controlling_meeting(start=local(2026, 1, 1 + number))
            for person in people:
                attend(meeting, person, member_a)
        user = User.objects.get(pk=coordinator.pk)
        with CaptureQueriesContext(connection) as queries:
            sections = dashboard_sections(user)
        return len(queries), sections

    few, _sections = count(1)
    many, sections = count(12)
    assert few == many
    assert sections[0]["statistics"]["meetings_held"] == 13
    assert [row["kpi"] for row in sections[0]["kpis"]] == [
        "meetings_held",
        "participants_per_meeting",
        "members_represented_per_meeting",
        "members_represented_in_year",
    ]


@pytest.mark.parametrize("model", ["kpitarget", "yearreview", "frozenreport"])
def test_admin_lists_the_controlling_records(model, login, coordinator):
    coordinator.is_superuser = coordinator.is_staff = True
    coordinator.save()
    KpiTarget.objects.create(year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD, target=4)

    response = login(coordinator).get(reverse(f"admin:controlling_{model}_changelist"))

    assert response.status_code == 200


def _year_with_everything(meetings, member_a, member_b, luegde):
    """`meetings` meetings of 40 people each, a project with an indicator, a survey, targets, texts."""
    people = UserFactory.create_batch(40)
    members = [member_a, member_b, luegde]
    for number in range(meetings):
        meeting = controlling_meeting(
            start=local(REPORT_YEAR, 1 + number % 10, 1 + number),
            kind="workshop" if number % 3 else "meeting",
        )
        for index, person in enumerate(people):
            attend(meeting, person, members[index % 3] if index % 4 else None, organisation_text="Gast")
    controlling_meeting(start=local(REPORT_YEAR, 12, 10), status="published", recorded=False)
    project = ProjectFactory(title="Stadtradeln", lead_organisation=luegde, participants=[member_a, luegde])
    IndicatorValueFactory(indicator=IndicatorFactory(project=project), year=REPORT_YEAR, target=10, actual=12)
    survey = SurveyFactory(year=REPORT_YEAR)
    question = QuestionFactory(survey=survey, is_satisfaction=True)
    for value in (3, 4, 5):
        RecipientFactory(survey=survey, answered=True)
        AnswerFactory(response=ResponseFactory(survey=survey), question=question, scale_value=value)
    for kpi in Kpi.values:
        KpiTargetFactory(year=REPORT_YEAR, kpi=kpi, target=4, comment="Begründung")
    YearReviewFactory(year=REPORT_YEAR)


# Session, user, memberships; frozen versions (in force and earlier, one query); meetings with their
# counts, the year's totals, the number of members; projects' counts (1); survey's counts and
# satisfaction (2); targets, assessment, history; when the next meeting begins (until then the
# figures are cached); target form offer (this and last year's targets).
LIVE_PAGE_QUERIES = 15
# Session, user, memberships; frozen versions; target form offer: the figures come from the cache.
CACHED_PAGE_QUERIES = 5
# Session, user, memberships; frozen versions (the one in force with its stored data, earlier ones).
FROZEN_PAGE_QUERIES = 4


# Committed data, as in production: a transaction with uncommitted writes bypasses the cache.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("meetings", [1, 12])
@pytest.mark.parametrize(
    ("frozen", "visits", "queries"),
    [(False, 1, LIVE_PAGE_QUERIES), (False, 2, CACHED_PAGE_QUERIES), (True, 1, FROZEN_PAGE_QUERIES)],
)
def test_year_page_takes_a_constant_number_of_queries(
    meetings,
    frozen,
    visits,
    queries,
    coordinator,
    member_a,
    member_b,
    luegde,
    login,
    in_q4,
    django_assert_num_queries,
):
    _year_with_everything(meetings, member_a, member_b, luegde)
    if frozen:
        services.report_freeze(year=REPORT_YEAR, user=coordinator)
    client = login(coordinator)
    url = reverse("controlling:year", args=[REPORT_YEAR])
    for _visit in range(visits - 1):
        client.get(url)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["report"]["meetings_held"] == meetings
    assert response.context["report"]["participants_total"] == 40 * meetings


def test_english_through_the_language_switch(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    german = client.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()
    pdf = client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]))

    assert "Erfolgscontrolling 2025" in german and "Mittelwert 3,5" in german
    assert "Success controlling 2025" in english
    assert "mean 3.5" in english
    meetings = client.get(reverse("controlling:section", args=[REPORT_YEAR, "meetings"])).content.decode()
    assert "No attendance recorded yet" in meetings and "Meetings and workshops 2025" in meetings
    assert "Erfolgscontrolling" not in english
    # Without ?lang= the PDF follows the chosen language.
    assert 'filename="erfolgscontrolling-2025-en.pdf"' in pdf["Content-Disposition"]
    assert "Success controlling 2025" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
    )


def test_english_for_a_coordinator_who_prefers_it(coordinator, year_data, login, in_q4):
    coordinator.preferred_language = "en"
    coordinator.save()

    content = login(coordinator).get(reverse("controlling:year", args=[REPORT_YEAR])).content.decode()

    assert "Success controlling 2025" in content
    assert "Set the targets for 2025" in content
