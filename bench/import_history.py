"""How long the meeting history import of 5,000 rows takes, and how much memory it needs.

    DJANGO_SETTINGS_MODULE=regionalbuendnis.settings.test python bench/import_history.py [--rows 5000]

Uses the PostgreSQL server of DATABASE_URL but its own database (the name suffixed
`_history_bench`), created and migrated on the first run; the meetings and people in it are
emptied before every measurement, so nothing else is touched. Measures, for a generated CSV file
(250 meetings × 20 people from a pool of 400, a quarter of them guests, half without e-mail):

* the first import (timed without tracemalloc, which slows Python down),
* the same import again with tracemalloc for its peak memory,
* importing the same file a second time (a no-op), and exporting everything as XLSX.

Target: the first import under 10 seconds; the exit status is 1 if it is missed.
`import_measurement()` returns the figures as a dict; it empties the meetings and people tables,
so it refuses to run on any database but its own.
"""

import argparse
import csv
import datetime
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def _own_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/regionalbuendnis")
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_history_bench"


def _ensure_database():
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{params["NAME"]}"')


def _empty_meetings_and_people():
    from django.db import connection

    if not connection.settings_dict["NAME"].endswith("_history_bench"):
        raise RuntimeError("The history benchmark empties tables: it runs only on its own database.")

    from meetings.models import Attendance, Delivery, Invitation, Meeting
    from members.models import Membership, User

    models = [Attendance, Invitation, Delivery, Meeting, Membership, User]
    tables = [model._meta.db_table for model in models]
    tables += [model.history.model._meta.db_table for model in (Attendance, Meeting, Membership)]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


def _alliance():
    from members.alliance import ORGANISATIONS
    from members.models import Organisation, german_slug

    for data in ORGANISATIONS:
        defaults = {key: value for key, value in data.items() if key != "name"}
        defaults["slug"] = german_slug(data["short_name"])
        Organisation.objects.get_or_create(name=data["name"], defaults=defaults)
    return [data["short_name"] for data in ORGANISATIONS if data["is_member"]]


def history_csv(rows: int) -> bytes:
    """A semicolon CSV as German Excel writes it (Windows-1252): meetings of 20 people each."""
    members = _alliance()
    people = []
    for number in range(400):
        if number % 4 == 3:
            organisation = ["Stadtwerke Detmold", "Verbraucherzentrale NRW", "Energieagentur"][number % 3]
        else:
            organisation = members[number % len(members)]
        email = f"person{number}@example.org" if number % 2 else ""
        people.append((f"Person {number:03d} Müller", organisation, email))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Datum", "Beginn", "Art", "Titel", "Ort", "Organisation", "Name", "E-Mail", "anwesend"])
    first = datetime.date(2016, 9, 14)
    # Spread the meetings over the years since the first one, so that all of them are past.
    meetings = (rows + 19) // 20
    spacing = datetime.timedelta(minutes=((datetime.date.today() - first).days - 2) * 24 * 60 // meetings)
    for index in range(rows):
        meeting = index // 20
        day = first + spacing * meeting
        name, organisation, email = people[(meeting * 7 + index % 20 * 13) % len(people)]
        kind = "Workshop" if meeting % 5 == 4 else "Sitzung"
        writer.writerow(
            [day.strftime("%d.%m.%Y"), "14:00", kind, f"{kind} {meeting}", "Kreishaus Detmold", organisation,
             name, email, "x" if index % 6 else ""]
        )  # fmt: skip
    return out.getvalue().encode("cp1252")


def import_measurement(rows: int = 5000) -> dict:
    """Import `rows` rows into emptied tables of the configured database: seconds and peak memory."""
    from meetings.history import meeting_history_export, meeting_history_import

    data = history_csv(rows)

    _empty_meetings_and_people()
    started = time.perf_counter()
    plan = meeting_history_import(data=data)
    seconds = time.perf_counter() - started

    _empty_meetings_and_people()
    tracemalloc.start()
    meeting_history_import(data=data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    started = time.perf_counter()
    again = meeting_history_import(data=data)
    again_seconds = time.perf_counter() - started
    assert again.summary.changes == 0, again.summary

    started = time.perf_counter()
    exported = meeting_history_export(file_format="xlsx")
    export_seconds = time.perf_counter() - started
    _empty_meetings_and_people()
    return {
        "rows": plan.summary.rows,
        "meetings": plan.summary.meetings,
        "new_people": plan.summary.new_people,
        "seconds": seconds,
        "peak_mb": peak / 1024 / 1024,
        "reimport_seconds": again_seconds,
        "export_seconds": export_seconds,
        "export_kb": len(exported) / 1024,
    }


class _RolledBack(Exception):
    pass


def _rolled_back(callable_):
    """Run `callable_` in a transaction that is undone afterwards; returns its result."""
    from django.db import transaction

    result = None
    try:
        with transaction.atomic():
            result = callable_()
            raise _RolledBack
    except _RolledBack:
        pass
    return result


def import_measurement_rolled_back(rows: int = 5000) -> dict:
    """The import into the configured database with its data in place, every import undone after.

    For bench/run.py: the 5,000 rows meet the benchmark's 4,000 people and 2,000 meetings (the
    import looks people and meetings up), and the dataset stays as it was. Peak memory is
    tracemalloc's (Python allocations) during a second, untimed run.
    """
    from meetings.history import meeting_history_import

    data = _rolled_back(lambda: history_csv(rows))

    def timed():
        _alliance()  # the organisations the file names, as in the real alliance
        started = time.perf_counter()
        plan = meeting_history_import(data=data)
        return plan, time.perf_counter() - started

    plan, seconds = _rolled_back(timed)

    def traced():
        _alliance()
        tracemalloc.start()
        try:
            meeting_history_import(data=data)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak = _rolled_back(traced)
    return {
        "rows": plan.summary.rows,
        "meetings": plan.summary.meetings,
        "new_people": plan.summary.new_people,
        "seconds": seconds,
        "peak_mb": peak / 1024 / 1024,
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000, help="rows in the generated file (default 5000)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regionalbuendnis.settings.test")
    os.environ["DATABASE_URL"] = _own_database_url()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    _ensure_database()
    call_command("migrate", verbosity=0)
    result = import_measurement(args.rows)
    print(f"Database: {connection.settings_dict['NAME']}")
    print(
        f"Imported {result['rows']:,} rows ({result['meetings']} meetings, {result['new_people']} new "
        f"people) in {result['seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s)"
    )
    print(f"Peak memory (tracemalloc): {result['peak_mb']:.1f} MB")
    print(f"Same file again (no changes): {result['reimport_seconds']:.2f} s")
    print(f"Export of everything as XLSX: {result['export_seconds']:.2f} s, {result['export_kb']:.0f} KB")
    if result["seconds"] >= TARGET_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
