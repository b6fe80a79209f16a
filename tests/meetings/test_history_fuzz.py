"""Fuzzing the history import: whatever the bytes, only HistoryImportError, and nothing half-written.

Every example that is refused must leave the database exactly as it was; plausible files that are
accepted must import a second time without any change.
"""

import contextlib
import datetime
import io
import os
import random

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from meetings.history import HistoryImportError, meeting_history_import, read_history_file
from meetings.models import Attendance, Invitation, Meeting
from members.models import Membership, User
from tests.meetings.data.history_files import ENGLISH, GERMAN, create_alliance, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

FUZZ = settings(
    # HISTORY_FUZZ_EXAMPLES=2000 for a longer hunt (1,500 per test found nothing more).
    max_examples=int(os.environ.get("HISTORY_FUZZ_EXAMPLES", "100")),
    deadline=None,
    database=None,  # no .hypothesis directory in the work tree
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def alliance(db):
    return create_alliance()


def counts():
    return tuple(model.objects.count() for model in (Meeting, User, Invitation, Attendance, Membership))


def import_or_refuse(data: bytes):
    """Import; a refusal must be a HistoryImportError and must leave the database as it was."""
    before = counts()
    try:
        plan = meeting_history_import(data=data)
    except HistoryImportError as error:
        assert error.problems
        assert all(str(problem) for problem in error.problems)
        assert counts() == before
        return None
    assert plan.summary.rows >= 1
    return plan


def fuzz_import(data: bytes):
    plan = import_or_refuse(data)
    event("imported" if plan else "refused")
    return plan


# Cells: mostly plausible values, often junk, sometimes empty.
texts = st.text(max_size=30)
dates = st.one_of(
    st.dates(datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)).map(lambda d: d.isoformat()),
    st.dates(datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)).map(lambda d: d.strftime("%d.%m.%Y")),
    st.sampled_from(["", "2019-02-30", "31.12.99", "0001-01-01", "9999-12-31", "2016-9-1", "heute"]),
    texts,
)
starts = st.one_of(st.sampled_from(["", "14:00", "9:30", "24:00", "12.15", "14 Uhr", "noon"]), texts)
kinds = st.one_of(st.sampled_from(["", "meeting", "Sitzung", "Treffen", "Workshop", "Seminar"]), texts)
titles = st.one_of(st.sampled_from(["Sitzung", "Workshop Wärme", "", "T" * 201]), texts)
organisations = st.one_of(
    st.sampled_from(["", "Detmold", "Stadt Lügde", "Luegde", "Doerentrup", "Stadtwerke", "Kreis Lippe"]),
    texts,
)
names = st.one_of(st.sampled_from(["Anna", "anna", "Bernd", "", "=1+1", "'@x"]), texts)
emails = st.one_of(
    st.sampled_from(["", "anna@example.org", "ANNA@example.org", "b@example.org", "kaputt"]), texts
)
attended = st.one_of(st.sampled_from(["yes", "no", "x", "", "1", "0", "ja", "nein", "vielleicht"]), texts)
statuses = st.one_of(st.sampled_from(["", "held", "cancelled", "abgesagt", "later"]), texts)
rows = st.lists(
    st.tuples(dates, starts, kinds, titles, texts, organisations, names, emails, attended, statuses).map(
        list
    ),
    min_size=0,
    max_size=12,
)
headers = st.one_of(
    st.just(ENGLISH),
    st.just(GERMAN),
    st.permutations(ENGLISH),
    st.lists(st.sampled_from(ENGLISH + GERMAN + ["", "Bemerkung"]), max_size=12),
)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(alliance, data):
    fuzz_import(data)


@FUZZ
@given(
    prefix=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"date,title,name,attended\r\n"]
    ),
    data=st.binary(max_size=2000),
)
def test_arbitrary_bytes_behind_a_known_start(alliance, prefix, data):
    fuzz_import(prefix + data)


@FUZZ
@given(
    header=headers,
    body=rows,
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_malformed_csv(alliance, header, body, delimiter, encoding):
    try:
        data = csv_bytes(body, header=header, delimiter=delimiter, encoding=encoding)
    except UnicodeEncodeError:
        assume(False)  # a character Windows-1252 cannot hold; Excel would not write it either
    fuzz_import(data)


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)),
    st.times(),
    st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2030, 12, 31)),
    texts.filter(lambda t: not t.startswith("=")),
)


@FUZZ
@given(header=headers, body=st.lists(st.lists(cell_values, max_size=11), max_size=10))
def test_malformed_xlsx(alliance, header, body):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    clean = [[ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells] for cells in body]
    fuzz_import(xlsx_bytes(clean, header=header))


def _good_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ENGLISH)
    sheet.append(["2019-03-05", "14:00", "meeting", "Sitzung", "Detmold", "Lügde", "Anna", "", "x", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD_WORKBOOK = _good_workbook()


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40), cut=st.integers(0, len(GOOD_WORKBOOK)))
def test_damaged_xlsx(alliance, seed, flips, cut):
    generator = random.Random(seed)
    data = bytearray(GOOD_WORKBOOK[: max(cut, 30)])
    for _ in range(flips):
        data[generator.randrange(len(data))] = generator.randrange(256)
    fuzz_import(bytes(data))


plausible_rows = st.lists(
    st.tuples(
        st.sampled_from(["2018-05-04", "04.05.2018", "2019-11-20", "2016-09-14"]),
        st.sampled_from(["", "14:00", "09:30"]),
        st.sampled_from(["", "meeting", "Sitzung", "workshop"]),
        st.sampled_from(["Sitzung", "sitzung", "Workshop Wärme"]),
        st.sampled_from(["", "Kreishaus"]),
        st.sampled_from(["", "Detmold", "Stadt Detmold", "Luegde", "Stadtwerke", "Kreis Lippe"]),
        st.sampled_from(["Anna", "anna", "Bernd", "Carla Größe", "'=x"]),
        st.sampled_from(["", "", "anna@example.org", "ANNA@example.org", "bernd@example.org"]),
        st.sampled_from(["yes", "no", "x", "", "ja"]),
        st.sampled_from(["", "", "held", "cancelled"]),
    ).map(list),
    min_size=1,
    max_size=15,
)


@FUZZ
@given(body=plausible_rows, as_xlsx=st.booleans())
def test_plausible_files_import_completely_once(alliance, body, as_xlsx):
    """Imported files import again without any change; refused ones leave no trace."""
    data = xlsx_bytes(body) if as_xlsx else csv_bytes(body, delimiter=";")
    if fuzz_import(data) is not None:
        again = meeting_history_import(data=data)  # a refusal here shows its problems
        assert again.summary.changes == 0


@FUZZ
@given(body=rows)
def test_reading_is_pure_and_never_raises_anything_else(body):
    with contextlib.suppress(HistoryImportError):
        read_history_file(csv_bytes(body))


def test_fuzzed_good_rows_reimport_as_no_op(alliance):
    """A well-formed file found by the generator imports once; the second time changes nothing."""
    data = xlsx_bytes(
        [
            [
                datetime.date(2019, 3, 5),
                datetime.time(14),
                "Sitzung",
                "Sitzung",
                "",
                "Luegde",
                "Anna",
                None,
                True,
                None,
            ],
            [
                datetime.date(2019, 3, 5),
                None,
                None,
                "sitzung",
                None,
                "Stadtwerke",
                "'@x",
                None,
                False,
                "held",
            ],
        ]
    )

    assert import_or_refuse(data).summary.changes == 5
    assert import_or_refuse(data).summary.changes == 0
