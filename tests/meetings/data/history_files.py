"""Builders for meeting history files (CSV in its dialects and encodings, XLSX) and the alliance."""

import csv
import io

from openpyxl import Workbook

from members.alliance import ORGANISATIONS
from members.models import Organisation, german_slug

ENGLISH = [
    "date",
    "start",
    "kind",
    "title",
    "location",
    "organisation",
    "name",
    "email",
    "attended",
    "status",
]
GERMAN = ["Datum", "Beginn", "Art", "Titel", "Ort", "Organisation", "Name", "E-Mail", "anwesend", "Status"]


def create_alliance() -> dict[str, Organisation]:
    """The 17 members and the coordinating organisation, by short name."""
    organisations = {}
    for data in ORGANISATIONS:
        defaults = {**data, "slug": german_slug(data["short_name"])}
        defaults.pop("name")
        organisation, _created = Organisation.objects.get_or_create(name=data["name"], defaults=defaults)
        organisations[organisation.short_name] = organisation
    return organisations


def row(
    date="2019-03-05",
    start="14:00",
    kind="meeting",
    title="Sitzung Regionalbündnis",
    location="Rathaus Detmold",
    organisation="Stadt Detmold",
    name="Anna Beispiel",
    email="",
    attended="yes",
    status="",
) -> list[str]:
    return [date, start, kind, title, location, organisation, name, email, attended, status]


def csv_bytes(rows, *, header=ENGLISH, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows, *, header=ENGLISH) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
