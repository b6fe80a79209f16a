"""A backup keeps times to the microsecond: Django's JSON cuts them to milliseconds, and then a
restored database differs from the original in the sub-millisecond part."""

import datetime
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from meetings.models import Meeting
from tests.factories import MeetingFactory


@pytest.mark.django_db(transaction=True)
def test_microseconds_survive_backup_and_restore(tmp_path):
    start = datetime.datetime(2026, 3, 29, 8, 30, 0, 123, tzinfo=datetime.UTC)
    meeting = MeetingFactory(start=start, end=start + datetime.timedelta(hours=2))
    backup = tmp_path / "backup.tar.gz"
    call_command("backup_data", "-o", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)

    call_command("restore_data", str(backup))

    assert Meeting.objects.get(pk=meeting.pk).start == start
