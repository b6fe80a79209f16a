"""Exporting the meeting history, and export → import into an empty database."""

import csv
import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from meetings.enums import InvitationRole, MeetingKind, MeetingStatus
from meetings.history import (
    history_file,
    meeting_history_export,
    meeting_history_import,
    meeting_history_rows,
)
from meetings.models import Attendance, Invitation, Meeting
from members.models import Membership, User
from members.privacy import person_anonymise
from tests.factories import AttendanceFactory, InvitationFactory, MeetingFactory, UserFactory
from tests.meetings.data.history_files import create_alliance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def meeting(title, start, **fields):
    if fields.get("status") == MeetingStatus.HELD:
        fields["attendance_recorded_at"] = start + datetime.timedelta(hours=2)
    return MeetingFactory(title=title, start=start, end=start + datetime.timedelta(hours=2), **fields)


def attend(meeting, person, organisation=None, *, present=True, text="", role=InvitationRole.REPRESENTATIVE):
    InvitationFactory(meeting=meeting, person=person, organisation=organisation, role=role)
    AttendanceFactory(
        meeting=meeting, person=person, organisation=organisation, organisation_text=text, present=present
    )


@pytest.fixture
def history(db, coordinator, coordinator_org, rep_a, deputy_a, rep_b, guest_user):
    """Three years of meetings as the app records them, with a cancelled one and an anonymised guest."""
    alliance = create_alliance()
    detmold, lemgo = alliance["Detmold"], alliance["Lemgo"]
    spring = meeting("Sitzung Frühjahr", local(2017, 3, 14, 14, 0), venue="Rathaus Detmold", status="held")
    attend(spring, rep_a, detmold)
    attend(spring, deputy_a, detmold, present=False, role=InvitationRole.DEPUTY)
    attend(spring, rep_b, lemgo)
    attend(spring, coordinator, coordinator_org, role=InvitationRole.COORDINATOR)
    attend(spring, guest_user, None, text="Stadtwerke Detmold", role=InvitationRole.GUEST)
    workshop = meeting(
        "Workshop Quartierssanierung",
        local(2018, 10, 2, 9, 30),
        kind=MeetingKind.WORKSHOP,
        venue="Kreishaus",
        status="held",
    )
    attend(workshop, rep_b, lemgo)
    attend(workshop, guest_user, None, role=InvitationRole.GUEST)  # text from the affiliation
    for number in (1, 2):
        former = UserFactory(full_name=f"Gast {number}", email=None, affiliation="Verbraucherzentrale")
        attend(workshop, former, None, text="Verbraucherzentrale", role=InvitationRole.GUEST)
        person_anonymise(person=former, by=coordinator)
    # Invited but no attendance recorded for her: exported as absent.
    InvitationFactory(
        meeting=workshop, person=rep_a, organisation=detmold, role=InvitationRole.REPRESENTATIVE
    )
    cancelled = meeting("Sitzung Winter", local(2018, 12, 4, 18, 0), status=MeetingStatus.CANCELLED)
    InvitationFactory(
        meeting=cancelled, person=rep_a, organisation=detmold, role=InvitationRole.REPRESENTATIVE
    )
    InvitationFactory(meeting=cancelled, person=rep_b, organisation=lemgo, role=InvitationRole.REPRESENTATIVE)
    # Not history: drafts, published and upcoming meetings are not exported.
    meeting("Planung", local(2018, 5, 5, 14, 0), status=MeetingStatus.DRAFT)
    upcoming = meeting("Nächste Sitzung", timezone.now() + datetime.timedelta(days=20), status="published")
    InvitationFactory(meeting=upcoming, person=rep_a)
    return alliance


def parse_csv(data: bytes, delimiter=","):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def wipe_people_and_meetings():
    Attendance.objects.all().delete()
    Invitation.objects.all().delete()
    Meeting.objects.all().delete()
    Membership.objects.all().delete()
    User.objects.all().delete()


def test_csv_export_rows(history):
    rows = parse_csv(meeting_history_export())

    assert rows[0] == ["date", "start", "kind", "title", "location", "organisation", "name", "email",
                       "attended", "status"]  # fmt: skip
    spring = [r for r in rows[1:] if r[3] == "Sitzung Frühjahr"]
    meeting_columns = ["2017-03-14", "14:00", "meeting", "Sitzung Frühjahr", "Rathaus Detmold"]
    assert all(r[:5] == meeting_columns and r[9] == "held" for r in spring)
    assert [r[5:9] for r in spring] == [
        ["Stadt Detmold", "Anna Detmold", email_of("Anna Detmold"), "yes"],
        ["Stadt Lemgo", "Bernd Lemgo", email_of("Bernd Lemgo"), "yes"],
        ["Stadt Detmold", "Dirk Detmold", email_of("Dirk Detmold"), "no"],
        ["Stadtwerke Detmold", "Gabi Gast", email_of("Gabi Gast"), "yes"],
        [
            "Kreis Lippe – Masterplanmanagement",
            "Miriam Koordinatorin",
            "koordination@kreis-lippe.example",
            "yes",
        ],
    ]
    titles = {r[3] for r in rows[1:]}
    assert titles == {"Sitzung Frühjahr", "Workshop Quartierssanierung", "Sitzung Winter"}
    winter = [(r[6], r[8], r[9]) for r in rows[1:] if r[3] == "Sitzung Winter"]
    assert winter == [("Anna Detmold", "no", "cancelled"), ("Bernd Lemgo", "no", "cancelled")]
    workshop = {r[6]: (r[5], r[8]) for r in rows[1:] if r[3] == "Workshop Quartierssanierung"}
    anonymised = [
        f"{person.full_name} (#{person.pk})" for person in User.objects.filter(anonymised_at__isnull=False)
    ]
    assert len(anonymised) == 2
    assert all(workshop[name] == ("Verbraucherzentrale", "yes") for name in anonymised)
    assert workshop["Gabi Gast"] == ("Stadtwerke Detmold", "yes")
    assert workshop["Anna Detmold"] == ("Stadt Detmold", "no")


def email_of(name):
    return User.objects.get(full_name=name).email or ""


def test_year_filter_uses_the_local_year(history):
    meeting("Silvester", local(2018, 12, 31, 23, 30), status="held")
    attend(Meeting.objects.get(title="Silvester"), UserFactory(full_name="Spät"), None)

    years = {r[0][:4] for r in parse_csv(meeting_history_export(year=2018))[1:]}
    titles = {r[3] for r in parse_csv(meeting_history_export(year=2018))[1:]}

    assert years == {"2018"}
    assert "Silvester" in titles
    assert parse_csv(meeting_history_export(year=2016)) == [parse_csv(meeting_history_export())[0]]


def test_german_export_uses_german_headers_words_and_semicolons(history):
    rows = parse_csv(meeting_history_export(year=2017, german=True), delimiter=";")

    assert rows[0] == ["Datum", "Beginn", "Art", "Titel", "Ort", "Organisation", "Name", "E-Mail", "anwesend",
                       "Status"]  # fmt: skip
    assert rows[1][:4] == ["14.03.2017", "14:00", "Sitzung", "Sitzung Frühjahr"]
    assert {r[8] for r in rows[1:]} == {"ja", "nein"}
    assert {r[9] for r in rows[1:]} == {"stattgefunden"}


def test_xlsx_export_has_date_and_time_cells(history):
    workbook = load_workbook(
        io.BytesIO(meeting_history_export(file_format="xlsx", year=2018)), read_only=True
    )
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))

    assert rows[0] == ("date", "start", "kind", "title", "location", "organisation", "name", "email",
                       "attended", "status")  # fmt: skip
    first = rows[1]
    assert first[0] == datetime.datetime(2018, 10, 2)
    assert first[1] == datetime.time(9, 30)
    assert first[2:4] == ("workshop", "Workshop Quartierssanierung")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("german", [False, True])
def test_round_trip_into_an_empty_database(history, file_format, german):
    before = meeting_history_rows()
    people_before = len({(r["name"], r["email"]) for r in before})
    exported = meeting_history_export(file_format=file_format, german=german)
    wipe_people_and_meetings()

    plan = meeting_history_import(data=exported)

    assert plan.summary.new_meetings == 3
    assert plan.summary.new_people == people_before == User.objects.count()
    assert meeting_history_rows() == before
    assert meeting_history_export(file_format="csv") == history_file(before, file_format="csv")
    # The imported people have no login and no memberships; the guests keep their body.
    assert not any(person.has_usable_password() for person in User.objects.all())
    assert not Membership.objects.exists()
    assert User.objects.get(full_name="Gabi Gast").affiliation == "Stadtwerke Detmold"
    # And importing the export again changes nothing.
    assert meeting_history_import(data=exported).summary.changes == 0


def test_export_imported_again_into_the_same_database_changes_nothing(history):
    before = (
        Meeting.objects.count(),
        User.objects.count(),
        Invitation.objects.count(),
        Attendance.objects.count(),
    )

    plan = meeting_history_import(data=meeting_history_export(file_format="xlsx"))

    assert plan.summary.changes == 0
    after = (
        Meeting.objects.count(),
        User.objects.count(),
        Invitation.objects.count(),
        Attendance.objects.count(),
    )
    assert after == before


def test_cells_that_look_like_formulas_stay_text(db):
    create_alliance()
    spring = meeting('=HYPERLINK("http://evil.example")', local(2019, 1, 8, 14, 0), status="held")
    attend(spring, UserFactory(full_name="@Anna", email=None), None, text="+49 Verein")

    rows = parse_csv(meeting_history_export())
    workbook = load_workbook(io.BytesIO(meeting_history_export(file_format="xlsx")))
    cells = list(workbook.worksheets[0].iter_rows(min_row=2))[0]

    assert rows[1][3] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][5:7] == ["'+49 Verein", "'@Anna"]
    assert cells[3].data_type == "s"
    assert cells[3].value == '=HYPERLINK("http://evil.example")'
    # Imported again, the quote is gone.
    wipe_people_and_meetings()
    meeting_history_import(data=_csv_bytes(rows))
    assert Meeting.objects.get().title == '=HYPERLINK("http://evil.example")'
    assert User.objects.get().full_name == "@Anna"


def _csv_bytes(rows):
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")
