"""Reading indicator values from CSV or XLSX into rows with their line numbers.

Only parsing happens here; services.indicator_values_import checks the rows against the indicator
and saves all of them or none.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import filetype
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from regionalbuendnis.uploads import check_size, read_head

MAX_ROWS = 5000

# Accepted column headings (compared case-insensitively), German and English.
COLUMNS = {
    "year": {"year", "jahr"},
    "organisation": {"organisation", "organization", "member", "mitglied", "kommune", "organisation/kommune"},
    "target": {"target", "soll", "target value", "zielwert", "sollwert"},
    "actual": {"actual", "ist", "actual value", "istwert"},
    "unit": {"unit", "einheit"},
}

# What stands in the organisation column for the value of the whole region.
REGION_WORDS = {"", "region", "whole region", "gesamt", "region gesamt", "gesamte region", "gesamt region"}


@dataclass(frozen=True)
class ExampleRow:
    """One line of the import page's example (selectors.import_example); organisation "" = region."""

    year: int
    organisation: str
    target: Decimal | None
    actual: Decimal | None


def _example_number(value: Decimal | None) -> str:
    """As typed in the reader's language, as exact as stored: 1067931, 163512,5 / 163512.5."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number_format(value, places)


def example_csv(unit: str, rows: list[ExampleRow]) -> str:
    """A small file in the reader's language that this importer accepts, for the import page."""
    headings = [
        pgettext("import column", "year"),
        pgettext("import column", "organisation"),
        pgettext("import column", "target"),
        pgettext("import column", "actual"),
        pgettext("import column", "unit"),
    ]
    lines = [headings] + [
        [
            str(row.year),
            row.organisation or "Region",
            _example_number(row.target),
            _example_number(row.actual),
            unit,
        ]
        for row in rows
    ]
    return "\n".join(";".join(line) for line in lines)


@dataclass
class ImportRow:
    line: int
    year: object
    organisation: str
    target: object
    actual: object
    unit: str | None


def parse_decimal(value) -> Decimal | None:
    """A number from a cell: 1067931, "1.067.931", "1067931,5", "12.5"; None for an empty cell.

    A comma marks German notation (dots separate thousands); several dots without a comma are
    thousands separators too; a single dot is the decimal point. Raises ValueError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text == "":
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(value) from error


def parse_year(value) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(value)
    return int(text)


def normalise_unit(unit: str) -> str:
    return re.sub(r"\s+", " ", (unit or "").replace("₂", "2").replace("²", "2").strip()).casefold()


def is_region(text: str) -> bool:
    return re.sub(r"\s+", " ", (text or "").strip()).casefold() in REGION_WORDS


def _column_map(header) -> dict:
    mapping = {}
    for index, heading in enumerate(header):
        key = re.sub(r"\s+", " ", str(heading or "").strip()).casefold()
        for column, names in COLUMNS.items():
            if key in names and column not in mapping:
                mapping[column] = index
    missing = [name for name in ("year", "organisation") if name not in mapping]
    if missing or ("target" not in mapping and "actual" not in mapping):
        raise ValidationError(
            {
                "file": _(
                    "The first row must name the columns: year (Jahr), organisation (Kommune), "
                    "target (Soll) and/or actual (Ist), optionally unit (Einheit)."
                )
            }
        )
    return mapping


def _rows(records) -> list[ImportRow]:
    """records: (line number, list of cells), the first one being the header."""
    records = iter(records)
    try:
        _line, header = next(records)
    except StopIteration:
        raise ValidationError({"file": _("The file is empty.")}) from None
    mapping = _column_map(header)

    def cell(cells, column):
        index = mapping.get(column)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    rows = []
    for line, cells in records:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError({"file": _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}})
        unit = cell(cells, "unit") if "unit" in mapping else None
        rows.append(
            ImportRow(
                line=line,
                year=cell(cells, "year"),
                organisation=str(cell(cells, "organisation") or "").strip(),
                target=cell(cells, "target") if "target" in mapping else None,
                actual=cell(cells, "actual") if "actual" in mapping else None,
                unit=None if unit is None else str(unit).strip(),
            )
        )
    if not rows:
        raise ValidationError({"file": _("The file contains no values.")})
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("The file could not be read as text.")})


def _csv_records(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ValidationError(
            {"file": _("The CSV file is malformed: %(error)s") % {"error": error}}
        ) from error


def _xlsx_records(upload):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for broken files
        raise ValidationError({"file": _("The Excel file could not be read.")}) from error
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def read_rows(upload) -> list[ImportRow]:
    """The data rows of an uploaded CSV or XLSX file (type by content), with line numbers."""
    check_size(upload)
    head = read_head(upload)
    kind = filetype.guess(head)
    if kind is not None and kind.extension == "xlsx":
        return _rows(_xlsx_records(upload))
    if kind is not None or b"\x00" in head:
        raise ValidationError({"file": _("Only CSV files and Excel files (.xlsx) can be imported.")})
    return _rows(_csv_records(upload.read()))
