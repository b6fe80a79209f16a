from django.db import models
from django.utils.translation import gettext_lazy as _


class Field(models.TextChoices):
    """Field of action of a joint project or a member's climate activity."""

    MOBILITY = "mobility", _("Mobility")
    ENERGY_MANAGEMENT = "energy_management", _("Energy management")
    BUILDINGS = "buildings", _("Buildings / neighbourhood retrofits")
    RENEWABLES = "renewables", _("Renewable energy")
    COMMUNICATION = "communication", _("Communication / participation")
    ADAPTATION = "adaptation", _("Climate adaptation")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    PAUSED = "paused", _("Paused")
    DROPPED = "dropped", _("Dropped")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped")


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class Calculation(models.TextChoices):
    """How an indicator's values come about."""

    ENTERED = "entered", _("Entered or imported")
    # t CO2 avoided = kilometres of the source indicator × the CO2 factor of that year (g/km) / 10^6
    CO2_FROM_KM = "co2_from_km", _("t CO2 avoided, computed from kilometres × CO2 factor of the year")
