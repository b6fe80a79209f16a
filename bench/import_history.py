"""The meeting history import for bench/run.py: 5,000 generated rows (250 meetings × 20 people
from a pool of 400, a quarter of them guests, half without e-mail, semicolons and Windows-1252 as
German Excel writes them) imported into the benchmark database and rolled back afterwards."""

import csv
import datetime
import io
import time
import tracemalloc


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
