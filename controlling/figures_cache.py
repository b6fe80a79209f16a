"""The year's live figures, kept in the cache until the data they are made of changes.

The dashboard and the year page count the year's attendance lists (and read projects, surveys,
targets) on every visit; at ten times the alliance's size that was most of their time. Their
results are cached under a version that changes with every write to a table they read, and
until the next meeting begins (a meeting then counts as held), so nobody sees stale figures.

Writes are noticed in the SQL itself (as django-cachalot does), not through model signals:
bulk inserts, `QuerySet.update()`, the admin and the history import bypass signals, but not the
database connection. The cache holds figures of committed data only: a write bumps the version
when it is committed (at once outside a transaction, else when the transaction commits), so
nobody keeps figures computed from the data before it; a transaction with watched writes not yet
committed computes its figures live and caches nothing, since it may still be rolled back. A
version is a random token, never a counter that could come back to an old value after the cache
lost it. Writes from outside Django (`psql`, a restore) show after at most `TIMEOUT`, or at once
after `manage.py clear_figures_cache`.
"""

import datetime
import logging
import re
import uuid
from collections.abc import Callable

import redis
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone, translation

from meetings.models import Meeting

from . import selectors

logger = logging.getLogger(__name__)
# Redis (production, tests) or the file cache (local) not answering: the figures are then
# computed live, and a write still succeeds.
CACHE_ERRORS = (redis.RedisError, OSError)
VERSION_KEY = "controlling:figures:version"
TIMEOUT = 60 * 60

# What the cached figures read (a test compares this with the tables their queries name).
WATCHED_TABLES = frozenset(
    {
        "controlling_kpitarget",
        "controlling_yearreview",
        "meetings_attendance",
        "meetings_meeting",
        "members_organisation",
        "projects_project",
        "projects_statuschange",
        "surveys_answer",
        "surveys_question",
        "surveys_recipient",
        "surveys_response",
        "surveys_survey",
    }
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?|^\s*TRUNCATE', re.IGNORECASE)


def writes_watched_table(sql: str) -> bool:
    match = _WRITE.match(sql)
    # TRUNCATE (test database flushes) names many tables: any of them may be watched.
    return match is not None and (match.group(1) is None or match.group(1) in WATCHED_TABLES)


def figures_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def figures_changed() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        # Figures cached before the outage may come back with the cache; TIMEOUT ends them.
        logger.warning("The cache did not answer; cached year figures may be old for up to an hour.")


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a write to a watched table makes the cached figures old."""
    result = execute(sql, params, many, context)
    if writes_watched_table(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            figures_changed()  # autocommit: the write is committed already
        elif not has_uncommitted_writes(connection):
            # Once per transaction (a restore writes thousands of rows); a savepoint rolled back
            # takes its callback with it, and the next write registers again.
            transaction.on_commit(figures_changed, using=connection.alias)
    return result


def has_uncommitted_writes(connection) -> bool:
    """Whether the connection's transaction has written to a watched table and not committed yet."""
    return any(callback is figures_changed for _savepoints, callback, _robust in connection.run_on_commit)


def install_write_watch(sender, connection, **kwargs) -> None:
    """`connection_created` receiver (see apps.py); a reconnect must not add it twice."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _next_meeting_start(now: datetime.datetime) -> datetime.datetime | None:
    return Meeting.objects.filter(start__gt=now).aggregate(next_start=Min("start"))["next_start"]


def cached_figures(name: str, *, year: int, compute: Callable[[datetime.datetime], dict]) -> dict:
    """`compute(now)` for the year, from the cache while no watched data changed and no meeting
    has begun since it was computed; in the active language (survey titles, labels)."""
    now = timezone.now()
    if has_uncommitted_writes(connection):
        return compute(now)
    try:
        # The version is read before computing: a write meanwhile leaves the result under an old key.
        key = f"controlling:figures:{figures_version()}:{name}:{year}:{translation.get_language()}"
        entry = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("The cache did not answer; the year figures are computed live.")
        return compute(now)
    if entry is not None and (entry["valid_until"] is None or now < entry["valid_until"]):
        return entry["figures"]
    figures = compute(now)
    try:
        cache.set(key, {"figures": figures, "valid_until": _next_meeting_start(now)}, timeout=TIMEOUT)
    except CACHE_ERRORS:
        logger.warning("The cache did not answer; the year figures are computed live.")
    return figures


def cached_overview(*, year: int) -> dict:
    """`selectors.controlling_overview` for the year page; stamped with the time of the visit,
    since the cache holds it only while it is still the current state."""
    report = cached_figures(
        "overview", year=year, compute=lambda now: selectors.controlling_overview(year=year, now=now)
    )
    return {**report, "generated_at": selectors.to_json_compatible(timezone.now())}


def cached_meeting_figures(*, year: int) -> dict:
    """`selectors.meeting_figures` for the dashboard card."""
    return cached_figures(
        "meeting_figures", year=year, compute=lambda now: selectors.meeting_figures(year=year, now=now)
    )
