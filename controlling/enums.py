from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regionalbuendnis import indicators


class Kpi(models.TextChoices):
    """The key figures a yearly target can be set for."""

    MEETINGS_HELD = "meetings_held", _("Meetings held")
    PARTICIPANTS_PER_MEETING = "participants_per_meeting", _("Participants per meeting (mean)")
    MEMBERS_REPRESENTED_PER_MEETING = (
        "members_represented_per_meeting",
        _("Members represented per meeting (mean)"),
    )
    MEMBERS_REPRESENTED_IN_YEAR = "members_represented_in_year", _("Members represented in the year")
    UNIQUE_PARTICIPANTS = "unique_participants", _("Different people taking part")
    SURVEY_RESPONSE_RATE = "survey_response_rate", _("Survey response rate")
    SURVEY_SATISFACTION = "survey_satisfaction", _("Satisfaction (survey mean, 1–5)")


# The targets the form offers for a year that has none yet (the measure's success indicators).
DEFAULT_TARGETS = {
    Kpi.MEETINGS_HELD: Decimal("4"),
    Kpi.PARTICIPANTS_PER_MEETING: Decimal("15"),
    Kpi.MEMBERS_REPRESENTED_PER_MEETING: Decimal("12"),
    Kpi.SURVEY_RESPONSE_RATE: Decimal("60"),
    Kpi.SURVEY_SATISFACTION: Decimal("4.0"),
}

# Units shown next to target and actual; the response rate is compared in percent.
KPI_UNITS = {Kpi.SURVEY_RESPONSE_RATE: "%"}
# The deviation is actual − target: of two percentages that is percentage points, not percent.
KPI_DEVIATION_UNITS = {Kpi.SURVEY_RESPONSE_RATE: pgettext_lazy("unit", "pp")}


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least (higher is better)")
    AT_MOST = "at_most", _("at most (lower is better)")


class TrafficLight(models.TextChoices):
    """The shared traffic-light states (regionalbuendnis.indicators) with their text."""

    GREEN = indicators.GREEN, _("on target")
    AMBER = indicators.AMBER, _("slightly off target")
    RED = indicators.RED, _("off target")
    NONE = indicators.NONE, _("no data")
