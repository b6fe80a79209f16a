"""Fuzzing the indicator import (CSV/XLSX): any file is imported whole or refused with a message.

A refusal must be a ValidationError naming the file and must leave every indicator value as it
was; the import page answers 200 (errors listed) or 302 (saved), never a 500.
(The history importer is fuzzed in tests/meetings/test_history_fuzz.py.)
"""

import datetime
import io
import random
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from projects import services
from projects.models import IndicatorValue
from tests.factories import ProjectFactory
from tests.factories.projects import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,  # no .hypothesis directory in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def kilometres(coordinator_org, member_a):
    project = ProjectFactory(title="Stadtradeln", lead_organisation=coordinator_org, participants=[member_a])
    indicator = IndicatorFactory(project=project, name="Geradelte Kilometer", unit="km")
    IndicatorValueFactory(indicator=indicator, year=2023, target=Decimal("1000"), actual=Decimal("900"))
    # Another indicator's values must never be touched by an import into this one.
    IndicatorValueFactory(indicator=IndicatorFactory(project=project, unit="t"), year=2023)
    return indicator


def all_values():
    return sorted(
        IndicatorValue.objects.values_list("indicator_id", "year", "organisation_id", "target", "actual"),
        key=repr,
    )


def import_or_refuse(indicator, coordinator, data: bytes, name: str):
    """Import; a refusal must be a ValidationError on the file and change nothing at all."""
    before = all_values()
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    try:
        count = services.indicator_values_import(indicator=indicator, upload=upload, updated_by=coordinator)
    except ValidationError as error:
        assert error.message_dict["file"], error
        assert all(str(message) for message in error.message_dict["file"])
        assert all_values() == before
        return None
    assert count >= 1
    # Nothing outside this indicator changed; it holds at least one row per imported line.
    others = [row for row in all_values() if row[0] != indicator.pk]
    assert others == [row for row in before if row[0] != indicator.pk]
    assert indicator.values.count() >= count
    return count


def fuzz_import(indicator, coordinator, data: bytes, name: str):
    count = import_or_refuse(indicator, coordinator, data, name)
    event("refused" if count is None else "imported")


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


headings = st.sampled_from(
    ["Jahr", "Kommune", "Soll", "Ist", "Einheit", "year", "organisation", "target", "actual", "unit", "", "x"]
)
header_rows = st.one_of(
    st.just(["Jahr", "Kommune", "Soll", "Ist", "Einheit"]),
    st.permutations(["year", "organisation", "target", "actual"]),
    st.lists(headings, max_size=7),
)
text_cells = st.one_of(
    st.sampled_from(
        [
            "",
            "2024",
            "2016",
            "1899",
            "99999",
            "Region",
            "Detmold",
            "Lemgo",
            "Gesamt",
            "km",
            "kWh",
            "1.000,5",
            "1,000.5",
            "-3",
            "1e400",
            "NaN",
            "Infinity",
            "=SUM(A1)",
            "12 345",
            "0,0001",
            "9" * 30,
        ]
    ),
    st.text(max_size=25),
)
xlsx_cells = st.one_of(
    text_cells,
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
)
body_rows = st.lists(st.lists(text_cells, max_size=7), max_size=8)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["werte.csv", "werte.xlsx", "werte", "w.txt"]))
def test_arbitrary_bytes(kilometres, coordinator, data, name):
    fuzz_import(kilometres, coordinator, data, name)


@FUZZ
@given(
    header=header_rows,
    body=body_rows,
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    quote=st.booleans(),
)
def test_malformed_csv(kilometres, coordinator, header, body, delimiter, encoding, quote):
    def line(cells):
        return delimiter.join(f'"{cell}"' if quote else cell for cell in cells)

    text = "\n".join(line(cells) for cells in [header, *body])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    fuzz_import(kilometres, coordinator, data, "werte.csv")


@FUZZ
@given(header=header_rows, body=st.lists(st.lists(xlsx_cells, max_size=7), max_size=8))
def test_malformed_xlsx(kilometres, coordinator, header, body):
    try:
        data = xlsx_bytes([header, *body])
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some cells itself
        event("not writable")
        return
    fuzz_import(kilometres, coordinator, data, "werte.xlsx")


GOOD_WORKBOOK = xlsx_bytes([["Jahr", "Kommune", "Soll", "Ist"], [2024, "Region", 1000, 1100]])


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40), cut=st.integers(0, len(GOOD_WORKBOOK)))
def test_damaged_xlsx(kilometres, coordinator, seed, flips, cut):
    rng = random.Random(seed)
    data = bytearray(GOOD_WORKBOOK[:cut] if cut else GOOD_WORKBOOK)
    for _ in range(flips):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    fuzz_import(kilometres, coordinator, bytes(data), "werte.xlsx")


def test_a_good_file_still_imports(kilometres, coordinator, member_a):
    """The fuzz helpers can tell an import from a refusal (so the tests above can fail)."""
    good = b"Jahr;Kommune;Soll;Ist\n2024;Region;1000;1100\n2024;Detmold;;50\n"
    assert import_or_refuse(kilometres, coordinator, good, "werte.csv") == 2
    assert import_or_refuse(kilometres, coordinator, good + b"2025;Nirgendwo;1;1\n", "werte.csv") is None
    assert kilometres.values.filter(year=2025).count() == 0


@FUZZ
@given(data=st.binary(max_size=1500), name=st.sampled_from(["werte.csv", "werte.xlsx", "x.pdf"]))
def test_the_import_page_never_fails(client, login, coordinator, kilometres, data, name):
    login(coordinator)
    client.raise_request_exception = False
    before = all_values()
    response = client.post(
        reverse("projects:indicator_import", args=[kilometres.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert all_values() == before
