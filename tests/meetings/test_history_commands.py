"""The import_history and export_history management commands: output, exit status, dry run."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from meetings.models import Attendance, Meeting
from members.models import User
from tests.meetings.data.history_files import create_alliance, csv_bytes, row

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

ROWS = [
    row(name="Anna Beispiel", organisation="Detmold", email="anna@example.org"),
    row(name="Gabi Gast", organisation="Stadtwerke Detmold", attended="no"),
    row(date="2020-02-02", title="Workshop", kind="workshop", name="Anna Beispiel", email="anna@example.org"),
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def history_file(tmp_path, db):
    create_alliance()
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(ROWS, delimiter=";"))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_summary(history_file, coordinator):
    out, err = run("import_history", str(history_file), "--by", coordinator.email.upper())

    assert out == "2 meetings (2 new), 3 attendance rows (3 new, 0 changed), 2 new people, 1 guest\n"
    assert err == ""
    assert Attendance.objects.filter(recorded_by=coordinator).count() == 3
    again, _err = run("import_history", str(history_file))
    assert again == "2 meetings (0 new), 3 attendance rows (0 new, 0 changed), 0 new people, 1 guest\n"


def test_dry_run_writes_nothing(history_file):
    out, _err = run("import_history", str(history_file), "--dry-run")

    assert out.splitlines() == [
        "2 meetings (2 new), 3 attendance rows (3 new, 0 changed), 2 new people, 1 guest",
        "Dry run: nothing was written.",
    ]
    assert not Meeting.objects.exists()
    assert not User.objects.exists()


def test_problems_go_to_stderr_and_nothing_is_written(tmp_path, db):
    create_alliance()
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(), row(kind="Seminar"), row(date="32.01.2019")]))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^2 problems found; nothing was imported\.$"):
        call_command("import_history", str(path), stderr=err, stdout=io.StringIO())

    assert err.getvalue().splitlines() == [
        "Line 3: Unknown kind “Seminar” (use meeting, Treffen, Sitzung or workshop).",
        "Line 4: “32.01.2019” is not a date (use YYYY-MM-DD or DD.MM.YYYY).",
    ]
    assert not Meeting.objects.exists()


def test_missing_file_and_unknown_importer(tmp_path, history_file):
    with pytest.raises(CommandError, match="cannot be read"):
        run("import_history", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="Nobody has the e-mail address nobody@example.org"):
        run("import_history", str(history_file), "--by", "nobody@example.org")


def _manage(*args, database_name=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.test"}
    if database_name:
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/regionalbuendnis")
        env["DATABASE_URL"] = f"{base.rpartition('/')[0]}/{database_name}"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_exit_status_is_non_zero_for_a_bad_file(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_bytes(b"Vorname;Nachname\r\nAnna;Beispiel\r\n")

    result = _manage("import_history", str(path))

    assert result.returncode == 1
    assert "name (Name), attended (anwesend)" in result.stderr
    assert "1 problem" in result.stderr.lower()  # in the site's language


@pytest.mark.django_db(transaction=True)
def test_exit_status_is_zero_for_a_good_file(tmp_path):
    create_alliance()
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes(ROWS))

    result = _manage("import_history", str(path), "--dry-run", database_name=connection.settings_dict["NAME"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 ")  # 2 meetings, in the site's language
    assert not Meeting.objects.exists()


def test_export_to_stdout_and_files(tmp_path, history_file):
    run("import_history", str(history_file))

    out, _err = run("export_history", "--year", "2019")
    lines = out.splitlines()
    assert lines[0] == "date,start,kind,title,location,organisation,name,email,attended,status"
    assert len(lines) == 3

    german, _err = run("export_history", "--german-headers")
    assert german.splitlines()[0] == "Datum;Beginn;Art;Titel;Ort;Organisation;Name;E-Mail;anwesend;Status"
    assert len(german.splitlines()) == 4

    target = tmp_path / "history.xlsx"
    message, _err = run("export_history", "-o", str(target))
    assert message == f"Written to {target}: 3 rows of 2 meetings.\n"
    sheet = load_workbook(target, read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 4

    csv_target = tmp_path / "history-2020.txt"
    run("export_history", "--year", "2020", "--format", "csv", "-o", str(csv_target))
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbfdate,start")


def test_export_xlsx_needs_a_file(db):
    with pytest.raises(CommandError, match="name a file with -o"):
        run("export_history", "--format", "xlsx")
