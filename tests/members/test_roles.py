"""Roles derived from current memberships, the navigation per role, and the admin site."""

import datetime

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from members.context_processors import NAVIGATION
from members.enums import MembershipRole, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestRole:
    def test_role_per_fixture_person(self, coordinator, rep_a, deputy_a, rep_b, guest_user):
        assert coordinator.role == Role.COORDINATOR
        assert rep_a.role == Role.REPRESENTATIVE
        assert deputy_a.role == Role.DEPUTY
        assert rep_b.role == Role.REPRESENTATIVE
        assert guest_user.role == Role.GUEST

    def test_is_coordinator_only_for_the_coordinator(self, coordinator, rep_a, deputy_a, guest_user):
        assert coordinator.is_coordinator
        assert not any(p.is_coordinator for p in (rep_a, deputy_a, guest_user))

    def test_member_organisations_and_speaks_for(
        self, rep_a, deputy_a, rep_b, member_a, member_b, coordinator
    ):
        assert rep_a.member_organisations == [member_a]
        assert deputy_a.member_organisations == [member_a]
        assert rep_a.speaks_for(member_a) and not rep_a.speaks_for(member_b)
        assert rep_b.speaks_for(member_b) and not rep_b.speaks_for(member_a)
        assert coordinator.member_organisations == []

    def test_ended_and_future_memberships_give_no_role(self, member_a):
        today = datetime.date(2026, 6, 15)
        ended = UserFactory()
        MembershipFactory(
            person=ended,
            organisation=member_a,
            start=datetime.date(2020, 1, 1),
            end=today - datetime.timedelta(days=1),
        )
        future = UserFactory()
        MembershipFactory(person=future, organisation=member_a, start=today + datetime.timedelta(days=1))
        last_day = UserFactory()
        MembershipFactory(
            person=last_day,
            organisation=member_a,
            role=MembershipRole.DEPUTY,
            start=datetime.date(2020, 1, 1),
            end=today,
        )
        with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
            assert ended.role == Role.GUEST and ended.member_organisations == []
            assert future.role == Role.GUEST
            assert last_day.role == Role.DEPUTY

    def test_representative_outranks_deputy_for_two_members(self, member_a, member_b):
        person = UserFactory()
        MembershipFactory(person=person, organisation=member_a, role=MembershipRole.DEPUTY)
        MembershipFactory(person=person, organisation=member_b, role=MembershipRole.REPRESENTATIVE)
        assert person.role == Role.REPRESENTATIVE
        assert {o.pk for o in person.member_organisations} == {member_a.pk, member_b.pk}

    def test_inactive_coordinator_is_no_coordinator(self, coordinator):
        coordinator.is_active = False
        coordinator.save()
        coordinator.refresh_from_db()
        assert not coordinator.is_coordinator

    def test_coordinator_role_at_a_member_does_not_make_a_coordinator(self, member_a):
        person = UserFactory()
        MembershipFactory(person=person, organisation=member_a, role=MembershipRole.COORDINATOR)
        assert not person.is_coordinator
        assert person.role == Role.GUEST

    def test_dashboard_names_the_role(self, client, login, rep_a, coordinator, guest_user):
        login(rep_a)
        assert "Vertreter·in – Stadt Detmold" in client.get(reverse("dashboard")).text
        login(coordinator)
        assert "Koordination" in client.get(reverse("dashboard")).text
        login(guest_user)
        assert "Gast" in client.get(reverse("dashboard")).text


def _reversible(url_name):
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_urls(client):
    return [item["url"] for item in client.get(reverse("dashboard")).context["navigation"]]


class TestNavigation:
    def test_coordinator_sees_every_available_entry(self, client, login, coordinator):
        login(coordinator)
        expected = [url for url in (_reversible(name) for _, name, _ in NAVIGATION) if url]
        assert nav_urls(client) == expected

    @pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
    def test_others_do_not_see_coordinator_entries(self, client, login, request, who):
        login(request.getfixturevalue(who))
        expected = [
            url for url in (_reversible(name) for _, name, audience in NAVIGATION if audience == "all") if url
        ]
        assert nav_urls(client) == expected
        coordinator_only = {
            _reversible(name) for _, name, audience in NAVIGATION if audience == "coordinator"
        }
        assert not coordinator_only & set(nav_urls(client))

    def test_survey_and_controlling_are_coordinator_only(self):
        audiences = {name: audience for _, name, audience in NAVIGATION}
        assert audiences["surveys:list"] == audiences["controlling:index"] == "coordinator"
        assert {a for n, a in audiences.items() if n not in ("surveys:list", "controlling:index")} == {"all"}

    def test_anonymous_gets_no_navigation_but_a_login_link(self, client):
        response = client.get(reverse("login"))
        assert response.context["navigation"] == []
        assert 'href="/accounts/login/"' in response.text

    def test_current_page_is_marked(self, client, login, rep_a):
        login(rep_a)
        response = client.get(reverse("members:organisation_list"))
        active = [item for item in response.context["navigation"] if item["active"]]
        assert [item["url"] for item in active] == [reverse("members:organisation_list")]
        assert 'aria-current="page">Mitglieder</a>' in response.text

    def test_members_link_is_for_everyone_logged_in(self, client, login, guest_user):
        login(guest_user)
        assert reverse("members:organisation_list") in nav_urls(client)


class TestAdminSite:
    def test_superuser_gets_the_admin(self, client):
        admin = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(admin)
        assert client.get(reverse("admin:index")).status_code == 200
        for url in (
            reverse("admin:members_user_changelist"),
            reverse("admin:members_user_add"),
            reverse("admin:members_user_change", args=[admin.pk]),
            reverse("admin:members_organisation_changelist"),
            reverse("admin:members_organisation_add"),
            reverse("admin:members_membership_changelist"),
            reverse("admin:members_membership_add"),
        ):
            assert client.get(url).status_code == 200, url

    def test_superuser_adds_a_person_in_the_admin(self, client):
        admin = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(admin)
        response = client.post(
            reverse("admin:members_user_add"),
            {
                "email": "Neu.Person@Example.org",
                "full_name": "Neu Person",
                "usable_password": "true",
                "password1": "Ein-sicheres-Passwort-2050",
                "password2": "Ein-sicheres-Passwort-2050",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        from members.models import User

        person = User.objects.get(full_name="Neu Person")
        assert person.email == "neu.person@example.org"
        assert person.check_password("Ein-sicheres-Passwort-2050")

    def test_admin_refuses_a_membership_against_the_rules(self, client, member_a, rep_a):
        admin = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(admin)
        response = client.post(
            reverse("admin:members_membership_add"),
            {
                "person": admin.pk,
                "organisation": member_a.pk,
                "role": MembershipRole.COORDINATOR,
                "start": "2024-01-01",
                "end": "2023-01-01",
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "end" in errors and "role" in errors

    @pytest.mark.parametrize("staff", [False, True])
    def test_coordinator_who_is_not_superuser_gets_no_admin(self, client, login, coordinator, staff):
        coordinator.is_staff = staff
        coordinator.save()
        login(coordinator)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        assert client.get(reverse("admin:members_user_changelist")).status_code == 302

    @pytest.mark.parametrize("who", ["rep_a", "guest_user", None])
    def test_others_get_no_admin(self, client, login, request, who):
        login(request.getfixturevalue(who) if who else None)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    def test_admin_login_form_does_not_let_a_coordinator_in(self, client, coordinator):
        coordinator.is_staff = True
        coordinator.save()
        from tests.factories.members import PASSWORD

        client.post(reverse("admin:login"), {"username": coordinator.email, "password": PASSWORD})
        assert client.get(reverse("admin:index")).status_code == 302
