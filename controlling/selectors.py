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
from django.db.models import Avg, Case, Count, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
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


def _member_organisations_queryset(year: int):
    """The alliance's members at some time in that year (not those that left before it or
    joined after it)."""
    return (
        Organisation.objects.members()
        .filter(active_since__lte=datetime.date(year, 12, 31))
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=datetime.date(year, 1, 1)))
    )


def _member_organisations(year: int) -> list[dict]:
    return list(_member_organisations_queryset(year).order_by("sort_name").values("pk", "name"))


def _attendance_recorded(meeting: dict) -> bool:
    # Recorded when the list was closed, or when anyone was entered (e.g. by self check-in).
    return meeting["attendance_recorded_at"] is not None or meeting["attendance_rows"] > 0


def _held_present(year: int, now):
    """Present attendances at the meetings held in the year (not cancelled, begun before `now`).

    A present attendance means the meeting's attendance is recorded, so these are exactly the
    attendances the participant figures count.
    """
    begin, end = year_bounds(year)
    return Attendance.objects.filter(
        meeting__start__gte=begin, meeting__start__lt=min(end, now), present=True
    ).exclude(meeting__status=MeetingStatus.CANCELLED)


def _year_meetings_with_counts(year: int, members):
    """The year's meetings, each with its attendance rows, participants and members represented
    counted by the database. A person has one attendance per meeting (unique constraint), so
    participants are counted without DISTINCT."""
    begin, end = year_bounds(year)
    present = Q(attendances__present=True)
    return Meeting.objects.filter(start__gte=begin, start__lt=end).annotate(
        attendance_rows=Count("attendances"),
        participants=Count("attendances", filter=present),
        members_represented=Count(
            "attendances__organisation",
            filter=present & Q(attendances__organisation__in=members.values("pk")),
            distinct=True,
        ),
    )


def _year_meetings(year: int, members) -> list[dict]:
    """The year's meetings with their counts (one query, one row per meeting)."""
    return list(
        _year_meetings_with_counts(year, members)
        .order_by("start", "pk")
        .values(
            "pk",
            "kind",
            "title",
            "start",
            "status",
            "attendance_recorded_at",
            "attendance_rows",
            "participants",
            "members_represented",
        )
    )


def _year_totals(year: int, now, members) -> dict:
    """Different people and different members present at the year's held meetings (one query)."""
    return _held_present(year, now).aggregate(
        unique_participants=Count("person", distinct=True),
        members_represented_in_year=Count(
            "organisation", filter=Q(organisation__in=members.values("pk")), distinct=True
        ),
    )


def member_attendance(*, year: int, now=None, meetings_with_attendance: int, members=None) -> list[dict]:
    """Per member: meetings with at least one of its people present, and the share of the
    `meetings_with_attendance` (a meeting without a list says nothing about who came).

    Two queries: the members (unless given), and the meetings per member counted by the database.
    """
    now = now or timezone.now()
    members = _member_organisations(year) if members is None else members
    attended = dict(
        _held_present(year, now)
        .filter(organisation__in=[org["pk"] for org in members])
        .values("organisation")
        .annotate(meetings=Count("meeting", distinct=True))
        .values_list("organisation", "meetings")
    )
    return [
        {
            "organisation": org["name"],
            "meetings_attended": attended.get(org["pk"], 0),
            "rate": _ratio(attended.get(org["pk"], 0), meetings_with_attendance),
        }
        for org in members
    ]


def _attendees(year: int, now, member_ids: set[int]) -> dict[int, list[dict]]:
    """The names of the people present at each held meeting, in German order (the PDF's annex)."""
    rows = _held_present(year, now).values_list(
        "meeting_id",
        "person__full_name",
        "person__affiliation",
        "organisation__name",
        "organisation_text",
        "organisation_id",
    )
    attendees_at = defaultdict(list)
    for meeting_id, name, affiliation, org_name, org_text, org_id in rows:
        attendees_at[meeting_id].append(
            {
                "name": name,
                "organisation": org_name or org_text or affiliation or "",
                "member": org_id in member_ids,
            }
        )
    for attendees in attendees_at.values():
        attendees.sort(key=lambda a: (german_sort_key(a["name"] or ""), a["organisation"]))
    return attendees_at


def meeting_statistics(
    *, year: int, now=None, with_attendees: bool = True, with_member_attendance: bool = True
) -> dict:
    """The meeting key figures of a year, exactly as defined for the Q4 controlling.

    Counting happens in the database, so the number of queries and of rows read stays small
    whatever the number of meetings and people: the meetings with their counts, the year's
    totals and the number of members (three queries); with the attendance per member and the
    names of those present (the annex), five: the members are then read instead of counted.
    """
    now = now or timezone.now()
    members = _member_organisations_queryset(year)
    meetings = _year_meetings(year, members)
    totals = _year_totals(year, now, members)
    member_list = _member_organisations(year) if with_attendees or with_member_attendance else None

    held, planned, cancelled = [], [], []
    for meeting in meetings:
        if meeting["status"] == MeetingStatus.CANCELLED:
            cancelled.append(meeting)
        elif meeting["start"] < now:
            held.append(meeting)
        else:
            planned.append(meeting)
    recorded = [m for m in held if _attendance_recorded(m)]
    participants = [m["participants"] for m in recorded]
    represented = [m["members_represented"] for m in recorded]
    if with_attendees:
        attendees_at = _attendees(year, now, {org["pk"] for org in member_list})

    def listed(meeting):
        return {
            "id": meeting["pk"],
            "date": timezone.localtime(meeting["start"]).date(),
            "kind": meeting["kind"],
            "title": meeting["title"],
        }

    meeting_rows = []
    for meeting in held:
        known = _attendance_recorded(meeting)
        row = {
            **listed(meeting),
            "attendance_recorded": known,
            "participants": meeting["participants"] if known else None,
            "members_represented": meeting["members_represented"] if known else None,
        }
        if with_attendees:
            row["attendees"] = attendees_at.get(meeting["pk"], [])
        meeting_rows.append(row)

    statistics_ = {
        "year": year,
        "meetings_held": len(held),
        "meetings_by_kind": {kind: sum(1 for m in held if m["kind"] == kind) for kind in MeetingKind.values},
        "meetings_cancelled": len(cancelled),
        "meetings_planned": len(planned),
        "meetings_without_attendance": len(held) - len(recorded),
        "meetings_with_attendance": len(recorded),
        "participants_total": sum(participants),
        "participants_per_meeting": _spread(participants),
        "unique_participants": totals["unique_participants"],
        "member_count": members.count() if member_list is None else len(member_list),
        "members_represented_per_meeting": _spread(represented),
        "members_represented_in_year": totals["members_represented_in_year"],
        "meetings": meeting_rows,
        "planned": [listed(m) for m in planned],
        "cancelled": [listed(m) for m in cancelled],
    }
    if with_member_attendance:
        statistics_["member_attendance"] = member_attendance(
            year=year, now=now, meetings_with_attendance=len(recorded), members=member_list
        )
    return statistics_


def meeting_figures(*, year: int, now=None) -> dict:
    """The year's meeting key figures that the dashboard card shows, under the keys of
    `meeting_statistics` (means only, no lists), the per-meeting counts averaged by the database.

    Two queries returning one row each; reading the year's 200 meetings to show six numbers
    took most of the dashboard's time at ten times the alliance's size.
    """
    now = now or timezone.now()
    members = _member_organisations_queryset(year)
    held = Q(start__lt=now)
    recorded = held & (Q(attendance_recorded_at__isnull=False) | Q(attendance_rows__gt=0))
    figures = (
        _year_meetings_with_counts(year, members)
        .exclude(status=MeetingStatus.CANCELLED)
        .aggregate(
            meetings=Count("pk"),
            meetings_held=Count("pk", filter=held),
            meetings_with_attendance=Count("pk", filter=recorded),
            participants_total=Sum("participants", filter=recorded),
            participants_mean=Avg("participants", filter=recorded),
            members_represented_mean=Avg("members_represented", filter=recorded),
        )
    )
    totals = _year_totals(year, now, members)
    return {
        "year": year,
        "meetings_held": figures["meetings_held"],
        "meetings_planned": figures["meetings"] - figures["meetings_held"],
        "meetings_with_attendance": figures["meetings_with_attendance"],
        "meetings_without_attendance": figures["meetings_held"] - figures["meetings_with_attendance"],
        "participants_total": figures["participants_total"] or 0,
        "participants_per_meeting": {"mean": figures["participants_mean"]},
        "members_represented_per_meeting": {"mean": figures["members_represented_mean"]},
        "unique_participants": totals["unique_participants"],
        "members_represented_in_year": totals["members_represented_in_year"],
    }


def yearly_history(*, until_year: int, now=None) -> list[dict]:
    """Meetings held and mean participants per year since the first year: one query, one row a
    year.

    Per meeting, one correlated subquery counts the people present; grouped by the meeting it
    gives no row, so NULL, for a meeting without any attendance row, and a closed list with
    nobody on it counts 0. A meeting without a list stays NULL, which AVG leaves out, as the
    year's own figures do. Counting the `present` column lets PostgreSQL read the
    (meeting, present) index alone. EXPLAIN at 2,000 meetings with 72,000 attendances: a join
    grouped afterwards 37 ms, two subqueries (present and all rows) 26 ms, this one 10 ms; and
    one row a year instead of one a meeting saves as much again in Python.
    """
    now = now or timezone.now()
    begin, _ = year_bounds(FIRST_YEAR)
    _, end = year_bounds(until_year)
    present = (
        Attendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(present=Count("present", filter=Q(present=True)))
        .values("present")
    )
    closed_list = Case(When(attendance_recorded_at__isnull=False, then=Value(0)))
    rows = (
        Meeting.objects.filter(start__gte=begin, start__lt=min(end, now))
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(
            year=ExtractYear("start", tzinfo=timezone.get_default_timezone()),
            participants=Coalesce(Subquery(present), closed_list),
        )
        .values("year")
        .annotate(held=Count("pk"), participants_mean=Avg("participants"))
        .order_by()
        .values_list("year", "held", "participants_mean")
    )
    by_year = {year: {"meetings_held": held, "participants_mean": mean} for year, held, mean in rows}
    without_meetings = {"meetings_held": 0, "participants_mean": None}
    return [
        {"year": year, **by_year.get(year, without_meetings)} for year in range(FIRST_YEAR, until_year + 1)
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


def _with_year_texts(report: dict, *, year: int, now) -> dict:
    """Targets, assessment, history and stamps: what the report and the year page share."""
    report["targets"] = target_rows(report=report, targets=kpi_targets(year=year))
    review = year_review(year=year)
    report["assessment"] = review.assessment if review else ""
    report["work_programme"] = review.work_programme if review else ""
    report["history"] = yearly_history(until_year=year, now=now)
    report["generated_at"] = now
    report["frozen"] = False
    report["frozen_at"] = None
    return report


def controlling_overview(*, year: int, now=None) -> dict:
    """The live figures the year page shows: the report without its long lists (the names at
    each meeting, the attendance of every member, every project, every question), which have
    pages of their own. Keys and numbers are those of `controlling_report`."""
    from projects.selectors import controlling_project_counts
    from surveys.selectors import controlling_survey_summary

    now = now or timezone.now()
    report = meeting_statistics(year=year, now=now, with_attendees=False, with_member_attendance=False)
    report["projects"] = controlling_project_counts(year=year)
    report["survey"] = controlling_survey_summary(year=year)
    report["language"] = translation.get_language() or settings.LANGUAGE_CODE
    return to_json_compatible(_with_year_texts(report, year=year, now=now))


SECTIONS = ("meetings", "members", "projects", "survey")


def controlling_section(*, year: int, section: str, now=None) -> dict:
    """The live data of one long list of the report (a page of its own): the meetings, the
    attendance per member, the projects or the survey results, with the report's keys."""
    from projects.selectors import controlling_projects
    from surveys.selectors import controlling_survey

    now = now or timezone.now()
    report = {"year": year, "generated_at": now, "frozen": False, "frozen_at": None}
    if section in ("meetings", "members"):
        report.update(
            meeting_statistics(year=year, now=now, with_attendees=False, with_member_attendance=False)
        )
    if section == "members":
        report["member_attendance"] = member_attendance(
            year=year, now=now, meetings_with_attendance=report["meetings_with_attendance"]
        )
    elif section == "projects":
        report["projects"] = controlling_projects(year=year)
    elif section == "survey":
        report["survey"] = controlling_survey(year=year)
    return to_json_compatible(report)


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
        report["language"] = language
        return to_json_compatible(_with_year_texts(report, year=year, now=now))


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
