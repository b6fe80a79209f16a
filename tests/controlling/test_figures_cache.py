"""The cached year figures (dashboard card, year page) are those of the data at every moment:
each kind of write makes them old, and so does a meeting beginning."""

import contextlib
import io
import re
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from controlling import figures_cache, selectors, services
from controlling.enums import Kpi
from meetings import services as meeting_services
from meetings.models import Attendance, Meeting
from tests.controlling.conftest import REPORT_YEAR
from tests.factories import UserFactory
from tests.factories.controlling import attend, controlling_meeting, local
from tests.factories.surveys import QuestionFactory, SurveyFactory

# The cache holds committed data only (a transaction with uncommitted writes computes live), so
# these tests commit their writes instead of running inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)

FIGURES = ("meetings_held", "meetings_planned", "participants_total", "unique_participants")


def _shown(report):
    return {key: report[key] for key in FIGURES}


def _live(year=REPORT_YEAR):
    return _shown(selectors.controlling_overview(year=year))


def _cached(year=REPORT_YEAR):
    return _shown(figures_cache.cached_overview(year=year))


def test_the_second_visit_reads_the_figures_from_the_cache(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    url = reverse("controlling:year", args=[REPORT_YEAR])
    client.get(url)

    with CaptureQueriesContext(connection) as second:
        response = client.get(url)

    assert not [query for query in second if "meetings_attendance" in query["sql"]]
    assert response.context["report"]["meetings_held"] == 3
    assert response.context["report"]["participants_total"] == 7


def _record_attendance(data, coordinator, rep_a, **kwargs):
    meeting = data["september"]
    meeting.invitations.create(person=rep_a, role="representative")
    meeting_services.attendance_record(meeting=meeting, by=coordinator, present_person_ids=[rep_a.pk])


def _update_queryset(data, *args):
    Attendance.objects.filter(meeting=data["february"]).update(present=False)


def _bulk_create(data, *args):
    people = UserFactory.create_batch(3)
    Attendance.objects.bulk_create(
        [Attendance(meeting=data["september"], person=person, present=True) for person in people]
    )


def _delete(data, *args):
    Attendance.objects.filter(meeting=data["may"]).delete()


def _cancel_in_admin_style(data, *args):
    meeting = data["february"]
    meeting.status = "cancelled"
    meeting.save()


def _raw_sql(data, *args):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM meetings_attendance WHERE meeting_id = %s", [data["february"].pk])


@pytest.mark.parametrize(
    "write", [_record_attendance, _update_queryset, _bulk_create, _delete, _cancel_in_admin_style, _raw_sql]
)
def test_every_kind_of_write_makes_the_cached_figures_old(write, coordinator, rep_a, year_data, in_q4):
    before = _cached()
    assert before == _live()

    write(year_data, coordinator, rep_a)

    assert _live() != before
    assert _cached() == _live()


def test_targets_texts_and_surveys_change_the_cached_year_page(coordinator, year_data, in_q4):
    figures_cache.cached_overview(year=REPORT_YEAR)

    services.kpi_targets_save(
        year=REPORT_YEAR,
        targets={Kpi.MEETINGS_HELD: {"target": 9, "direction": "at_least", "tolerance_percent": 10}},
        user=coordinator,
    )
    services.year_review_save(year=REPORT_YEAR, assessment="Gut", work_programme="Mehr", user=coordinator)
    QuestionFactory(survey=SurveyFactory(year=REPORT_YEAR))
    report = figures_cache.cached_overview(year=REPORT_YEAR)

    assert report["assessment"] == "Gut"
    assert [row["target"] for row in report["targets"] if row["kpi"] == Kpi.MEETINGS_HELD] == [9.0]
    assert report["survey"] is not None


def test_the_dashboard_card_follows_a_new_attendance(coordinator, rep_a, member_a, login):
    with time_machine.travel(local(2026, 6, 1, 12), tick=False):
        meeting = controlling_meeting(start=local(2026, 1, 15))
        client = login(coordinator)

        def card():
            return client.get(reverse("dashboard")).context["sections"][0]["statistics"]

        assert card()["participants_total"] == 0

        attend(meeting, rep_a, member_a)

        statistics = card()
        assert statistics["participants_total"] == 1
        assert statistics == selectors.meeting_figures(year=2026)


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(local(2025, 3, 30, 1, 59), id="before the spring DST change"),
        pytest.param(local(2025, 10, 26, 2, 30), id="in the repeated autumn hour"),
    ],
)
def test_a_meeting_that_begins_counts_as_held_without_any_write(moment, db):
    meeting = controlling_meeting(start=moment, recorded=False)
    with time_machine.travel(moment.timestamp() - 60, tick=False):
        assert figures_cache.cached_overview(year=2025)["meetings_planned"] == 1

    with time_machine.travel(meeting.start.timestamp() + 60, tick=False):
        report = figures_cache.cached_overview(year=2025)

    assert (report["meetings_held"], report["meetings_planned"]) == (1, 0)


def test_each_language_has_its_own_cached_report(coordinator, year_data, in_q4):
    SurveyFactory(year=REPORT_YEAR, title_de="Umfrage", title_en="Survey")
    with translation.override("de"):
        german = figures_cache.cached_overview(year=REPORT_YEAR)
    with translation.override("en"):
        english = figures_cache.cached_overview(year=REPORT_YEAR)

    assert (german["language"], german["survey"]["title"]) == ("de", "Umfrage")
    assert (english["language"], english["survey"]["title"]) == ("en", "Survey")


def test_the_year_page_says_the_figures_are_current_as_of_the_visit(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    url = reverse("controlling:year", args=[REPORT_YEAR])
    client.get(url)

    with time_machine.travel(local(REPORT_YEAR, 11, 20, 12, 45), tick=False):
        content = client.get(url).content.decode()

    assert date_format(local(REPORT_YEAR, 11, 20, 12, 45), "DATETIME_FORMAT") in content


def test_a_report_computed_while_a_write_was_not_committed_is_not_kept(in_q4):
    """Another process reads the figures between the write and its commit: it sees the old data
    under the new version. The commit makes that version old again."""
    meeting = controlling_meeting(start=local(REPORT_YEAR, 2, 10))
    person = UserFactory()

    def read_in_another_connection():
        try:
            figures_cache.cached_overview(year=REPORT_YEAR)
        finally:
            connections.close_all()

    with transaction.atomic():
        attend(meeting, person)
        reader = threading.Thread(target=read_in_another_connection)
        reader.start()
        reader.join()

    assert figures_cache.cached_overview(year=REPORT_YEAR)["participants_total"] == 1


def test_figures_seen_by_a_transaction_that_rolls_back_are_not_kept(in_q4):
    """The writing transaction sees its own write; the cache never holds it, so after the
    rollback everybody sees the figures of the committed data."""
    meeting = controlling_meeting(start=local(REPORT_YEAR, 2, 10))
    person = UserFactory()

    with contextlib.suppress(RuntimeError), transaction.atomic():
        attend(meeting, person)
        assert figures_cache.cached_overview(year=REPORT_YEAR)["participants_total"] == 1
        raise RuntimeError

    assert figures_cache.cached_overview(year=REPORT_YEAR)["participants_total"] == 0


def test_clear_figures_cache_makes_them_old(year_data, in_q4):
    version = figures_cache.figures_version()

    out = io.StringIO()
    call_command("clear_figures_cache", stdout=out)

    assert "computed again" in out.getvalue()
    assert figures_cache.figures_version() != version


def test_a_lost_version_never_comes_back_to_an_old_one(year_data, in_q4):
    version = figures_cache.figures_version()
    figures_cache.cache.delete(figures_cache.VERSION_KEY)

    assert figures_cache.figures_version() != version


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "meetings_attendance" ("meeting_id") VALUES (1)', True),
        ('UPDATE "meetings_meeting" SET "status" = \'held\'', True),
        ('DELETE FROM "surveys_answer" WHERE id = 1', True),
        ("delete from meetings_attendance where id = 1", True),
        ('TRUNCATE "members_user", "meetings_attendance"', True),
        ('UPDATE "django_session" SET "session_data" = \'\'', False),
        ('INSERT INTO "meetings_invitation" ("meeting_id") VALUES (1)', False),
        ('SELECT * FROM "meetings_attendance"', False),
    ],
)
def test_writes_to_watched_tables_are_recognised(sql, watched):
    assert figures_cache.writes_watched_table(sql) is watched


def test_the_watched_tables_are_all_the_cached_figures_read(coordinator, year_data, in_q4):
    QuestionFactory(survey=SurveyFactory(year=REPORT_YEAR))
    with CaptureQueriesContext(connection) as queries:
        selectors.controlling_overview(year=REPORT_YEAR)
        selectors.meeting_figures(year=REPORT_YEAR)

    read = {table for query in queries for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])}
    assert read <= figures_cache.WATCHED_TABLES
    assert {"meetings_attendance", "meetings_meeting", "surveys_survey"} <= read


def test_a_session_write_keeps_the_cached_figures(coordinator, year_data, login, in_q4):
    version = figures_cache.figures_version()

    login(coordinator).get(reverse("dashboard"))
    Meeting.objects.filter(pk=year_data["february"].pk).exists()

    assert figures_cache.figures_version() == version


def _commit_bumps():
    return sum(
        1
        for _savepoints, callback, _robust in connection.run_on_commit
        if callback is figures_cache.figures_changed
    )


def test_a_transaction_makes_the_figures_old_once_at_its_commit():
    meeting = controlling_meeting(start=local(REPORT_YEAR, 2, 10))  # autocommit: no callback
    with transaction.atomic():
        for title in ("Eins", "Zwei"):
            Meeting.objects.filter(pk=meeting.pk).update(title=title)
        with transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(title="Drei")

        assert _commit_bumps() == 1


def test_a_rolled_back_savepoint_does_not_lose_the_commit_bump():
    meeting = controlling_meeting(start=local(REPORT_YEAR, 2, 10))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Meeting.objects.filter(pk=meeting.pk).update(title="Verworfen")
                raise RuntimeError
        except RuntimeError:
            pass
        assert _commit_bumps() == 0

        Meeting.objects.filter(pk=meeting.pk).update(title="Bleibt")

        assert _commit_bumps() == 1


def test_without_the_cache_writes_succeed_and_the_figures_are_computed_live(
    settings, coordinator, rep_a, member_a, year_data, login, in_q4, caplog
):
    # Nothing listens on port 1: every cache call fails as it does when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    attend(year_data["september"], rep_a, member_a)
    response = login(coordinator).get(reverse("controlling:year", args=[REPORT_YEAR]))

    assert response.status_code == 200
    assert response.context["report"]["participants_total"] == 8
    assert login(coordinator).get(reverse("dashboard")).status_code == 200
    assert "The cache did not answer" in caplog.text
