"""Writes for the projects app: validated with full_clean, each in one transaction.

Bad input raises ValidationError keyed by field and changes nothing.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members.models import Organisation
from regionalbuendnis import uploads

from . import imports
from .enums import Calculation, ProjectStatus
from .models import (
    ClimateActivity,
    Co2Factor,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectDocument,
    ProjectLink,
    StatusChange,
)

GRAMS_PER_TONNE = Decimal(1_000_000)
VALUE_PRECISION = Decimal("0.001")

PROJECT_FIELDS = (
    "title",
    "summary",
    "field",
    "lead_organisation",
    "start",
    "end",
    "budget",
    "funding_programme",
)


def _today():
    return timezone.localdate()


def _not_in_future(day, field: str) -> None:
    if day and day > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _not_before_the_project(day, project: Project, field: str) -> None:
    """An update tells of the project's work: not before its start or, for a project that starts
    later, not before it was entered (preparation, a funding application, comes first)."""
    entered = timezone.localdate(project.created_at) if project.created_at else None
    earliest = min((known for known in (project.start, entered) if known), default=None)
    if day and earliest and day < earliest:
        raise ValidationError(
            {
                field: _(
                    "The date cannot be before the project's start or the day it was entered (%(earliest)s)."
                )
                % {"earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT")}
            }
        )


# --- Projects -------------------------------------------------------------------------------


def _check_participants(participants) -> list[Organisation]:
    participants = list(participants or [])
    if any(not org.is_member for org in participants):
        raise ValidationError({"participants": _("Only members of the alliance can take part in a project.")})
    return participants


def _set_relations(project: Project, *, participants, contacts, meetings) -> None:
    participants = list(participants)
    # A member that leads a project takes part in it: it counts in "x of 17".
    if project.lead_organisation.is_member and project.lead_organisation not in participants:
        participants.append(project.lead_organisation)
    project.participants.set(participants)
    project.contacts.set(list(contacts or []))
    project.meetings.set(list(meetings or []))


@transaction.atomic
def project_create(
    *,
    created_by,
    title: str,
    field: str,
    lead_organisation: Organisation,
    summary: str = "",
    participants=(),
    contacts=(),
    meetings=(),
    start=None,
    end=None,
    budget=None,
    funding_programme: str = "",
    status: str = ProjectStatus.IDEA,
    status_since=None,
) -> Project:
    participants = _check_participants(participants)
    if status not in ProjectStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    status_since = status_since or _today()
    _not_in_future(status_since, "status_since")
    project = Project(
        title=title.strip(),
        summary=summary.strip(),
        field=field,
        lead_organisation=lead_organisation,
        start=start,
        end=end,
        budget=budget,
        funding_programme=funding_programme.strip(),
        status=status,
        created_by=created_by,
    )
    project.full_clean()
    project.save()
    _set_relations(project, participants=participants, contacts=contacts, meetings=meetings)
    StatusChange.objects.create(
        project=project, from_status="", to_status=status, changed_on=status_since, changed_by=created_by
    )
    return project


@transaction.atomic
def project_update(*, project: Project, participants=None, contacts=None, meetings=None, **fields) -> Project:
    """Changes the project's data; the status changes only through project_change_status."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update() got unexpected fields: {', '.join(sorted(unknown))}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.full_clean()
    if project.start:
        earlier = (
            IndicatorValue.objects.filter(indicator__project=project, year__lt=project.start.year)
            .order_by("year")
            .values_list("year", flat=True)
            .first()
        )
        if earlier is not None:
            raise ValidationError(
                {
                    "start": _(
                        "The project has indicator values for %(year)s, before this start. "
                        "Correct those values first."
                    )
                    % {"year": earlier}
                }
            )
    project.save()
    _set_relations(
        project,
        participants=_check_participants(
            project.participants.all() if participants is None else participants
        ),
        contacts=project.contacts.all() if contacts is None else contacts,
        meetings=project.meetings.all() if meetings is None else meetings,
    )
    return project


@transaction.atomic
def project_change_status(
    *, project: Project, status: str, reason: str, changed_by, changed_on=None
) -> StatusChange:
    """The only way a project's status changes: records who, when, from → to and why."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    changed_on = changed_on or _today()
    reason = (reason or "").strip()
    errors = {}
    if status not in ProjectStatus.values:
        errors["status"] = _("Choose a valid status.")
    elif status == project.status:
        errors["status"] = _("The project already has this status.")
    if not reason:
        errors["reason"] = _("Give a short reason for the change.")
    if changed_on > _today():
        errors["changed_on"] = _("The date cannot be in the future.")
    else:
        previous = project.status_changes.order_by("-changed_on").values_list("changed_on", flat=True).first()
        if previous and changed_on < previous:
            errors["changed_on"] = _("The date must not be before the previous change (%(date)s).") % {
                "date": formats.date_format(previous, "SHORT_DATE_FORMAT")
            }
    if errors:
        raise ValidationError(errors)
    change = StatusChange(
        project=project,
        from_status=project.status,
        to_status=status,
        changed_on=changed_on,
        reason=reason,
        changed_by=changed_by,
    )
    change.full_clean()
    change.save()
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    return change


# --- Milestones, links, documents, progress updates -----------------------------------------


@transaction.atomic
def milestone_create(*, project: Project, title: str, due_on, done_on=None) -> Milestone:
    _not_in_future(done_on, "done_on")
    milestone = Milestone(project=project, title=title.strip(), due_on=due_on, done_on=done_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, title: str, due_on, done_on=None) -> Milestone:
    _not_in_future(done_on, "done_on")
    milestone.title, milestone.due_on, milestone.done_on = title.strip(), due_on, done_on
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, done_on=None) -> Milestone:
    done_on = done_on or _today()
    _not_in_future(done_on, "done_on")
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


@transaction.atomic
def link_create(*, project: Project, title: str, url: str) -> ProjectLink:
    link = ProjectLink(project=project, title=title.strip(), url=url.strip())
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def link_delete(*, link: ProjectLink) -> None:
    link.delete()


def _store_document(*, project, upload, uploaded_by, title="", progress_update=None) -> ProjectDocument:
    checked = uploads.check_upload(upload)
    document = ProjectDocument(
        project=project,
        progress_update=progress_update,
        title=(title or "").strip(),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=uploaded_by,
    )
    document.full_clean(exclude=["file"])
    document.file.save(upload.name, upload, save=False)
    try:
        document.save()
    except Exception:
        # No row, no file: the stored file must not stay behind.
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_create(*, project: Project, upload, uploaded_by, title: str = "") -> ProjectDocument:
    return _store_document(project=project, upload=upload, uploaded_by=uploaded_by, title=title)


@transaction.atomic
def document_delete(*, document: ProjectDocument) -> None:
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _author_organisation(author, project: Project) -> Organisation | None:
    """The member the author writes for: the lead or a participant they speak for."""
    own = {org.pk: org for org in author.member_organisations}
    if project.lead_organisation_id in own:
        return own[project.lead_organisation_id]
    match = project.participants.filter(pk__in=own).order_by("sort_name").first()
    return match


@transaction.atomic
def progress_update_create(
    *, project: Project, author, text: str, date=None, upload=None, document_title: str = ""
) -> ProgressUpdate:
    date = date or _today()
    _not_in_future(date, "date")
    _not_before_the_project(date, project, "date")
    document_title = (document_title or "").strip()
    if upload is None and document_title:
        # The title alone would be dropped without a word: ask for the file instead.
        raise ValidationError({"document": _("Choose a file for this title, or leave the title empty.")})
    update = ProgressUpdate(
        project=project,
        author=author,
        organisation=None if author.is_coordinator else _author_organisation(author, project),
        date=date,
        text=(text or "").strip(),
    )
    update.full_clean()
    update.save()
    if upload is not None:
        try:
            _store_document(
                project=project,
                upload=upload,
                uploaded_by=author,
                title=document_title,
                progress_update=update,
            )
        except ValidationError as error:
            raise ValidationError({"document": error.message_dict.get("file", error.messages)}) from error
    return update


# --- Indicators and their values ------------------------------------------------------------


@transaction.atomic
def indicator_create(*, project: Project | None, **fields) -> Indicator:
    indicator = Indicator(project=project, **fields)
    indicator.full_clean()
    indicator.save()
    if indicator.is_computed:
        _recompute_co2(indicator)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, **fields) -> Indicator:
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    was_computed = indicator.is_computed
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    if indicator.is_computed and not was_computed and indicator.derived_indicators.exists():
        raise ValidationError({"calculation": _("Other indicators are computed from this one.")})
    indicator.save()
    if indicator.is_computed:
        _recompute_co2(indicator)
    return indicator


@dataclass
class ValueInput:
    """One cell of the grid or one row of an import; `line` is set for imports."""

    year: int
    organisation: Organisation | None
    target: Decimal | None
    actual: Decimal | None
    line: int | None = None


def _value_problems(indicator: Indicator, value: ValueInput, allowed_ids: set) -> list[str]:
    problems = []
    project = indicator.project
    if project is not None and project.start and value.year < project.start.year:
        problems.append(
            _("%(year)s is before the project's start (%(start)s).")
            % {"year": value.year, "start": project.start.year}
        )
    if value.year < 1990:
        problems.append(_("%(year)s is not a plausible year.") % {"year": value.year})
    if value.actual is not None and value.year > _today().year:
        problems.append(
            _("An actual value cannot be entered for a future year (%(year)s).") % {"year": value.year}
        )
    if value.organisation is not None and value.organisation.pk not in allowed_ids:
        if indicator.project_id:
            problems.append(
                _("%(organisation)s does not take part in the project.")
                % {"organisation": value.organisation}
            )
        else:
            problems.append(
                _("%(organisation)s is not a member of the alliance.") % {"organisation": value.organisation}
            )
    for number in (value.target, value.actual):
        if number is not None and (abs(number) >= Decimal("1e15") or number.as_tuple().exponent < -3):
            problems.append(
                _("%(number)s has too many digits (at most three decimal places).") % {"number": number}
            )
    return problems


def _allowed_organisation_ids(indicator: Indicator) -> set:
    from .selectors import value_organisations

    return {org.pk for org in value_organisations(indicator=indicator)}


def _refuse_computed(indicator: Indicator) -> None:
    if indicator.is_computed:
        raise ValidationError(
            {
                "__all__": _(
                    "The values of this indicator are computed from %(source)s; enter the kilometres there."
                )
                % {"source": indicator.source_indicator}
            }
        )


def _save_values(indicator: Indicator, values: list[ValueInput], *, updated_by, keep_unset: bool) -> None:
    # The indicator row is locked by the caller: no one else writes its values meanwhile.
    existing = {(v.organisation_id, v.year): v for v in indicator.values.order_by()}
    for value in values:
        key = (value.organisation.pk if value.organisation else None, value.year)
        row = existing.get(key)
        target, actual = value.target, value.actual
        if keep_unset and row is not None:
            target = row.target if target is None else target
            actual = row.actual if actual is None else actual
        if target is None and actual is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = IndicatorValue(indicator=indicator, year=value.year, organisation=value.organisation)
        row.target, row.actual, row.updated_by = target, actual, updated_by
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
    for derived in indicator.derived_indicators.all():
        _recompute_co2(derived)


@transaction.atomic
def indicator_values_save(*, indicator: Indicator, values: list[ValueInput], updated_by) -> None:
    """Saves a grid of values: an empty cell clears, a cell pair without values removes the row.

    Everything is checked first; with one problem nothing is saved.
    """
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("project", "source_indicator")
        .get(pk=indicator.pk)
    )
    _refuse_computed(indicator)
    allowed = _allowed_organisation_ids(indicator)
    errors = []
    for value in values:
        place = value.organisation.display_name if value.organisation else _("Whole region")
        errors += [
            f"{value.year}, {place}: {problem}" for problem in _value_problems(indicator, value, allowed)
        ]
    if errors:
        raise ValidationError({"__all__": errors})
    _save_values(indicator, values, updated_by=updated_by, keep_unset=False)


def _organisation_lookup() -> dict:
    lookup = {}
    for org in Organisation.objects.all():
        for key in {org.name, org.short_name, org.slug}:
            if key:
                lookup.setdefault(key.strip().casefold(), org)
    return lookup


@transaction.atomic
def indicator_values_import(*, indicator: Indicator, upload, updated_by) -> int:
    """Imports a CSV/XLSX file all-or-nothing; every bad row is reported with its line number.

    Columns: year, organisation (empty or "Region" for the whole region), target and/or actual,
    optionally unit (must match the indicator's unit). Returns the number of rows saved.
    """
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("project", "source_indicator")
        .get(pk=indicator.pk)
    )
    _refuse_computed(indicator)
    rows = imports.read_rows(upload)
    allowed = _allowed_organisation_ids(indicator)
    organisations = _organisation_lookup()
    expected_unit = imports.normalise_unit(indicator.unit)
    seen = {}
    values, errors = [], []
    for row in rows:
        problems = []
        try:
            year = imports.parse_year(row.year)
        except ValueError:
            year = None
            problems.append(_("the year “%(value)s” is not a year.") % {"value": row.year or ""})
        organisation = None
        if not imports.is_region(row.organisation):
            organisation = organisations.get(row.organisation.casefold())
            if organisation is None:
                problems.append(_("unknown organisation “%(value)s”.") % {"value": row.organisation})
        numbers = {}
        for column, label in (("target", _("target")), ("actual", _("actual"))):
            raw = getattr(row, column)
            try:
                numbers[column] = imports.parse_decimal(raw)
            except ValueError:
                numbers[column] = None
                problems.append(
                    _("the %(column)s “%(value)s” is not a number.") % {"column": label, "value": raw}
                )
        if not problems and numbers["target"] is None and numbers["actual"] is None:
            problems.append(_("neither a target nor an actual value."))
        if row.unit is not None and row.unit != "" and imports.normalise_unit(row.unit) != expected_unit:
            problems.append(
                _("the unit “%(unit)s” does not match the indicator's unit “%(expected)s”.")
                % {"unit": row.unit, "expected": indicator.unit or "–"}
            )
        if year is not None and (organisation is not None or imports.is_region(row.organisation)):
            key = (organisation.pk if organisation else None, year)
            if key in seen:
                problems.append(
                    _("a second row for the same year and organisation (first in line %(line)s).")
                    % {"line": seen[key]}
                )
            else:
                seen[key] = row.line
        if year is not None and not problems:
            value = ValueInput(year, organisation, numbers["target"], numbers["actual"], line=row.line)
            problems += _value_problems(indicator, value, allowed)
            values.append(value)
        errors += [
            _("Line %(line)s: %(problem)s") % {"line": row.line, "problem": problem} for problem in problems
        ]
    if errors:
        raise ValidationError({"file": errors})
    _save_values(indicator, values, updated_by=updated_by, keep_unset=True)
    return len(values)


def co2_tonnes(kilometres: Decimal | None, grams_per_km: Decimal | None) -> Decimal | None:
    """t CO2 avoided = km × g/km ÷ 1,000,000, to the kilogram."""
    if kilometres is None or grams_per_km is None:
        return None
    return (kilometres * grams_per_km / GRAMS_PER_TONNE).quantize(VALUE_PRECISION, rounding=ROUND_HALF_UP)


def _recompute_co2(indicator: Indicator) -> None:
    """Replaces the computed indicator's values by those derived from the kilometres of each year."""
    if indicator.calculation != Calculation.CO2_FROM_KM:
        return
    factors = dict(Co2Factor.objects.values_list("year", "grams_per_km"))
    indicator.values.all().delete()
    derived = []
    for km in IndicatorValue.objects.filter(indicator_id=indicator.source_indicator_id):
        factor = factors.get(km.year)
        target, actual = co2_tonnes(km.target, factor), co2_tonnes(km.actual, factor)
        if target is None and actual is None:
            continue
        derived.append(
            IndicatorValue(
                indicator=indicator,
                year=km.year,
                organisation_id=km.organisation_id,
                target=target,
                actual=actual,
                updated_by=km.updated_by,
            )
        )
    IndicatorValue.objects.bulk_create(derived)


@transaction.atomic
def co2_factor_set(*, year: int, grams_per_km: Decimal, source: str = "") -> Co2Factor:
    """Stores the campaign's CO2 factor of a year and recomputes every CO2 indicator."""
    factor = Co2Factor.objects.select_for_update().filter(year=year).first() or Co2Factor(year=year)
    factor.grams_per_km, factor.source = grams_per_km, (source or "").strip()
    factor.full_clean(validate_unique=False)
    factor.save()
    for indicator in Indicator.objects.filter(calculation=Calculation.CO2_FROM_KM):
        _recompute_co2(indicator)
    return factor


# --- Member climate activities --------------------------------------------------------------


ACTIVITY_FIELDS = ("title", "field", "year", "status", "summary", "link")


@transaction.atomic
def activity_create(*, organisation: Organisation, created_by, **fields) -> ClimateActivity:
    activity = ClimateActivity(organisation=organisation, created_by=created_by, updated_by=created_by)
    for name in ACTIVITY_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(activity, name, value.strip() if isinstance(value, str) else value)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: ClimateActivity, updated_by, **fields) -> ClimateActivity:
    unknown = set(fields) - set(ACTIVITY_FIELDS) - {"organisation"}
    if unknown:
        raise TypeError(f"activity_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    activity.updated_by = updated_by
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, activity: ClimateActivity) -> None:
    activity.delete()
