"""The coordinator manages people, memberships and organisations in the browser; people edit their
own profile. Bad input is refused with field errors and changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.enums import MembershipRole
from members.models import Membership, Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def state():
    """Everything the members app stores, to prove that refused input changed nothing."""
    return (
        sorted(User.objects.values_list()),
        sorted(Membership.objects.values_list()),
        sorted(Organisation.objects.values_list()),
        Membership.history.count(),
    )


def field_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def person_data(**overrides):
    data = {
        "full_name": "Paula Neu",
        "email": "paula@example.org",
        "phone": "",
        "preferred_language": "de",
        "affiliation": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


class TestPeople:
    def test_coordinator_adds_a_person_without_login(self, client, login, coordinator):
        login(coordinator)
        response = client.post(reverse("members:person_create"), person_data(email="Paula@Example.ORG"))
        person = User.objects.get(full_name="Paula Neu")
        assert response.status_code == 302
        assert response.url == person.get_absolute_url()
        assert person.email == "paula@example.org"
        assert not person.has_usable_password()
        assert not person.can_log_in

    def test_person_without_email_is_fine(self, client, login, coordinator):
        login(coordinator)
        client.post(reverse("members:person_create"), person_data(email="", full_name="Gast Ohne Mail"))
        assert User.objects.get(full_name="Gast Ohne Mail").email is None
        client.post(reverse("members:person_create"), person_data(email="", full_name="Noch Ein Gast"))
        assert User.objects.filter(email__isnull=True).count() == 2

    @pytest.mark.parametrize("spelling", ["anna@example.org", "ANNA@example.org", " Anna@Example.Org "])
    def test_duplicate_email_is_a_field_error(self, client, login, coordinator, spelling):
        UserFactory(email="anna@example.org")
        login(coordinator)
        before = state()
        response = client.post(reverse("members:person_create"), person_data(email=spelling))
        assert response.status_code == 200
        assert field_errors(response) == {"email": ["Eine Person mit dieser E-Mail-Adresse gibt es bereits."]}
        assert state() == before

    def test_missing_name_and_bad_email_are_field_errors(self, client, login, coordinator):
        login(coordinator)
        before = state()
        response = client.post(reverse("members:person_create"), person_data(full_name="", email="kein-at"))
        assert set(field_errors(response)) == {"full_name", "email"}
        assert state() == before

    def test_service_refuses_duplicates_too(self):
        UserFactory(email="anna@example.org")
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as error:
            services.person_create(full_name="Anna Zwei", email="ANNA@EXAMPLE.ORG")
        assert set(error.value.message_dict) == {"email"}

    def test_coordinator_edits_and_deactivates_a_person(self, client, login, coordinator, rep_a, member_a):
        login(coordinator)
        response = client.post(
            reverse("members:person_edit", args=[rep_a.pk]),
            person_data(full_name="Anna Detmold-Neu", email=rep_a.email, is_active=""),
        )
        assert response.status_code == 302
        rep_a.refresh_from_db()
        assert rep_a.full_name == "Anna Detmold-Neu"
        assert not rep_a.is_active
        # Inactive people stay in lists and history.
        assert rep_a in client.get(reverse("members:people_list")).context["page"].object_list
        assert "Anna Detmold-Neu" in client.get(member_a.get_absolute_url()).text
        assert "inaktiv" in client.get(reverse("members:people_list")).text

    def test_coordinator_cannot_take_an_email_in_use(self, client, login, coordinator, rep_a, rep_b):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:person_edit", args=[rep_a.pk]), person_data(email=rep_b.email.upper())
        )
        assert "email" in field_errors(response)
        assert state() == before

    def test_keeping_ones_own_email_is_no_duplicate(self, client, login, rep_a):
        login(rep_a)
        response = client.post(
            reverse("members:person_edit", args=[rep_a.pk]),
            {"full_name": rep_a.full_name, "email": rep_a.email.upper(), "preferred_language": "de"},
        )
        assert response.status_code == 302


class TestOwnProfile:
    def profile(self, **overrides):
        data = {
            "full_name": "Anna Detmold",
            "email": "anna.neu@detmold.example",
            "phone": "05231 977-0",
            "preferred_language": "en",
            "notify_reminders": "on",
        }
        data.update(overrides)
        return data

    def test_representative_edits_own_profile(self, client, login, rep_a):
        login(rep_a)
        response = client.post(reverse("members:person_edit", args=[rep_a.pk]), self.profile())
        assert response.status_code == 302
        rep_a.refresh_from_db()
        assert (rep_a.email, rep_a.phone, rep_a.preferred_language) == (
            "anna.neu@detmold.example",
            "05231 977-0",
            "en",
        )
        assert rep_a.notify_reminders and not rep_a.notify_answer_requests

    def test_profile_form_cannot_deactivate_or_change_affiliation(self, client, login, rep_a):
        login(rep_a)
        client.post(
            reverse("members:person_edit", args=[rep_a.pk]),
            self.profile(is_active="", affiliation="Hacker", is_superuser="on", is_staff="on"),
        )
        rep_a.refresh_from_db()
        assert rep_a.is_active and not rep_a.is_superuser and not rep_a.is_staff
        assert rep_a.affiliation == ""

    def test_own_email_cannot_be_removed(self, client, login, rep_a):
        login(rep_a)
        before = state()
        response = client.post(reverse("members:person_edit", args=[rep_a.pk]), self.profile(email=""))
        assert "email" in field_errors(response)
        assert state() == before

    @pytest.mark.parametrize("who", ["rep_b", "deputy_a", "guest_user"])
    def test_nobody_edits_another_persons_profile(self, client, login, request, rep_a, who):
        login(request.getfixturevalue(who))
        before = state()
        response = client.post(reverse("members:person_edit", args=[rep_a.pk]), self.profile())
        assert response.status_code == 403
        assert state() == before

    def test_own_calendar_link_reset(self, client, login, rep_a):
        old = rep_a.calendar_token
        login(rep_a)
        response = client.post(reverse("members:person_reset_calendar_token", args=[rep_a.pk]))
        assert response.status_code == 302
        rep_a.refresh_from_db()
        assert rep_a.calendar_token != old


def membership_data(person, organisation, role=MembershipRole.REPRESENTATIVE, start="2026-01-01", end=""):
    return {"person": person.pk, "organisation": organisation.pk, "role": role, "start": start, "end": end}


class TestMemberships:
    def test_coordinator_hands_over_a_representative(self, client, login, coordinator, rep_b, member_b):
        login(coordinator)
        old = rep_b.memberships.get()
        response = client.post(
            reverse("members:membership_end", args=[old.pk]),
            {"end": "2025-12-31", "next": member_b.get_absolute_url()},
        )
        assert response.status_code == 302
        assert response.url == member_b.get_absolute_url()
        old.refresh_from_db()
        assert old.end == datetime.date(2025, 12, 31)

        successor = UserFactory(full_name="Nina Nachfolgerin")
        response = client.post(reverse("members:membership_create"), membership_data(successor, member_b))
        assert response.status_code == 302
        new = successor.memberships.get()
        assert (new.organisation, new.role, new.start, new.end) == (
            member_b,
            "representative",
            datetime.date(2026, 1, 1),
            None,
        )
        # History keeps both; simple_history recorded the change.
        assert old.history.count() == 2

    def test_second_representative_in_the_same_period_is_refused(
        self, client, login, coordinator, rep_b, member_b
    ):
        login(coordinator)
        newcomer = UserFactory()
        before = state()
        response = client.post(
            reverse("members:membership_create"), membership_data(newcomer, member_b, start="2026-01-01")
        )
        assert response.status_code == 200
        errors = field_errors(response)
        assert list(errors) == ["role"]
        assert "Bernd Lemgo" in errors["role"][0]
        assert state() == before

    def test_overlap_with_an_ended_membership_is_refused_but_not_after_it(
        self, client, login, coordinator, member_b
    ):
        former = UserFactory()
        MembershipFactory(person=former, organisation=member_b, start="2016-09-01", end="2020-12-31")
        login(coordinator)
        refused = client.post(
            reverse("members:membership_create"), membership_data(UserFactory(), member_b, start="2020-12-31")
        )
        assert "role" in field_errors(refused)
        accepted = client.post(
            reverse("members:membership_create"), membership_data(UserFactory(), member_b, start="2021-01-01")
        )
        assert accepted.status_code == 302

    def test_several_deputies_are_allowed(self, client, login, coordinator, deputy_a, member_a):
        login(coordinator)
        response = client.post(
            reverse("members:membership_create"),
            membership_data(UserFactory(), member_a, role=MembershipRole.DEPUTY),
        )
        assert response.status_code == 302
        assert Membership.objects.current().filter(organisation=member_a, role="deputy").count() == 2

    def test_same_person_twice_at_one_organisation_is_refused(
        self, client, login, coordinator, rep_a, member_a
    ):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:membership_create"), membership_data(rep_a, member_a, role=MembershipRole.DEPUTY)
        )
        assert list(field_errors(response)) == ["start"]
        assert state() == before

    def test_end_before_start_is_a_field_error(self, client, login, coordinator, member_a):
        login(coordinator)
        newcomer = UserFactory()
        before = state()
        response = client.post(
            reverse("members:membership_create"),
            membership_data(newcomer, member_a, role="deputy", start="2026-05-01", end="2026-04-30"),
        )
        assert field_errors(response) == {"end": ["Das Ende darf nicht vor dem Beginn liegen."]}
        assert state() == before

    def test_roles_must_fit_the_organisation(self, client, login, coordinator, coordinator_org, member_a):
        login(coordinator)
        newcomer = UserFactory()
        before = state()
        for organisation, role in ((member_a, "coordinator"), (coordinator_org, "representative")):
            response = client.post(
                reverse("members:membership_create"), membership_data(newcomer, organisation, role=role)
            )
            assert list(field_errors(response)) == ["role"]
        assert state() == before

    def test_missing_fields_are_field_errors(self, client, login, coordinator):
        login(coordinator)
        before = state()
        response = client.post(reverse("members:membership_create"), {"role": "chef", "start": "gestern"})
        assert set(field_errors(response)) == {"person", "organisation", "role", "start"}
        assert state() == before

    def test_form_is_prefilled_from_the_links(self, client, login, coordinator, member_a, rep_b):
        login(coordinator)
        response = client.get(
            reverse("members:membership_create"), {"organisation": member_a.slug, "person": rep_b.pk}
        )
        assert response.context["form"].initial == {"organisation": member_a, "person": rep_b}
        assert client.get(reverse("members:membership_create"), {"person": "x"}).status_code == 200

    def test_coordinator_edits_a_membership(self, client, login, coordinator, rep_a, member_a):
        membership = rep_a.memberships.get()
        login(coordinator)
        response = client.post(
            reverse("members:membership_edit", args=[membership.pk]),
            {"role": "representative", "start": "2017-03-01", "end": ""},
        )
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.start == datetime.date(2017, 3, 1)
        assert membership.person == rep_a and membership.organisation == member_a

    def test_edit_cannot_create_an_overlap(self, client, login, coordinator, rep_a, deputy_a):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:membership_edit", args=[deputy_a.memberships.get().pk]),
            {"role": "representative", "start": "2016-09-01", "end": ""},
        )
        assert list(field_errors(response)) == ["role"]
        assert state() == before

    def test_edit_refuses_end_before_start(self, client, login, coordinator, rep_a):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:membership_edit", args=[rep_a.memberships.get().pk]),
            {"role": "representative", "start": "2016-09-01", "end": "2016-08-31"},
        )
        assert list(field_errors(response)) == ["end"]
        assert state() == before

    def test_end_before_start_is_refused_when_ending(self, client, login, coordinator, rep_a):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:membership_end", args=[rep_a.memberships.get().pk]), {"end": "2016-08-31"}
        )
        assert field_errors(response) == {"end": ["Das Ende darf nicht vor dem Beginn liegen."]}
        assert state() == before

    def test_moving_an_end_into_the_successors_period_is_refused(self, client, login, coordinator, member_b):
        former = MembershipFactory(organisation=member_b, start="2016-09-01", end="2020-12-31")
        MembershipFactory(organisation=member_b, start="2021-01-01")
        login(coordinator)
        before = state()
        response = client.post(reverse("members:membership_end", args=[former.pk]), {"end": "2021-06-30"})
        assert list(field_errors(response)) == ["end"]
        assert "bereits" in field_errors(response)["end"][0]
        assert state() == before

    def test_ending_ignores_a_foreign_next_url(self, client, login, coordinator, rep_a, member_a):
        login(coordinator)
        response = client.post(
            reverse("members:membership_end", args=[rep_a.memberships.get().pk]),
            {"end": "2026-01-31", "next": "https://evil.example/"},
        )
        assert response.url == member_a.get_absolute_url()

    def test_ended_membership_no_longer_counts(self, client, login, coordinator, rep_a, member_a):
        login(coordinator)
        two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
        client.post(
            reverse("members:membership_end", args=[rep_a.memberships.get().pk]), {"end": two_days_ago}
        )
        rep_a = User.objects.get(pk=rep_a.pk)
        assert rep_a.member_organisations == []
        response = client.get(member_a.get_absolute_url())
        assert [m.person for m in response.context["former"]] == [rep_a]


class TestOrganisations:
    def org_data(self, organisation, **overrides):
        data = {
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
            "is_member": "on",
            "address": "Marktplatz 5\n32756 Detmold",
            "website": "https://www.detmold.de",
            "active_since": "2016-09-01",
            "active_until": "",
        }
        data.update(overrides)
        return data

    def test_coordinator_edits_an_organisation(self, client, login, coordinator, member_a):
        login(coordinator)
        response = client.post(
            reverse("members:organisation_edit", args=[member_a.slug]), self.org_data(member_a)
        )
        assert response.status_code == 302
        member_a.refresh_from_db()
        assert member_a.website == "https://www.detmold.de"
        assert "Marktplatz 5" in client.get(member_a.get_absolute_url()).text

    def test_until_before_since_is_a_field_error(self, client, login, coordinator, member_a):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:organisation_edit", args=[member_a.slug]),
            self.org_data(member_a, active_until="2016-08-31"),
        )
        assert list(field_errors(response)) == ["active_until"]
        assert state() == before

    def test_duplicate_name_is_a_field_error(self, client, login, coordinator, member_a, member_b):
        login(coordinator)
        before = state()
        response = client.post(
            reverse("members:organisation_edit", args=[member_a.slug]),
            self.org_data(member_a, name=member_b.name),
        )
        assert list(field_errors(response)) == ["name"]
        assert state() == before

    def test_rename_keeps_the_german_order(self, client, login, coordinator, member_a):
        OrganisationFactory(name="Stadt Bielefeld", short_name="Bielefeld")
        login(coordinator)
        client.post(
            reverse("members:organisation_edit", args=[member_a.slug]),
            self.org_data(member_a, name="Stadt Ährenfeld", short_name="Ährenfeld"),
        )
        names = [
            o.short_name for o in client.get(reverse("members:organisation_list")).context["organisations"]
        ]
        assert names == ["Ährenfeld", "Bielefeld"]
