"""The report's presentations: template context with labels and charts, PDF, JSON and CSV.

All of them are made from the one report dict (`selectors.controlling_report` or a frozen
snapshot), so page, PDF and machine-readable output always say the same.
"""

import csv
import io
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.enums import MeetingKind
from projects.enums import ProjectStatus
from regionalbuendnis.charts import bar_chart, line_chart

from .enums import KPI_DEVIATION_UNITS, Direction, Kpi, TrafficLight
from .selectors import ReportJSONEncoder, report_for_display

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def report_language(requested: str | None) -> str:
    """`?lang=de|en` if given and known, else the current language."""
    if requested in LANGUAGES:
        return requested
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


def _kind_labels() -> dict[str, str]:
    return {kind: str(label) for kind, label in MeetingKind.choices}


# A meeting's day under its bar, in the reader's style: "19.02." in German, "02/19" in English.
# One strftime pattern per chart rather than date_format() per label (200 meetings a year).
DAY_LABEL_FORMATS = {"de": "%d.%m.", "en": "%m/%d"}


def _day_label_format() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return DAY_LABEL_FORMATS.get(language, DAY_LABEL_FORMATS[settings.LANGUAGE_CODE[:2]])


def report_charts(report: dict) -> dict:
    """Server-rendered SVG: the years since 2016, members per meeting, survey means."""
    history = report["history"]
    charts = {
        "history": line_chart(
            [row["year"] for row in history],
            {
                _("Meetings held"): [row["meetings_held"] for row in history],
                _("Participants per meeting (mean)"): [row["participants_mean"] for row in history],
            },
            title=_("Meetings and participants per year"),
        ),
        "members_per_meeting": None,
        "survey": None,
    }
    meetings = report["meetings"]
    if meetings:
        day_format = _day_label_format()
        charts["members_per_meeting"] = bar_chart(
            [row["date"].strftime(day_format) for row in meetings],
            [row["members_represented"] for row in meetings],
            title=_("Members represented per meeting in %(year)s (of %(count)s)")
            % {"year": report["year"], "count": report["member_count"]},
        )
    charts["survey"] = survey_chart(report.get("survey"))
    return charts


def survey_chart(survey: dict | None):
    """The survey's mean per scale question (None without such results)."""
    scale_questions = [q for q in (survey or {}).get("questions", []) if q.get("mean") is not None]
    if not scale_questions:
        return None
    return bar_chart(
        [f"{_('Q')}{number}" for number, _q in enumerate(scale_questions, start=1)],
        [q["mean"] for q in scale_questions],
        title=_("Survey: mean per question (scale 1–5)"),
        decimals=1,
    )


def _status_label(status) -> str:
    return TrafficLight(status).label if status in TrafficLight.values else ""


def _project_for_display(project: dict) -> dict:
    # Labels in the language of the output, also for a report frozen in the other language.
    status = project.get("status")
    return {
        **project,
        "status_label": ProjectStatus(status).label
        if status in ProjectStatus.values
        else project.get("status_label"),
        "indicators": [
            {**indicator, "status_label": _status_label(indicator.get("status"))}
            for indicator in project.get("indicators", [])
        ],
    }


def report_context(report: dict) -> dict:
    """Everything the page and the PDF show: the report plus labels, percentages and charts."""
    shown = report_for_display(report)
    kind_labels = _kind_labels()
    for key in ("meetings", "planned", "cancelled"):
        for row in shown[key]:
            row["kind_label"] = kind_labels.get(row["kind"], row["kind"])
    targets = [
        {
            **row,
            "label": Kpi(row["kpi"]).label,
            "status_label": _status_label(row["status"]),
            "direction_label": Direction(row["direction"]).label if row["direction"] else "",
            "comparison": "≤" if row["direction"] == Direction.AT_MOST else "≥",
            # By key figure, not by the stored unit: also for reports frozen before this was shown.
            "deviation_unit": str(KPI_DEVIATION_UNITS.get(row["kpi"], row.get("unit", ""))),
            # A survey mean reads with one decimal, as in the survey section ("4,0", not "4").
            "is_survey_mean": row["kpi"] == Kpi.SURVEY_SATISFACTION,
        }
        for row in report["targets"]
    ]
    survey = report.get("survey")
    projects = report.get("projects")
    if projects:
        projects = {**projects, "projects": [_project_for_display(p) for p in projects.get("projects", [])]}
    return {
        "report": shown,
        "targets": targets,
        "targets_set": [row for row in targets if row["target"] is not None],
        "meetings_by_kind": [
            (kind_labels.get(kind, kind), count) for kind, count in report["meetings_by_kind"].items()
        ],
        "survey": survey,
        "survey_questions": _numbered_questions(survey),
        "projects": projects,
        "charts": report_charts(shown),
    }


def _numbered_questions(survey: dict | None) -> list[dict]:
    questions = (survey or {}).get("questions", [])
    return [{**question, "number": number} for number, question in enumerate(questions, start=1)]


# The year page shows the figures; the long lists have pages of their own (`section_context`).
SECTION_TITLES = {
    "meetings": gettext_lazy("Meetings and workshops"),
    "members": gettext_lazy("Attendance per member"),
    "projects": gettext_lazy("Joint projects"),
    "survey": gettext_lazy("Feedback survey"),
}
SECTION_PAGE_SIZES = {"meetings": 50, "members": 50, "projects": 20}


def section_links(report: dict) -> list[dict]:
    """The year page's links to the long lists, each with how long it is."""
    projects = report.get("projects") or {}
    survey = report.get("survey")
    return [
        {
            "section": "meetings",
            "title": SECTION_TITLES["meetings"],
            "summary": _("%(held)s held, %(planned)s planned, %(cancelled)s cancelled")
            % {
                "held": report["meetings_held"],
                "planned": report["meetings_planned"],
                "cancelled": report["meetings_cancelled"],
            },
        },
        {
            "section": "members",
            "title": SECTION_TITLES["members"],
            "summary": _("%(count)s members") % {"count": report["member_count"]},
        },
        {
            "section": "projects",
            "title": SECTION_TITLES["projects"],
            "summary": _("%(running)s running, %(started)s started, %(completed)s completed")
            % {
                "running": projects.get("running", 0),
                "started": projects.get("started", 0),
                "completed": projects.get("completed", 0),
            },
        },
        {
            "section": "survey",
            "title": SECTION_TITLES["survey"],
            "summary": _("%(answered)s of %(invited)s answered")
            % {"answered": survey["answered"], "invited": survey["invited"]}
            if survey
            else _("No feedback survey in this year."),
        },
    ]


def _with_dates(rows: list[dict]) -> list[dict]:
    kind_labels = _kind_labels()
    return [
        {**row, "date": parse_date(row["date"]), "kind_label": kind_labels.get(row["kind"], row["kind"])}
        for row in rows
    ]


def section_context(report: dict, *, section: str, page_number) -> dict:
    """One long list of the report (live or frozen), a page of it at a time."""
    context = {
        "section": section,
        "section_title": SECTION_TITLES[section],
        "generated_at": parse_datetime(report["generated_at"]) if report.get("generated_at") else None,
        "page": None,
    }
    shown = {"year": report["year"]}
    if section in SECTION_PAGE_SIZES:
        rows = {
            "meetings": report.get("meetings", []),
            "members": report.get("member_attendance", []),
            "projects": (report.get("projects") or {}).get("projects", []),
        }[section]
        context["page"] = Paginator(rows, SECTION_PAGE_SIZES[section]).get_page(page_number)
        rows = list(context["page"].object_list)
    if section == "meetings":
        shown.update(
            {
                "member_count": report["member_count"],
                "meetings": _with_dates(rows),
                "planned": _with_dates(report["planned"]),
                "cancelled": _with_dates(report["cancelled"]),
                "meetings_cancelled": report["meetings_cancelled"],
            }
        )
    elif section == "members":
        shown.update(
            {"member_attendance": rows, "meetings_with_attendance": report["meetings_with_attendance"]}
        )
    elif section == "projects":
        projects = report.get("projects")
        context["projects"] = (
            {**projects, "projects": [_project_for_display(p) for p in rows]} if projects else None
        )
    elif section == "survey":
        survey = report.get("survey")
        context["survey"] = survey
        context["survey_questions"] = _numbered_questions(survey)
        context["survey_chart"] = survey_chart(survey)
    context["report"] = shown
    return context


def report_pdf(report: dict, *, language: str) -> bytes:
    """The A4 report as PDF in German or English (WeasyPrint; DejaVu Sans is embedded)."""
    from weasyprint import HTML

    with translation.override(language):
        context = report_context(report)
        context["language"] = language
        context["created"] = timezone.localtime(
            context["report"]["frozen_at"] or context["report"]["generated_at"]
        )
        html = render_to_string("controlling/report_pdf.html", context)
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_json(report: dict) -> str:
    return json.dumps(report, cls=ReportJSONEncoder, ensure_ascii=False, indent=2)


CSV_HEADER = ["section", "item", "measure", "value"]


def report_csv(report: dict) -> str:
    """The report in long format (one number per row), easy to filter in a spreadsheet."""
    rows = [
        ("summary", "", key, report[key])
        for key in (
            "year",
            "meetings_held",
            "meetings_cancelled",
            "meetings_planned",
            "meetings_without_attendance",
            "participants_total",
            "unique_participants",
            "members_represented_in_year",
            "member_count",
        )
    ]
    rows += [
        ("meetings_by_kind", kind, "meetings_held", count)
        for kind, count in report["meetings_by_kind"].items()
    ]
    for key in ("participants_per_meeting", "members_represented_per_meeting"):
        rows += [("summary", "", f"{key}_{stat}", value) for stat, value in report[key].items()]
    for meeting in report["meetings"]:
        item = f"{meeting['date']} {meeting['title']}"
        rows += [
            ("meeting", item, "kind", meeting["kind"]),
            ("meeting", item, "participants", meeting["participants"]),
            ("meeting", item, "members_represented", meeting["members_represented"]),
        ]
    for member in report["member_attendance"]:
        rows += [
            ("member_attendance", member["organisation"], "meetings_attended", member["meetings_attended"]),
            ("member_attendance", member["organisation"], "rate", member["rate"]),
        ]
    for target in report["targets"]:
        rows += [
            ("target", target["kpi"], measure, target[measure])
            for measure in ("target", "actual", "deviation", "status")
        ]
    projects = report.get("projects") or {}
    rows += [("projects", "", key, projects.get(key)) for key in ("running", "started", "completed")]
    survey = report.get("survey")
    if survey:
        rows += [
            ("survey", survey["title"], key, survey[key])
            for key in ("invited", "answered", "response_rate", "satisfaction_mean")
        ]
        rows += [("survey_question", q["text"], "mean", q["mean"]) for q in survey["questions"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue()
