"""Reads for the projects app. Query counts stay constant whatever the number of rows."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Organisation
from regionalbuendnis import charts, indicators

from .enums import ActivityStatus, Direction, Field, ProjectStatus
from .imports import ExampleRow
from .models import (
    ClimateActivity,
    Co2Factor,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectDocument,
    StatusChange,
)
from .templatetags.projects_format import indicator_table, number


def _changed_to(status: str, first_day: datetime.date, last_day: datetime.date):
    """Whether a project's status was changed to `status` between two days (subquery)."""
    return Exists(
        StatusChange.objects.filter(
            project=OuterRef("pk"), to_status=status, changed_on__range=(first_day, last_day)
        )
    )


def _status_on(day: datetime.date):
    """A project's status on a day, from its dated history (subquery; None before any entry)."""
    return Subquery(
        StatusChange.objects.filter(project=OuterRef("pk"), changed_on__lte=day)
        .order_by("-changed_on", "-recorded_at", "-pk")
        .values("to_status")[:1]
    )


def _region_values(year=None):
    # In the order of the unique (indicator, year) index for the region's values: PostgreSQL then
    # reads just those (ordered by year alone, it filtered all of the indicators' values per member).
    values = IndicatorValue.objects.filter(organisation__isnull=True).order_by("indicator_id", "year")
    if year is not None:
        values = values.filter(year=year)
    return Prefetch("values", queryset=values, to_attr="region_values")


def member_count(on=None) -> int:
    """The number of current members (the "of 17" in "x of 17")."""
    return Organisation.objects.active_members(on).count()


# --- Joint projects -------------------------------------------------------------------------


def project_list(*, status: str = "", field: str = "", member: Organisation | None = None, search: str = ""):
    """Projects with their lead and number of participating members; filters combine."""
    overdue = Milestone.objects.filter(
        project=OuterRef("pk"), done_on__isnull=True, due_on__lt=timezone.localdate()
    )
    # A subquery, not Count() over a join: PostgreSQL then walks the (title, id) index and counts
    # for the 20 projects of the page only, instead of grouping all projects' participations first.
    participants = (
        Project.participants.through.objects.filter(project=OuterRef("pk"), organisation__is_member=True)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = (
        Project.objects.select_related("lead_organisation")
        .annotate(
            participant_count=Coalesce(Subquery(participants), 0),
            has_overdue_milestones=Exists(overdue),
        )
        .order_by("title", "pk")
    )
    if status:
        projects = projects.filter(status=status)
    if field:
        projects = projects.filter(field=field)
    if member is not None:
        projects = projects.filter(
            Q(lead_organisation=member) | Q(pk__in=member.participating_projects.values("pk"))
        )
    if search:
        projects = projects.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return projects


def project_detail(*, pk: int, viewer=None) -> Project:
    """The project with everything its page shows, in a fixed number of queries.

    With a `viewer`, each meeting carries `viewer_invited` (invited to it or attended it), which
    meetings.permissions.can_view_meeting takes instead of a query per meeting.
    """
    return (
        Project.objects.select_related("lead_organisation", "created_by")
        .prefetch_related(
            Prefetch("participants", queryset=Organisation.objects.order_by("sort_name")),
            "contacts",
            Prefetch("meetings", queryset=_meetings_queryset(viewer=viewer)),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("changed_by"),
            ),
            "milestones",
            "links",
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.select_related("author", "organisation").prefetch_related(
                    "documents"
                ),
            ),
            Prefetch(
                "documents",
                queryset=ProjectDocument.objects.filter(progress_update__isnull=True).select_related(
                    "uploaded_by"
                ),
                to_attr="own_documents",
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("source_indicator").prefetch_related(
                    _region_values()
                ),
            ),
        )
        .get(pk=pk)
    )


def _meetings_queryset(*, viewer=None):
    from meetings.models import Attendance, Invitation, Meeting

    meetings = Meeting.objects.order_by("-start")
    if viewer is None or not viewer.is_authenticated or viewer.is_coordinator:
        return meetings  # can_view_meeting decides these without looking up invitations
    return meetings.annotate(
        viewer_invited=Exists(Invitation.objects.filter(meeting=OuterRef("pk"), person=viewer))
        | Exists(Attendance.objects.filter(meeting=OuterRef("pk"), person=viewer))
    )


def meeting_choices():
    """Meetings to link a project to, newest first."""
    return _meetings_queryset()


def can_post_update(user, project: Project) -> bool:
    """The coordinator, or a representative/deputy of the lead or a participating member."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    own = {org.pk for org in user.member_organisations}
    if not own:
        return False
    if project.lead_organisation_id in own:
        return True
    # Uses the prefetched participants of the detail page when present.
    return any(org.pk in own for org in project.participants.all())


def status_history(*, project: Project) -> list[StatusChange]:
    return list(project.status_changes.select_related("changed_by"))


# --- Indicators -----------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """One year of an indicator: target, actual, deviation and the traffic light."""

    year: int
    target: Decimal | None
    actual: Decimal | None
    deviation: Decimal | None
    deviation_ratio: Decimal | None
    status: str
    status_label: str


def indicator_row(
    indicator: Indicator, value: IndicatorValue | None, year: int, *, status_labels: dict | None = None
) -> IndicatorRow:
    target = value.target if value else None
    actual = value.actual if value else None
    status = indicators.traffic_light(
        actual, target, higher_is_better=indicator.higher_is_better, tolerance=indicator.tolerance
    )
    return IndicatorRow(
        year=year,
        target=target,
        actual=actual,
        deviation=indicators.deviation(actual, target),
        deviation_ratio=indicators.deviation_ratio(actual, target),
        status=status,
        status_label=status_labels[status] if status_labels else indicators.traffic_light_label(status),
    )


def _traffic_light_labels() -> dict[str, str]:
    """The traffic lights' labels, translated once for a whole table."""
    lights = (indicators.GREEN, indicators.AMBER, indicators.RED, indicators.NONE)
    return {light: indicators.traffic_light_label(light) for light in lights}


def indicator_rows(
    indicator: Indicator, region_values, *, status_labels: dict | None = None
) -> list[IndicatorRow]:
    """Region-wide rows for every year from the first to the last one with a value."""
    by_year = {value.year: value for value in region_values}
    if not by_year:
        return []
    status_labels = status_labels or _traffic_light_labels()
    return [
        indicator_row(indicator, by_year.get(year), year, status_labels=status_labels)
        for year in range(min(by_year), max(by_year) + 1)
    ]


def _as_float(value):
    return None if value is None else float(value)


def indicator_chart(indicator: Indicator, rows: list[IndicatorRow]):
    """Target vs actual over the years as server-rendered SVG (None when there are no values)."""
    if not rows:
        return None
    return charts.line_chart(
        [row.year for row in rows],
        {
            _("Target"): [_as_float(row.target) for row in rows],
            _("Actual"): [_as_float(row.actual) for row in rows],
        },
        title=str(indicator),
        unit=f" {indicator.unit}" if indicator.unit else "",
    )


def indicator_cards(indicator_list) -> list[dict]:
    """Table rows and chart per indicator; expects `region_values` prefetched.

    With the texts the card shows: the direction, the tolerance and the table's cells formatted
    once here (filters on every cell in the template took most of the alliance indicators page).
    """
    status_labels = _traffic_light_labels()
    directions = {value: str(label) for value, label in Direction.choices}
    cards = []
    for indicator in indicator_list:
        rows = indicator_rows(indicator, indicator.region_values, status_labels=status_labels)
        cards.append(
            {
                "indicator": indicator,
                "rows": rows,
                "chart": indicator_chart(indicator, rows),
                "direction": directions.get(indicator.direction, indicator.direction),
                "tolerance": number(indicator.tolerance_percent),
                "table": indicator_table(rows),
            }
        )
    return cards


def alliance_indicators():
    """Indicators of the alliance as a whole (no project), with their region-wide values."""
    return Indicator.objects.filter(project__isnull=True).prefetch_related(_region_values())


def indicator_detail(*, pk: int) -> Indicator:
    return (
        Indicator.objects.select_related("project", "source_indicator")
        .prefetch_related(_region_values())
        .get(pk=pk)
    )


def indicator_organisation_table(*, indicator: Indicator) -> dict:
    """Actual (and target) values per organisation and year, for the matrix on the indicator page."""
    values = list(
        indicator.values.filter(organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__sort_name", "year")
    )
    years = sorted({value.year for value in values})
    rows = {}
    for value in values:
        row = rows.setdefault(value.organisation_id, {"organisation": value.organisation, "cells": {}})
        row["cells"][value.year] = value
    return {
        "years": years,
        "rows": [
            {"organisation": row["organisation"], "cells": [row["cells"].get(year) for year in years]}
            for row in rows.values()
        ],
    }


def value_organisations(*, indicator: Indicator) -> list[Organisation]:
    """Who may have values: the project's lead and participants, or every member for the alliance."""
    if indicator.project_id is None:
        return list(Organisation.objects.members().order_by("sort_name"))
    project = indicator.project
    return list(
        Organisation.objects.filter(Q(pk=project.lead_organisation_id) | Q(participating_projects=project))
        .distinct()
        .order_by("sort_name")
    )


# The import page's example while an indicator has no values yet: small round numbers, plausible
# for counts ("Kommunen"), percentages and amounts alike, and clearly an example.
GENERIC_EXAMPLE = ((Decimal("10"), Decimal("8")), (Decimal("1"), Decimal("1")))


def import_example(*, indicator: Indicator) -> list[ExampleRow]:
    """Lines for the import page's example file: the indicator's own latest values (the region's and
    one organisation's), so numbers and unit fit it; a generic pair while it has none."""
    latest = indicator.values.order_by("-year").values_list("year", flat=True).first()
    if latest is not None:
        values = (
            indicator.values.filter(year=latest)
            .select_related("organisation")
            .order_by(F("organisation__sort_name").asc(nulls_first=True))[:2]
        )
        return [
            ExampleRow(
                year=value.year,
                organisation=(value.organisation.short_name or value.organisation.name)
                if value.organisation
                else "",
                target=value.target,
                actual=value.actual,
            )
            for value in values
        ]
    this_year = timezone.localdate().year
    year = this_year - 1
    if indicator.project_id and indicator.project.start:
        year = max(year, indicator.project.start.year)
    organisations = sorted(value_organisations(indicator=indicator), key=lambda org: not org.is_member)
    names = [""] + [org.short_name or org.name for org in organisations[:1]]
    return [
        # No actual value for a future year (a project that has not started yet).
        ExampleRow(year=year, organisation=name, target=target, actual=actual if year <= this_year else None)
        for name, (target, actual) in zip(names, GENERIC_EXAMPLE, strict=False)
    ]


MAX_GRID_YEARS = 16


def grid_years(*, indicator: Indicator, first: int | None = None, last: int | None = None) -> list[int]:
    """Years shown in the grid: by default from the start (at most 8 years back) to next year.

    At most MAX_GRID_YEARS columns, and never none (a project starting in years ahead shows its
    first year).
    """
    this_year = timezone.localdate().year
    last = last or this_year + 1
    if first is None:
        start = indicator.project.start if indicator.project_id and indicator.project.start else None
        first = max(start.year if start else this_year - 4, last - 8)
    last = max(last, first)
    first = max(first, last - MAX_GRID_YEARS + 1)
    return list(range(first, last + 1))


def grid_values(*, indicator: Indicator, years: list[int]) -> dict:
    """Existing values keyed by (organisation pk or None, year)."""
    values = indicator.values.filter(year__in=years)
    return {(value.organisation_id, value.year): value for value in values}


def co2_factors():
    return Co2Factor.objects.order_by("year")


# --- Member climate activities --------------------------------------------------------------


def activity_list(
    *,
    organisation: Organisation | None = None,
    field: str = "",
    year: int | None = None,
    status: str = "",
    search: str = "",
):
    activities = ClimateActivity.objects.select_related("organisation").order_by(
        "-year", "organisation__sort_name", "title", "pk"
    )
    if organisation is not None:
        activities = activities.filter(organisation=organisation)
    if field:
        activities = activities.filter(field=field)
    if year:
        activities = activities.filter(year=year)
    if status:
        activities = activities.filter(status=status)
    if search:
        activities = activities.filter(
            Q(title__icontains=search)
            | Q(summary__icontains=search)
            | Q(organisation__name__icontains=search)
        )
    return activities


def activity_overlaps(activities) -> list[dict]:
    """Fields in which several members are active (dropped activities aside): where joint
    projects could start. Two queries over the filtered catalogue; most members first."""
    fields_of = {}
    active = activities.exclude(status=ActivityStatus.DROPPED).order_by()
    for organisation_id, field in active.values_list("organisation_id", "field").distinct():
        fields_of.setdefault(organisation_id, set()).add(field)
    # The names in a query of their own (organisations are few): joined to every activity, they
    # made the database group wide rows and cost twice the time.
    organisations = Organisation.objects.values_list("pk", "sort_name", "short_name", "name")
    members = {field: [] for field in Field}
    for pk, _sort_name, short_name, name in sorted(organisations, key=lambda row: row[1:]):
        for field in members:
            if field in fields_of.get(pk, ()):
                members[field].append(short_name or name)
    overlaps = [
        # The names joined once here: the template's |join escaped hundreds of names one by one.
        {"field": field, "label": field.label, "members": names, "member_names": ", ".join(names)}
        for field, names in members.items()
        if len(names) >= 2
    ]
    return sorted(overlaps, key=lambda overlap: (-len(overlap["members"]), str(overlap["label"])))


def activity_years() -> list[int]:
    return list(ClimateActivity.objects.order_by("-year").values_list("year", flat=True).distinct())


def can_edit_activity(user, activity: ClimateActivity) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_coordinator or user.speaks_for(activity.organisation)


def activity_organisations_for(user) -> list[Organisation]:
    """The members a person may document activities for."""
    if user.is_coordinator:
        return list(Organisation.objects.members().order_by("sort_name"))
    return list(user.member_organisations)


# --- Other pages: member page, dashboard, controlling --------------------------------------


def organisation_sections(organisation: Organisation) -> list[dict]:
    """The member page's sections on joint projects and climate activities (two queries)."""
    projects = list(
        Project.objects.filter(
            Q(lead_organisation=organisation) | Q(pk__in=organisation.participating_projects.values("pk"))
        )
        .select_related("lead_organisation")
        .order_by("title", "pk")
    )
    activities = list(organisation.climate_activities.order_by("-year", "title", "pk"))
    return [
        {
            "template": "projects/includes/organisation_projects.html",
            "organisation": organisation,
            "projects": projects,
        },
        {
            "template": "projects/includes/organisation_activities.html",
            "organisation": organisation,
            "activities": activities,
        },
    ]


def dashboard_sections(user) -> list[dict]:
    """Overdue milestones: all of them for the coordinator, those of one's own members' projects else."""
    today = timezone.localdate()
    milestones = Milestone.objects.filter(done_on__isnull=True, due_on__lt=today).select_related("project")
    own_projects = None
    if not user.is_coordinator:
        own = [org.pk for org in user.member_organisations]
        if not own:
            return []
        mine = Q(lead_organisation__in=own) | Q(participants__in=own)
        project_ids = Project.objects.filter(mine).values("pk")
        milestones = milestones.filter(project__in=project_ids)
        own_projects = list(
            Project.objects.filter(pk__in=project_ids)
            .exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.DROPPED])
            .select_related("lead_organisation")
            .order_by("title", "pk")[:10]
        )
    return [
        {
            "template": "projects/includes/dashboard_card.html",
            "overdue_milestones": list(milestones.order_by("due_on", "pk")[:10]),
            "own_projects": own_projects,
        }
    ]


def controlling_projects(*, year: int) -> dict:
    """Joint projects for the success controlling of a year (three queries).

    Listed: projects running at some time in the year (by their dated status history, so the report
    of a past year does not change when a project ends later), started in the year, or completed in
    the year (changed to "completed" in it and still so at its end). The status shown, and counted as
    "running", is the one at the end of the year (today's for the year under way). Each with its
    region-wide indicator values of that year.
    """
    projects = list(
        _projects_of_year(year)
        .select_related("lead_organisation")
        .annotate(
            participant_count=Count("participants", filter=Q(participants__is_member=True), distinct=True),
        )
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related(_region_values(year)))
        )
        .order_by("title", "pk")
    )

    listed = []
    for project in projects:
        indicator_list = []
        for indicator in project.indicators.all():
            value = indicator.region_values[0] if indicator.region_values else None
            row = indicator_row(indicator, value, year)
            indicator_list.append(
                {
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "target": row.target,
                    "actual": row.actual,
                    "deviation": row.deviation,
                    "status": row.status,
                    "status_label": row.status_label,
                }
            )
        status = project.status_at_year_end or project.status
        listed.append(
            {
                "title": project.title,
                "status": status,
                "status_label": ProjectStatus(status).label,
                "lead": project.lead_organisation.name,
                "participants": project.participant_count,
                "indicators": indicator_list,
            }
        )
    return {**_year_counts(projects, year), "projects": listed}


def _projects_of_year(year: int):
    """The projects the controlling of `year` lists, annotated with their dated status."""
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Project.objects.annotate(
            completed_in_year=_changed_to(ProjectStatus.COMPLETED, year_start, year_end),
            status_before_year=_status_on(year_start - datetime.timedelta(days=1)),
            status_at_year_end=_status_on(year_end),
            became_running_in_year=_changed_to(ProjectStatus.RUNNING, year_start, year_end),
        )
        .annotate(
            running_in_year=Q(status_before_year=ProjectStatus.RUNNING)
            | Q(became_running_in_year=True)
            # Without any history before the year's end, only the current status can tell.
            | Q(status_at_year_end__isnull=True, status=ProjectStatus.RUNNING)
        )
        .filter(
            Q(running_in_year=True)
            | Q(start__year=year)
            | Q(completed_in_year=True, status_at_year_end=ProjectStatus.COMPLETED)
        )
    )


def _year_counts(projects, year: int) -> dict:
    def completed_in_year(project):
        return project.completed_in_year and project.status_at_year_end == ProjectStatus.COMPLETED

    return {
        "running": sum(1 for p in projects if (p.status_at_year_end or p.status) == ProjectStatus.RUNNING),
        "started": sum(1 for p in projects if p.start is not None and p.start.year == year),
        "completed": sum(1 for p in projects if completed_in_year(p)),
    }


def controlling_project_counts(*, year: int) -> dict:
    """Only the counts of `controlling_projects` (running, started, completed): one query that
    reads no participants or indicators, for the controlling year page."""
    projects = list(_projects_of_year(year).only("pk", "status", "start"))
    return _year_counts(projects, year)
