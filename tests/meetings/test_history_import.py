"""Importing the meeting history: formats, matching, checks, all-or-nothing and re-import."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from meetings.enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus, Response
from meetings.history import HistoryImportError, OrganisationMatcher, meeting_history_import
from meetings.models import Attendance, Invitation, Meeting
from members.enums import MembershipRole
from members.models import Membership, Organisation, User
from tests.factories import AttendanceFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.meetings.data.history_files import GERMAN, create_alliance, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def alliance(db):
    return create_alliance()


def counts():
    return (
        Meeting.objects.count(),
        User.objects.count(),
        Invitation.objects.count(),
        Attendance.objects.count(),
        Membership.objects.count(),
    )


def problems_of(data) -> list[str]:
    with pytest.raises(HistoryImportError) as caught:
        meeting_history_import(data=data)
    return [str(problem) for problem in caught.value.problems]


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


SAMPLE = [
    row(name="Anna Beispiel", organisation="Stadt Detmold", email="anna@detmold.example"),
    row(name="Bernd Muster", organisation="Lemgo", attended="no"),
    row(name="Gabi Gast", organisation="Stadtwerke Detmold", attended="x"),
    row(
        date="12.09.2019",
        start="",
        kind="Workshop",
        title="Workshop Energiemanagement",
        location="Kreishaus",
        name="Anna Beispiel",
        organisation="Detmold",
        email="ANNA@detmold.example",
    ),
    row(
        date="12.09.2019",
        start="",
        kind="workshop",
        title="Workshop Energiemanagement",
        location="",
        name="Carla Lügde",
        organisation="Luegde",
        attended="1",
    ),
]


class TestFormats:
    def test_comma_csv_creates_meetings_people_and_attendance(self, alliance):
        plan = meeting_history_import(data=csv_bytes(SAMPLE))

        assert str(plan.summary) == (
            "2 meetings (2 new), 5 attendance rows (5 new, 0 changed), 4 new people, 1 guest"
        )
        meeting = Meeting.objects.get(title="Sitzung Regionalbündnis")
        assert meeting.kind == MeetingKind.MEETING
        assert meeting.status == MeetingStatus.HELD
        assert meeting.start == local(2019, 3, 5, 14, 0)
        assert meeting.end == local(2019, 3, 5, 16, 0)
        assert meeting.venue == "Rathaus Detmold"
        assert meeting.attendance_recorded_at is not None
        present = {a.person.full_name: a.present for a in meeting.attendances.select_related("person")}
        assert present == {"Anna Beispiel": True, "Bernd Muster": False, "Gabi Gast": True}
        assert set(meeting.attendances.values_list("source", flat=True)) == {AttendanceSource.IMPORT}

    def test_workshop_without_start_begins_at_two_and_umlaut_variant_matches(self, alliance):
        meeting_history_import(data=csv_bytes(SAMPLE))

        workshop = Meeting.objects.get(title="Workshop Energiemanagement")
        assert workshop.kind == MeetingKind.WORKSHOP
        assert workshop.start == local(2019, 9, 12, 14, 0)
        assert workshop.venue == "Kreishaus"
        carla = workshop.attendances.get(person__full_name="Carla Lügde")
        assert carla.organisation == alliance["Lügde"]
        assert carla.organisation_text == ""

    def test_semicolon_csv_with_german_headers_and_bom(self, alliance):
        data = csv_bytes(SAMPLE, header=GERMAN, delimiter=";", bom=True)

        plan = meeting_history_import(data=data)

        assert (plan.summary.meetings, plan.summary.rows) == (2, 5)
        assert Attendance.objects.filter(present=True).count() == 4

    def test_excel_windows_1252_csv_with_umlauts(self, alliance):
        rows = [
            row(
                title="Sitzung in Lügde", organisation="Lügde", name="Jürgen Größe", location="Rathaus Lügde"
            ),
            row(title="Sitzung in Lügde", organisation="Dörentrup", name="Sören Weiß", location=""),
        ]
        data = csv_bytes(rows, header=GERMAN, delimiter=";", encoding="cp1252")
        assert "ü".encode("cp1252") in data

        meeting_history_import(data=data)

        meeting = Meeting.objects.get()
        assert meeting.title == "Sitzung in Lügde"
        assert meeting.venue == "Rathaus Lügde"
        names = set(meeting.attendances.values_list("person__full_name", "organisation__short_name"))
        assert names == {("Jürgen Größe", "Lügde"), ("Sören Weiß", "Dörentrup")}

    def test_xlsx_first_sheet_with_date_and_time_cells(self, alliance):
        rows = [
            [
                datetime.date(2018, 11, 20),
                datetime.time(9, 30),
                "Sitzung",
                "Herbstsitzung",
                "Lemgo",
                "Landesverband Lippe",
                "Lena Verband",
                None,
                "ja",
                None,
            ],
            [
                datetime.datetime(2018, 11, 20),
                "09:30",
                "Treffen",
                "Herbstsitzung",
                "Lemgo",
                "Leopoldshoehe",
                "Leo Höhe",
                "leo@example.org",
                0,
                "held",
            ],
        ]
        data = xlsx_bytes(rows, header=GERMAN)

        plan = meeting_history_import(data=data)

        assert plan.summary.rows == 2
        meeting = Meeting.objects.get()
        assert meeting.start == local(2018, 11, 20, 9, 30)
        orgs = dict(meeting.attendances.values_list("person__full_name", "organisation__short_name"))
        assert orgs == {"Lena Verband": "Landesverband Lippe", "Leo Höhe": "Leopoldshöhe"}
        assert meeting.attendances.get(person__full_name="Leo Höhe").present is False

    def test_attended_words(self, alliance):
        words = {
            "yes": True,
            "Ja": True,
            "X": True,
            "1": True,
            "no": False,
            "nein": False,
            "": False,
            "0": False,
        }
        rows = [row(name=f"Person {i}", attended=word) for i, word in enumerate(words)]

        meeting_history_import(data=csv_bytes(rows))

        stored = dict(Attendance.objects.values_list("person__full_name", "present"))
        assert stored == {f"Person {i}": value for i, value in enumerate(words.values())}

    def test_header_case_and_extra_columns_are_accepted(self, alliance):
        header = [
            "DATUM",
            "Beginn",
            "ART",
            "Titel",
            "Ort",
            "organisation",
            "NAME",
            "e-mail",
            "Anwesend",
            "status",
            "Bemerkung",
        ]
        data = csv_bytes([row() + ["war pünktlich"]], header=header)

        assert meeting_history_import(data=data).summary.rows == 1

    def test_quoted_multiline_cell_keeps_spreadsheet_line_numbers(self, alliance):
        rows = [row(title="Sitzung\nmit Zeilenumbruch"), row(date="31.02.2019")]

        assert problems_of(csv_bytes(rows)) == [
            "Line 3: “31.02.2019” is not a date (use YYYY-MM-DD or DD.MM.YYYY)."
        ]


class TestOrganisations:
    @pytest.mark.parametrize(
        ("text", "short_name"),
        [
            ("Luegde", "Lügde"),
            ("LÜGDE", "Lügde"),
            ("Stadt Lügde", "Lügde"),
            ("stadt luegde", "Lügde"),
            ("Gemeinde Lügde", "Lügde"),
            ("Doerentrup", "Dörentrup"),
            ("Gemeinde Doerentrup", "Dörentrup"),
            ("Leopoldshoehe", "Leopoldshöhe"),
            ("Horn - Bad Meinberg", "Horn-Bad Meinberg"),
            ("landesverband lippe", "Landesverband Lippe"),
            ("Kreis Lippe – Masterplanmanagement", "Kreis Lippe"),
        ],
    )
    def test_names_short_names_and_spelling_variants(self, alliance, text, short_name):
        assert OrganisationMatcher(Organisation.objects.all()).match(text) == alliance[short_name]

    @pytest.mark.parametrize("text", ["", "Stadtwerke Detmold", "Lippe", "Stadt Bielefeld"])
    def test_unknown_bodies_do_not_match(self, alliance, text):
        assert OrganisationMatcher(Organisation.objects.all()).match(text) is None

    def test_guest_keeps_free_text_on_attendance_and_person(self, alliance):
        meeting_history_import(
            data=csv_bytes([row(name="Gabi Gast", organisation="Verbraucherzentrale NRW")])
        )

        attendance = Attendance.objects.get()
        assert attendance.organisation is None
        assert attendance.organisation_text == "Verbraucherzentrale NRW"
        assert attendance.person.affiliation == "Verbraucherzentrale NRW"
        invitation = Invitation.objects.get()
        assert (invitation.role, invitation.organisation) == (InvitationRole.GUEST, None)

    def test_member_person_gets_invitation_for_the_member_but_no_membership(self, alliance):
        meeting_history_import(data=csv_bytes([row(name="Carla Lügde", organisation="Luegde")]))

        invitation = Invitation.objects.get()
        assert invitation.organisation == alliance["Lügde"]
        assert invitation.role == InvitationRole.REPRESENTATIVE
        assert invitation.response == Response.PENDING
        assert not Membership.objects.exists()


class TestPeople:
    def test_new_people_have_no_login(self, alliance):
        meeting_history_import(data=csv_bytes([row(name="Anna Beispiel", email="Anna@Example.org")]))

        person = User.objects.get()
        assert person.email == "anna@example.org"
        assert not person.has_usable_password()
        assert not person.can_log_in

    def test_person_without_email_is_stored_without_email(self, alliance):
        meeting_history_import(data=csv_bytes([row(name="Otto Ohnemail", email="")]))

        assert User.objects.get().email is None

    def test_existing_person_found_by_email_keeps_their_data(self, alliance, rep_a):
        rows = [row(name="A. Detmold (other spelling)", email=rep_a.email.upper(), organisation="")]

        plan = meeting_history_import(data=csv_bytes(rows))

        assert plan.summary.new_people == 0
        attendance = Attendance.objects.get()
        assert attendance.person == rep_a
        rep_a.refresh_from_db()
        assert rep_a.full_name == "Anna Detmold"
        # The file names no organisation: her membership on the meeting date is used, as in the app.
        assert attendance.organisation == alliance["Detmold"]
        assert Invitation.objects.get().role == InvitationRole.REPRESENTATIVE

    def test_existing_person_found_by_name_and_organisation(self, alliance, deputy_a):
        rows = [row(name="dirk  detmold", organisation="Stadt Detmold")]

        plan = meeting_history_import(data=csv_bytes(rows))

        assert plan.summary.new_people == 0
        assert Attendance.objects.get().person == deputy_a
        assert Invitation.objects.get().role == InvitationRole.DEPUTY

    def test_same_name_at_another_organisation_is_another_person(self, alliance, rep_a):
        meeting_history_import(data=csv_bytes([row(name="Anna Detmold", organisation="Lemgo")]))

        assert Attendance.objects.get().person != rep_a
        assert User.objects.filter(full_name="Anna Detmold").count() == 2

    def test_rows_without_email_find_the_file_person_with_email(self, alliance):
        rows = [
            row(name="Anna Beispiel", organisation="Detmold"),
            row(
                date="2019-06-01",
                name="Anna Beispiel",
                organisation="Stadt Detmold",
                email="anna@example.org",
            ),
        ]

        plan = meeting_history_import(data=csv_bytes(rows))

        assert plan.summary.new_people == 1
        assert User.objects.get().email == "anna@example.org"

    def test_person_found_by_email_is_also_found_by_their_own_name(self, alliance):
        """Found by fuzzing: the first import created a namesake, the second could not choose."""
        UserFactory(full_name="Carla Größe", email="carla@example.org")
        rows = [
            row(date="2019-03-05", name="Carla Größe", organisation="Kreis Lippe"),
            row(date="2019-06-05", name="C. Größe", organisation="Kreis Lippe", email="carla@example.org"),
        ]

        assert meeting_history_import(data=csv_bytes(rows)).summary.new_people == 0
        assert meeting_history_import(data=csv_bytes(rows)).summary.changes == 0
        assert User.objects.filter(full_name="Carla Größe").count() == 1

    def test_ambiguous_people_are_reported(self, alliance):
        for email in ("one@example.org", "two@example.org"):
            person = UserFactory(full_name="Max Muster", email=email)
            MembershipFactory(person=person, organisation=alliance["Lemgo"])

        assert problems_of(csv_bytes([row(name="Max Muster", organisation="Lemgo")])) == [
            "Line 2: Several people named Max Muster of “Lemgo” exist; "
            "add the e-mail address to tell them apart."
        ]


class TestChecks:
    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(self, alliance):
        rows = [
            row(),
            row(kind="Seminar"),
            row(date="2019-13-01"),
            row(name=""),
            row(title=""),
            row(attended="vielleicht"),
            row(start="25:00"),
            row(status="postponed"),
            row(email="not-an-address"),
            row(date=""),
        ]
        before = counts()

        assert problems_of(csv_bytes(rows)) == [
            "Line 3: Unknown kind “Seminar” (use meeting, Treffen, Sitzung or workshop).",
            "Line 4: “2019-13-01” is not a date (use YYYY-MM-DD or DD.MM.YYYY).",
            "Line 5: The name is missing.",
            "Line 6: The title is missing.",
            "Line 7: “vielleicht” is not a valid attendance (use yes/no, ja/nein, x/empty or 1/0).",
            "Line 8: “25:00” is not a time (use HH:MM).",
            "Line 9: Unknown status “postponed” (use held or cancelled).",
            "Line 10: “not-an-address” is not a valid e-mail address.",
            "Line 11: The date is missing.",
        ]
        assert counts() == before

    def test_one_bad_row_among_500_writes_nothing_and_names_the_row(self, alliance):
        rows = [
            row(date=f"2019-{1 + i // 50:02d}-10", title=f"Sitzung {i // 50}", name=f"Person {i % 50}")
            for i in range(500)
        ]
        rows[316] = row(date="2019-07-10", title="Sitzung 6", name="Person 16", kind="Kaffeeklatsch")
        before = counts()

        assert problems_of(csv_bytes(rows)) == [
            "Line 318: Unknown kind “Kaffeeklatsch” (use meeting, Treffen, Sitzung or workshop)."
        ]
        assert counts() == before
        # The same file without the bad row goes in completely.
        rows[316] = row(date="2019-07-10", title="Sitzung 6", name="Person 16")
        assert meeting_history_import(data=csv_bytes(rows)).summary.rows == 500
        assert Attendance.objects.count() == 500

    def test_conflicting_duplicate_person_in_one_meeting(self, alliance):
        rows = [row(name="Anna Beispiel"), row(name="Bernd Muster"), row(name="anna beispiel", attended="no")]

        assert problems_of(csv_bytes(rows)) == [
            "Line 4: anna beispiel is listed twice for the meeting on 2019-03-05 (also in line 2), "
            "once present and once absent."
        ]

    def test_exact_duplicate_rows_count_once(self, alliance):
        plan = meeting_history_import(data=csv_bytes([row(), row()]))

        assert plan.summary.rows == 1
        assert Attendance.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"start": "16:00"}, "“16:00” in column “start/Beginn” differs from “14:00” in line 2"),
            ({"kind": "workshop"}, "“workshop” in column “kind/Art” differs from “meeting” in line 2"),
            (
                {"location": "Kreishaus"},
                "“Kreishaus” in column “location/Ort” differs from “Rathaus Detmold”",
            ),
            ({"status": "cancelled", "attended": "no"}, "“cancelled” in column “status” differs from “held”"),
        ],
    )
    def test_one_meeting_with_different_details(self, alliance, changes, message):
        rows = [row(name="A", status="held"), row(name="B", **changes)]

        (problem,) = problems_of(csv_bytes(rows))

        assert problem.startswith(f"Line 3: {message}")
        assert problem.endswith("for the same meeting (2019-03-05, Sitzung Regionalbündnis).")

    def test_empty_details_take_those_of_the_other_rows(self, alliance):
        rows = [row(name="A", start="", kind="", location=""), row(name="B", start="10:00", kind="Workshop")]

        meeting_history_import(data=csv_bytes(rows))

        meeting = Meeting.objects.get()
        assert (meeting.start, meeting.kind, meeting.venue) == (
            local(2019, 3, 5, 10, 0),
            MeetingKind.WORKSHOP,
            "Rathaus Detmold",
        )

    def test_title_case_and_spaces_identify_the_same_meeting(self, alliance):
        rows = [
            row(name="A", title="Sitzung  Regionalbündnis"),
            row(name="B", title="sitzung regionalbündnis"),
        ]

        assert meeting_history_import(data=csv_bytes(rows)).summary.meetings == 1

    def test_future_meetings_are_refused(self, alliance):
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

        assert problems_of(csv_bytes([row(date=tomorrow)])) == [
            f"Line 2: The meeting on {tomorrow} lies in the future; only past meetings can be imported."
        ]

    def test_present_at_a_cancelled_meeting_is_refused(self, alliance):
        assert problems_of(csv_bytes([row(status="cancelled", attended="yes")])) == [
            "Line 2: Anna Beispiel is marked present at a cancelled meeting."
        ]

    def test_cancelled_meeting_gets_invitations_but_no_attendance(self, alliance):
        meeting_history_import(data=csv_bytes([row(status="abgesagt", attended="")]))

        meeting = Meeting.objects.get()
        assert meeting.status == MeetingStatus.CANCELLED
        assert meeting.attendance_recorded_at is None
        assert meeting.invitations.count() == 1
        assert not meeting.attendances.exists()

    def test_numbers_in_time_and_date_cells(self, alliance):
        """Found by fuzzing: a huge number (read back as infinity) overflowed the time arithmetic."""
        rows = [
            [datetime.date(2019, 3, 5), 1.7976931348623155e308, "", "S", "", "", "A", None, "x", None],
            [1e300, 0.5, "", "T", "", "", "C", None, "x", None],
            [43529, 0.5833333333, "", "U", "", "", "D", None, "x", None],
        ]

        problems = problems_of(xlsx_bytes(rows))

        assert problems == [
            "Line 2: “inf” is not a time (use HH:MM).",
            "Line 3: “1000000000000000052504760255204420248704” is not a date "
            "(use YYYY-MM-DD or DD.MM.YYYY).",
        ]
        # Day numbers and fractions of a day, as unformatted Excel cells hold them, are read.
        del rows[:2]
        meeting_history_import(data=xlsx_bytes(rows))
        assert Meeting.objects.get().start == local(2019, 3, 5, 14, 0)

    def test_too_long_values(self, alliance):
        assert problems_of(csv_bytes([row(title="T" * 201)])) == [
            "Line 2: The column “title/Titel” holds more than 200 characters."
        ]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "The file is empty."),
            (b"   \r\n\r\n", "The file is empty."),
            (b"date,title,name,attended\r\n", "The file has a header but no rows."),
            (
                b"Datum;Titel;Teilnehmer\r\n2019-01-01;Sitzung;Anna\r\n",
                "The first row must name the columns. Missing: name (Name), attended (anwesend). "
                "Expected: date, start, kind, title, location, organisation, name, email, attended, status "
                "(in English or German).",
            ),
            (
                b"date,title,name,attended,Datum\r\n",
                "Line 1: The column “date” appears twice.",
            ),
            (
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
                "Only CSV files and Excel files (.xlsx) can be imported.",
            ),
            (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
                "Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV.",
            ),
            (b"PK\x03\x04broken zip", "The Excel file could not be read. Save it again as .xlsx or as CSV."),
            (
                b"date,title\x01\x02\x03,name\r\n\x81\x8d",
                "The file is neither a readable CSV file (UTF-8 or Windows-1252) nor an Excel file.",
            ),
            (
                b'date,title,name,attended\r\n"2019-01-01,"Sitzung"x,Anna',
                "The CSV file is malformed in line 2: ',' expected after '\"'",
            ),
        ],
    )
    def test_bad_files_get_a_clear_error(self, alliance, data, message):
        assert problems_of(data) == [message]

    def test_zip_that_is_no_workbook(self, alliance):
        import io
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")

        assert problems_of(out.getvalue()) == [
            "The Excel file could not be read. Save it again as .xlsx or as CSV."
        ]


class TestReimport:
    def test_importing_the_same_file_twice_changes_nothing(self, alliance, django_assert_max_num_queries):
        data = csv_bytes(SAMPLE)
        meeting_history_import(data=data)
        before = counts()
        history_before = (Meeting.history.count(), Attendance.history.count())

        plan = meeting_history_import(data=data)

        assert str(plan.summary) == (
            "2 meetings (0 new), 5 attendance rows (0 new, 0 changed), 0 new people, 1 guest"
        )
        assert counts() == before
        assert (Meeting.history.count(), Attendance.history.count()) == history_before

    def test_reimport_via_xlsx_and_german_spelling_is_also_a_no_op(self, alliance):
        meeting_history_import(data=csv_bytes(SAMPLE))
        before = counts()
        german = [
            [
                cells[0],
                cells[1],
                {"meeting": "Sitzung"}.get(cells[2], cells[2]),
                cells[3].upper(),
                cells[4],
                cells[5].replace("Lemgo", "Stadt Lemgo"),
                cells[6],
                cells[7],
                {"yes": "ja", "no": "nein", "x": "X"}.get(cells[8], cells[8]),
                cells[9],
            ]
            for cells in SAMPLE
        ]

        plan = meeting_history_import(data=xlsx_bytes(german, header=GERMAN))

        assert plan.summary.changes == 0
        assert counts() == before

    def test_changed_attendance_is_updated(self, alliance):
        meeting_history_import(data=csv_bytes(SAMPLE))
        corrected = [list(cells) for cells in SAMPLE]
        corrected[1][8] = "yes"  # Bernd was there after all

        plan = meeting_history_import(data=csv_bytes(corrected))

        assert (plan.summary.new_rows, plan.summary.changed_rows) == (0, 1)
        attendance = Attendance.objects.get(person__full_name="Bernd Muster")
        assert attendance.present is True
        assert attendance.history.count() == 2

    def test_existing_meeting_keeps_its_details_and_gets_the_attendance(self, alliance, rep_a, coordinator):
        meeting = MeetingFactory(
            title="Sitzung Regionalbündnis",
            start=local(2019, 3, 5, 16, 0),
            end=local(2019, 3, 5, 18, 0),
            venue="Kreishaus",
            status=MeetingStatus.PUBLISHED,
        )
        Invitation.objects.create(
            meeting=meeting,
            person=rep_a,
            organisation=alliance["Detmold"],
            role=InvitationRole.REPRESENTATIVE,
        )
        AttendanceFactory(meeting=meeting, person=rep_a, present=False, organisation=alliance["Detmold"])
        rows = [row(name="Anna Detmold", organisation="Detmold"), row(name="Neu Gast", organisation="")]

        with time_machine.travel(local(2024, 1, 1, 12, 0), tick=False):
            plan = meeting_history_import(data=csv_bytes(rows), by=coordinator)

        assert (plan.summary.new_meetings, plan.summary.new_rows, plan.summary.changed_rows) == (0, 1, 1)
        meeting.refresh_from_db()
        assert (meeting.start, meeting.venue) == (local(2019, 3, 5, 16, 0), "Kreishaus")
        assert meeting.status == MeetingStatus.HELD
        assert meeting.attendance_recorded_at == local(2024, 1, 1, 12, 0)
        assert meeting.attendances.get(person=rep_a).present is True
        assert meeting.invitations.count() == 2
        assert meeting.history.get(history_type="~").history_user == coordinator

    def test_held_in_app_but_cancelled_in_file(self, alliance):
        MeetingFactory(
            title="Sitzung Regionalbündnis",
            start=local(2019, 3, 5, 14, 0),
            end=local(2019, 3, 5, 16, 0),
            status=MeetingStatus.HELD,
        )

        assert problems_of(csv_bytes([row(status="cancelled", attended="no")])) == [
            "Line 2: The meeting on 2019-03-05 is “Held” in the app but “Cancelled” in the file."
        ]


class TestDryRunAndQueries:
    def test_dry_run_plans_but_writes_nothing(self, alliance):
        before = counts()

        plan = meeting_history_import(data=csv_bytes(SAMPLE), dry_run=True)

        assert plan.summary.new_meetings == 2
        assert counts() == before

    def test_query_count_does_not_grow_with_the_file(self, alliance, rep_a, rep_b):
        def queries(rows) -> int:
            with CaptureQueriesContext(connection) as captured:
                meeting_history_import(data=csv_bytes(rows))
            return len(captured.captured_queries)

        small = [
            row(date="2017-01-10", title="Eine", name="Anna Detmold", organisation="Detmold"),
            row(date="2017-01-10", title="Eine", name="Neue Person", organisation="Stadtwerke"),
        ]
        one = queries(small)
        people = [("Anna Detmold", "Detmold"), ("Bernd Lemgo", "Lemgo")] + [
            (f"Person {i}", org) for i, org in enumerate(["Lügde", "Stadtwerke", "", "Kreis Lippe"] * 7)
        ]
        rows = [
            row(date=f"2018-{month:02d}-15", title=f"Sitzung {month}", name=name, organisation=org)
            for month in range(1, 13)
            for name, org in people
        ]

        assert queries(rows) == one
        assert Attendance.objects.count() == 2 + 360
        # Again, with every meeting and person existing, the count stays the same whatever the size.
        assert queries(rows[:1]) == queries(rows)


def test_membership_roles_come_from_the_meeting_date(alliance):
    person = UserFactory(full_name="Rita Rolle", email="rita@example.org")
    MembershipFactory(
        person=person,
        organisation=alliance["Lemgo"],
        role=MembershipRole.DEPUTY,
        start=datetime.date(2017, 1, 1),
        end=datetime.date(2019, 12, 31),
    )
    MembershipFactory(
        person=person,
        organisation=alliance["Lemgo"],
        role=MembershipRole.REPRESENTATIVE,
        start=datetime.date(2020, 1, 1),
    )
    rows = [
        row(date="2019-05-05", name="Rita Rolle", organisation="Lemgo"),
        row(date="2021-05-05", name="Rita Rolle", organisation="Lemgo"),
    ]

    meeting_history_import(data=csv_bytes(rows))

    roles = dict(Invitation.objects.values_list("meeting__start__year", "role"))
    assert roles == {2019: InvitationRole.DEPUTY, 2021: InvitationRole.REPRESENTATIVE}
