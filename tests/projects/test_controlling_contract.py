"""The contract the controlling report codes against: projects.selectors.controlling_projects."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from projects import services
from projects.enums import Direction, ProjectStatus
from projects.selectors import controlling_projects
from regionalbuendnis.indicators import traffic_light_label
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2025, 1, 20, 10, 0))
def test_running_started_and_completed_of_a_year(coordinator, coordinator_org, member_a, member_b):
    running = ProjectFactory(
        title="Stadtradeln",
        lead_organisation=coordinator_org,
        participants=[member_a, member_b],
        start=datetime.date(2016, 5, 1),
        status=ProjectStatus.RUNNING,
    )
    started = ProjectFactory(
        title="Quartierssanierung", start=datetime.date(2024, 3, 1), status=ProjectStatus.PLANNED
    )
    completed = ProjectFactory(
        title="Energiemanagement", start=datetime.date(2019, 1, 1), status=ProjectStatus.RUNNING
    )
    services.project_change_status(
        project=completed,
        status=ProjectStatus.COMPLETED,
        reason="Alle Kommunen angeschlossen",
        changed_by=coordinator,
        changed_on=datetime.date(2024, 11, 30),
    )
    completed_earlier = ProjectFactory(
        title="Altprojekt", start=datetime.date(2018, 1, 1), status=ProjectStatus.RUNNING
    )
    services.project_change_status(
        project=completed_earlier,
        status=ProjectStatus.COMPLETED,
        reason="Beendet",
        changed_by=coordinator,
        changed_on=datetime.date(2023, 6, 1),
    )
    ProjectFactory(title="Idee", start=None, status=ProjectStatus.IDEA)

    report = controlling_projects(year=2024)

    assert report["running"] == 1
    assert report["started"] == 1
    assert report["completed"] == 1
    titles = [p["title"] for p in report["projects"]]
    assert titles == ["Energiemanagement", "Quartierssanierung", "Stadtradeln"]
    stadtradeln = report["projects"][2]
    assert stadtradeln["status"] == "running"
    assert stadtradeln["status_label"] == str(ProjectStatus.RUNNING.label)
    assert stadtradeln["lead"] == coordinator_org.name
    assert stadtradeln["participants"] == 2
    assert running.pk and started.pk


def test_region_wide_indicator_values_of_the_year_with_traffic_light(project, member_a):
    participants = IndicatorFactory(project=project, name="Teilnehmende", unit="Personen", position=1)
    IndicatorValueFactory(indicator=participants, year=2024, target=Decimal("5000"), actual=Decimal("5295"))
    IndicatorValueFactory(indicator=participants, year=2023, target=Decimal("5000"), actual=Decimal("1"))
    IndicatorValueFactory(
        indicator=participants, year=2024, organisation=member_a, target=Decimal("10"), actual=Decimal("1")
    )
    heat = IndicatorFactory(
        project=project, name="Wärme", unit="kWh/m²a", direction=Direction.LOWER_IS_BETTER, position=2
    )
    IndicatorValueFactory(indicator=heat, year=2024, target=Decimal("100"), actual=Decimal("108"))
    IndicatorFactory(project=project, name="Ohne Werte", unit="", position=3)

    [row] = controlling_projects(year=2024)["projects"]

    assert row["indicators"] == [
        {
            "name": "Teilnehmende",
            "unit": "Personen",
            "target": Decimal("5000"),
            "actual": Decimal("5295"),
            "deviation": Decimal("295"),
            "status": "green",
            "status_label": traffic_light_label("green"),
        },
        {
            "name": "Wärme",
            "unit": "kWh/m²a",
            "target": Decimal("100"),
            "actual": Decimal("108"),
            "deviation": Decimal("8"),
            "status": "amber",
            "status_label": traffic_light_label("amber"),
        },
        {
            "name": "Ohne Werte",
            "unit": "",
            "target": None,
            "actual": None,
            "deviation": None,
            "status": "none",
            "status_label": traffic_light_label("none"),
        },
    ]


def _project_with_indicators(number, coordinator_org, members):
    project = ProjectFactory(
        title=f"Projekt {number}",
        lead_organisation=coordinator_org,
        participants=members,
        status=ProjectStatus.RUNNING,
    )
    for position in range(3):
        indicator = IndicatorFactory(project=project, position=position)
        IndicatorValueFactory(indicator=indicator, year=2024)
    return project


def test_constant_number_of_queries(django_assert_num_queries, coordinator_org, member_a, member_b):
    _project_with_indicators(1, coordinator_org, [member_a])
    with django_assert_num_queries(3):
        assert len(controlling_projects(year=2024)["projects"]) == 1
    for number in range(2, 12):
        _project_with_indicators(number, coordinator_org, [member_a, member_b])
    with django_assert_num_queries(3):
        assert len(controlling_projects(year=2024)["projects"]) == 11
