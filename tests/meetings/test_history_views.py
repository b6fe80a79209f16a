"""The history pages: upload → preview → confirm, export download, permissions."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from meetings.models import Attendance, Meeting
from members.models import User
from tests.meetings.data.history_files import create_alliance, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("meetings:history_import")
EXPORT_URL = reverse("meetings:history_export")

ROWS = [
    row(name="Anna Beispiel", organisation="Detmold", email="anna@example.org"),
    row(name="Bernd Muster", organisation="Lemgo", attended="no"),
    row(name="Gabi Gast", organisation="Stadtwerke Detmold"),
    row(
        date="2020-06-02",
        title="Workshop Wärme",
        kind="workshop",
        name="Anna Beispiel",
        email="anna@example.org",
    ),
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def alliance(db):
    return create_alliance()


def pending_files() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "imports").glob("*"))


def upload(client, data, name="history.csv"):
    return client.post(
        IMPORT_URL, {"action": "check", "file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en"
    )


def english_client(login, user):
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def coordinator_client(login, coordinator):
    coordinator.preferred_language = "en"
    coordinator.save()
    return english_client(login, coordinator)


class TestPermissions:
    @pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, EXPORT_URL + "?format=csv"])
    def test_anonymous_goes_to_login(self, login, url):
        response = login(None).get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("person", ["rep_a", "deputy_a", "rep_b", "guest_user"])
    @pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, EXPORT_URL + "?format=xlsx"])
    def test_others_are_refused(self, login, request, person, url):
        assert login(request.getfixturevalue(person)).get(url).status_code == 403

    def test_representative_cannot_post_an_import(self, login, rep_a):
        response = upload(login(rep_a), csv_bytes(ROWS))

        assert response.status_code == 403
        assert not Meeting.objects.exists()
        assert pending_files() == []

    def test_coordinator_sees_the_pages(self, coordinator_client):
        assert coordinator_client.get(IMPORT_URL).status_code == 200
        assert coordinator_client.get(EXPORT_URL).status_code == 200

    def test_list_shows_the_buttons_to_the_coordinator_only(self, coordinator_client, login, rep_a):
        page = coordinator_client.get(reverse("meetings:list") + "?year=2019").content.decode()
        assert f'href="{EXPORT_URL}?format=xlsx&amp;year=2019"' in page
        assert f'href="{IMPORT_URL}"' in page

        other = login(rep_a).get(reverse("meetings:list")).content.decode()
        assert EXPORT_URL not in other
        assert IMPORT_URL not in other


class TestImportFlow:
    def test_upload_shows_a_preview_and_writes_nothing(self, coordinator_client):
        response = upload(coordinator_client, csv_bytes(ROWS, delimiter=";"))

        assert response.status_code == 200
        page = response.content.decode()
        assert "2 meetings (2 new), 4 attendance rows (4 new, 0 changed), 3 new people, 1 guest" in page
        assert "Workshop Wärme" in page
        assert not Meeting.objects.exists()
        (pending,) = pending_files()
        assert pending.read_bytes() == csv_bytes(ROWS, delimiter=";")
        assert oct(pending.stat().st_mode & 0o777) == "0o600"
        assert response.context["confirm_form"]["token"].value() in pending.name

    def test_confirm_imports_and_removes_the_kept_file(self, coordinator_client, coordinator):
        token = (
            upload(coordinator_client, xlsx_bytes(ROWS), "history.xlsx")
            .context["confirm_form"]["token"]
            .value()
        )

        response = coordinator_client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)

        assert response.redirect_chain[-1][0] == reverse("meetings:list") + "?year=2020"
        assert "The history was imported: 2 meetings (2 new)" in response.content.decode()
        assert Meeting.objects.count() == 2
        assert Attendance.objects.filter(recorded_by=coordinator).count() == 4
        assert pending_files() == []

    def test_confirming_twice_imports_once(self, coordinator_client):
        token = upload(coordinator_client, csv_bytes(ROWS)).context["confirm_form"]["token"].value()
        coordinator_client.post(IMPORT_URL, {"action": "confirm", "token": token})

        response = coordinator_client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)

        assert "no longer available" in response.content.decode()
        assert Meeting.objects.count() == 2

    def test_cancel_removes_the_kept_file(self, coordinator_client):
        token = upload(coordinator_client, csv_bytes(ROWS)).context["confirm_form"]["token"].value()

        response = coordinator_client.post(IMPORT_URL, {"action": "cancel", "token": token}, follow=True)

        assert "nothing was written" in response.content.decode()
        assert pending_files() == []
        assert not Meeting.objects.exists()

    def test_a_new_upload_replaces_the_waiting_one(self, coordinator_client):
        upload(coordinator_client, csv_bytes(ROWS))
        upload(coordinator_client, csv_bytes(ROWS[:1]))

        (pending,) = pending_files()
        assert pending.read_bytes() == csv_bytes(ROWS[:1])

    def test_stale_uploads_are_removed(self, coordinator_client):
        directory = Path(settings.MEDIA_ROOT) / "imports"
        directory.mkdir(parents=True)
        stale = directory / f"history-{'a' * 32}.upload"
        stale.write_bytes(b"old")
        two_days_ago = time.time() - 2 * 86400
        os.utime(stale, (two_days_ago, two_days_ago))

        upload(coordinator_client, csv_bytes(ROWS))

        assert stale not in pending_files()
        assert len(pending_files()) == 1

    def test_another_session_cannot_confirm_the_upload(self, coordinator_client, coordinator):
        token = upload(coordinator_client, csv_bytes(ROWS)).context["confirm_form"]["token"].value()
        other = Client()
        other.force_login(coordinator, backend="members.backends.EmailBackend")

        other.post(IMPORT_URL, {"action": "confirm", "token": token})

        assert not Meeting.objects.exists()

    @pytest.mark.parametrize("token", ["../../settings", "a" * 32, ""])
    def test_forged_tokens_are_refused(self, coordinator_client, token):
        upload(coordinator_client, csv_bytes(ROWS))

        response = coordinator_client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)

        assert "no longer available" in response.content.decode()
        assert not Meeting.objects.exists()

    def test_confirm_checks_again(self, coordinator_client):
        token = upload(coordinator_client, csv_bytes(ROWS)).context["confirm_form"]["token"].value()
        # Meanwhile somebody records the meeting of 2019-03-05 as held in the app.
        from meetings.history import meeting_history_import

        meeting_history_import(data=csv_bytes([row(name="Jemand", status="held")]))
        Meeting.objects.filter(title="Sitzung Regionalbündnis").update(status="cancelled")
        Attendance.objects.all().delete()

        response = coordinator_client.post(IMPORT_URL, {"action": "confirm", "token": token})

        assert response.status_code == 200
        assert "is “Cancelled” in the app but “Held” in the file" in response.content.decode()
        assert Meeting.objects.count() == 1
        assert pending_files() == []


class TestImportProblems:
    def test_bad_rows_are_listed_with_their_lines(self, coordinator_client):
        rows = [*ROWS, row(kind="Seminar"), row(date="2019-02-30")]

        response = upload(coordinator_client, csv_bytes(rows))

        page = response.content.decode()
        assert response.status_code == 200
        assert "Nothing was imported" in page
        assert "Line 6: Unknown kind “Seminar”" in page
        assert "Line 7: “2019-02-30” is not a date" in page
        assert pending_files() == []
        assert not User.objects.filter(full_name="Anna Beispiel").exists()

    def test_long_problem_lists_are_cut(self, coordinator_client):
        rows = [row(name=f"P{i}", kind="Seminar") for i in range(250)]

        response = upload(coordinator_client, csv_bytes(rows))

        assert len(response.context["problems"]) == 200
        assert "… and 50 more problems." in response.content.decode()

    @pytest.mark.parametrize(
        "data",
        [b"", b"\x00\x01\x02\xff" * 100, b"PK\x03\x04" + bytes(100), b"%PDF-1.4\n", b"Nur Text"],
    )
    def test_garbage_gets_a_message_not_a_500(self, coordinator_client, data):
        response = upload(coordinator_client, data, "upload.csv")

        assert response.status_code == 200
        assert response.context["problems"] or response.context["form"].errors

    def test_too_large_files_are_refused(self, coordinator_client, settings):
        settings.UPLOAD_MAX_BYTES = 100

        response = upload(coordinator_client, csv_bytes(ROWS))

        assert "The file is too large" in response.content.decode()
        assert pending_files() == []


class TestExport:
    def test_download_follows_the_page_language(self, coordinator_client, login, coordinator):
        from meetings.history import meeting_history_import

        meeting_history_import(data=csv_bytes(ROWS))

        response = coordinator_client.get(EXPORT_URL, {"format": "csv", "year": "2019"})

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="meeting-history-2019.csv"'
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "date,start,kind,title,location,organisation,name,email,attended,status"
        assert len(lines) == 4

        coordinator.preferred_language = "de"
        coordinator.save()
        german = login(coordinator)
        german.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
        response = german.get(EXPORT_URL, {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Datum", "Beginn", "Art")
        assert len(rows) == 5

    def test_bad_parameters_show_the_form(self, coordinator_client):
        response = coordinator_client.get(EXPORT_URL, {"format": "pdf", "year": "zwei"})

        assert response.status_code == 200
        assert response.context["form"].errors.keys() == {"format", "year"}
