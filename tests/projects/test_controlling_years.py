"""The projects part of a year's success controlling follows the dated status history: the report of
a past year does not change when a project ends or starts running later."""

import datetime

import pytest

from projects import services
from projects.enums import Field, ProjectStatus
from projects.selectors import controlling_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def energy_management(coordinator, coordinator_org, member_a):
    project = services.project_create(
        created_by=coordinator,
        title="Zentrales Energiemanagement",
        field=Field.values[0],
        lead_organisation=coordinator_org,
        participants=[member_a],
        start=datetime.date(2022, 3, 1),
        status=ProjectStatus.RUNNING,
        status_since=datetime.date(2022, 3, 1),
    )
    services.project_change_status(
        project=project,
        status=ProjectStatus.COMPLETED,
        reason="Alle Liegenschaften angeschlossen",
        changed_by=coordinator,
        changed_on=datetime.date(2024, 6, 30),
    )
    return project


def listed(year):
    report = controlling_projects(year=year)
    return report["running"], report["completed"], {p["title"]: p["status"] for p in report["projects"]}


def test_a_completed_project_counts_as_running_in_the_years_before(energy_management):
    assert listed(2021) == (0, 0, {})
    assert listed(2023) == (1, 0, {"Zentrales Energiemanagement": ProjectStatus.RUNNING})
    # Listed in the year it ended, with the status at the end of that year.
    assert listed(2024) == (0, 1, {"Zentrales Energiemanagement": ProjectStatus.COMPLETED})
    assert listed(2025) == (0, 0, {})


def test_a_project_that_starts_running_later_is_not_running_in_earlier_years(coordinator, energy_management):
    services.project_change_status(
        project=energy_management,
        status=ProjectStatus.RUNNING,
        reason="Zweite Phase mit den Schulen",
        changed_by=coordinator,
        changed_on=datetime.date(2026, 2, 1),
    )
    assert listed(2025) == (0, 0, {})
    assert listed(2026)[0] == 1
    # 2024 is unchanged by the later restart.
    assert listed(2024) == (0, 1, {"Zentrales Energiemanagement": ProjectStatus.COMPLETED})
