"""The demo projects of seed_demo: the seed document's projects, realistic figures, idempotent."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from projects.enums import ProjectStatus
from projects.models import ClimateActivity, IndicatorValue, Milestone, ProgressUpdate, Project, StatusChange
from projects.selectors import controlling_projects

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Project, StatusChange, IndicatorValue, Milestone, ProgressUpdate, ClimateActivity)
    ]


@time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0))
def test_seed_demo_brings_the_projects_once():
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first

    stadtradeln = Project.objects.get(title="STADTRADELN im Kreis Lippe")
    assert stadtradeln.status == ProjectStatus.RUNNING
    assert stadtradeln.start == datetime.date(2016, 6, 1)
    assert stadtradeln.participants.count() == 17
    assert stadtradeln.lead_organisation.kind == "coordinator"
    figures = {
        value.indicator.name: value
        for value in IndicatorValue.objects.filter(
            indicator__project=stadtradeln, year=2024, organisation__isnull=True
        ).select_related("indicator")
    }
    assert figures["Teilnehmende"].actual == 5295
    assert figures["Teams"].actual == 384
    assert figures["Geradelte Kilometer"].actual == 1067931
    # 1,067,931 km × 166 g/km = 177.276546 t
    assert figures["Vermiedenes CO2"].actual == Decimal("177.277")
    # The members' 2024 kilometres add up to the region's.
    per_member = IndicatorValue.objects.filter(
        indicator__project=stadtradeln,
        indicator__name="Geradelte Kilometer",
        year=2024,
        organisation__isnull=False,
    )
    assert per_member.count() == 17
    assert sum(value.actual for value in per_member) == 1067931

    assert Project.objects.filter(title__startswith="Zentrales kommunales Energiemanagement").exists()
    assert Project.objects.filter(title="Kooperation Quartierssanierung").exists()
    assert Milestone.objects.filter(done_on__isnull=True, due_on__lt=datetime.date(2026, 1, 15)).exists()
    # Every member documented activities.
    assert ClimateActivity.objects.order_by().values("organisation").distinct().count() == 17

    report = controlling_projects(year=2025)
    assert report["running"] == 3
    assert report["started"] == 1
    assert {p["title"] for p in report["projects"]} == {
        "STADTRADELN im Kreis Lippe",
        "Zentrales kommunales Energiemanagement (KEM)",
        "Kooperation Quartierssanierung",
    }
