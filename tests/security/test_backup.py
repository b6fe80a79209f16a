"""backup_data / restore_data: everything back into an empty database, or nothing at all."""

import io
import json
import shutil
import stat
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from controlling.models import FrozenReport, KpiTarget, YearReview
from controlling.selectors import available_years, controlling_report
from meetings.models import Meeting, MeetingDocument
from members.backup import backed_up_models
from members.models import Membership, Organisation, User
from members.privacy import person_anonymise
from tests.factories import ProjectFactory
from tests.factories.controlling import local

NOW = local(2025, 11, 20, 12)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def alliance_data(past_years, named_survey, coordinator, rep_a, member_a, member_b, leaver, walk_in_guest):
    """Meetings with attendance, a document, targets, a frozen report, a project, an anonymised
    person, a person without e-mail and one with a group and a permission."""
    meeting = past_years[(2024, 3)]
    document = MeetingDocument(
        meeting=meeting, original_name="Protokoll März.pdf", content_type="application/pdf", size=len(PDF)
    )
    document.file.save("ignored.pdf", ContentFile(PDF), save=False)
    document.save()
    KpiTarget.objects.create(year=2024, kpi="meetings_held", target=Decimal("4"), comment="Quartalsweise")
    YearReview.objects.create(year=2024, assessment="Gut besucht.", work_programme="Wärmeplanung")
    FrozenReport.objects.create(
        year=2023, snapshot=controlling_report(year=2023, now=NOW), pdf_de=PDF, pdf_en=PDF, frozen_at=NOW
    )
    project = ProjectFactory(
        title="Stadtradeln", lead_organisation=member_a, participants=[member_a, member_b]
    )
    project.contacts.add(rep_a)
    project.meetings.add(meeting)
    editors = Group.objects.create(name="Redaktion")
    editors.permissions.add(Permission.objects.get(codename="change_meeting"))
    rep_a.groups.add(editors)
    rep_a.user_permissions.add(Permission.objects.get(codename="view_attendance"))
    person_anonymise(person=leaver, by=coordinator)
    return document


def data_json(path) -> list:
    with tarfile.open(path, "r:gz") as archive:
        return json.loads(archive.extractfile("data.json").read())


def all_reports():
    return {year: controlling_report(year=year, now=NOW) for year in available_years(today=NOW.date())}


def row_counts():
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def empty_the_server():
    """A new server: the database flushed (content types recreated in another order), no files."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_backup_flush_restore_gives_back_everything(alliance_data, tmp_path, capsys):
    counts, reports, document_pk = row_counts(), all_reports(), alliance_data.pk
    assert counts["meetings.historicalattendance"] > 0
    backup = tmp_path / "sicherung.tar.gz"

    call_command("backup_data", "-o", str(backup))
    assert "It contains personal data" in capsys.readouterr().out
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    empty_the_server()
    assert Meeting.objects.count() == 0
    call_command("restore_data", str(backup))

    assert row_counts() == counts
    assert all_reports() == reports
    document = MeetingDocument.objects.get(pk=document_pk)
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    rep_a = User.objects.get(full_name="Anna Detmold")
    assert rep_a.has_perm("meetings.view_attendance")
    assert rep_a.has_perm("meetings.change_meeting")
    assert User.objects.get(full_name="Walter Gast").email is None
    assert User.objects.filter(
        full_name="Ehemalige·r Vertreter·in Lemgo", anonymised_at__isnull=False
    ).exists()
    assert bytes(FrozenReport.objects.get().pdf_de) == PDF
    # A second backup of the restored database holds exactly the same data.
    again = tmp_path / "noch-einmal.tar.gz"
    call_command("backup_data", "-o", str(again))
    assert data_json(again) == data_json(backup)


@pytest.mark.django_db(transaction=True)
def test_new_rows_after_a_restore_get_fresh_ids(alliance_data, tmp_path, member_a):
    backup = tmp_path / "sicherung.tar.gz"
    call_command("backup_data", "-o", str(backup))
    highest = Membership.objects.order_by("-pk").first().pk
    empty_the_server()
    call_command("restore_data", str(backup))
    person = User.objects.create(full_name="Neue Person")
    membership = Membership.objects.create(
        person=person, organisation=Organisation.objects.get(slug="detmold"), role="deputy"
    )
    assert membership.pk > highest
    project = ProjectFactory(title="Energiemanagement", lead_organisation=membership.organisation)
    project.contacts.add(person)
    assert membership.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data(alliance_data, tmp_path):
    backup = tmp_path / "sicherung.tar.gz"
    call_command("backup_data", "-o", str(backup))
    counts = row_counts()
    with pytest.raises(CommandError, match="The database is not empty, so nothing was restored"):
        call_command("restore_data", str(backup))
    assert row_counts() == counts


@pytest.mark.django_db(transaction=True)
def test_a_failing_restore_leaves_nothing_behind(alliance_data, tmp_path):
    backup = tmp_path / "sicherung.tar.gz"
    call_command("backup_data", "-o", str(backup))
    # The same archive with one attendance pointing to a person who is not in it.
    broken = tmp_path / "kaputt.tar.gz"
    rewrite(backup, broken, data=lambda rows: [dangling(row) for row in rows])
    empty_the_server()
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore_data", str(broken))
    assert all(count == 0 for count in row_counts().values())


def dangling(row):
    if row["model"] == "meetings.attendance" and not dangling.done:
        dangling.done = True
        return {**row, "fields": {**row["fields"], "person": 999_999}}
    return row


dangling.done = False


def rewrite(source: Path, target: Path, *, data=None, manifest=None, extra=None):
    with tarfile.open(source, "r:gz") as archive:
        entries = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    if data:
        entries["data.json"] = json.dumps(data(json.loads(entries["data.json"]))).encode()
    if manifest:
        entries["manifest.json"] = json.dumps(manifest(json.loads(entries["manifest.json"]))).encode()
    entries.update(extra or {})
    with tarfile.open(target, "w:gz") as archive:
        for name, content in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))


@pytest.mark.django_db
class TestRefusals:
    def test_not_an_archive(self, tmp_path):
        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"\x1f\x8b\x08this is not gzip")
        with pytest.raises(CommandError, match="not a readable backup archive"):
            call_command("restore_data", str(junk))

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="No such file"):
            call_command("restore_data", str(tmp_path / "fehlt.tar.gz"))

    def test_backup_from_a_newer_version(self, tmp_path, coordinator):
        backup = tmp_path / "sicherung.tar.gz"
        call_command("backup_data", "-o", str(backup))
        newer = tmp_path / "neuer.tar.gz"

        def add_migration(manifest):
            manifest["migrations"]["meetings"].append("9999_from_the_future")
            return manifest

        rewrite(backup, newer, manifest=add_migration)
        with pytest.raises(CommandError, match="meetings.9999_from_the_future"):
            call_command("restore_data", str(newer))

    def test_file_names_cannot_leave_the_media_folder(self, tmp_path, coordinator):
        backup = tmp_path / "sicherung.tar.gz"
        call_command("backup_data", "-o", str(backup))
        evil = tmp_path / "boese.tar.gz"

        def add_file(manifest):
            manifest["files"]["../../etc/cron.d/x"] = "0" * 64
            return manifest

        rewrite(backup, evil, manifest=add_file, extra={"media/../../etc/cron.d/x": b"* * * * * root id"})
        with pytest.raises(CommandError, match="does not contain safely"):
            call_command("restore_data", str(evil))

    def test_damaged_file(self, tmp_path, alliance_data):
        backup = tmp_path / "sicherung.tar.gz"
        call_command("backup_data", "-o", str(backup))
        damaged = tmp_path / "beschaedigt.tar.gz"
        rewrite(backup, damaged, extra={f"media/{alliance_data.file.name}": b"%PDF-changed"})
        with pytest.raises(CommandError, match="damaged"):
            call_command("restore_data", str(damaged))

    def test_missing_media_file_is_reported_not_fatal(self, tmp_path, alliance_data, capsys):
        Path(alliance_data.file.path).unlink()
        call_command("backup_data", "-o", str(tmp_path / "sicherung.tar.gz"))
        assert alliance_data.file.name in capsys.readouterr().err

    def test_output_folder_must_exist(self, tmp_path):
        with pytest.raises(CommandError, match="does not exist"):
            call_command("backup_data", "-o", str(tmp_path / "fehlt" / "x.tar.gz"))
