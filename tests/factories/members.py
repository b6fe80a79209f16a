import datetime

import factory
from factory.django import DjangoModelFactory

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User

PASSWORD = "test-password-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    preferred_language = "de"
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stadt Muster {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.replace("Stadt ", ""))
    slug = factory.Sequence(lambda n: f"muster-{n}")
    kind = OrganisationKind.TOWN
    is_member = True
    active_since = datetime.date(2016, 9, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.REPRESENTATIVE
    start = datetime.date(2016, 9, 1)
