"""The demo projects of seed_demo: the seed document's projects, realistic figures, idempotent."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from projects.enums import ProjectStatus
from projects.models import (
    ClimateActivity,
    Co2Factor,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Project,
    StatusChange,
)
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


def _region_actuals(project, name):
    return dict(
        IndicatorValue.objects.filter(
            indicator__project=project, indicator__name=name, organisation__isnull=True
        ).values_list("year", "actual")
    )


@time_machine.travel(datetime.datetime(2027, 11, 25, 9, 0))
def test_seeded_years_later_the_demo_reaches_the_latest_campaign():
    call_command("seed_demo", stdout=StringIO())
    today = datetime.date(2027, 11, 25)
    stadtradeln = Project.objects.get(title="STADTRADELN im Kreis Lippe")
    kilometres = _region_actuals(stadtradeln, "Geradelte Kilometer")
    # The 2026 and 2027 campaigns are evaluated by November; the 2028 one has a target only.
    assert kilometres[2026] > kilometres[2025] and kilometres[2027] > kilometres[2026]
    assert kilometres[2028] is None
    assert kilometres[2024] == 1067931  # the reported figure stays
    # The CO2 of each new year is its kilometres × the factor stored for that year.
    factor = Co2Factor.objects.get(year=2027).grams_per_km
    co2 = _region_actuals(stadtradeln, "Vermiedenes CO2")
    assert co2[2027] == (kilometres[2027] * factor / 1_000_000).quantize(Decimal("0.001"))
    # The members' figures of the latest campaign add up to the region's.
    per_member = IndicatorValue.objects.filter(
        indicator__project=stadtradeln, indicator__name="Geradelte Kilometer", year=2027
    ).exclude(organisation=None)
    assert sum(value.actual for value in per_member) == kilometres[2027]

    # This year's campaign cycle is done up to the evaluation; nothing is overdue for a year.
    milestones = {m.title: m for m in Milestone.objects.filter(project=stadtradeln)}
    assert milestones["Siegerehrung und Auswertung 2027"].done_on is not None
    assert not Milestone.objects.filter(
        done_on=None, due_on__lt=today - datetime.timedelta(days=365)
    ).exists()
    assert Milestone.objects.filter(done_on=None, due_on__lt=today).exists()  # the highlight has an example
    latest = ProgressUpdate.objects.filter(project=stadtradeln).order_by("-date").first()
    assert latest.date.year == 2027 and "Auswertung 2027" in latest.text

    kem = Project.objects.get(title__startswith="Zentrales kommunales Energiemanagement")
    municipalities = _region_actuals(kem, "Mitgliedskommunen mit Energiemanagement (x von 16)")
    assert municipalities[2027] <= 16 and municipalities[2027] >= municipalities[2025]

    report = controlling_projects(year=2027)
    figures = {row["title"]: row for row in report["projects"]}
    stadtradeln_figures = {i["name"]: i for i in figures["STADTRADELN im Kreis Lippe"]["indicators"]}
    assert stadtradeln_figures["Teilnehmende"]["actual"] is not None
    assert stadtradeln_figures["Teilnehmende"]["target"] is not None


@time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0))
def test_actual_values_of_the_year_under_way_are_not_invented():
    call_command("seed_demo", stdout=StringIO())
    assert not IndicatorValue.objects.filter(year=2026, actual__isnull=False).exists()
    assert IndicatorValue.objects.filter(year=2026, target__isnull=False).exists()
