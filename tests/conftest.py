"""Shared fixtures: the four kinds of people every permission test uses."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from members.enums import MembershipRole, OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.members import PASSWORD


@pytest.fixture(autouse=True)
def _clean_state(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def coordinator_org(db):
    return OrganisationFactory(
        name="Kreis Lippe – Masterplanmanagement",
        short_name="Kreis Lippe",
        slug="kreis-lippe",
        kind=OrganisationKind.COORDINATOR,
        is_member=False,
    )


@pytest.fixture
def member_a(db):
    return OrganisationFactory(name="Stadt Detmold", short_name="Detmold", slug="detmold")


@pytest.fixture
def member_b(db):
    return OrganisationFactory(name="Stadt Lemgo", short_name="Lemgo", slug="lemgo")


@pytest.fixture
def coordinator(coordinator_org):
    person = UserFactory(full_name="Miriam Koordinatorin", email="koordination@kreis-lippe.example")
    MembershipFactory(person=person, organisation=coordinator_org, role=MembershipRole.COORDINATOR)
    return person


@pytest.fixture
def rep_a(member_a):
    person = UserFactory(full_name="Anna Detmold")
    MembershipFactory(person=person, organisation=member_a, role=MembershipRole.REPRESENTATIVE)
    return person


@pytest.fixture
def deputy_a(member_a):
    person = UserFactory(full_name="Dirk Detmold")
    MembershipFactory(person=person, organisation=member_a, role=MembershipRole.DEPUTY)
    return person


@pytest.fixture
def rep_b(member_b):
    person = UserFactory(full_name="Bernd Lemgo")
    MembershipFactory(person=person, organisation=member_b, role=MembershipRole.REPRESENTATIVE)
    return person


@pytest.fixture
def guest_user(db):
    return UserFactory(full_name="Gabi Gast", affiliation="Stadtwerke Detmold")


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that person (None stays anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="members.backends.EmailBackend")
        return client

    return _login


@pytest.fixture
def today():
    """Today in Europe/Berlin (the app's date), not the server's UTC date."""
    return timezone.localdate()
