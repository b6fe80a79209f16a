"""Meeting history: import and export of past meetings and their attendance lists.

The file format is the same for import and export: one row per person per meeting.

=============  ==============  ==========================================================
column         German header   values
=============  ==============  ==========================================================
date           Datum           ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (or a date cell in Excel)
start          Beginn          optional ``HH:MM``; empty → 14:00 local time (Europe/Berlin)
kind           Art             ``meeting``/``Treffen``/``Sitzung`` or ``workshop``; empty → meeting
title          Titel           required
location       Ort             optional
organisation   Organisation    an organisation's name or short name (``Stadt Lügde``, ``Luegde``,
                               also the coordinating one); unknown → the person came as a guest
                               (kept as free text); empty → the member the person spoke for on
                               that day, if the app knows, else a guest
name           Name            required
email          E-Mail          optional
attended       anwesend        yes/no, ja/nein, x/empty, 1/0
status         Status          optional: ``held`` (default) or ``cancelled``
=============  ==============  ==========================================================

A meeting is identified by its local date and title, a person by e-mail address, else by name and
organisation. Imported meetings end two hours after their start. Line numbers are spreadsheet rows
(the header is line 1). The whole file is checked before anything is written; one bad row means
nothing is written. Importing the same file again changes nothing.

Rules for data that already exists: a meeting keeps its details (start, kind, location); a draft or
published one becomes held (or cancelled) as the file says, while held against cancelled is an
error. People are never changed. An attendance row whose "attended" differs from the file is
updated (the file is the attendance list); an invitee without a record at a meeting whose attendance
is recorded already counts as absent, so an "absent" row adds nothing there. People created by the
import have no login and no memberships; their invitation names the organisation of the row, with
the role of their membership on that day, else representative for a member, coordinator for the
coordinating organisation, guest otherwise. Cancelled meetings get invitations but no attendance.

Export: held and cancelled meetings; a row for everyone with an attendance record or an
invitation. Anonymised people are exported as "<name> (#<id>)" so that two of them stay two people.
CSV cells that would start a formula in a spreadsheet program get a leading apostrophe, which the
import removes again.
"""

import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members.enums import MembershipRole, OrganisationKind
from members.models import Membership, Organisation, User, german_sort_key

from .enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus
from .models import Attendance, Invitation, Meeting

DEFAULT_START_TIME = datetime.time(14, 0)
DEFAULT_DURATION = datetime.timedelta(hours=2)
MAX_ROWS = 20_000
EARLIEST_YEAR = 1900
TEXT_LIMIT = 200
EMAIL_LIMIT = 254
# An .xlsx is a zip archive: refuse archives that would unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
SIGNATURE_BYTES = 8192
CHANGE_REASON = "history import"
# Key of the PostgreSQL advisory lock that serialises imports (two at once could both create a meeting).
_IMPORT_LOCK = 2050_0006

COLUMNS = (
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
)
REQUIRED_COLUMNS = ("date", "title", "name", "attended")
GERMAN_HEADERS = {
    "date": "Datum",
    "start": "Beginn",
    "kind": "Art",
    "title": "Titel",
    "location": "Ort",
    "organisation": "Organisation",
    "name": "Name",
    "email": "E-Mail",
    "attended": "anwesend",
    "status": "Status",
}
# Header spellings, compared after folding (lower case, umlauts as ae/oe/ue, letters and digits only).
_HEADER_ALIASES = {
    "date": {"date", "datum"},
    "start": {"start", "beginn", "uhrzeit", "time", "starttime"},
    "kind": {"kind", "art", "type", "typ"},
    "title": {"title", "titel"},
    "location": {"location", "ort", "venue", "veranstaltungsort"},
    "organisation": {"organisation", "organization", "kommune", "organisationkommune", "institution"},
    "name": {"name"},
    "email": {"email", "emailadresse", "emailaddress", "mail"},
    "attended": {"attended", "anwesend", "present", "teilgenommen"},
    "status": {"status"},
}
_KINDS = {
    "meeting": MeetingKind.MEETING,
    "treffen": MeetingKind.MEETING,
    "sitzung": MeetingKind.MEETING,
    "workshop": MeetingKind.WORKSHOP,
}
_ATTENDED = {
    **dict.fromkeys(("yes", "y", "ja", "j", "x", "1", "true", "wahr", "✓", "✔"), True),
    **dict.fromkeys(("", "no", "n", "nein", "0", "false", "falsch", "-"), False),
}
_STATUSES = {
    "held": MeetingStatus.HELD,
    "stattgefunden": MeetingStatus.HELD,
    "cancelled": MeetingStatus.CANCELLED,
    "canceled": MeetingStatus.CANCELLED,
    "abgesagt": MeetingStatus.CANCELLED,
    "ausgefallen": MeetingStatus.CANCELLED,
}
_EXPORT_WORDS = {
    "en": {
        MeetingKind.MEETING: "meeting",
        MeetingKind.WORKSHOP: "workshop",
        True: "yes",
        False: "no",
        MeetingStatus.HELD: "held",
        MeetingStatus.CANCELLED: "cancelled",
    },
    "de": {
        MeetingKind.MEETING: "Sitzung",
        MeetingKind.WORKSHOP: "Workshop",
        True: "ja",
        False: "nein",
        MeetingStatus.HELD: "stattgefunden",
        MeetingStatus.CANCELLED: "abgesagt",
    },
}
_ORGANISATION_PREFIXES = ("stadt ", "gemeinde ", "kommune ", "town of ", "municipality of ", "city of ")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?(?: ?uhr| ?h)?")
_ANONYMISED_SUFFIX = re.compile(r"^(.*) \(#(\d+)\)$")
# Spreadsheet programs run cells that start like a formula; exported CSV cells get a quote before.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- Problems --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """Why a row (or, with line 0, the whole file) cannot be imported."""

    line: int
    message: str

    def __str__(self):
        if self.line:
            return _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.message}
        return self.message


class HistoryImportError(ValidationError):
    """The file cannot be imported; `problems` lists every reason, in line order."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__({"file": [str(problem) for problem in self.problems]})


def _file_error(message: str) -> HistoryImportError:
    return HistoryImportError([Problem(0, message)])


# --- Text helpers ------------------------------------------------------------------------------


def _clean_text(value) -> str:
    """A cell as one line of text: whitespace collapsed, control characters removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs"))
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]  # written by our CSV export so that spreadsheet programs do not run it
    return text


def _fold(text: str) -> str:
    """For comparisons: case-insensitive, ü = ue, one kind of dash, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for umlaut, replacement in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, replacement)
    text = re.sub(r"[\u2010-\u2015\u2212-]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return " ".join(text.split())


def _fold_plain(text: str) -> str:
    """Like _fold, but umlauts lose their dots (ü = u): "Lugde" still finds Lügde."""
    decomposed = unicodedata.normalize("NFKD", _fold_umlauts_away(text))
    return _fold("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _fold_umlauts_away(text: str) -> str:
    return text.translate(str.maketrans("äöüÄÖÜ", "aouAOU"))


def column_label(column: str) -> str:
    """A column as both spellings name it: "date/Datum", "name"."""
    german = GERMAN_HEADERS[column]
    return column if german.casefold() == column else f"{column}/{german}"


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", _fold(text))


def _title_key(title: str) -> str:
    return _fold(title)


def _name_key(name: str) -> str:
    return _fold(name)


def export_name(person: User) -> str:
    """The name a person has in exported files. Anonymised people carry their number, so that two
    "Former guest" at one meeting stay two people when the file is imported again."""
    if person.anonymised_at is not None:
        return f"{person.full_name} (#{person.pk})"
    return person.full_name


# --- Reading the file ------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    # UTF-16 with BOM is Excel's "Unicode text"; cp1252 what it writes as CSV on German Windows.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            break  # binary data that happened to decode
        return text
    raise _file_error(_("The file is neither a readable CSV file (UTF-8 or Windows-1252) nor an Excel file."))


def _csv_records(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Sniffing by the header line: it holds only column names, no quoted delimiters.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
            if len(records) > MAX_ROWS * 2:
                break
    except csv.Error as error:
        raise _file_error(
            _("The CSV file is malformed in line %(line)d: %(error)s")
            % {"line": len(records) + 1, "error": error}
        ) from error
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list]]:
    unreadable = _("The Excel file could not be read. Save it again as .xlsx or as CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise _file_error(unreadable) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error(unreadable)
    from openpyxl import load_workbook

    records = []
    # openpyxl warns about features it ignores (styles, extensions); they do not matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # broken files make openpyxl raise almost anything
            raise _file_error(unreadable) from error
        try:
            if not workbook.worksheets:
                raise _file_error(unreadable)
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some programs write wrong dimensions, which would cut rows
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                records.append((number, list(cells)))
                if number > MAX_ROWS * 2:
                    break
        except HistoryImportError:
            raise
        except Exception as error:
            raise _file_error(unreadable) from error
        finally:
            workbook.close()
    return records


def _records(data: bytes) -> list[tuple[int, list]]:
    """(line number, cells) of the first sheet or of the CSV text; type by content, not by name."""
    if not data or not data.strip():
        raise _file_error(_("The file is empty."))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise _file_error(
            _("The file is too large; at most %(limit)d MB are allowed.")
            % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_records(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV."))
    if filetype.guess(data[:SIGNATURE_BYTES]) is not None:
        raise _file_error(_("Only CSV files and Excel files (.xlsx) can be imported."))
    return _csv_records(data)


def _column_map(header: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    problems = []
    for index, heading in enumerate(header):
        key = _header_key(_clean_text(heading))
        for column, aliases in _HEADER_ALIASES.items():
            if key in aliases:
                if column in mapping:
                    problems.append(
                        Problem(1, _("The column “%(column)s” appears twice.") % {"column": column})
                    )
                mapping[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
    if missing:
        names = ", ".join(f"{column} ({GERMAN_HEADERS[column]})" for column in missing)
        problems.append(
            Problem(
                0,
                _(
                    "The first row must name the columns. Missing: %(missing)s. Expected: %(expected)s "
                    "(in English or German)."
                )
                % {"missing": names, "expected": ", ".join(COLUMNS)},
            )
        )
    if problems:
        raise HistoryImportError(problems)
    return mapping


# --- Reading cells ---------------------------------------------------------------------------


class _BadValue(ValueError):
    pass


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:  # a date cell without date format: Excel's day number
            converted = from_excel(value)
        except Exception as error:
            raise _BadValue from error
        if not isinstance(converted, datetime.datetime):
            raise _BadValue
        day = converted.date()
    else:
        text = _clean_text(value)
        if match := _ISO_DATE.fullmatch(text):
            year, month, number = match.groups()
        elif match := _GERMAN_DATE.fullmatch(text):
            number, month, year = match.groups()
        else:
            raise _BadValue
        try:
            day = datetime.date(int(year), int(month), int(number))
        except ValueError as error:
            raise _BadValue from error
    if day.year < EARLIEST_YEAR:
        raise _BadValue
    return day


def _parse_time(value) -> datetime.time | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, datetime.timedelta):
        minutes = round(value.total_seconds() / 60)
    elif isinstance(value, float) and not value.is_integer():
        if not 0 <= value < 1:  # also keeps infinity and NaN away from the arithmetic
            raise _BadValue
        minutes = round(value * 24 * 60)  # a time cell without time format: a fraction of a day
    else:
        text = _clean_text(value).casefold()
        if not text:
            return None
        match = _TIME.fullmatch(text)
        if not match:
            raise _BadValue
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            raise _BadValue
        return datetime.time(hour, minute)
    if not 0 <= minutes < 24 * 60:
        raise _BadValue
    return datetime.time(minutes // 60, minutes % 60)


def _parse_attended(value) -> bool:
    if isinstance(value, bool):
        return value
    key = _clean_text(value).casefold()
    if key not in _ATTENDED:
        raise _BadValue
    return _ATTENDED[key]


@dataclass
class HistoryRow:
    """One data row, read and checked on its own."""

    line: int
    date: datetime.date
    start: datetime.time | None
    kind: str | None
    title: str
    location: str
    organisation: str
    name: str
    email: str
    attended: bool
    status: str | None

    @property
    def meeting_key(self) -> tuple:
        return (self.date, _title_key(self.title))


def _read_row(line: int, cell) -> tuple[HistoryRow | None, list[Problem]]:
    problems = []

    def problem(message):
        problems.append(Problem(line, message))

    def text(column, *, missing=None, limit=TEXT_LIMIT):
        value = _clean_text(cell(column))
        if missing and not value:
            problem(missing)
        elif len(value) > limit:
            problem(
                _("The column “%(column)s” holds more than %(limit)d characters.")
                % {"column": column_label(column), "limit": limit}
            )
        return value

    date = None
    raw_date = cell("date")
    if raw_date is None or _clean_text(raw_date) == "":
        problem(_("The date is missing."))
    else:
        try:
            date = _parse_date(raw_date)
        except _BadValue:
            problem(
                _("“%(value)s” is not a date (use YYYY-MM-DD or DD.MM.YYYY).")
                % {"value": _clean_text(raw_date)[:40]}
            )
    start = None
    try:
        start = _parse_time(cell("start"))
    except _BadValue:
        problem(_("“%(value)s” is not a time (use HH:MM).") % {"value": _clean_text(cell("start"))[:40]})
    kind_text = _clean_text(cell("kind"))
    kind = _KINDS.get(kind_text.casefold()) if kind_text else None
    if kind_text and kind is None:
        problem(
            _("Unknown kind “%(value)s” (use meeting, Treffen, Sitzung or workshop).")
            % {"value": kind_text[:40]}
        )
    title = text("title", missing=_("The title is missing."))
    location = text("location")
    organisation = text("organisation")
    name = text("name", missing=_("The name is missing."))
    email = text("email", limit=EMAIL_LIMIT).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem(_("“%(value)s” is not a valid e-mail address.") % {"value": email[:60]})
    attended = False
    try:
        attended = _parse_attended(cell("attended"))
    except _BadValue:
        problem(
            _("“%(value)s” is not a valid attendance (use yes/no, ja/nein, x/empty or 1/0).")
            % {"value": _clean_text(cell("attended"))[:40]}
        )
    status_text = _clean_text(cell("status"))
    status = _STATUSES.get(status_text.casefold()) if status_text else None
    if status_text and status is None:
        problem(_("Unknown status “%(value)s” (use held or cancelled).") % {"value": status_text[:40]})
    if problems:
        return None, problems
    row = HistoryRow(
        line=line,
        date=date,
        start=start,
        kind=kind,
        title=title,
        location=location,
        organisation=organisation,
        name=name,
        email=email,
        attended=attended,
        status=status,
    )
    return row, []


def read_history_file(data: bytes) -> tuple[list[HistoryRow], list[Problem]]:
    """The rows that read well and the problems of the others. Problems with the file as a whole
    (empty, not a spreadsheet, no header) raise HistoryImportError at once."""
    records = _records(data)
    records = [(line, cells) for line, cells in records if any(_clean_text(c) for c in cells)]
    if not records:
        raise _file_error(_("The file is empty."))
    (_header_line, header), *body = records
    mapping = _column_map(header)
    if not body:
        raise _file_error(_("The file has a header but no rows."))
    if len(body) > MAX_ROWS:
        raise _file_error(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    rows, problems = [], []
    for line, cells in body:

        def cell(column, cells=cells):
            index = mapping.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        row, row_problems = _read_row(line, cell)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    return rows, problems


# --- Organisations -------------------------------------------------------------------------


class OrganisationMatcher:
    """Finds an organisation by name or short name, whatever the case or umlaut spelling."""

    def __init__(self, organisations):
        self.by_pk = {}
        self._by_key = {}
        # Members first: if a short name were ambiguous, the member wins.
        for organisation in sorted(organisations, key=lambda o: (not o.is_member, o.sort_name, o.pk)):
            self.by_pk[organisation.pk] = organisation
            for text in (organisation.name, organisation.short_name):
                for key in self._keys(text):
                    self._by_key.setdefault(key, organisation)

    @staticmethod
    def _keys(text: str) -> set[str]:
        return {key for key in (_fold(text or ""), _fold_plain(text or "")) if key}

    def match(self, text: str) -> Organisation | None:
        keys = self._keys(text)
        for key in keys:
            if key in self._by_key:
                return self._by_key[key]
        for key in keys:
            for prefix in _ORGANISATION_PREFIXES:
                if key.startswith(prefix) and key[len(prefix) :] in self._by_key:
                    return self._by_key[key[len(prefix) :]]
        return None


# --- Planning --------------------------------------------------------------------------------


@dataclass(eq=False)
class PlannedPerson:
    """A person of the file: someone who exists (`user`) or someone the import creates."""

    full_name: str
    email: str = ""
    affiliation: str = ""
    user: User | None = None
    created: bool = False

    @property
    def is_new(self) -> bool:
        return self.created


@dataclass(eq=False)
class PlannedEntry:
    """One person at one meeting, as it will be stored."""

    line: int
    person: PlannedPerson
    present: bool
    organisation: Organisation | None
    organisation_text: str
    role: str
    existing_attendance: Attendance | None = None
    invited: bool = False
    # Invited to a meeting whose attendance the app has recorded, without a record: already absent.
    known_absent: bool = False

    def attendance_action(self, status: str) -> str:
        """What happens to the attendance record: "new", "changed" or "" (nothing)."""
        if status != MeetingStatus.HELD:
            return ""
        if self.existing_attendance is None:
            return "" if self.known_absent and not self.present else "new"
        return "changed" if self.existing_attendance.present != self.present else ""


@dataclass(eq=False)
class PlannedMeeting:
    date: datetime.date
    title: str
    first_line: int
    values: dict = field(default_factory=dict)  # attribute → (value, line)
    existing: Meeting | None = None
    entries: list[PlannedEntry] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.values.get("kind", (MeetingKind.MEETING, 0))[0]

    @property
    def status(self) -> str:
        return self.values.get("status", (MeetingStatus.HELD, 0))[0]

    @property
    def location(self) -> str:
        return self.values.get("location", ("", 0))[0]

    @property
    def start(self) -> datetime.datetime:
        if self.existing is not None:
            return self.existing.start
        start_time = self.values.get("start", (DEFAULT_START_TIME, 0))[0]
        naive = datetime.datetime.combine(self.date, start_time)
        return timezone.make_aware(naive, timezone.get_default_timezone())

    @property
    def is_new(self) -> bool:
        return self.existing is None

    @property
    def present_count(self) -> int:
        return sum(1 for entry in self.entries if entry.present)

    def get_kind_display(self):
        return MeetingKind(self.existing.kind if self.existing else self.kind).label

    def get_status_display(self):
        return MeetingStatus(self.status).label


@dataclass
class ImportSummary:
    meetings: int = 0
    new_meetings: int = 0
    rows: int = 0
    new_rows: int = 0
    changed_rows: int = 0
    new_people: int = 0
    guests: int = 0

    @property
    def changes(self) -> int:
        return self.new_meetings + self.new_rows + self.changed_rows + self.new_people

    def __str__(self):
        parts = [
            ngettext("%(count)d meeting (%(new)d new)", "%(count)d meetings (%(new)d new)", self.meetings)
            % {"count": self.meetings, "new": self.new_meetings},
            ngettext(
                "%(count)d attendance row (%(new)d new, %(changed)d changed)",
                "%(count)d attendance rows (%(new)d new, %(changed)d changed)",
                self.rows,
            )
            % {"count": self.rows, "new": self.new_rows, "changed": self.changed_rows},
            ngettext("%(count)d new person", "%(count)d new people", self.new_people)
            % {"count": self.new_people},
            ngettext("%(count)d guest", "%(count)d guests", self.guests) % {"count": self.guests},
        ]
        return ", ".join(parts)


@dataclass
class ImportPlan:
    meetings: list[PlannedMeeting]
    people: list[PlannedPerson]
    summary: ImportSummary


_AMBIGUOUS = object()


class _Planner:
    """Checks the rows against each other and against the database; plans every write."""

    def __init__(self, rows: list[HistoryRow], problems: list[Problem], now: datetime.datetime):
        self.rows = rows
        self.problems = list(problems)
        self.now = now
        self.matcher = OrganisationMatcher(Organisation.objects.all())
        self.organisation_of = {row.line: self.matcher.match(row.organisation) for row in rows}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    # Meetings ---------------------------------------------------------------------------------

    def group_meetings(self) -> dict[tuple, PlannedMeeting]:
        meetings: dict[tuple, PlannedMeeting] = {}
        good_rows = []
        for row in self.rows:
            meeting = meetings.get(row.meeting_key)
            if meeting is None:
                meeting = meetings[row.meeting_key] = PlannedMeeting(row.date, row.title, row.line)
            conflict = False
            for attribute in ("start", "kind", "location", "status"):
                value = getattr(row, attribute) or None
                if value is None:
                    continue
                known = meeting.values.get(attribute)
                if known is None:
                    meeting.values[attribute] = (value, row.line)
                elif _comparable(known[0]) != _comparable(value):
                    conflict = True
                    self.problem(
                        row.line,
                        _(
                            "“%(value)s” in column “%(column)s” differs from “%(other)s” in line "
                            "%(other_line)d for the same meeting (%(date)s, %(title)s)."
                        )
                        % {
                            "column": column_label(attribute),
                            "value": _display(value),
                            "other": _display(known[0]),
                            "other_line": known[1],
                            "date": row.date.isoformat(),
                            "title": meeting.title,
                        },
                    )
            if not conflict:
                good_rows.append(row)
        self.rows = good_rows
        self._attach_existing_meetings(meetings)
        for meeting in meetings.values():
            if meeting.start > self.now:
                self.problem(
                    meeting.first_line,
                    _("The meeting on %(date)s lies in the future; only past meetings can be imported.")
                    % {"date": meeting.date.isoformat()},
                )
        return meetings

    def _attach_existing_meetings(self, meetings: dict[tuple, PlannedMeeting]) -> None:
        dates = {key[0] for key in meetings}
        by_key = defaultdict(list)
        with timezone.override(timezone.get_default_timezone()):
            existing = list(Meeting.objects.filter(start__date__in=dates).order_by("pk")) if dates else []
        for meeting in existing:
            by_key[(timezone.localdate(meeting.start), _title_key(meeting.title))].append(meeting)
        for key, planned in meetings.items():
            found = by_key.get(key, [])
            if len(found) > 1:
                self.problem(
                    planned.first_line,
                    _(
                        "The app has several meetings titled “%(title)s” on %(date)s; rename one of them "
                        "first."
                    )
                    % {"title": planned.title, "date": planned.date.isoformat()},
                )
            elif found:
                planned.existing = found[0]
                self._check_existing_status(planned)

    def _check_existing_status(self, planned: PlannedMeeting) -> None:
        current = planned.existing.status
        finished = (MeetingStatus.HELD, MeetingStatus.CANCELLED)
        if current in finished and current != planned.status:
            line = planned.values.get("status", (None, planned.first_line))[1]
            self.problem(
                line,
                _("The meeting on %(date)s is “%(app)s” in the app but “%(file)s” in the file.")
                % {
                    "date": planned.date.isoformat(),
                    "app": MeetingStatus(current).label,
                    "file": MeetingStatus(planned.status).label,
                },
            )

    # People -------------------------------------------------------------------------------------

    def organisation_key(self, row: HistoryRow) -> tuple:
        organisation = self.organisation_of[row.line]
        if organisation is not None:
            return ("org", organisation.pk)
        return ("text", _fold(row.organisation))

    def load_people(self) -> None:
        """Existing people the rows may mean, with every organisation they were ever recorded with."""
        emails = {row.email for row in self.rows if row.email}
        names = {row.name.lower() for row in self.rows}
        anonymised_pks = set()
        for row in self.rows:
            if match := _ANONYMISED_SUFFIX.match(row.name):
                anonymised_pks.add(int(match.group(2)))
        query = Q(pk__in=[])
        if emails:
            query |= Q(email_lower__in=emails)
        if names:
            query |= Q(name_lower__in=names, anonymised_at__isnull=True)
        if anonymised_pks:
            query |= Q(pk__in=anonymised_pks, anonymised_at__isnull=False)
        candidates = list(
            User.objects.annotate(email_lower=Lower("email"), name_lower=Lower("full_name")).filter(query)
        )
        self.by_email = {user.email.lower(): user for user in candidates if user.email}
        ids = [user.pk for user in candidates]
        self.memberships = defaultdict(list)
        keys = defaultdict(set)
        for person_id, organisation_id, role, start, end in Membership.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "organisation_id", "role", "start", "end"):
            self.memberships[person_id].append((organisation_id, role, start, end))
            keys[person_id].add(("org", organisation_id))
        for person_id, organisation_id, text in (
            Attendance.objects.filter(person_id__in=ids)
            .values_list("person_id", "organisation_id", "organisation_text")
            .distinct()
        ):
            keys[person_id].add(("org", organisation_id) if organisation_id else self._text_key(text))
        for person_id, organisation_id in (
            Invitation.objects.filter(person_id__in=ids, organisation__isnull=False)
            .values_list("person_id", "organisation_id")
            .distinct()
        ):
            keys[person_id].add(("org", organisation_id))
        self.by_name = defaultdict(list)
        for user in candidates:
            user_keys = keys[user.pk]
            if user.affiliation:
                user_keys.add(self._text_key(user.affiliation))
            if not user_keys:
                user_keys.add(("text", ""))
            self.by_name[_name_key(export_name(user))].append((user, user_keys))

    def _text_key(self, text: str) -> tuple:
        organisation = self.matcher.match(text) if text else None
        return ("org", organisation.pk) if organisation else ("text", _fold(text or ""))

    def _existing_by_name(self, row: HistoryRow, *, without_email: bool = False):
        key = self.organisation_key(row)
        found = [
            user
            for user, keys in self.by_name.get(_name_key(row.name), [])
            if key in keys and not (without_email and user.email)
        ]
        if len(found) > 1:
            self.problem(
                row.line,
                _(
                    "Several people named %(name)s of “%(organisation)s” exist; add the e-mail address to "
                    "tell them apart."
                )
                % {"name": row.name, "organisation": row.organisation or "–"},
            )
            return _AMBIGUOUS
        return found[0] if found else None

    def resolve_people(self) -> dict[int, PlannedPerson]:
        """The person of every row (by line): by e-mail address, else by name and organisation."""
        self.people: dict[object, PlannedPerson] = {}  # existing user pk or new-person key → person
        by_email: dict[str, PlannedPerson] = {}
        by_name: dict[tuple, PlannedPerson] = {}
        person_of: dict[int, PlannedPerson] = {}
        for row in sorted(self.rows, key=lambda r: (not r.email, r.line)):
            name_key = (_name_key(row.name), self.organisation_key(row))
            if row.email:
                person = by_email.get(row.email)
                if person is None:
                    user = self.by_email.get(row.email) or self._existing_by_name(row, without_email=True)
                    if user is _AMBIGUOUS:
                        continue
                    person = self._person(user, row)
                    by_email[row.email] = person
                # Rows without e-mail that name this person (as in the file or as in the app) with this
                # organisation mean them too. Without the second key an import could create a namesake
                # whom the next import could not tell from this person any more.
                by_name.setdefault(name_key, person)
                by_name.setdefault((_name_key(person.full_name), name_key[1]), person)
            else:
                person = by_name.get(name_key)
                if person is None:
                    user = self._existing_by_name(row)
                    if user is _AMBIGUOUS:
                        continue
                    person = by_name[name_key] = self._person(user, row)
            person_of[row.line] = person
        return person_of

    def _person(self, user: User | None, row: HistoryRow) -> PlannedPerson:
        if user is not None:
            key = user.pk
            if key not in self.people:
                self.people[key] = PlannedPerson(full_name=user.full_name, email=user.email or "", user=user)
            return self.people[key]
        guest_text = "" if self.organisation_of[row.line] else row.organisation
        person = PlannedPerson(full_name=row.name, email=row.email, affiliation=guest_text, created=True)
        self.people[("new", row.line)] = person
        return person

    # Entries -----------------------------------------------------------------------------------

    def _membership_on(self, person: PlannedPerson, day: datetime.date):
        """(organisation, membership role) the person spoke for on that day, as in the app."""
        if person.user is None:
            return None, None
        current = [
            (organisation_id, role, start)
            for organisation_id, role, start, end in self.memberships.get(person.user.pk, [])
            if start <= day and (end is None or end >= day)
        ]
        for roles in ((MembershipRole.REPRESENTATIVE, MembershipRole.DEPUTY), (MembershipRole.COORDINATOR,)):
            fitting = [
                (role, -start.toordinal(), organisation_id)
                for organisation_id, role, start in current
                if role in roles
                and (self.matcher.by_pk.get(organisation_id) is not None)
                and (self.matcher.by_pk[organisation_id].is_member or role == MembershipRole.COORDINATOR)
            ]
            if fitting:
                role, _start, organisation_id = min(fitting)
                return self.matcher.by_pk[organisation_id], role
        return None, None

    def _entry(self, row: HistoryRow, person: PlannedPerson, day: datetime.date) -> PlannedEntry:
        organisation = self.organisation_of[row.line]
        spoke_for, membership_role = self._membership_on(person, day)
        text = ""
        if organisation is None:
            if not row.organisation and spoke_for is not None:
                organisation = spoke_for  # the file does not say; the app knows
            else:
                text = row.organisation
        if organisation is not None and spoke_for is not None and spoke_for.pk == organisation.pk:
            role = {
                MembershipRole.REPRESENTATIVE: InvitationRole.REPRESENTATIVE,
                MembershipRole.DEPUTY: InvitationRole.DEPUTY,
                MembershipRole.COORDINATOR: InvitationRole.COORDINATOR,
            }[membership_role]
        elif organisation is not None and organisation.is_member:
            role = InvitationRole.REPRESENTATIVE
        elif organisation is not None and organisation.kind == OrganisationKind.COORDINATOR:
            role = InvitationRole.COORDINATOR
        else:
            role = InvitationRole.GUEST
        return PlannedEntry(
            line=row.line,
            person=person,
            present=row.attended,
            organisation=organisation,
            organisation_text=text,
            role=role,
        )

    def build_entries(self, meetings: dict[tuple, PlannedMeeting], person_of: dict[int, PlannedPerson]):
        seen: dict[tuple, PlannedEntry] = {}
        for row in self.rows:
            person = person_of.get(row.line)
            if person is None:
                continue
            meeting = meetings[row.meeting_key]
            earlier = seen.get((id(meeting), id(person)))
            if earlier is not None:
                if earlier.present != row.attended:
                    self.problem(
                        row.line,
                        _(
                            "%(name)s is listed twice for the meeting on %(date)s (also in line %(other)d), "
                            "once present and once absent."
                        )
                        % {"name": row.name, "date": row.date.isoformat(), "other": earlier.line},
                    )
                continue
            if row.attended and meeting.status == MeetingStatus.CANCELLED:
                self.problem(
                    row.line,
                    _("%(name)s is marked present at a cancelled meeting.") % {"name": row.name},
                )
                continue
            entry = self._entry(row, person, meeting.date)
            seen[(id(meeting), id(person))] = entry
            meeting.entries.append(entry)

    def attach_existing_entries(self, meetings: list[PlannedMeeting]) -> None:
        existing_ids = [m.existing.pk for m in meetings if m.existing is not None]
        if not existing_ids:
            return
        invited = set(
            Invitation.objects.filter(meeting_id__in=existing_ids).values_list("meeting_id", "person_id")
        )
        attendances = {
            (a.meeting_id, a.person_id): a for a in Attendance.objects.filter(meeting_id__in=existing_ids)
        }
        for meeting in meetings:
            if meeting.existing is None:
                continue
            for entry in meeting.entries:
                if entry.person.user is None:
                    continue
                key = (meeting.existing.pk, entry.person.user.pk)
                entry.invited = key in invited
                entry.existing_attendance = attendances.get(key)
                entry.known_absent = entry.invited and meeting.existing.attendance_recorded_at is not None

    def plan(self) -> ImportPlan:
        meetings = self.group_meetings()
        self.load_people()
        person_of = self.resolve_people()
        self.build_entries(meetings, person_of)
        if self.problems:
            raise HistoryImportError(self.problems)
        planned = sorted(meetings.values(), key=lambda m: (m.date, m.start, m.title))
        self.attach_existing_entries(planned)
        people = list(self.people.values())
        return ImportPlan(meetings=planned, people=people, summary=_summary(planned, people))


def _comparable(value):
    return value.casefold() if isinstance(value, str) else value


def _display(value) -> str:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def _summary(meetings: list[PlannedMeeting], people: list[PlannedPerson]) -> ImportSummary:
    summary = ImportSummary(meetings=len(meetings), new_meetings=sum(1 for m in meetings if m.is_new))
    guests = set()
    for meeting in meetings:
        for entry in meeting.entries:
            summary.rows += 1
            if entry.organisation is None:
                guests.add(id(entry.person))
            action = entry.attendance_action(meeting.status)
            if meeting.status == MeetingStatus.CANCELLED:
                summary.new_rows += int(not entry.invited)
            elif action == "new":
                summary.new_rows += 1
            elif action == "changed":
                summary.changed_rows += 1
    summary.new_people = sum(1 for person in people if person.is_new)
    summary.guests = len(guests)
    return summary


# --- Writing ---------------------------------------------------------------------------------


def _write(plan: ImportPlan, *, by, now: datetime.datetime) -> None:
    new_people = [person for person in plan.people if person.is_new]
    users = []
    for person in new_people:
        user = User(full_name=person.full_name, email=person.email or None, affiliation=person.affiliation)
        user.set_unusable_password()  # no login until the coordinator invites them
        users.append(user)
    for person, user in zip(new_people, User.objects.bulk_create(users), strict=True):
        person.user = user

    history = {"default_user": by, "default_change_reason": CHANGE_REASON}
    new_meetings = []
    for planned in plan.meetings:
        if planned.is_new:
            start = planned.start
            planned.existing = Meeting(
                kind=planned.kind,
                title=planned.title,
                start=start,
                end=start + DEFAULT_DURATION,
                venue=planned.location,
                status=planned.status,
                attendance_recorded_at=now if planned.status == MeetingStatus.HELD else None,
                created_by=by,
            )
            new_meetings.append(planned.existing)
    if new_meetings:
        bulk_create_with_history(new_meetings, Meeting, **history)
    created = {id(m) for m in new_meetings}

    changed_meetings = []
    for planned in plan.meetings:
        meeting = planned.existing
        if id(meeting) in created:
            continue
        changed = False
        if meeting.status != planned.status:
            meeting.status = planned.status
            if planned.status == MeetingStatus.CANCELLED:
                meeting.sequence += 1
            changed = True
        if (
            planned.status == MeetingStatus.HELD
            and meeting.attendance_recorded_at is None
            and planned.entries
        ):
            meeting.attendance_recorded_at = now
            changed = True
        if changed:
            meeting.revision += 1
            meeting.updated_at = now
            changed_meetings.append(meeting)
    if changed_meetings:
        bulk_update_with_history(
            changed_meetings,
            Meeting,
            ["status", "sequence", "revision", "attendance_recorded_at", "updated_at"],
            **history,
        )

    invitations, new_attendances, changed_attendances = [], [], []
    for planned in plan.meetings:
        meeting = planned.existing
        for entry in planned.entries:
            person = entry.person.user
            if not entry.invited:
                guest = entry.role == InvitationRole.GUEST
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        person=person,
                        organisation=None if guest else entry.organisation,
                        role=entry.role,
                    )
                )
            action = entry.attendance_action(planned.status)
            attendance = entry.existing_attendance
            if action == "new":
                new_attendances.append(
                    Attendance(
                        meeting=meeting,
                        person=person,
                        organisation=entry.organisation,
                        organisation_text=entry.organisation_text,
                        present=entry.present,
                        source=AttendanceSource.IMPORT,
                        recorded_by=by,
                    )
                )
            elif action == "changed":
                attendance.present = entry.present
                attendance.source = AttendanceSource.IMPORT
                attendance.recorded_by = by
                attendance.recorded_at = now
                changed_attendances.append(attendance)
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    if new_attendances:
        bulk_create_with_history(new_attendances, Attendance, batch_size=2000, **history)
    if changed_attendances:
        bulk_update_with_history(
            changed_attendances,
            Attendance,
            ["present", "source", "recorded_by", "recorded_at"],
            batch_size=2000,
            **history,
        )


def meeting_history_import(*, data: bytes, by=None, dry_run: bool = False, now=None) -> ImportPlan:
    """Check a history file completely and, unless `dry_run`, import it in one transaction.

    Raises HistoryImportError listing every problem (with line numbers); then nothing is written.
    """
    now = now or timezone.now()
    rows, problems = read_history_file(data)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])
            plan = _Planner(rows, problems, now).plan()
            if not dry_run:
                _write(plan, by=by, now=now)
    except (IntegrityError, DataError) as error:
        # Only a concurrent change or a value the checks missed gets here; the transaction is undone.
        raise _file_error(
            _("The database refused the import (%(error)s). Nothing was written.") % {"error": error}
        ) from error
    return plan


# --- Export ----------------------------------------------------------------------------------


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    begin = timezone.make_aware(datetime.datetime(year, 1, 1), zone)
    return begin, timezone.make_aware(datetime.datetime(year + 1, 1, 1), zone)


def meeting_history_rows(*, year: int | None = None) -> list[dict]:
    """Held and cancelled meetings (of one year, or all) as rows of the file format. Three queries.

    A row is every person with an attendance record or an invitation; "attended" is the attendance.
    """
    meetings = Meeting.objects.filter(status__in=[MeetingStatus.HELD, MeetingStatus.CANCELLED])
    if year is not None:
        begin, end = _year_range(year)
        meetings = meetings.filter(start__gte=begin, start__lt=end)
    meetings = list(meetings.order_by("start", "title", "pk"))
    ids = [m.pk for m in meetings]
    people = defaultdict(dict)  # meeting pk → person pk → [person, attendance, invitation]
    for attendance in Attendance.objects.filter(meeting_id__in=ids).select_related("person", "organisation"):
        people[attendance.meeting_id][attendance.person_id] = [attendance.person, attendance, None]
    for invitation in Invitation.objects.filter(meeting_id__in=ids).select_related("person", "organisation"):
        slot = people[invitation.meeting_id].setdefault(invitation.person_id, [invitation.person, None, None])
        slot[2] = invitation
    rows = []
    for meeting in meetings:
        start = timezone.localtime(meeting.start, timezone.get_default_timezone())
        entries = []  # (sort key, row)
        for person, attendance, invitation in people[meeting.pk].values():
            if attendance is not None:
                organisation = (
                    attendance.organisation.name
                    if attendance.organisation
                    else attendance.organisation_text or person.affiliation
                )
            elif invitation.organisation is not None:
                organisation = invitation.organisation.name
            else:
                organisation = person.affiliation
            name = export_name(person)
            row = {
                "date": start.date(),
                "start": start.time().replace(second=0, microsecond=0),
                "kind": meeting.kind,
                "title": meeting.title,
                "location": meeting.venue,
                "organisation": organisation,
                "name": name,
                "email": person.email or "",
                "attended": bool(attendance and attendance.present),
                "status": meeting.status,
            }
            entries.append(((german_sort_key(name), person.pk), row))
        entries.sort(key=lambda entry: entry[0])
        rows.extend(row for _key, row in entries)
    return rows


def _export_values(row: dict, *, german: bool) -> list:
    words = _EXPORT_WORDS["de" if german else "en"]
    values = []
    for column in COLUMNS:
        value = row[column]
        if column in ("kind", "attended", "status"):
            value = words[value]
        values.append(value)
    return values


def _csv_cell(value, *, german: bool) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y") if german else value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _export_csv(rows: list[dict], *, german: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if german else ",", lineterminator="\r\n")
    writer.writerow([GERMAN_HEADERS[c] if german else c for c in COLUMNS])
    for row in rows:
        writer.writerow([_csv_cell(value, german=german) for value in _export_values(row, german=german)])
    # With a BOM, Excel opens UTF-8 with its umlauts intact.
    return out.getvalue().encode("utf-8-sig")


def _export_xlsx(rows: list[dict], *, german: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Meeting history")[:31])
    for letter, width in zip("ABCDEFGHIJ", (12, 8, 10, 40, 24, 32, 28, 32, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=GERMAN_HEADERS[column] if german else column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    date_format = "DD.MM.YYYY" if german else "YYYY-MM-DD"
    for row in rows:
        cells = []
        for value in _export_values(row, german=german):
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = date_format
            elif isinstance(value, datetime.time):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "HH:MM"
            else:
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def history_file(rows: list[dict], *, file_format: str = "csv", german: bool = False) -> bytes:
    """Rows of `meeting_history_rows` as a file: CSV (UTF-8 with BOM) or XLSX, German if asked."""
    if file_format == "xlsx":
        return _export_xlsx(rows, german=german)
    if file_format == "csv":
        return _export_csv(rows, german=german)
    raise ValueError(file_format)


def meeting_history_export(
    *, year: int | None = None, file_format: str = "csv", german: bool = False
) -> bytes:
    """The history of one year (or of all years) as a file in the import format."""
    return history_file(meeting_history_rows(year=year), file_format=file_format, german=german)
