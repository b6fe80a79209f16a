"""seed_alliance and seed_demo: the real alliance, idempotent, never deleting."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Written out from /work/shared/domain.md, on purpose not imported from members.alliance.
TOWNS = [
    "Bad Salzuflen",
    "Barntrup",
    "Blomberg",
    "Detmold",
    "Horn-Bad Meinberg",
    "Lage",
    "Lemgo",
    "Lügde",
    "Oerlinghausen",
    "Schieder-Schwalenberg",
]
MUNICIPALITIES = ["Augustdorf", "Dörentrup", "Extertal", "Kalletal", "Leopoldshöhe", "Schlangen"]
GERMAN_ORDER = [
    "Augustdorf",
    "Bad Salzuflen",
    "Barntrup",
    "Blomberg",
    "Detmold",
    "Dörentrup",
    "Extertal",
    "Horn-Bad Meinberg",
    "Kalletal",
    "Lage",
    "Landesverband Lippe",
    "Lemgo",
    "Leopoldshöhe",
    "Lügde",
    "Oerlinghausen",
    "Schieder-Schwalenberg",
    "Schlangen",
]


def seed_alliance():
    call_command("seed_alliance", stdout=StringIO())


def seed_demo():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot(*models):
    return {model.__name__: sorted(model.objects.values_list(), key=lambda row: row[0]) for model in models}


class TestSeedAlliance:
    def test_creates_the_17_members_and_the_coordinator(self):
        seed_alliance()
        members = Organisation.objects.members()
        assert members.count() == 17
        assert {o.short_name for o in members.filter(kind=OrganisationKind.TOWN)} == set(TOWNS)
        assert {o.short_name for o in members.filter(kind=OrganisationKind.MUNICIPALITY)} == set(
            MUNICIPALITIES
        )
        assert {o.name for o in members.filter(kind=OrganisationKind.TOWN)} == {f"Stadt {n}" for n in TOWNS}
        assert {o.name for o in members.filter(kind=OrganisationKind.MUNICIPALITY)} == {
            f"Gemeinde {n}" for n in MUNICIPALITIES
        }
        association = members.get(kind=OrganisationKind.ASSOCIATION)
        assert association.name == "Landesverband Lippe"
        coordinator = Organisation.objects.get(is_member=False)
        assert coordinator.name == "Kreis Lippe – Masterplanmanagement"
        assert coordinator.kind == OrganisationKind.COORDINATOR
        assert Organisation.objects.count() == 18
        assert all(o.active_since == datetime.date(2016, 9, 1) for o in Organisation.objects.all())

    def test_umlauts_are_stored_and_slugs_transliterated(self):
        seed_alliance()
        luegde = Organisation.objects.get(short_name="Lügde")
        assert luegde.name == "Stadt Lügde"
        assert luegde.slug == "luegde"
        assert Organisation.objects.get(short_name="Dörentrup").slug == "doerentrup"
        assert Organisation.objects.get(short_name="Leopoldshöhe").slug == "leopoldshoehe"
        assert Organisation.objects.get(name="Kreis Lippe – Masterplanmanagement").slug == "kreis-lippe"

    def test_running_twice_changes_nothing(self):
        seed_alliance()
        before = snapshot(Organisation)
        seed_alliance()
        assert snapshot(Organisation) == before

    def test_it_never_deletes_and_repairs_only_its_own_fields(self):
        seed_alliance()
        extra = OrganisationFactory(name="Stadtwerke Detmold", is_member=False, kind=OrganisationKind.OTHER)
        detmold = Organisation.objects.get(short_name="Detmold")
        detmold.website = "https://www.detmold.de"
        detmold.kind = OrganisationKind.MUNICIPALITY
        detmold.save()
        person = UserFactory()
        MembershipFactory(person=person, organisation=detmold)

        seed_alliance()

        assert Organisation.objects.filter(pk=extra.pk).exists()
        detmold.refresh_from_db()
        assert detmold.kind == OrganisationKind.TOWN
        assert detmold.website == "https://www.detmold.de"
        assert Membership.objects.filter(organisation=detmold).count() == 1
        assert Organisation.objects.count() == 19

    def test_refreshes_stale_sort_keys(self):
        seed_alliance()
        Organisation.objects.filter(short_name="Dörentrup").update(sort_name="gemeinde dorentrup")
        seed_alliance()
        assert Organisation.objects.get(short_name="Dörentrup").sort_name == "dorentrup"

    def test_prints_a_summary(self):
        out = StringIO()
        call_command("seed_alliance", stdout=out)
        assert "17" in out.getvalue()


class TestSeedDemo:
    def test_creates_representative_and_deputy_per_member_and_coordinators(self):
        output = seed_demo()
        for org in Organisation.objects.members():
            current = Membership.objects.current().filter(organisation=org)
            assert current.filter(role=MembershipRole.REPRESENTATIVE).count() == 1, org
            assert current.filter(role=MembershipRole.DEPUTY).count() == 1, org
        coordinators = User.objects.filter(memberships__role=MembershipRole.COORDINATOR)
        assert coordinators.count() >= 1
        assert all(p.is_coordinator for p in coordinators)
        assert "koordination@kreis-lippe.example" in output

    def test_printed_logins_work(self, client):
        output = seed_demo()
        logins = re.findall(r"(\S+@\S+\.example)\s+(\S+)\s*$", output, flags=re.MULTILINE)
        assert len(logins) >= 3
        for email, password in logins:
            client.logout()
            response = client.post(reverse("login"), {"username": email, "password": password})
            assert response.status_code == 302, email

    def test_demo_coordinator_can_manage(self, client):
        seed_demo()
        client.post(
            reverse("login"), {"username": "koordination@kreis-lippe.example", "password": "Klima2050!"}
        )
        assert client.get(reverse("members:people_list")).status_code == 200

    def test_running_twice_adds_nothing(self):
        seed_demo()
        before = snapshot(Organisation, User, Membership)
        history_before = Membership.history.count()
        seed_demo()
        after = snapshot(Organisation, User, Membership)
        # Passwords are re-hashed never; compare everything.
        assert after == before
        assert Membership.history.count() == history_before

    def test_lemgo_shows_a_handover(self, client, login):
        seed_demo()
        lemgo = Organisation.objects.get(short_name="Lemgo")
        reps = Membership.objects.filter(organisation=lemgo, role=MembershipRole.REPRESENTATIVE).order_by(
            "start"
        )
        assert reps.count() == 2
        assert reps[0].end == datetime.date(2020, 12, 31)
        assert reps[1].start == datetime.date(2021, 1, 1) and reps[1].end is None
        login(User.objects.get(email="koordination@kreis-lippe.example"))
        response = client.get(lemgo.get_absolute_url())
        assert response.context["former"] == [reps[0]]
        assert reps[1] in response.context["current"]


README = Path(__file__).resolve().parents[2] / "README.md"
README_LOGIN = re.compile(r"^\| (?P<who>[^|]+?) \| `(?P<email>[^`]+@[^`]+)` \|$", re.MULTILINE)


def test_the_demo_logins_in_the_readme_are_true(client):
    seed_demo()
    logins = README_LOGIN.findall(README.read_text(encoding="utf-8"))
    assert len(logins) >= 4, "README lists the demo logins in a table"
    for who, email in logins:
        client.logout()
        response = client.post(reverse("login"), {"username": email, "password": "Klima2050!"})
        assert response.status_code == 302, email
        person = User.objects.get(email=email)
        if "coordinator" in who:
            assert person.is_coordinator, who
        else:
            role, _, place = who.partition(" of ")
            place = place.replace(" (prefers English)", "")
            assert person.role == {"Representative": "representative", "Deputy": "deputy"}[role], who
            assert [o.short_name for o in person.member_organisations] == [place], who
        assert person.preferred_language == ("en" if "prefers English" in who else "de"), who


@pytest.mark.django_db(transaction=True)
def test_demo_emails_do_not_bury_the_logins(settings, capsys):
    # make run prints e-mails to the console; the demo's invitations are sent (and recorded as
    # sent) without being printed, unless asked for.
    from meetings.enums import DeliveryStatus
    from meetings.models import Delivery

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    output = seed_demo()

    sent = Delivery.objects.filter(status=DeliveryStatus.SENT, meeting__isnull=False).count()
    assert sent > 0
    assert "Subject:" not in capsys.readouterr().out
    assert re.search(r"^\d+ demo e-mails sent quietly", output, re.MULTILINE)
    assert output.rstrip().splitlines()[-1].strip().endswith("Klima2050!")
