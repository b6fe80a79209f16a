import datetime

import pytest

from members.enums import MembershipRole
from projects.enums import ProjectStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.projects import ProjectFactory


@pytest.fixture
def project(coordinator_org, member_a):
    """A running project led by the coordinator's organisation with member A taking part."""
    return ProjectFactory(
        title="Stadtradeln",
        lead_organisation=coordinator_org,
        participants=[member_a],
        start=datetime.date(2016, 5, 1),
        status=ProjectStatus.RUNNING,
    )


@pytest.fixture
def member_c(db):
    return OrganisationFactory(name="Gemeinde Dörentrup", short_name="Dörentrup", slug="doerentrup")


@pytest.fixture
def rep_c(member_c):
    person = UserFactory(full_name="Carla Dörentrup")
    MembershipFactory(person=person, organisation=member_c, role=MembershipRole.REPRESENTATIVE)
    return person
