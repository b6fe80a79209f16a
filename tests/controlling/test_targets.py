"""Targets: default offers, saving with history, traffic lights per key figure."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from controlling import selectors, services
from controlling.enums import Direction, Kpi
from controlling.models import FrozenReport, KpiTarget
from tests.factories import KpiTargetFactory

from .conftest import REPORT_YEAR, pdf_text

pytestmark = pytest.mark.django_db


def _report(**overrides):
    report = {
        "meetings_held": 3,
        "participants_per_meeting": {"mean": 14.0, "min": 10, "max": 18},
        "members_represented_per_meeting": {"mean": 9.5, "min": 8, "max": 11},
        "members_represented_in_year": 15,
        "unique_participants": 40,
        "survey": {"response_rate": 0.65, "satisfaction_mean": 3.5},
    }
    report.update(overrides)
    return report


def _rows(report, targets):
    return {row["kpi"]: row for row in selectors.target_rows(report=report, targets=targets)}


def test_every_key_figure_has_a_row_with_target_actual_deviation_and_status():
    targets = {
        t.kpi: t
        for t in (
            KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD, target=Decimal("4")),
            KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.PARTICIPANTS_PER_MEETING, target=Decimal("15")),
            KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.MEMBERS_REPRESENTED_PER_MEETING, target=Decimal("12")),
            KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.SURVEY_RESPONSE_RATE, target=Decimal("60")),
            KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.SURVEY_SATISFACTION, target=Decimal("4.0")),
        )
    }

    rows = _rows(_report(), targets)

    assert set(rows) == set(Kpi.values)
    # 3 of 4 meetings: 25 % short, beyond the 10 % tolerance.
    assert (rows["meetings_held"]["actual"], rows["meetings_held"]["deviation"]) == (3.0, -1.0)
    assert rows["meetings_held"]["status"] == "red"
    # 14 of 15: within 10 %.
    assert rows["participants_per_meeting"]["deviation"] == -1.0
    assert rows["participants_per_meeting"]["status"] == "amber"
    assert rows["members_represented_per_meeting"]["status"] == "red"
    # The response rate is compared in percent.
    assert rows["survey_response_rate"]["actual"] == pytest.approx(65.0)
    assert rows["survey_response_rate"]["unit"] == "%"
    assert rows["survey_response_rate"]["status"] == "green"
    assert rows["survey_satisfaction"]["status"] == "red"
    # No target: no deviation, grey.
    assert rows["unique_participants"]["target"] is None
    assert rows["unique_participants"]["deviation"] is None
    assert rows["unique_participants"]["status"] == "none"


def test_target_met_exactly_is_green_and_missing_data_is_none():
    targets = {Kpi.MEETINGS_HELD: KpiTargetFactory(year=REPORT_YEAR, target=Decimal("3"))}
    targets[Kpi.PARTICIPANTS_PER_MEETING] = KpiTargetFactory(
        year=REPORT_YEAR, kpi=Kpi.PARTICIPANTS_PER_MEETING, target=Decimal("15")
    )

    rows = _rows(
        _report(participants_per_meeting={"mean": None, "min": None, "max": None}, survey=None), targets
    )

    assert rows["meetings_held"]["status"] == "green"
    assert rows["meetings_held"]["deviation"] == 0.0
    assert rows["participants_per_meeting"]["status"] == "none"
    assert rows["survey_response_rate"]["actual"] is None


def test_lower_is_better_and_own_tolerance():
    target = KpiTargetFactory(
        year=REPORT_YEAR,
        kpi=Kpi.UNIQUE_PARTICIPANTS,
        target=Decimal("30"),
        direction=Direction.AT_MOST,
        tolerance_percent=Decimal("50"),
    )

    rows = _rows(_report(unique_participants=40), {target.kpi: target})

    assert rows["unique_participants"]["deviation"] == 10.0
    assert rows["unique_participants"]["status"] == "amber"  # 10 over, 15 allowed


def test_the_form_offers_the_defaults_then_last_years_targets():
    initial = selectors.kpi_target_initial(year=REPORT_YEAR)
    assert initial["meetings_held"]["target"] == Decimal("4")
    assert initial["participants_per_meeting"]["target"] == Decimal("15")
    assert initial["members_represented_per_meeting"]["target"] == Decimal("12")
    assert initial["survey_response_rate"]["target"] == Decimal("60")
    assert initial["survey_satisfaction"]["target"] == Decimal("4.0")
    assert initial["unique_participants"]["target"] is None

    KpiTargetFactory(year=REPORT_YEAR - 1, target=Decimal("6"), comment="Mehr Workshops")
    initial = selectors.kpi_target_initial(year=REPORT_YEAR)
    assert initial["meetings_held"]["target"] == Decimal("6")
    assert initial["meetings_held"]["comment"] == ""  # last year's reason is not this year's


def _fields(target, comment="", direction=Direction.AT_LEAST, tolerance="10"):
    return {"target": target, "direction": direction, "tolerance_percent": tolerance, "comment": comment}


def test_saving_targets_keeps_a_history_of_real_changes_only(coordinator):
    services.kpi_targets_save(
        year=REPORT_YEAR, targets={Kpi.MEETINGS_HELD: _fields("4", "laut Maßnahmenblatt")}, user=coordinator
    )
    services.kpi_targets_save(
        year=REPORT_YEAR, targets={Kpi.MEETINGS_HELD: _fields("4", "laut Maßnahmenblatt")}, user=coordinator
    )
    services.kpi_targets_save(
        year=REPORT_YEAR,
        targets={Kpi.MEETINGS_HELD: _fields("5", "Workshops kommen hinzu")},
        user=coordinator,
    )

    target = KpiTarget.objects.get(year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD)
    assert target.target == Decimal("5")
    assert target.updated_by == coordinator
    assert [h.target for h in target.history.order_by("history_date")] == [Decimal("4"), Decimal("5")]


def test_an_empty_target_removes_it(coordinator):
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD)

    services.kpi_targets_save(year=REPORT_YEAR, targets={Kpi.MEETINGS_HELD: _fields(None)}, user=coordinator)

    assert not KpiTarget.objects.filter(year=REPORT_YEAR).exists()


def test_invalid_target_changes_nothing(coordinator):
    with pytest.raises(ValidationError) as error:
        services.kpi_targets_save(
            year=REPORT_YEAR,
            targets={
                Kpi.MEETINGS_HELD: _fields("4"),
                Kpi.PARTICIPANTS_PER_MEETING: _fields("15", tolerance="150"),
            },
            user=coordinator,
        )

    assert "participants_per_meeting-tolerance_percent" in error.value.message_dict
    assert not KpiTarget.objects.exists()


def test_targets_of_a_frozen_year_are_locked(coordinator):
    FrozenReport.objects.create(
        year=REPORT_YEAR, snapshot={}, pdf_de=b"%PDF", pdf_en=b"%PDF", frozen_at="2025-12-01T10:00:00+01:00"
    )

    with pytest.raises(ValidationError):
        services.kpi_targets_save(
            year=REPORT_YEAR, targets={Kpi.MEETINGS_HELD: _fields("4")}, user=coordinator
        )
    with pytest.raises(ValidationError):
        services.year_review_save(year=REPORT_YEAR, assessment="x", work_programme="y", user=coordinator)

    assert not KpiTarget.objects.exists()


def test_targets_belong_to_their_year_and_show_on_page_and_pdf(coordinator, year_data, login, in_q4):
    """Target, actual, deviation, light and the reason, per key figure and year."""
    KpiTargetFactory(year=REPORT_YEAR - 1, kpi=Kpi.MEETINGS_HELD, target=Decimal("2"), comment="Vorjahr")
    KpiTargetFactory(
        year=REPORT_YEAR, kpi=Kpi.MEETINGS_HELD, target=Decimal("4"), comment="Quartalsweise laut Maßnahme"
    )
    KpiTargetFactory(
        year=REPORT_YEAR, kpi=Kpi.PARTICIPANTS_PER_MEETING, target=Decimal("3.8"), comment="Nur knapp"
    )
    KpiTargetFactory(year=REPORT_YEAR, kpi=Kpi.MEMBERS_REPRESENTED_IN_YEAR, target=Decimal("2"))
    client = login(coordinator)

    response = client.get(reverse("controlling:year", args=[REPORT_YEAR]))
    pdf = client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "de"})

    rows = {row["kpi"]: row for row in response.context["targets"]}
    assert (rows["meetings_held"]["target"], rows["meetings_held"]["actual"]) == (4.0, 3.0)
    assert (rows["meetings_held"]["deviation"], rows["meetings_held"]["status"]) == (-1.0, "red")
    assert rows["participants_per_meeting"]["deviation"] == pytest.approx(-0.3)
    assert rows["participants_per_meeting"]["status"] == "amber"
    assert rows["members_represented_in_year"]["status"] == "green"
    content = response.content.decode()
    assert "Quartalsweise laut Maßnahme" in content
    assert "Vorjahr" not in content
    assert '<span class="traffic-light red">verfehlt</span>' in content
    assert '<span class="traffic-light amber">knapp verfehlt</span>' in content
    assert '<span class="traffic-light green">im Soll</span>' in content
    text = pdf_text(pdf.content)
    assert "≥ 4 3 −1 verfehlt" in text
    assert "≥ 3,8 3,5 −0,3 knapp verfehlt" in text
    assert "Quartalsweise laut Maßnahme" in " ".join(text.split())  # wrapped in its narrow column
    # Summary page: the lights at a glance.
    assert "Durchgeführte Treffen verfehlt" in text


def test_targets_of_other_years_do_not_count(coordinator):
    KpiTargetFactory(year=REPORT_YEAR - 1, kpi=Kpi.MEETINGS_HELD, target=Decimal("2"))

    rows = _rows(_report(), selectors.kpi_targets(year=REPORT_YEAR))

    assert rows["meetings_held"]["target"] is None
    assert rows["meetings_held"]["status"] == "none"
