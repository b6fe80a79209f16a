from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    TOWN = "town", _("Town")
    MUNICIPALITY = "municipality", _("Municipality")
    ASSOCIATION = "association", _("Association")
    COORDINATOR = "coordinator", _("Coordinator")
    OTHER = "other", _("Other body")


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    DEPUTY = "deputy", _("Deputy")
    # People working for the coordinating organisation (Kreis Lippe – Masterplan management).
    COORDINATOR = "coordinator", _("Coordinator")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class Role(models.TextChoices):
    """What a person may do in the app, derived from their current memberships."""

    COORDINATOR = "coordinator", _("Coordinator")
    REPRESENTATIVE = "representative", _("Representative")
    DEPUTY = "deputy", _("Deputy")
    GUEST = "guest", _("Guest")
