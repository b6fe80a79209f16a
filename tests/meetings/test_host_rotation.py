"""Hosts rotate among the members: the new-meeting form suggests whose turn it is."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import selectors
from meetings.enums import MeetingStatus
from tests.factories import MeetingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    start = timezone.localtime() - datetime.timedelta(days=days)
    return start.replace(hour=14, minute=0, second=0, microsecond=0)


@pytest.fixture
def members(member_a, member_b, coordinator_org):
    """Detmold hosted long ago, Lemgo recently, Lage never; Blomberg has left the alliance."""
    lage = OrganisationFactory(name="Stadt Lage", short_name="Lage", slug="lage")
    former = OrganisationFactory(
        name="Stadt Blomberg",
        short_name="Blomberg",
        slug="blomberg",
        active_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    MeetingFactory(host_organisation=member_a, start=days_ago(300), status=MeetingStatus.HELD)
    MeetingFactory(host_organisation=member_b, start=days_ago(30), status=MeetingStatus.HELD)
    return {"detmold": member_a, "lemgo": member_b, "lage": lage, "former": former}


def test_never_hosted_first_then_longest_ago(members, django_assert_num_queries):
    with django_assert_num_queries(1):
        rotation = selectors.host_rotation()
    assert [turn.organisation for turn in rotation] == [members["lage"], members["detmold"], members["lemgo"]]
    assert rotation[0].last_hosted is None
    assert rotation[1].last_hosted == days_ago(300).date()


def test_a_planned_meeting_counts_drafts_and_cancelled_ones_do_not(members):
    MeetingFactory(host_organisation=members["lage"], start=days_ago(-20), status=MeetingStatus.PUBLISHED)
    MeetingFactory(host_organisation=members["detmold"], start=days_ago(-10), status=MeetingStatus.DRAFT)
    MeetingFactory(host_organisation=members["detmold"], start=days_ago(-5), status=MeetingStatus.CANCELLED)

    rotation = [turn.organisation for turn in selectors.host_rotation()]

    assert rotation == [members["detmold"], members["lemgo"], members["lage"]]


def test_new_meeting_form_preselects_the_next_host(login, people, members):
    response = login(people["coordinator"]).get(reverse("meetings:create"))

    assert response.status_code == 200
    assert response.context["form"]["host_organisation"].value() == members["lage"].pk
    page = response.content.decode()
    assert "Stadt Lage" in page and "Stadt Blomberg" not in page.split("<form")[0]
