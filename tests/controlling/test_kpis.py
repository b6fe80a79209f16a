"""The KPI definitions of the Q4 controlling, on hand-built data."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from controlling.selectors import controlling_report, meeting_figures, meeting_statistics, yearly_history
from tests.factories import UserFactory
from tests.factories.controlling import attend, controlling_meeting, local

from .conftest import REPORT_YEAR

pytestmark = pytest.mark.django_db


def test_no_meetings_gives_zeros_and_no_means(member_a, member_b, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert stats["meetings_held"] == 0
    assert stats["meetings_by_kind"] == {"meeting": 0, "workshop": 0}
    assert stats["meetings_cancelled"] == 0
    assert stats["participants_total"] == 0
    assert stats["participants_per_meeting"] == {"mean": None, "min": None, "max": None}
    assert stats["members_represented_per_meeting"] == {"mean": None, "min": None, "max": None}
    assert stats["unique_participants"] == 0
    assert stats["members_represented_in_year"] == 0
    assert stats["member_attendance"] == [
        {"organisation": "Stadt Detmold", "meetings_attended": 0, "rate": None},
        {"organisation": "Stadt Lemgo", "meetings_attended": 0, "rate": None},
    ]
    assert stats["meetings"] == []


def test_meetings_held_cancelled_planned_and_by_kind(year_data, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert stats["meetings_held"] == 3
    assert stats["meetings_by_kind"] == {"meeting": 2, "workshop": 1}
    assert stats["meetings_cancelled"] == 1
    assert [m["title"] for m in stats["cancelled"]] == ["Ausgefallen"]
    assert stats["meetings_planned"] == 1
    assert [m["title"] for m in stats["planned"]] == ["Jahresabschluss"]
    assert [m["title"] for m in stats["meetings"]] == ["Auftakt 2025", "Workshop Wärmeplanung", "Ohne Liste"]


def test_participants_count_distinct_people_present_including_guests_and_staff(year_data, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    february, may, without_list = stats["meetings"]
    assert february["participants"] == 5  # two representatives, the mover, the guest, the coordinator
    assert may["participants"] == 2  # the absent deputy is not counted
    assert stats["participants_total"] == 7
    assert stats["participants_per_meeting"] == {"mean": 3.5, "min": 2, "max": 5}
    assert stats["unique_participants"] == 5


def test_meeting_without_attendance_is_flagged_and_left_out_of_the_statistics(year_data, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    without_list = stats["meetings"][2]
    assert without_list["attendance_recorded"] is False
    assert without_list["participants"] is None
    assert without_list["members_represented"] is None
    assert stats["meetings_without_attendance"] == 1
    assert stats["meetings_with_attendance"] == 2
    # Counted as held, but not as a meeting with 0 participants (the minimum stays 2).
    assert stats["meetings_held"] == 3
    assert stats["participants_per_meeting"]["min"] == 2


def test_recorded_list_with_nobody_present_counts_as_zero(member_a, report_now):
    controlling_meeting(start=local(REPORT_YEAR, 3, 3), recorded=True)

    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert stats["meetings"][0]["participants"] == 0
    assert stats["participants_per_meeting"] == {"mean": 0, "min": 0, "max": 0}


def test_check_ins_count_even_before_the_list_is_closed(rep_a, member_a, report_now):
    meeting = controlling_meeting(start=local(REPORT_YEAR, 3, 3), recorded=False)
    attend(meeting, rep_a, member_a)

    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert stats["meetings_without_attendance"] == 0
    assert stats["meetings"][0]["participants"] == 1


def test_members_represented_use_the_organisation_frozen_on_the_attendance(year_data, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    february, may, _ = stats["meetings"]
    # February: Detmold (rep and the mover, once) and Lemgo; guest and coordinator are no members.
    assert february["members_represented"] == 2
    # May: the mover now speaks for Lemgo; Detmold's deputy was absent.
    assert may["members_represented"] == 1
    assert stats["members_represented_per_meeting"] == {"mean": 1.5, "min": 1, "max": 2}
    assert stats["members_represented_in_year"] == 2
    assert stats["member_count"] == 2


def test_attendance_per_member_for_all_members(year_data, luegde, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert stats["member_attendance"] == [
        {"organisation": "Stadt Detmold", "meetings_attended": 1, "rate": 0.5},
        {"organisation": "Stadt Lemgo", "meetings_attended": 2, "rate": 1.0},
        {"organisation": "Stadt Lügde", "meetings_attended": 0, "rate": 0.0},
    ]
    assert stats["member_count"] == 3


def test_member_that_left_before_the_year_is_not_counted(member_a, member_b, report_now):
    member_b.active_until = datetime.date(REPORT_YEAR - 1, 12, 31)
    member_b.save()

    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert [row["organisation"] for row in stats["member_attendance"]] == ["Stadt Detmold"]


def test_member_that_joined_after_the_year_is_not_counted(member_a, member_b, luegde, report_now):
    member_b.active_since = datetime.date(REPORT_YEAR + 1, 1, 1)
    member_b.save()
    luegde.active_since = datetime.date(REPORT_YEAR, 12, 31)  # joined on the last day: counts
    luegde.save()

    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert [row["organisation"] for row in stats["member_attendance"]] == ["Stadt Detmold", "Stadt Lügde"]
    assert stats["member_count"] == 2


def test_the_year_is_taken_in_local_time(rep_a, member_a):
    # 00:30 on 1 January in Berlin is still 31 December in UTC: it belongs to the new year.
    new_year = controlling_meeting(start=local(2026, 1, 1, 0, 30), title="Neujahr")
    # 23:30 on 31 December in Berlin belongs to the old year.
    old_year = controlling_meeting(start=local(2025, 12, 31, 23, 30), title="Silvester")
    for meeting in (new_year, old_year):
        attend(meeting, rep_a, member_a)
    later = local(2026, 6, 1)

    stats_2025 = meeting_statistics(year=2025, now=later)
    stats_2026 = meeting_statistics(year=2026, now=later)

    assert [m["title"] for m in stats_2025["meetings"]] == ["Silvester"]
    assert stats_2025["meetings"][0]["date"] == datetime.date(2025, 12, 31)
    assert [m["title"] for m in stats_2026["meetings"]] == ["Neujahr"]
    assert stats_2026["meetings"][0]["date"] == datetime.date(2026, 1, 1)


def test_a_meeting_counts_as_held_once_it_has_started(member_a):
    controlling_meeting(start=local(REPORT_YEAR, 11, 20, 18), status="published", recorded=False)

    before = meeting_statistics(year=REPORT_YEAR, now=local(REPORT_YEAR, 11, 20, 17, 59))
    after = meeting_statistics(year=REPORT_YEAR, now=local(REPORT_YEAR, 11, 20, 18, 1))

    assert (before["meetings_held"], before["meetings_planned"]) == (0, 1)
    assert (after["meetings_held"], after["meetings_planned"]) == (1, 0)


def test_attendees_are_listed_for_the_annex_in_german_order(year_data, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    may = stats["meetings"][1]
    assert may["attendees"] == [
        {"name": "Gabi Gast", "organisation": "Stadtwerke Detmold", "member": False},
        {"name": "Jörg Wechsler", "organisation": "Stadt Lemgo", "member": True},
    ]


def test_history_per_year_since_2016(year_data, rep_a, member_a, report_now):
    earlier = controlling_meeting(start=local(2019, 3, 1))
    attend(earlier, rep_a, member_a)

    history = yearly_history(until_year=REPORT_YEAR, now=report_now)

    assert [row["year"] for row in history] == list(range(2016, REPORT_YEAR + 1))
    by_year = {row["year"]: row for row in history}
    assert by_year[2019] == {"year": 2019, "meetings_held": 1, "participants_mean": 1.0}
    assert by_year[2018] == {"year": 2018, "meetings_held": 0, "participants_mean": None}
    assert by_year[REPORT_YEAR] == {"year": REPORT_YEAR, "meetings_held": 3, "participants_mean": 3.5}


def test_history_counts_a_closed_list_without_anybody_present_as_zero(rep_a, rep_b, member_a, report_now):
    # A list closed with nobody on it and one with only absentees both count as 0 participants;
    # a meeting without any list is held but not in the mean. As in the year's own figures.
    full = controlling_meeting(start=local(2019, 3, 1))
    attend(full, rep_a, member_a)
    attend(full, rep_b, member_a)
    controlling_meeting(start=local(2019, 4, 1))
    only_absent = controlling_meeting(start=local(2019, 5, 1), recorded=False)
    attend(only_absent, rep_a, member_a, present=False)
    controlling_meeting(start=local(2019, 6, 1), recorded=False)

    by_year = {row["year"]: row for row in yearly_history(until_year=REPORT_YEAR, now=report_now)}
    figures = meeting_statistics(
        year=2019, now=report_now, with_attendees=False, with_member_attendance=False
    )

    assert by_year[2019] == {"year": 2019, "meetings_held": 4, "participants_mean": 2 / 3}
    assert figures["meetings_held"] == 4
    assert figures["participants_per_meeting"]["mean"] == by_year[2019]["participants_mean"]


FIGURE_KEYS = (
    "year",
    "meetings_held",
    "meetings_planned",
    "meetings_with_attendance",
    "meetings_without_attendance",
    "participants_total",
    "participants_per_meeting",
    "members_represented_per_meeting",
    "unique_participants",
    "members_represented_in_year",
)


@pytest.mark.parametrize(
    "now",
    [local(REPORT_YEAR, 11, 20, 12), local(REPORT_YEAR, 5, 12, 20), local(REPORT_YEAR, 1, 5)],
    ids=["report day", "after the workshop", "before any meeting"],
)
def test_the_dashboards_figures_are_the_years_figures(year_data, now):
    # Counted and averaged by the database, they must say what the report says: cancelled and
    # list-less meetings, planned ones, guests and absentees included.
    statistics = meeting_statistics(year=REPORT_YEAR, now=now)
    for spread in ("participants_per_meeting", "members_represented_per_meeting"):
        statistics[spread] = {"mean": statistics[spread]["mean"]}

    assert meeting_figures(year=REPORT_YEAR, now=now) == {key: statistics[key] for key in FIGURE_KEYS}


def test_the_dashboards_figures_of_a_year_without_meetings(member_a, report_now):
    figures = meeting_figures(year=REPORT_YEAR, now=report_now)

    assert figures["meetings_held"] == figures["participants_total"] == 0
    assert figures["participants_per_meeting"] == {"mean": None}


def _year_of_meetings(count, people, members):
    for number in range(count):
        meeting = controlling_meeting(start=local(REPORT_YEAR, 1 + number % 10, 1 + number))
        for index, person in enumerate(people):
            attend(meeting, person, members[index % len(members)])


@pytest.mark.parametrize("meetings", [1, 12])
def test_statistics_take_a_constant_number_of_queries(
    meetings, member_a, member_b, report_now, django_assert_num_queries
):
    people = UserFactory.create_batch(40)
    _year_of_meetings(meetings, people, [member_a, member_b])

    with django_assert_num_queries(5):
        stats = meeting_statistics(year=REPORT_YEAR, now=report_now)
    with django_assert_num_queries(3):
        figures = meeting_statistics(
            year=REPORT_YEAR, now=report_now, with_attendees=False, with_member_attendance=False
        )
    with django_assert_num_queries(1):
        yearly_history(until_year=REPORT_YEAR, now=report_now)
    with django_assert_num_queries(2):
        meeting_figures(year=REPORT_YEAR, now=report_now)

    assert stats["meetings_held"] == figures["meetings_held"] == meetings
    assert stats["participants_total"] == figures["participants_total"] == 40 * meetings


def test_year_boundary_on_new_years_eve_in_berlin(rep_a, member_a, coordinator, login):
    """The report made live at the turn of the year, without passing a time: the clock decides."""
    late = controlling_meeting(start=local(2025, 12, 31, 23, 30), status="published", title="Silvester")
    attend(late, rep_a, member_a)
    controlling_meeting(start=local(2026, 1, 1, 0, 30), status="published", recorded=False, title="Neujahr")

    # 23:45 on 31 December in Berlin is 22:45 UTC: Silvester has started and belongs to 2025.
    with time_machine.travel(local(2025, 12, 31, 23, 45), tick=False):
        report_2025 = controlling_report(year=2025)
        page = login(coordinator).get(reverse("controlling:year", args=[2025]))
    assert report_2025["meetings_held"] == 1
    assert [m["title"] for m in report_2025["meetings"]] == ["Silvester"]
    assert report_2025["meetings"][0]["date"] == "2025-12-31"
    assert report_2025["participants_total"] == 1
    assert report_2025["planned"] == []
    assert page.context["report"]["meetings_held"] == 1

    # 00:15 on 1 January in Berlin is still 31 December in UTC, yet it is 2026 already.
    with time_machine.travel(local(2026, 1, 1, 0, 15), tick=False):
        report_2026 = controlling_report(year=2026)
    assert report_2026["meetings_held"] == 0
    assert [m["title"] for m in report_2026["planned"]] == ["Neujahr"]

    with time_machine.travel(local(2026, 1, 1, 1, 0), tick=False):
        report_2026 = controlling_report(year=2026)
        history = {row["year"]: row["meetings_held"] for row in report_2026["history"]}
    assert report_2026["meetings_held"] == 1
    assert report_2026["meetings_without_attendance"] == 1
    assert (history[2025], history[2026]) == (1, 1)


def test_the_figures_without_attendance_lists_are_the_same(year_data, report_now):
    # The dashboard card and the year page skip the names and the per-member table; every
    # figure must stay the same.
    full = meeting_statistics(year=REPORT_YEAR, now=report_now)
    figures_only = meeting_statistics(
        year=REPORT_YEAR, now=report_now, with_attendees=False, with_member_attendance=False
    )

    assert any(meeting["attendees"] for meeting in full["meetings"])
    assert not any("attendees" in meeting for meeting in figures_only["meetings"])
    for meeting in full["meetings"]:
        del meeting["attendees"]
    del full["member_attendance"]
    assert figures_only == full
