"""Members' climate activities: a searchable catalogue; each member edits only its own entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.enums import ActivityStatus, Field
from projects.models import ClimateActivity
from tests.factories.projects import ClimateActivityFactory

pytestmark = pytest.mark.django_db


def _data(organisation, **extra):
    data = {
        "organisation": organisation.pk,
        "title": "Kommunale Wärmeplanung",
        "field": Field.ENERGY_MANAGEMENT,
        "year": "2024",
        "status": ActivityStatus.RUNNING,
        "summary": "Bestandsanalyse läuft.",
        "link": "https://www.detmold.de/waermeplanung",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["rep_a", "deputy_a"])
def test_representative_and_deputy_document_their_own_activities(request, login, member_a, who):
    user = request.getfixturevalue(who)
    response = login(user).post(reverse("projects:activity_create"), _data(member_a))
    assert response.status_code == 302
    activity = ClimateActivity.objects.get()
    assert (activity.organisation, activity.created_by, activity.year) == (member_a, user, 2024)


def test_a_representative_cannot_document_for_another_member(login, rep_a, member_b):
    response = login(rep_a).post(reverse("projects:activity_create"), _data(member_b))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ClimateActivity.objects.exists()


def test_people_without_a_member_cannot_document(login, guest_user, member_a):
    client = login(guest_user)
    assert client.get(reverse("projects:activity_create")).status_code == 403
    assert client.post(reverse("projects:activity_create"), _data(member_a)).status_code == 403
    assert not ClimateActivity.objects.exists()


def test_the_coordinator_documents_for_any_member(login, coordinator, member_b):
    assert login(coordinator).post(reverse("projects:activity_create"), _data(member_b)).status_code == 302
    assert ClimateActivity.objects.get().organisation == member_b


def test_activities_belong_to_members_only(login, coordinator, coordinator_org, member_a):
    response = login(coordinator).post(reverse("projects:activity_create"), _data(coordinator_org))
    assert response.status_code == 200
    assert not ClimateActivity.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("rep_a", True), ("deputy_a", True), ("coordinator", True), ("rep_b", False), ("guest_user", False)],
)
def test_only_own_member_or_coordinator_edits_and_deletes(request, login, member_a, who, allowed):
    activity = ClimateActivityFactory(organisation=member_a, title="LED-Straßenbeleuchtung")
    client = login(request.getfixturevalue(who))
    edit = client.post(
        reverse("projects:activity_edit", args=[activity.pk]), _data(member_a, title="Geändert")
    )
    activity.refresh_from_db()
    if allowed:
        assert edit.status_code == 302
        assert activity.title == "Geändert"
        assert client.get(reverse("projects:activity_delete", args=[activity.pk])).status_code == 200
        assert client.post(reverse("projects:activity_delete", args=[activity.pk])).status_code == 302
        assert not ClimateActivity.objects.exists()
    else:
        assert edit.status_code == 403
        assert activity.title == "LED-Straßenbeleuchtung"
        assert client.post(reverse("projects:activity_delete", args=[activity.pk])).status_code == 403
        assert ClimateActivity.objects.exists()


def test_a_representative_cannot_move_an_entry_to_another_member(login, rep_a, member_a, member_b):
    activity = ClimateActivityFactory(organisation=member_a)
    response = login(rep_a).post(reverse("projects:activity_edit", args=[activity.pk]), _data(member_b))
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.organisation == member_a


def test_edit_links_only_on_own_entries(login, rep_a, member_a, member_b):
    own = ClimateActivityFactory(organisation=member_a)
    other = ClimateActivityFactory(organisation=member_b)
    content = login(rep_a).get(reverse("projects:activity_list")).content.decode()
    assert reverse("projects:activity_edit", args=[own.pk]) in content
    assert reverse("projects:activity_edit", args=[other.pk]) not in content


def test_anonymous_goes_to_login(login):
    response = login(None).get(reverse("projects:activity_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_catalogue_filters_and_search(login, rep_b, member_a, member_b):
    ClimateActivityFactory(
        organisation=member_a, title="Wärmeplanung Detmold", field=Field.ENERGY_MANAGEMENT, year=2024
    )
    ClimateActivityFactory(
        organisation=member_a,
        title="Radabstellanlagen am Bahnhof",
        field=Field.MOBILITY,
        year=2023,
        status=ActivityStatus.COMPLETED,
    )
    ClimateActivityFactory(
        organisation=member_b,
        title="Balkonkraftwerke fördern",
        field=Field.RENEWABLES,
        year=2024,
        summary="Zuschuss für Steckersolargeräte",
    )
    client = login(rep_b)

    def titles(**params):
        response = client.get(reverse("projects:activity_list"), params)
        assert response.status_code == 200
        return sorted(activity.title for activity in response.context["page"])

    assert len(titles()) == 3
    assert titles(member="detmold") == ["Radabstellanlagen am Bahnhof", "Wärmeplanung Detmold"]
    assert titles(field="mobility") == ["Radabstellanlagen am Bahnhof"]
    assert titles(year="2024") == ["Balkonkraftwerke fördern", "Wärmeplanung Detmold"]
    assert titles(status="completed") == ["Radabstellanlagen am Bahnhof"]
    assert titles(q="steckersolar") == ["Balkonkraftwerke fördern"]
    assert titles(q="lemgo") == ["Balkonkraftwerke fördern"]
    assert titles(member="detmold", year="2024") == ["Wärmeplanung Detmold"]


def test_catalogue_is_paginated_keeping_the_filters(login, rep_b, member_a):
    ClimateActivityFactory.create_batch(30, organisation=member_a, field=Field.MOBILITY)
    client = login(rep_b)
    first = client.get(reverse("projects:activity_list"), {"field": "mobility"})
    assert len(first.context["page"]) == 25
    assert "field=mobility&amp;page=2" in first.content.decode()
    second = client.get(reverse("projects:activity_list"), {"field": "mobility", "page": 2})
    assert len(second.context["page"]) == 5


def test_catalogue_has_a_constant_number_of_queries(
    login, rep_a, member_a, member_b, django_assert_num_queries
):
    client = login(rep_a)
    ClimateActivityFactory(organisation=member_a)
    client.get(reverse("projects:activity_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("projects:activity_list"))
    ClimateActivityFactory.create_batch(20, organisation=member_a)
    ClimateActivityFactory.create_batch(20, organisation=member_b, year=2021)
    with django_assert_num_queries(len(one)):
        assert len(client.get(reverse("projects:activity_list")).context["page"]) == 25


def test_year_far_in_the_future_is_refused(login, rep_a, member_a):
    response = login(rep_a).post(reverse("projects:activity_create"), _data(member_a, year="2999"))
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert not ClimateActivity.objects.exists()


def test_catalogue_names_the_fields_where_several_members_are_active(
    login, coordinator, member_a, member_b, member_c
):
    ClimateActivityFactory(organisation=member_a, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_a, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_b, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_c, field=Field.RENEWABLES, status=ActivityStatus.PLANNED)
    ClimateActivityFactory(organisation=member_a, field=Field.MOBILITY)
    # A dropped activity is no starting point.
    ClimateActivityFactory(organisation=member_b, field=Field.MOBILITY, status=ActivityStatus.DROPPED)
    client = login(coordinator)
    response = client.get(reverse("projects:activity_list"))
    assert response.context["overlaps"] == [
        {
            "field": Field.RENEWABLES,
            "label": Field.RENEWABLES.label,
            "members": ["Detmold", "Dörentrup", "Lemgo"],
            "member_names": "Detmold, Dörentrup, Lemgo",
        }
    ]
    page = response.content.decode()
    assert "Erneuerbare Energien</a>: 3 Mitglieder (Detmold, Dörentrup, Lemgo)" in page
    # The overview follows the filters.
    filtered = client.get(reverse("projects:activity_list"), {"member": member_a.slug})
    assert filtered.context["overlaps"] == []


def test_catalogue_rows_link_the_member_and_name_field_and_status(login, coordinator, member_a):
    activity = ClimateActivityFactory(
        organisation=member_a, field=Field.MOBILITY, status=ActivityStatus.COMPLETED, year=2023
    )
    content = login(coordinator).get(reverse("projects:activity_list")).content.decode()
    assert f'<a href="{member_a.get_absolute_url()}">Detmold</a>' in content
    assert "<td>Mobilität</td>" in content
    assert "<td>Abgeschlossen</td>" in content
    # The coordinator edits and deletes every entry.
    assert reverse("projects:activity_edit", args=[activity.pk]) in content
    assert reverse("projects:activity_delete", args=[activity.pk]) in content


def test_overlap_names_are_escaped(login, coordinator, member_a, member_b):
    member_a.short_name = "Detmold <Nord> & Co"
    member_a.save()
    ClimateActivityFactory(organisation=member_a, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_b, field=Field.RENEWABLES)
    content = login(coordinator).get(reverse("projects:activity_list")).content.decode()
    assert "(Detmold &lt;Nord&gt; &amp; Co, Lemgo)" in content
    assert "<Nord>" not in content


def test_overlaps_count_a_former_member_and_ignore_other_fields(login, coordinator, member_a, member_b):
    ClimateActivityFactory(organisation=member_a, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_b, field=Field.RENEWABLES)
    ClimateActivityFactory(organisation=member_b, field=Field.MOBILITY)
    member_b.is_member = False  # left the alliance; its documented activities stay
    member_b.save()
    overlaps = login(coordinator).get(reverse("projects:activity_list")).context["overlaps"]
    assert [(overlap["field"], overlap["members"]) for overlap in overlaps] == [
        (Field.RENEWABLES, ["Detmold", "Lemgo"])
    ]


@pytest.mark.parametrize("slug", ["unknown", "kreis-lippe"])
def test_filter_by_an_unknown_or_non_member_is_refused(login, coordinator, coordinator_org, member_a, slug):
    ClimateActivityFactory(organisation=member_a)
    response = login(coordinator).get(reverse("projects:activity_list"), {"member": slug})
    assert response.status_code == 200
    assert "member" in response.context["filter_form"].errors
    # An invalid filter is left out: the whole catalogue shows.
    assert len(response.context["page"]) == 1


def test_filter_drop_downs_offer_members_and_keep_the_choice(login, coordinator, coordinator_org, member_a):
    ClimateActivityFactory(organisation=member_a, year=2022)
    content = (
        login(coordinator)
        .get(reverse("projects:activity_list"), {"member": "detmold", "year": "2022", "field": "mobility"})
        .content.decode()
    )
    assert '<select name="member" class="form-select" id="id_member">' in content
    assert '<option value="detmold" selected>Stadt Detmold</option>' in content
    assert 'value="kreis-lippe"' not in content  # the coordinator's organisation is no member
    assert '<option value="2022" selected>2022</option>' in content
    assert '<option value="mobility" selected>' in content
    assert '<label class="form-label" for="id_year">' in content
