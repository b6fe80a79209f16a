"""The report's presentations: template context with labels and charts, PDF, JSON and CSV.

All of them are made from the one report dict (`selectors.controlling_report` or a frozen
snapshot), so page, PDF and machine-readable output always say the same.
"""

import csv
import io
import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetings.enums import MeetingKind
from projects.enums import ProjectStatus
from regionalbuendnis.charts import bar_chart, line_chart

from .enums import Direction, Kpi, TrafficLight
from .selectors import ReportJSONEncoder, report_for_display

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def report_language(requested: str | None) -> str:
    """`?lang=de|en` if given and known, else the current language."""
    if requested in LANGUAGES:
        return requested
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


def _kind_label(kind: str) -> str:
    return str(dict(MeetingKind.choices).get(kind, kind))


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
        charts["members_per_meeting"] = bar_chart(
            [date_format(row["date"], "d.m.") for row in meetings],
            [row["members_represented"] for row in meetings],
            title=_("Members represented per meeting in %(year)s (of %(count)s)")
            % {"year": report["year"], "count": report["member_count"]},
        )
    survey = report.get("survey")
    scale_questions = [q for q in (survey or {}).get("questions", []) if q.get("mean") is not None]
    if scale_questions:
        charts["survey"] = bar_chart(
            [f"{_('Q')}{number}" for number, _q in enumerate(scale_questions, start=1)],
            [q["mean"] for q in scale_questions],
            title=_("Survey: mean per question (scale 1–5)"),
        )
    return charts


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
    for key in ("meetings", "planned", "cancelled"):
        for row in shown[key]:
            row["kind_label"] = _kind_label(row["kind"])
    targets = [
        {
            **row,
            "label": Kpi(row["kpi"]).label,
            "status_label": _status_label(row["status"]),
            "direction_label": Direction(row["direction"]).label if row["direction"] else "",
            "comparison": "≤" if row["direction"] == Direction.AT_MOST else "≥",
        }
        for row in report["targets"]
    ]
    survey = report.get("survey")
    projects = report.get("projects")
    if projects:
        projects = {**projects, "projects": [_project_for_display(p) for p in projects["projects"]]}
    survey_questions = []
    if survey:
        survey_questions = [
            {**question, "number": number} for number, question in enumerate(survey["questions"], start=1)
        ]
    return {
        "report": shown,
        "targets": targets,
        "targets_set": [row for row in targets if row["target"] is not None],
        "meetings_by_kind": [
            (_kind_label(kind), count) for kind, count in report["meetings_by_kind"].items()
        ],
        "survey": survey,
        "survey_questions": survey_questions,
        "projects": projects,
        "charts": report_charts(shown),
    }


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
