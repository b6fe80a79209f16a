"""Demo data for `seed_demo`: targets for last, this and next year, last year's assessment and
its report frozen as sent. Runs after the meetings, projects and survey seeders; idempotent."""

from decimal import Decimal

from django.utils import timezone

from members.demo import COORDINATOR_EMAIL
from members.models import User

from . import services
from .enums import DEFAULT_TARGETS, Direction, Kpi
from .models import FrozenReport, KpiTarget, YearReview

TARGET_COMMENTS = {
    Kpi.MEETINGS_HELD: "Quartalsweise Sitzungen laut Maßnahmenblatt; Workshops zählen mit.",
    Kpi.PARTICIPANTS_PER_MEETING: "Erfolgsindikator der Maßnahme „Verstetigung Regionalbündnis 2050“.",
    Kpi.MEMBERS_REPRESENTED_PER_MEETING: "Zwölf der 17 Mitglieder sollen je Sitzung vertreten sein.",
    Kpi.SURVEY_RESPONSE_RATE: "Rücklauf der Feedback-Umfrage im IV. Quartal.",
    Kpi.SURVEY_SATISFACTION: "Mittelwert der Zufriedenheit auf der Skala 1–5.",
}

ASSESSMENT = (
    "Die Sitzungen des Regionalbündnisses fanden wie geplant statt. Die Beteiligung war in den "
    "Frühjahrssitzungen hoch; Lügde, Dörentrup und Leopoldshöhe waren seltener vertreten und "
    "werden gezielt angesprochen. Das Stadtradeln erreichte erneut alle Kommunen."
)
WORK_PROGRAMME = (
    "Vier Sitzungen und ein thematischer Workshop zur kommunalen Wärmeplanung. "
    "Aufbau eines gemeinsamen Energiemanagements für kommunale Gebäude. "
    "Erfahrungsaustausch zur Quartierssanierung; Stadtradeln im Mai."
)


def _targets(year: int, coordinator) -> None:
    if KpiTarget.objects.filter(year=year).exists():
        return
    services.kpi_targets_save(
        year=year,
        targets={
            kpi: {
                "target": target,
                "direction": Direction.AT_LEAST,
                "tolerance_percent": Decimal("10"),
                "comment": TARGET_COMMENTS.get(kpi, ""),
            }
            for kpi, target in DEFAULT_TARGETS.items()
        },
        user=coordinator,
    )


def seed(stdout=None) -> list:
    coordinator = User.objects.get(email__iexact=COORDINATOR_EMAIL)
    this_year = timezone.localdate().year
    last_year = this_year - 1
    for year in (last_year, this_year, this_year + 1):
        _targets(year, coordinator)
    if not YearReview.objects.filter(year=last_year).exists():
        services.year_review_save(
            year=last_year, assessment=ASSESSMENT, work_programme=WORK_PROGRAMME, user=coordinator
        )
    if not FrozenReport.objects.filter(year=last_year).exists():
        services.report_freeze(year=last_year, user=coordinator)
        if stdout:
            stdout.write(f"Controlling: report {last_year} frozen as final.")
    return []
