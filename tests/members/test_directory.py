"""German alphabetical order (pure, on PostgreSQL and on SQLite) and constant query counts of the lists."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from members import selectors
from members.enums import MembershipRole
from members.models import Organisation, german_slug, german_sort_key
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.members.test_seed import GERMAN_ORDER

ROOT = Path(__file__).resolve().parents[2]


class TestGermanSortKey:
    def test_umlauts_sort_like_their_base_letter(self):
        names = ["Extertal", "Lügde", "Oerlinghausen", "Dörentrup", "Leopoldshöhe", "Detmold", "Lage"]
        assert sorted(names, key=german_sort_key) == [
            "Detmold",
            "Dörentrup",
            "Extertal",
            "Lage",
            "Leopoldshöhe",
            "Lügde",
            "Oerlinghausen",
        ]

    def test_plain_codepoint_order_would_be_wrong(self):
        # Without the key, "Ö" (U+00D6) sorts after every ASCII letter: the reason the key exists.
        assert sorted(["Östertal", "Extertal"]) == ["Extertal", "Östertal"]
        assert sorted(["Lügde", "Lz", "Oerlinghausen"]) == ["Lz", "Lügde", "Oerlinghausen"]
        assert sorted(["Lügde", "Lz", "Oerlinghausen"], key=german_sort_key) == [
            "Lügde",
            "Lz",
            "Oerlinghausen",
        ]

    def test_case_and_sharp_s_and_other_accents(self):
        assert german_sort_key("Äußere Straße") == "aussere strasse"
        assert german_sort_key("Café Élysée") == "cafe elysee"
        assert german_sort_key("LÜGDE") == german_sort_key("lügde") == "lugde"

    def test_the_full_alliance_in_german_order(self):
        shuffled = sorted(GERMAN_ORDER, key=lambda n: n[::-1])
        assert sorted(shuffled, key=german_sort_key) == GERMAN_ORDER

    def test_slug_transliterates(self):
        assert german_slug("Lügde") == "luegde"
        assert german_slug("Horn-Bad Meinberg") == "horn-bad-meinberg"
        assert german_slug("Äußere Öffnung") == "aeussere-oeffnung"


@pytest.mark.django_db
class TestDirectoryOrder:
    def test_directory_lists_the_17_members_in_german_order(self, client, login, rep_a):
        call_command("seed_alliance", stdout=StringIO())
        login(rep_a)
        response = client.get(reverse("members:organisation_list"))
        organisations = list(response.context["organisations"])
        assert [o.short_name for o in organisations] == GERMAN_ORDER
        text = response.text
        positions = [text.index(f">{o.name}</a>") for o in organisations]
        assert positions == sorted(positions)
        assert text.index("Gemeinde Dörentrup") < text.index("Gemeinde Extertal")
        assert (
            text.index("Gemeinde Leopoldshöhe")
            < text.index("Stadt Lügde")
            < text.index("Stadt Oerlinghausen")
        )
        assert ">Kreis Lippe – Masterplanmanagement</a>" not in text
        assert "17 Mitgliedsorganisationen" in text

    def test_database_orders_by_the_key(self):
        for name in ["Zeta", "Östertal", "Ahlen", "Ölbach", "Oberhausen"]:
            OrganisationFactory(name=name, short_name=name)
        names = list(Organisation.objects.order_by("sort_name").values_list("name", flat=True))
        assert names == ["Ahlen", "Oberhausen", "Ölbach", "Östertal", "Zeta"]

    def test_sort_key_follows_renames(self):
        organisation = OrganisationFactory(name="Gemeinde Zett", short_name="Zett")
        organisation.short_name = "Ätt"
        organisation.save()
        organisation.refresh_from_db()
        assert organisation.sort_name == "att"


SQLITE_DIRECTORY = """
import json, django
django.setup()
from io import StringIO
from django.core.management import call_command
from django.test import Client
from members.models import Organisation
from members.services import person_create

call_command("migrate", verbosity=0)
call_command("seed_alliance", stdout=StringIO())
client = Client(HTTP_HOST="localhost")
client.force_login(person_create(full_name="Rita Leser", email="rita@example.org"))
response = client.get("/members/")
html = response.content.decode()
# The members in the order the page shows them (each name appears once, as the link to the member).
shown = sorted(Organisation.objects.members(), key=lambda o: html.index(f">{o.name}</a>"))
print(json.dumps([response.status_code, [o.short_name for o in shown], html]))
"""


def test_directory_order_is_the_same_on_sqlite(tmp_path):
    """`make run` uses SQLite: the member directory there is in the same German order."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_DIRECTORY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, order, html = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200
    assert order == GERMAN_ORDER
    assert html.index("Gemeinde Dörentrup") < html.index("Gemeinde Extertal")
    assert html.index("Gemeinde Leopoldshöhe") < html.index("Stadt Lügde") < html.index("Stadt Oerlinghausen")


def _member_with_people(index):
    organisation = OrganisationFactory(name=f"Stadt Ort {index:02d}", short_name=f"Ort {index:02d}")
    MembershipFactory(organisation=organisation, role=MembershipRole.REPRESENTATIVE)
    MembershipFactory(organisation=organisation, role=MembershipRole.DEPUTY)
    MembershipFactory(organisation=organisation, role=MembershipRole.DEPUTY, end="2020-01-01")
    return organisation


@pytest.mark.django_db
class TestQueryCounts:
    def test_member_directory_is_constant(self, client, login, rep_a, django_assert_num_queries):
        login(rep_a)
        url = reverse("members:organisation_list")
        client.get(url)  # warm up session/user caches that are not per-row
        with django_assert_num_queries(6) as one:  # with the paginator's count
            response = client.get(url)
        assert len(response.context["organisations"]) == 1
        for index in range(20):
            _member_with_people(index)
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(url)
        assert len(response.context["organisations"]) == 21

    def test_people_list_is_constant(self, client, login, coordinator, django_assert_num_queries):
        login(coordinator)
        url = reverse("members:people_list")
        with django_assert_num_queries(6) as one:
            response = client.get(url)
        assert len(response.context["page"].object_list) == 1
        for index in range(12):
            _member_with_people(index)
        UserFactory.create_batch(10, affiliation="Stadtwerke")
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(url)
        assert len(response.context["page"].object_list) == 1 + 12 * 3 + 10

    def test_people_list_search_and_pages(self, client, login, coordinator):
        UserFactory.create_batch(60, affiliation="Stadtwerke")
        UserFactory(full_name="Zora Zeisig", email="zora@example.org")
        login(coordinator)
        url = reverse("members:people_list")
        first = client.get(url)
        assert len(first.context["page"].object_list) == 50
        assert "Seite 1 von 2" in first.text
        assert len(client.get(url, {"page": 2}).context["page"].object_list) == 12
        assert client.get(url, {"page": "kaputt"}).status_code == 200
        found = client.get(url, {"q": "ZEISIG"}).context["page"].object_list
        assert [p.full_name for p in found] == ["Zora Zeisig"]
        assert [p.full_name for p in client.get(url, {"q": "zora@"}).context["page"].object_list] == [
            "Zora Zeisig"
        ]


@pytest.mark.django_db
def test_directory_rows_link_organisations_and_people_by_role(client, login, rep_b, member_a, deputy_a):
    representative = UserFactory(full_name="Anna <Detmold> & Co", is_active=False)
    MembershipFactory(person=representative, organisation=member_a, role=MembershipRole.REPRESENTATIVE)
    # Ended and upcoming memberships are not current.
    MembershipFactory(organisation=member_a, role=MembershipRole.DEPUTY, start="2010-01-01", end="2015-12-31")
    MembershipFactory(organisation=member_a, role=MembershipRole.DEPUTY, start="2999-01-01")
    login(rep_b)
    text = client.get(reverse("members:organisation_list")).text
    person_url = reverse("members:person_detail", args=[representative.pk])
    deputy_url = reverse("members:person_detail", args=[deputy_a.pk])
    assert f'<td><a href="{member_a.get_absolute_url()}">Stadt Detmold</a></td>' in text
    assert "<td>Stadt</td>" in text
    assert (
        f'<td><a href="{person_url}">Anna &lt;Detmold&gt; &amp; Co</a>'
        ' <span class="badge text-bg-secondary">inaktiv</span><br></td>'
    ) in text
    assert f'<td><a href="{deputy_url}">Dirk Detmold</a><br></td>' in text


@pytest.mark.django_db
def test_current_representatives_and_deputies_of_a_page_of_organisations(member_a, member_b, rep_a, deputy_a):
    zora = UserFactory(full_name="Zora Detmold")
    MembershipFactory(person=zora, organisation=member_a, role=MembershipRole.REPRESENTATIVE)
    MembershipFactory(organisation=member_a, role=MembershipRole.DEPUTY, end="2015-12-31", start="2010-01-01")
    people = selectors.current_representatives_and_deputies_of([member_a, member_b])
    assert people == {
        member_a.pk: {
            MembershipRole.REPRESENTATIVE: [
                (rep_a.pk, "Anna Detmold", True),
                (zora.pk, "Zora Detmold", True),
            ],
            MembershipRole.DEPUTY: [(deputy_a.pk, "Dirk Detmold", True)],
        },
        member_b.pk: {},
    }
