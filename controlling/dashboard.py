"""The coordinator's dashboard card: this year's meeting key figures so far, against the targets."""

from django.utils import timezone

from . import figures_cache, selectors
from .enums import Kpi, TrafficLight

MEETING_KPIS = (
    Kpi.MEETINGS_HELD,
    Kpi.PARTICIPANTS_PER_MEETING,
    Kpi.MEMBERS_REPRESENTED_PER_MEETING,
    Kpi.MEMBERS_REPRESENTED_IN_YEAR,
)


def dashboard_sections(user) -> list[dict]:
    """The year's meeting figures (cached, see figures_cache) and the targets (one query)."""
    if not user.is_coordinator:
        return []
    year = timezone.localdate().year
    statistics = figures_cache.cached_meeting_figures(year=year)
    rows = selectors.target_rows(report=statistics, targets=selectors.kpi_targets(year=year))
    kpis = [
        {**row, "label": Kpi(row["kpi"]).label, "status_label": TrafficLight(row["status"]).label}
        for row in rows
        if row["kpi"] in MEETING_KPIS
    ]
    return [
        {
            "template": "controlling/dashboard_card.html",
            "year": year,
            "statistics": statistics,
            "kpis": kpis,
        }
    ]
