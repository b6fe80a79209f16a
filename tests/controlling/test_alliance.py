"""The KPIs on the real alliance (all 17 members), with attendance recorded by the meetings app.

The organisation a person counts for is the one the meetings app stores on the attendance:
their membership on the meeting date, so a later change of job does not move the history.
"""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from controlling.selectors import meeting_statistics
from meetings import services as meeting_services
from meetings.enums import MeetingStatus
from members.alliance import ORGANISATIONS
from members.enums import MembershipRole
from members.models import Membership, Organisation, german_sort_key
from tests.factories import MembershipFactory, UserFactory
from tests.factories.controlling import controlling_meeting, local

from .conftest import REPORT_YEAR

pytestmark = pytest.mark.django_db

MEMBER_NAMES = [data["name"] for data in ORGANISATIONS if data["is_member"]]


@pytest.fixture
def alliance(db):
    call_command("seed_alliance", stdout=None)
    return {org.short_name: org for org in Organisation.objects.all()}


@pytest.fixture
def staff(alliance):
    coordinator = UserFactory(full_name="Miriam Koordinatorin")
    MembershipFactory(
        person=coordinator, organisation=alliance["Kreis Lippe"], role=MembershipRole.COORDINATOR
    )
    mover = UserFactory(full_name="Jörg Wechsler")
    MembershipFactory(
        person=mover,
        organisation=alliance["Detmold"],
        role=MembershipRole.DEPUTY,
        end=datetime.date(REPORT_YEAR, 3, 31),
    )
    MembershipFactory(
        person=mover,
        organisation=alliance["Dörentrup"],
        role=MembershipRole.REPRESENTATIVE,
        start=datetime.date(REPORT_YEAR, 4, 1),
    )
    luegde = UserFactory(full_name="Lena Lügde")
    MembershipFactory(person=luegde, organisation=alliance["Lügde"])
    guest = UserFactory(full_name="Gabi Gast", affiliation="Stadtwerke Detmold")
    return {"coordinator": coordinator, "mover": mover, "luegde": luegde, "guest": guest}


def _record(meeting, people, *, by, now):
    meeting_services.invitation_add_people(meeting=meeting, people=people, by=by)
    meeting_services.attendance_record(
        meeting=meeting, by=by, present_person_ids=[p.pk for p in people], now=now
    )


@pytest.fixture
def recorded_year(staff, report_now):
    """Two meetings whose lists the coordinator entered afterwards in Q4 (as drafts, no mails)."""
    coordinator = staff["coordinator"]
    february = controlling_meeting(
        start=local(REPORT_YEAR, 2, 10), status=MeetingStatus.DRAFT, recorded=False, title="Auftakt"
    )
    _record(
        february,
        [coordinator, staff["mover"], staff["luegde"], staff["guest"]],
        by=coordinator,
        now=report_now,
    )
    may = controlling_meeting(
        start=local(REPORT_YEAR, 5, 12), status=MeetingStatus.DRAFT, recorded=False, title="Wärmeplanung"
    )
    _record(may, [staff["mover"], staff["luegde"]], by=coordinator, now=report_now)
    return {"february": february, "may": may}


def test_all_17_members_are_listed_in_german_order_even_without_attendance(alliance, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    names = [row["organisation"] for row in stats["member_attendance"]]
    assert stats["member_count"] == 17
    assert sorted(names) == sorted(MEMBER_NAMES)
    assert "Kreis Lippe – Masterplanmanagement" not in names
    # By place, DIN 5007: Detmold, Dörentrup, Extertal …, Lemgo, Leopoldshöhe, Lügde.
    places = [Organisation.objects.get(name=name).short_name for name in names]
    assert places == sorted(places, key=german_sort_key)
    assert places.index("Dörentrup") == places.index("Detmold") + 1
    assert stats["members_represented_in_year"] == 0


def test_person_counts_for_the_member_of_the_meeting_date(alliance, staff, recorded_year, report_now):
    stats = meeting_statistics(year=REPORT_YEAR, now=report_now)

    february, may = stats["meetings"]
    assert (february["participants"], february["members_represented"]) == (4, 2)  # Detmold, Lügde
    assert (may["participants"], may["members_represented"]) == (2, 2)  # Dörentrup, Lügde
    assert stats["unique_participants"] == 4
    assert stats["members_represented_in_year"] == 3
    attendance = {row["organisation"]: row for row in stats["member_attendance"]}
    assert len(attendance) == 17
    assert attendance["Stadt Detmold"] == {
        "organisation": "Stadt Detmold",
        "meetings_attended": 1,
        "rate": 0.5,
    }
    assert attendance["Gemeinde Dörentrup"]["meetings_attended"] == 1
    assert attendance["Stadt Lügde"]["rate"] == 1.0
    assert sum(row["meetings_attended"] for row in attendance.values()) == 4
    assert [(a["name"], a["organisation"], a["member"]) for a in february["attendees"]] == [
        ("Gabi Gast", "Stadtwerke Detmold", False),
        ("Jörg Wechsler", "Stadt Detmold", True),
        ("Lena Lügde", "Stadt Lügde", True),
        ("Miriam Koordinatorin", "Kreis Lippe – Masterplanmanagement", False),
    ]


def test_a_later_change_of_job_does_not_move_the_history(alliance, staff, recorded_year, report_now):
    before = meeting_statistics(year=REPORT_YEAR, now=report_now)
    # Lena leaves Lügde for Blomberg after both meetings.
    Membership.objects.filter(person=staff["luegde"]).update(end=datetime.date(REPORT_YEAR, 9, 30))
    MembershipFactory(
        person=staff["luegde"], organisation=alliance["Blomberg"], start=datetime.date(REPORT_YEAR, 10, 1)
    )

    after = meeting_statistics(year=REPORT_YEAR, now=report_now)

    assert after["member_attendance"] == before["member_attendance"]
    attendance = {row["organisation"]: row["meetings_attended"] for row in after["member_attendance"]}
    assert (attendance["Stadt Lügde"], attendance["Stadt Blomberg"]) == (2, 0)


PDF_TEXTS = {
    "de": [
        "Erfolgscontrolling 2025",
        "Erstellt am\n20. November 2025, 12:00",
        "2 Treffen durchgeführt (Reguläres Treffen: 2, Thematischer Workshop: 0); abgesagt: 0",
        "Teilnehmende je Treffen: Mittelwert 3, min. 2, max. 4; Teilnahmen insgesamt: 6",
        "im Jahr: 3 von 17",
        "10.02.2025 Reguläres Treffen Auftakt 4 2",  # date, kind, title, participants, members
        "Wärmeplanung 2 2",
        "Gemeinde Dörentrup 1 50 %",
        "Stadt Lügde 2 100 %",
        "Gemeinde Leopoldshöhe 0 0 %",
        "Jörg Wechsler (Stadt Detmold)",  # annex: February, before the move
        "Jörg Wechsler (Gemeinde Dörentrup)",  # annex: May, after it
    ],
    "en": [
        "Success controlling 2025",
        "Created on\nNov. 20, 2025",
        "2 meetings held (Regular meeting: 2, Thematic workshop: 0); cancelled: 0",
        "Participants per meeting: mean 3, min. 2, max. 4; participants in total: 6",
        "in the year: 3 of 17",
        "02/10/2025 Regular meeting Auftakt 4 2",
        "Wärmeplanung 2 2",
        "Gemeinde Dörentrup 1 50 %",
        "Stadt Lügde 2 100 %",
        "Gemeinde Leopoldshöhe 0 0 %",
        "Jörg Wechsler (Stadt Detmold)",
        "Jörg Wechsler (Gemeinde Dörentrup)",
    ],
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_pdf_text_in_both_languages(language, staff, recorded_year, client, in_q4):
    client.force_login(staff["coordinator"], backend="members.backends.EmailBackend")

    response = client.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": language})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    text = "\n".join(pages)
    for expected in PDF_TEXTS[language]:
        assert expected in text
    assert "Regionalbündnis 2050 – Klimazukunft Lippe" in text
    assert "Kreis Lippe – Masterplanmanagement" in text
    # Every page is numbered "n / total"; the footer names the alliance from page 2 on.
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in page
    assert all("Regionalbündnis 2050 – Klimazukunft Lippe ·" in page for page in pages[1:])
    # Umlauts come out as text, not as replacement or decomposed characters.
    assert "\ufffd" not in text
    assert "Lu\u0308gde" not in text


def test_command_json_lists_all_17_members(alliance, staff, recorded_year, tmp_path, in_q4):
    path = tmp_path / "bericht.json"

    call_command("controlling_report", "--year", str(REPORT_YEAR), "--format", "json", "-o", str(path))

    data = json.loads(path.read_text(encoding="utf-8"))
    place = {org.name: org.short_name for org in alliance.values()}
    expected = sorted(MEMBER_NAMES, key=lambda name: german_sort_key(place[name]))
    assert [row["organisation"] for row in data["member_attendance"]] == expected
    assert data["members_represented_in_year"] == 3
    assert "Gemeinde Dörentrup" in path.read_text(encoding="utf-8")  # not escaped as \u00f6
