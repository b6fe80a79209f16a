"""Reads for the controlling report: the year's key figures in a constant number of queries.

The report is one JSON-compatible dict (see `controlling_report`); the page, the PDF, the JSON
and the CSV are all made from it, and a frozen report is that dict as stored at freezing time.
"""

import datetime
import json
import statistics
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from meetings.enums import MeetingKind, MeetingStatus
from meetings.models import Attendance, Meeting
from members.models import Organisation, german_sort_key
from regionalbuendnis import indicators

from .enums import DEFAULT_TARGETS, KPI_UNITS, Direction, Kpi
from .models import FIRST_YEAR, FrozenReport, KpiTarget, YearReview


class ReportJSONEncoder(DjangoJSONEncoder):
    """Numbers stay numbers (Decimal → float, unrounded); dates as ISO 8601."""

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def to_json_compatible(data):
    return json.loads(json.dumps(data, cls=ReportJSONEncoder))


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January 00:00 to the next 1 January 00:00 in local time (Europe/Berlin)."""
    zone = timezone.get_default_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def available_years(*, today=None) -> list[int]:
    """From the alliance's first year up to next year (whose targets are set in Q4)."""
    today = today or timezone.localdate()
    return list(range(FIRST_YEAR, today.year + 2))


def _spread(values: list) -> dict:
    if not values:
        return {"mean": None, "min": None, "max": None}
    return {"mean": statistics.fmean(values), "min": min(values), "max": max(values)}


def _ratio(part, whole):
    return part / whole if whole else None


def _member_organisations(year: int) -> list[dict]:
    """The alliance's members at some time in that year (not those that left before it or
    joined after it)."""
    return list(
        Organisation.objects.members()
        .filter(active_since__lte=datetime.date(year, 12, 31))
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=datetime.date(year, 1, 1)))
        .order_by("sort_name")
        .values("pk", "name")
    )


def _attendance_recorded(meeting: dict) -> bool:
    # Recorded when the list was closed, or when anyone was entered (e.g. by self check-in).
    return meeting["attendance_recorded_at"] is not None or meeting["attendance_rows"] > 0


def _member_attendance(members, recorded, members_at) -> list[dict]:
    """Per member: meetings with at least one of its people present, and the share of meetings.

    The share is taken of the meetings whose attendance is recorded (all held meetings once the
    lists are in); a meeting without a list says nothing about who came.
    """
    rows = []
    for org in members:
        attended = sum(1 for meeting in recorded if org["pk"] in members_at[meeting["pk"]])
        rows.append(
            {
                "organisation": org["name"],
                "meetings_attended": attended,
                "rate": _ratio(attended, len(recorded)),
            }
        )
    return rows


def meeting_statistics(*, year: int, now=None, with_attendees: bool = True) -> dict:
    """The meeting key figures of a year, exactly as defined for the Q4 controlling.

    Three queries whatever the number of meetings: the year's meetings, their present
    attendances, the member organisations. Without `with_attendees` (the dashboard card) the
    meetings carry no sorted attendance lists, which saves reading and sorting every name.
    """
    now = now or timezone.now()
    begin, end = year_bounds(year)
    meetings = list(
        Meeting.objects.filter(start__gte=begin, start__lt=end)
        .annotate(attendance_rows=Count("attendances"))
        .order_by("start", "pk")
        .values("pk", "kind", "title", "start", "status", "attendance_recorded_at", "attendance_rows")
    )
    name_columns = ("person__full_name", "person__affiliation", "organisation__name", "organisation_text")
    present = (
        Attendance.objects.filter(meeting__start__gte=begin, meeting__start__lt=end, present=True)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values_list("meeting_id", "person_id", "organisation_id", *(name_columns if with_attendees else ()))
    )
    members = _member_organisations(year)
    member_ids = {org["pk"] for org in members}

    people_at = defaultdict(set)
    members_at = defaultdict(set)
    attendees_at = defaultdict(list)
    for meeting_id, person_id, org_id, *names in present:
        people_at[meeting_id].add(person_id)
        if org_id in member_ids:
            members_at[meeting_id].add(org_id)
        if not with_attendees:
            continue
        name, affiliation, org_name, org_text = names
        attendees_at[meeting_id].append(
            {
                "name": name,
                "organisation": org_name or org_text or affiliation or "",
                "member": org_id in member_ids,
            }
        )

    held, planned, cancelled = [], [], []
    for meeting in meetings:
        if meeting["status"] == MeetingStatus.CANCELLED:
            cancelled.append(meeting)
        elif meeting["start"] < now:
            held.append(meeting)
        else:
            planned.append(meeting)
    recorded = [m for m in held if _attendance_recorded(m)]
    recorded_ids = {m["pk"] for m in recorded}

    participants = [len(people_at[m["pk"]]) for m in recorded]
    represented = [len(members_at[m["pk"]]) for m in recorded]
    unique_people = set().union(*(people_at[m["pk"]] for m in recorded))
    members_in_year = set().union(*(members_at[m["pk"]] for m in recorded))

    def listed(meeting):
        return {
            "id": meeting["pk"],
            "date": timezone.localtime(meeting["start"]).date(),
            "kind": meeting["kind"],
            "title": meeting["title"],
        }

    meeting_rows = []
    for meeting in held:
        known = meeting["pk"] in recorded_ids
        attendees = sorted(
            attendees_at[meeting["pk"]], key=lambda a: (german_sort_key(a["name"] or ""), a["organisation"])
        )
        meeting_rows.append(
            {
                **listed(meeting),
                "attendance_recorded": known,
                "participants": len(people_at[meeting["pk"]]) if known else None,
                "members_represented": len(members_at[meeting["pk"]]) if known else None,
                "attendees": attendees,
            }
        )

    return {
        "year": year,
        "meetings_held": len(held),
        "meetings_by_kind": {kind: sum(1 for m in held if m["kind"] == kind) for kind in MeetingKind.values},
        "meetings_cancelled": len(cancelled),
        "meetings_planned": len(planned),
        "meetings_without_attendance": len(held) - len(recorded),
        "meetings_with_attendance": len(recorded),
        "participants_total": sum(participants),
        "participants_per_meeting": _spread(participants),
        "unique_participants": len(unique_people),
        "member_count": len(members),
        "members_represented_per_meeting": _spread(represented),
        "members_represented_in_year": len(members_in_year),
        "member_attendance": _member_attendance(members, recorded, members_at),
        "meetings": meeting_rows,
        "planned": [listed(m) for m in planned],
        "cancelled": [listed(m) for m in cancelled],
    }


def yearly_history(*, until_year: int, now=None) -> list[dict]:
    """Meetings held and mean participants per year since the first year: one query."""
    now = now or timezone.now()
    begin, _ = year_bounds(FIRST_YEAR)
    _, end = year_bounds(until_year)
    rows = (
        Meeting.objects.filter(start__gte=begin, start__lt=min(end, now))
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(
            year=ExtractYear("start", tzinfo=timezone.get_default_timezone()),
            participants=Count("attendances", filter=Q(attendances__present=True)),
            attendance_rows=Count("attendances"),
        )
        .values_list("year", "participants", "attendance_rows", "attendance_recorded_at")
    )
    held = defaultdict(int)
    participants = defaultdict(list)
    for year, count, attendance_rows, recorded_at in rows:
        held[year] += 1
        if recorded_at is not None or attendance_rows:
            participants[year].append(count)
    return [
        {
            "year": year,
            "meetings_held": held[year],
            "participants_mean": statistics.fmean(participants[year]) if participants[year] else None,
        }
        for year in range(FIRST_YEAR, until_year + 1)
    ]


def kpi_targets(*, year: int) -> dict[str, KpiTarget]:
    return {target.kpi: target for target in KpiTarget.objects.filter(year=year)}


def kpi_target_initial(*, year: int) -> dict[str, dict]:
    """What the target form offers: the year's targets, else last year's, else the defaults.

    One query for both years.
    """
    by_year = defaultdict(dict)
    for target in KpiTarget.objects.filter(year__in=[year, year - 1]):
        by_year[target.year][target.kpi] = target
    saved = by_year[year] or by_year[year - 1]
    initial = {}
    for kpi in Kpi.values:
        target = saved.get(kpi)
        if target is not None:
            initial[kpi] = {
                "target": target.target,
                "direction": target.direction,
                "tolerance_percent": target.tolerance_percent,
                "comment": target.comment if target.year == year else "",
            }
        else:
            initial[kpi] = {
                "target": DEFAULT_TARGETS.get(kpi),
                "direction": Direction.AT_LEAST,
                "tolerance_percent": Decimal("10"),
                "comment": "",
            }
    return initial


def _kpi_actuals(report: dict) -> dict:
    survey = report.get("survey") or {}
    rate = survey.get("response_rate")
    return {
        Kpi.MEETINGS_HELD: report["meetings_held"],
        Kpi.PARTICIPANTS_PER_MEETING: report["participants_per_meeting"]["mean"],
        Kpi.MEMBERS_REPRESENTED_PER_MEETING: report["members_represented_per_meeting"]["mean"],
        Kpi.MEMBERS_REPRESENTED_IN_YEAR: report["members_represented_in_year"],
        Kpi.UNIQUE_PARTICIPANTS: report["unique_participants"],
        Kpi.SURVEY_RESPONSE_RATE: float(rate) * 100 if rate is not None else None,
        Kpi.SURVEY_SATISFACTION: survey.get("satisfaction_mean"),
    }


def target_rows(*, report: dict, targets: dict[str, KpiTarget]) -> list[dict]:
    """One row per key figure: target, actual, deviation (actual − target) and traffic light."""
    actuals = _kpi_actuals(report)
    rows = []
    for kpi in Kpi:
        saved = targets.get(kpi.value)
        actual = float(actuals[kpi]) if actuals[kpi] is not None else None
        target = float(saved.target) if saved else None
        rows.append(
            {
                "kpi": kpi.value,
                "target": target,
                "actual": actual,
                "deviation": indicators.deviation(actual, target),
                "status": indicators.traffic_light(
                    actual,
                    target,
                    higher_is_better=saved.higher_is_better if saved else True,
                    tolerance=float(saved.tolerance_percent) / 100 if saved else indicators.DEFAULT_TOLERANCE,
                ),
                "direction": saved.direction if saved else None,
                "tolerance_percent": saved.tolerance_percent if saved else None,
                "unit": KPI_UNITS.get(kpi, ""),
                "comment": saved.comment if saved else "",
            }
        )
    return rows


def year_review(*, year: int) -> YearReview | None:
    return YearReview.objects.filter(year=year).first()


def controlling_projects(*, year: int) -> dict:
    from projects.selectors import controlling_projects as projects_of_year

    return projects_of_year(year=year)


def controlling_survey(*, year: int) -> dict | None:
    from surveys.selectors import controlling_survey as survey_of_year

    return survey_of_year(year=year)


def controlling_report(*, year: int, now=None, language: str | None = None) -> dict:
    """The complete live report of a year as JSON-compatible data (unrounded numbers).

    Texts that other apps deliver (survey questions, project status) are in `language`, by
    default the active one.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    now = now or timezone.now()
    with translation.override(language):
        report = meeting_statistics(year=year, now=now)
        report["projects"] = controlling_projects(year=year)
        report["survey"] = controlling_survey(year=year)
        report["targets"] = target_rows(report=report, targets=kpi_targets(year=year))
        review = year_review(year=year)
        report["assessment"] = review.assessment if review else ""
        report["work_programme"] = review.work_programme if review else ""
        report["history"] = yearly_history(until_year=year, now=now)
        report["generated_at"] = now
        report["language"] = language
        report["frozen"] = False
        report["frozen_at"] = None
        return to_json_compatible(report)


def frozen_report(*, year: int) -> FrozenReport | None:
    """The frozen report in force for the year (without loading its PDFs)."""
    return (
        FrozenReport.objects.filter(year=year, unfrozen_at__isnull=True)
        .defer("pdf_de", "pdf_en")
        .select_related("frozen_by")
        .first()
    )


def frozen_versions(*, year: int) -> tuple[FrozenReport | None, list[FrozenReport]]:
    """The frozen report in force and the earlier, reopened versions (newest first): one query
    for the year page, without loading any PDF."""
    versions = list(
        FrozenReport.objects.filter(year=year)
        .defer("pdf_de", "pdf_en")
        .select_related("frozen_by", "unfrozen_by")
        .order_by("-frozen_at")
    )
    in_force = next((version for version in versions if version.unfrozen_at is None), None)
    return in_force, [version for version in versions if version.unfrozen_at is not None]


def report_for_display(report: dict) -> dict:
    """The report with its dates as date objects again, for templates (live or frozen alike)."""
    shown = {**report}
    for key in ("meetings", "planned", "cancelled"):
        shown[key] = [{**row, "date": parse_date(row["date"])} for row in report[key]]
    for key in ("generated_at", "frozen_at"):
        shown[key] = parse_datetime(report[key]) if report.get(key) else None
    return shown
