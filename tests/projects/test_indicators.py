"""Indicators: traffic light (inverted for lower-is-better), chart, grid entry, CO2 from kilometres."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.enums import Calculation, Direction
from projects.models import Co2Factor, Indicator, IndicatorValue
from projects.selectors import indicator_rows
from projects.services import ValueInput
from tests.factories.projects import Co2FactorFactory, IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


def _rows(indicator):
    return indicator_rows(indicator, indicator.values.filter(organisation__isnull=True).order_by("year"))


@pytest.mark.parametrize(
    ("direction", "target", "actual", "tolerance", "expected"),
    [
        (Direction.HIGHER_IS_BETTER, "100", "100", "10", "green"),
        (Direction.HIGHER_IS_BETTER, "100", "90", "10", "amber"),
        (Direction.HIGHER_IS_BETTER, "100", "89.9", "10", "red"),
        (Direction.HIGHER_IS_BETTER, "100", "95", "0", "red"),
        (Direction.LOWER_IS_BETTER, "120", "115", "5", "green"),
        (Direction.LOWER_IS_BETTER, "120", "126", "5", "amber"),
        (Direction.LOWER_IS_BETTER, "120", "126.1", "5", "red"),
        # The same numbers read the other way round.
        (Direction.LOWER_IS_BETTER, "100", "100", "10", "green"),
        (Direction.LOWER_IS_BETTER, "100", "90", "10", "green"),
        (Direction.HIGHER_IS_BETTER, "100", "130", "10", "green"),
        (Direction.LOWER_IS_BETTER, "100", "130", "10", "red"),
    ],
)
def test_traffic_light_with_tolerance_and_inversion(project, direction, target, actual, tolerance, expected):
    indicator = IndicatorFactory(project=project, direction=direction, tolerance_percent=Decimal(tolerance))
    IndicatorValueFactory(indicator=indicator, year=2024, target=Decimal(target), actual=Decimal(actual))
    [row] = _rows(indicator)
    assert row.status == expected
    assert row.deviation == Decimal(actual) - Decimal(target)


def test_years_without_values_are_gaps_and_missing_values_have_no_light(project):
    indicator = IndicatorFactory(project=project)
    IndicatorValueFactory(indicator=indicator, year=2021, target=Decimal("10"), actual=None)
    IndicatorValueFactory(indicator=indicator, year=2023, target=Decimal("10"), actual=Decimal("12"))
    rows = _rows(indicator)
    assert [(row.year, row.status) for row in rows] == [(2021, "none"), (2022, "none"), (2023, "green")]
    assert rows[2].deviation_ratio == Decimal("0.2")


def test_the_page_shows_a_chart_and_the_table_with_text_lights(login, rep_b, project):
    indicator = IndicatorFactory(project=project, name="Teilnehmende", unit="Personen")
    IndicatorValueFactory(indicator=indicator, year=2023, target=Decimal("5000"), actual=Decimal("5050"))
    IndicatorValueFactory(indicator=indicator, year=2024, target=Decimal("5500"), actual=Decimal("5295"))
    client = login(rep_b)
    for url in (indicator.get_absolute_url(), project.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "<svg" in content
        assert "<polyline" in content
        assert "Soll" in content and "Ist" in content
        assert '<span class="traffic-light green">im Soll</span>' in content
        assert '<span class="traffic-light amber">knapp verfehlt</span>' in content
        assert "5.295" in content
        assert "−205" in content


def test_alliance_indicators_without_a_project(login, coordinator, rep_a, member_a):
    response = login(coordinator).post(
        reverse("projects:alliance_indicator_create"),
        {
            "name": "Mitglieder mit Klimaschutzkonzept",
            "unit": "Mitglieder",
            "direction": "higher",
            "tolerance_percent": "10",
            "calculation": "entered",
            "position": "0",
        },
    )
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert indicator.project is None
    services.indicator_values_save(
        indicator=indicator,
        values=[
            ValueInput(2024, None, Decimal("15"), Decimal("13")),
            ValueInput(2024, member_a, None, Decimal("1")),
        ],
        updated_by=coordinator,
    )
    content = login(rep_a).get(reverse("projects:indicator_list")).content.decode()
    assert "Mitglieder mit Klimaschutzkonzept" in content
    assert "<svg" in content
    # The card's texts and the table's cells, formatted in German.
    assert "Höher ist besser · Toleranz 10 %" in content
    assert "<caption>Mitglieder mit Klimaschutzkonzept: gesamte Region, Soll und Ist</caption>" in content
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", content.split("<tbody>")[1].split("</tbody>")[0])
    assert cells == ["2024", "15", "13", "−2", "−13,3 %"]
    assert '<span class="traffic-light red">verfehlt</span>' in content


@pytest.mark.parametrize("who", ["rep_a", "rep_b", "guest_user"])
def test_only_the_coordinator_manages_indicators_and_values(request, login, project, who):
    indicator = IndicatorFactory(project=project)
    client = login(request.getfixturevalue(who))
    assert client.get(indicator.get_absolute_url()).status_code == 200
    for name, args in [
        ("projects:indicator_create", [project.pk]),
        ("projects:alliance_indicator_create", []),
        ("projects:indicator_edit", [indicator.pk]),
        ("projects:indicator_values", [indicator.pk]),
        ("projects:indicator_import", [indicator.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
        assert client.post(reverse(name, args=args), {}).status_code == 403
    assert (
        client.post(reverse("projects:co2_factors"), {"year": 2024, "grams_per_km": "1"}).status_code == 403
    )


# --- The grid ----------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2025, 2, 1, 10, 0))
def test_grid_saves_region_and_organisation_values_and_clears_emptied_cells(
    login, coordinator, project, member_a
):
    indicator = IndicatorFactory(project=project, unit="km")
    IndicatorValueFactory(indicator=indicator, year=2023, target=Decimal("1"), actual=Decimal("2"))
    client = login(coordinator)
    url = reverse("projects:indicator_values", args=[indicator.pk]) + "?first=2023&last=2025"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["grid"]
    assert form["target_region_2023"].initial == Decimal("1")
    assert f"actual_{member_a.pk}_2024" in form.fields

    response = client.post(
        url,
        {
            "target_region_2023": "",
            "actual_region_2023": "",
            "target_region_2024": "1.000.000",
            "actual_region_2024": "1067931,5",
            f"actual_{member_a.pk}_2024": "250000",
            "target_region_2025": "1100000",
        },
    )
    assert response.status_code == 302
    values = {(v.year, v.organisation_id): (v.target, v.actual) for v in indicator.values.all()}
    assert values == {
        (2024, None): (Decimal("1000000"), Decimal("1067931.5")),
        (2024, member_a.pk): (None, Decimal("250000")),
        (2025, None): (Decimal("1100000"), None),
    }


@time_machine.travel(datetime.datetime(2025, 2, 1, 10, 0))
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actual_region_2024", "viele"),
        ("actual_region_2015", "10"),  # before the project's start in 2016
        ("actual_region_2026", "10"),  # actual value for a year still ahead
    ],
)
def test_grid_with_one_bad_cell_saves_nothing(login, coordinator, project, field, value):
    indicator = IndicatorFactory(project=project)
    IndicatorValueFactory(indicator=indicator, year=2023, target=Decimal("1"), actual=Decimal("2"))
    url = reverse("projects:indicator_values", args=[indicator.pk]) + "?first=2015&last=2026"
    response = login(coordinator).post(
        url, {"target_region_2023": "5", "actual_region_2023": "6", "target_region_2024": "7", field: value}
    )
    assert response.status_code == 200
    assert response.context["grid"].errors
    assert "Es wurde nichts gespeichert" in response.content.decode()
    assert [(v.year, v.target, v.actual) for v in indicator.values.all()] == [
        (2023, Decimal("1"), Decimal("2"))
    ]


def test_value_before_the_project_start_has_a_clear_message(project, coordinator):
    indicator = IndicatorFactory(project=project)
    with pytest.raises(ValidationError) as error:
        services.indicator_values_save(
            indicator=indicator, values=[ValueInput(2015, None, Decimal("1"), None)], updated_by=coordinator
        )
    assert error.value.messages == ["2015, Gesamte Region: 2015 liegt vor dem Projektbeginn (2016)."]
    assert not IndicatorValue.objects.exists()


def test_values_only_for_participating_organisations(project, coordinator, member_b):
    indicator = IndicatorFactory(project=project)
    with pytest.raises(ValidationError):
        services.indicator_values_save(
            indicator=indicator,
            values=[ValueInput(2020, member_b, None, Decimal("1"))],
            updated_by=coordinator,
        )
    assert not IndicatorValue.objects.exists()


def test_values_are_unique_per_indicator_year_and_organisation(project, member_a):
    from django.db import IntegrityError, transaction

    indicator = IndicatorFactory(project=project)
    IndicatorValueFactory(indicator=indicator, year=2024, organisation=None)
    IndicatorValueFactory(indicator=indicator, year=2024, organisation=member_a)
    for organisation in (None, member_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorValueFactory(indicator=indicator, year=2024, organisation=organisation)


def test_moving_the_start_after_existing_values_is_refused(project):
    indicator = IndicatorFactory(project=project)
    IndicatorValueFactory(indicator=indicator, year=2017)
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, start=datetime.date(2018, 1, 1))
    assert "start" in error.value.message_dict
    project.refresh_from_db()
    assert project.start == datetime.date(2016, 5, 1)


# --- CO2 from kilometres -----------------------------------------------------------------------


def _co2_pair(project):
    kilometres = IndicatorFactory(project=project, name="Geradelte Kilometer", unit="km")
    co2 = services.indicator_create(
        project=project,
        name="Vermiedenes CO2",
        unit="t CO2",
        calculation=Calculation.CO2_FROM_KM,
        source_indicator=kilometres,
    )
    return kilometres, co2


def test_co2_is_kilometres_times_the_factor_of_the_year(project, coordinator, member_a):
    Co2FactorFactory(year=2019, grams_per_km=Decimal("142"))
    Co2FactorFactory(year=2022, grams_per_km=Decimal("154"))
    Co2FactorFactory(year=2024, grams_per_km=Decimal("166"))
    kilometres, co2 = _co2_pair(project)
    services.indicator_values_save(
        indicator=kilometres,
        values=[
            ValueInput(2019, None, Decimal("500000"), Decimal("612800")),
            ValueInput(2022, None, None, Decimal("1000000")),
            ValueInput(2024, None, Decimal("1050000"), Decimal("1067931")),
            ValueInput(2024, member_a, None, Decimal("163512")),
            ValueInput(2023, None, None, Decimal("1010400")),  # no factor stored for 2023
        ],
        updated_by=coordinator,
    )
    values = {(v.year, v.organisation_id): (v.target, v.actual) for v in co2.values.all()}
    assert values == {
        (2019, None): (Decimal("71.000"), Decimal("87.018")),  # 612,800 km × 142 g = 87.0176 t
        (2022, None): (None, Decimal("154.000")),
        (2024, None): (Decimal("174.300"), Decimal("177.277")),  # 1,067,931 km × 166 g = 177.2765 t
        (2024, member_a.pk): (None, Decimal("27.143")),
    }


def test_a_new_or_changed_factor_recomputes_the_co2(project, coordinator):
    kilometres, co2 = _co2_pair(project)
    services.indicator_values_save(
        indicator=kilometres,
        values=[ValueInput(2023, None, None, Decimal("1000000"))],
        updated_by=coordinator,
    )
    assert not co2.values.exists()
    services.co2_factor_set(year=2023, grams_per_km=Decimal("154"))
    assert co2.values.get().actual == Decimal("154.000")
    services.co2_factor_set(year=2023, grams_per_km=Decimal("166"))
    assert co2.values.get().actual == Decimal("166.000")
    assert Co2Factor.objects.count() == 1


def test_computed_values_cannot_be_entered_or_imported(project, coordinator, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _kilometres, co2 = _co2_pair(project)
    with pytest.raises(ValidationError):
        services.indicator_values_save(
            indicator=co2, values=[ValueInput(2024, None, None, Decimal("1"))], updated_by=coordinator
        )
    upload = SimpleUploadedFile("co2.csv", b"Jahr;Kommune;Ist\n2024;Region;1\n")
    with pytest.raises(ValidationError):
        services.indicator_values_import(indicator=co2, upload=upload, updated_by=coordinator)
    assert login(coordinator).get(reverse("projects:indicator_values", args=[co2.pk])).status_code == 302
    assert not co2.values.exists()


def test_a_computed_indicator_needs_a_kilometres_indicator_of_the_same_project(project, coordinator_org):
    from tests.factories.projects import ProjectFactory

    other = IndicatorFactory(project=ProjectFactory(lead_organisation=coordinator_org))
    for source in (None, other):
        with pytest.raises(ValidationError) as error:
            services.indicator_create(
                project=project,
                name="CO2",
                unit="t",
                calculation=Calculation.CO2_FROM_KM,
                source_indicator=source,
            )
        assert "source_indicator" in error.value.message_dict


def test_co2_factor_page(login, coordinator, rep_a):
    response = login(coordinator).post(
        reverse("projects:co2_factors"), {"year": "2024", "grams_per_km": "166", "source": "Klima-Bündnis"}
    )
    assert response.status_code == 302
    login(coordinator).post(
        reverse("projects:co2_factors"), {"year": "2024", "grams_per_km": "170,5", "source": ""}
    )
    assert Co2Factor.objects.get().grams_per_km == Decimal("170.5")
    assert "170,5" in login(rep_a).get(reverse("projects:co2_factors")).content.decode()


@time_machine.travel(datetime.datetime(2025, 2, 1, 10, 0))
@pytest.mark.parametrize(
    ("start", "params", "expected"),
    [
        (datetime.date(2016, 5, 1), {}, (2018, 2026)),
        (datetime.date(2024, 1, 1), {}, (2024, 2026)),
        (datetime.date(2029, 1, 1), {}, (2029, 2029)),  # a project starting in years ahead
        (datetime.date(2016, 5, 1), {"first": "1990"}, (2011, 2026)),  # at most 16 columns
        (datetime.date(2016, 5, 1), {"first": "2020", "last": "2022"}, (2020, 2022)),
    ],
)
def test_grid_years(login, coordinator, project, start, params, expected):
    project.start = start
    project.save()
    indicator = IndicatorFactory(project=project)
    response = login(coordinator).get(reverse("projects:indicator_values", args=[indicator.pk]), params)
    assert response.status_code == 200
    years = response.context["years"]
    assert (years[0], years[-1]) == expected


def test_grid_shows_stored_numbers_in_german(login, coordinator, project):
    indicator = IndicatorFactory(project=project)
    IndicatorValueFactory(
        indicator=indicator, year=2024, target=Decimal("1000000"), actual=Decimal("1067931.500")
    )
    content = (
        login(coordinator)
        .get(reverse("projects:indicator_values", args=[indicator.pk]), {"first": 2024, "last": 2024})
        .content.decode()
    )
    assert 'value="1067931,5"' in content
    assert 'value="1000000"' in content
