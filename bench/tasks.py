"""The non-page measurements of bench/run.py: controlling JSON and PDF, history import, sweep.

Peak memory is measured with tracemalloc (the peak of Python allocations during one extra,
untimed run, because tracing slows Python down); memory that WeasyPrint's C libraries (Pango,
HarfBuzz) allocate is not included.
"""

import io
import statistics
import time
import tracemalloc

from django.db import connection
from django.test import Client

from bench.import_history import import_measurement_rolled_back
from bench.sweep import sweep_measurement

REPEAT = 5
PDF_REPEAT = 3
IMPORT_ROWS = 5000


def _client(user):
    client = Client()
    client.force_login(user, backend="members.backends.EmailBackend")
    return client


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response


def _timed(callable_, repeat):
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = callable_()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def _queries(callable_) -> int:
    executed = []

    def wrapper(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        callable_()
    return len(executed)


def _peak_mb(callable_) -> float:
    tracemalloc.start()
    try:
        callable_()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def controlling_json(user, year):
    client = _client(user)
    url = f"/controlling/{year}/report.json?live=1"
    _get(client, url)  # warm-up
    seconds, response = _timed(lambda: _get(client, url), REPEAT)
    return {
        "year": year,
        "seconds": seconds,
        "queries": _queries(lambda: _get(client, url)),
        "kb": len(response.content) / 1024,
    }


def controlling_pdf(user, year):
    from pypdf import PdfReader

    client = _client(user)
    url = f"/controlling/{year}/report.pdf?live=1"
    _get(client, url)  # warm-up (fonts)
    seconds, response = _timed(lambda: _get(client, url), PDF_REPEAT)
    return {
        "year": year,
        "seconds": seconds,
        "pages": len(PdfReader(io.BytesIO(response.content)).pages),
        "kb": len(response.content) / 1024,
        "peak_mb": _peak_mb(lambda: _get(client, url)),
    }


def history_import():
    return import_measurement_rolled_back(IMPORT_ROWS)


def delivery_sweep(*, hour: int):
    """One sweep at `hour` (Europe/Berlin) tomorrow, so the result does not depend on when the
    benchmark runs: from DIGEST_TIME (07:00) for six hours the coordinators' daily digest is due
    as well, which adds its own constant queries."""
    import datetime

    import time_machine
    from django.utils import timezone

    from meetings.enums import MeetingStatus
    from meetings.models import Invitation

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    moment = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(hour, 30)))
    with time_machine.travel(moment, tick=True):
        sweep_measurement()  # warm-up
        row = sweep_measurement()
        upcoming = Invitation.objects.filter(
            meeting__status=MeetingStatus.PUBLISHED, meeting__start__gt=timezone.now()
        ).count()
    return {"at": moment.strftime("%H:%M"), "upcoming invitations": upcoming, **row}
