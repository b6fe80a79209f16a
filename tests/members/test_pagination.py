"""The member directory in pages: constant queries, German order across pages."""

import pytest
from django.urls import reverse

from members.enums import MembershipRole
from members.models import german_sort_key
from members.views import ORGANISATIONS_PER_PAGE
from tests.factories import MembershipFactory, OrganisationFactory

# Umlauts sort as their base letter (DIN 5007-1): Ölbach between Oerlinghausen and Paderborn.
NAMES = ["Ölbach", "Oerlinghausen", "Paderborn", "Ärzen", "Augustdorf", "Zwickau", "Übach", "Uslar"]


def _members(count):
    names = [f"{NAMES[index % len(NAMES)]} {index:03d}" for index in range(count)]
    for name in names:
        organisation = OrganisationFactory(name=name, short_name=name)
        MembershipFactory(organisation=organisation, role=MembershipRole.REPRESENTATIVE)
        MembershipFactory(organisation=organisation, role=MembershipRole.DEPUTY)
    return names


@pytest.mark.django_db
def test_directory_queries_do_not_grow_with_members(client, login, rep_a, django_assert_num_queries):
    login(rep_a)
    url = reverse("members:organisation_list")
    client.get(url)  # session and user caches that are not per row
    with django_assert_num_queries(6) as one:
        response = client.get(url)
    assert response.context["page"].paginator.count == 1
    _members(ORGANISATIONS_PER_PAGE + 10)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == ORGANISATIONS_PER_PAGE
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url, {"page": 2})


@pytest.mark.django_db
def test_page_two_continues_in_german_order(client, login, coordinator):
    names = _members(ORGANISATIONS_PER_PAGE + 5)
    login(coordinator)
    url = reverse("members:organisation_list")
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert second.status_code == 200
    shown = [o.name for o in first.context["page"]] + [o.name for o in second.context["page"]]
    assert shown == sorted(names, key=german_sort_key)
    assert f"{len(names)} Mitgliedsorganisationen" in first.text
    assert "page=2" in first.text
    assert 'aria-current="page"' in second.text


@pytest.mark.django_db
def test_the_alliance_fits_on_one_page(client, login, rep_a):
    _members(16)
    response = login(rep_a).get(reverse("members:organisation_list"))
    assert response.context["page"].paginator.num_pages == 1
    assert "page=2" not in response.text
