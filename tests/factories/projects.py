import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from projects.enums import ActivityStatus, Field, ProjectStatus
from projects.models import (
    ClimateActivity,
    Co2Factor,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Project,
    StatusChange,
)

from .members import OrganisationFactory


class ProjectFactory(DjangoModelFactory):
    """A project with its creation entry in the status history (as project_create writes it)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Projekt {n}")
    summary = "Gemeinsames Projekt der Mitglieder."
    field = Field.MOBILITY
    lead_organisation = factory.SubFactory(OrganisationFactory)
    start = datetime.date(2020, 1, 1)
    status = ProjectStatus.RUNNING

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            StatusChange.objects.create(
                project=self,
                from_status="",
                to_status=self.status,
                changed_on=self.start or datetime.date(2020, 1, 1),
            )


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Meilenstein {n}")
    due_on = datetime.date(2030, 1, 1)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ProjectFactory)
    text = "Es geht voran."


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Kennzahl {n}")
    unit = "km"


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    organisation = None
    target = Decimal("100")
    actual = Decimal("100")


class Co2FactorFactory(DjangoModelFactory):
    class Meta:
        model = Co2Factor
        django_get_or_create = ("year",)

    year = 2024
    grams_per_km = Decimal("166")


class ClimateActivityFactory(DjangoModelFactory):
    class Meta:
        model = ClimateActivity

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Klimaaktivität {n}")
    field = Field.ENERGY_MANAGEMENT
    year = 2024
    status = ActivityStatus.RUNNING
    summary = "Kurzbeschreibung."
