from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings.permissions import can_view_meeting
from members.permissions import require_coordinator
from regionalbuendnis.forms import apply_service_errors

from . import imports, selectors, services
from .enums import ActivityStatus, Field, ProjectStatus
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    Co2FactorForm,
    DocumentForm,
    ImportForm,
    IndicatorForm,
    IndicatorGridForm,
    LinkForm,
    MilestoneForm,
    ProgressUpdateForm,
    ProjectCreateForm,
    ProjectFilterForm,
    ProjectForm,
    StatusChangeForm,
    YearRangeForm,
)
from .models import ClimateActivity, Indicator, Milestone, Project, ProjectDocument, ProjectLink
from .templatetags.projects_format import period

PROJECTS_PER_PAGE = 20
ACTIVITIES_PER_PAGE = 25
INDICATORS_PER_PAGE = 20


def _filter_query(form) -> str:
    """The valid filters as a query string ending in "&", for the pagination links."""
    data = getattr(form, "cleaned_data", {})
    pairs = []
    for name, value in data.items():
        if value in (None, ""):
            continue
        pairs.append((name, getattr(value, "slug", value)))
    return urlencode(pairs) + "&" if pairs else ""


# --- Joint projects -------------------------------------------------------------------------


@login_required
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    projects = selectors.project_list(
        status=filters.get("status", ""),
        field=filters.get("field", ""),
        member=filters.get("member"),
        search=filters.get("q", "").strip(),
    )
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    _project_rows(page, member_total=selectors.member_count())
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "filter_form": form,
            "extra_query": _filter_query(form),
            "can_create": request.user.is_coordinator,
        },
    )


def _project_rows(projects, *, member_total: int) -> None:
    """Each project's link, labels, members taking part ("3 of 17") and period, computed once
    rather than per row in the template (a reverse(), an include and translations per row)."""
    url = _url_pattern("projects:detail", PK_MARKER)
    field_labels, status_labels = _labels(Field), _labels(ProjectStatus)
    for project in projects:
        project.url = url.replace(str(PK_MARKER), str(project.pk))
        project.field_label = field_labels.get(project.field, project.field)
        project.status_label = status_labels.get(project.status, project.status)
        project.participants_text = _("%(count)s of %(total)s") % {
            "count": project.participant_count,
            "total": member_total,
        }
        project.period = period(project.start, project.end)


@login_required
def project_detail(request, pk):
    try:
        project = selectors.project_detail(pk=pk, viewer=request.user)
    except Project.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    user = request.user
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "participants": [org for org in project.participants.all() if org.is_member],
            "member_total": selectors.member_count(),
            "milestones": [
                {"milestone": milestone, "overdue": milestone.is_overdue(today)}
                for milestone in project.milestones.all()
            ],
            # A meeting the viewer may not open is named without a link (no 403 behind it).
            "meetings": [
                {
                    "meeting": meeting,
                    "may_open": can_view_meeting(
                        user, meeting, invited=getattr(meeting, "viewer_invited", None)
                    ),
                }
                for meeting in project.meetings.all()
            ],
            "cards": selectors.indicator_cards(project.indicators.all()),
            "can_edit": request.user.is_coordinator,
            "can_post_update": selectors.can_post_update(request.user, project),
        },
    )


def _project_data(data) -> dict:
    names = ["title", "summary", "field", "lead_organisation", "start", "end", "budget", "funding_programme"]
    return {name: data[name] for name in names}


@login_required
def project_create(request):
    require_coordinator(request.user)
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                created_by=request.user,
                participants=data["participants"],
                contacts=data["contacts"],
                meetings=data["meetings"],
                status=data["status"],
                status_since=data["status_since"],
                **_project_data(data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
def project_edit(request, pk):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_update(
                project=project,
                participants=data["participants"],
                contacts=data["contacts"],
                meetings=data["meetings"],
                **_project_data(data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_status(request, pk):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk)
    form = StatusChangeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_change_status(
                project=project,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                changed_on=form.cleaned_data["changed_on"],
                changed_by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(project)
    return render(
        request,
        "projects/status_form.html",
        {"form": form, "project": project, "history": selectors.status_history(project=project)},
    )


def _form_page(request, form, *, project, title, multipart=False):
    return render(
        request,
        "projects/form_page.html",
        {"form": form, "project": project, "title": title, "multipart": multipart},
    )


@login_required
def milestone_create(request, pk):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#milestones")
    return _form_page(request, form, project=project, title=_("New milestone"))


@login_required
def milestone_edit(request, pk):
    require_coordinator(request.user)
    milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
    form = MilestoneForm(request.POST or None, instance=Milestone.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect(reverse("projects:detail", args=[milestone.project_id]) + "#milestones")
    return _form_page(request, form, project=milestone.project, title=_("Edit milestone"))


@login_required
@require_POST
def milestone_done(request, pk):
    require_coordinator(request.user)
    milestone = get_object_or_404(Milestone, pk=pk)
    services.milestone_mark_done(milestone=milestone)
    messages.success(request, _("The milestone is marked as done."))
    return redirect(reverse("projects:detail", args=[milestone.project_id]) + "#milestones")


@login_required
@require_POST
def milestone_delete(request, pk):
    require_coordinator(request.user)
    milestone = get_object_or_404(Milestone, pk=pk)
    project_id = milestone.project_id
    services.milestone_delete(milestone=milestone)
    messages.success(request, _("The milestone was deleted."))
    return redirect(reverse("projects:detail", args=[project_id]) + "#milestones")


@login_required
def progress_update_create(request, pk):
    project = get_object_or_404(Project.objects.select_related("lead_organisation"), pk=pk)
    if not selectors.can_post_update(request.user, project):
        raise PermissionDenied
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_update_create(
                project=project,
                author=request.user,
                text=data["text"],
                date=data["date"],
                upload=data["document"],
                document_title=data["document_title"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The progress update was posted."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#updates")
    return _form_page(request, form, project=project, title=_("New progress update"), multipart=True)


@login_required
def document_create(request, pk):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_create(
                project=project,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The document was uploaded."))
            return redirect(reverse("projects:detail", args=[project.pk]) + "#documents")
    return _form_page(request, form, project=project, title=_("Upload a document"), multipart=True)


@login_required
def document_download(request, pk):
    """Every logged-in person may read projects and so their documents; nobody else."""
    document = get_object_or_404(ProjectDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def document_delete(request, pk):
    require_coordinator(request.user)
    document = get_object_or_404(ProjectDocument, pk=pk)
    project_id = document.project_id
    services.document_delete(document=document)
    messages.success(request, _("The document was deleted."))
    return redirect(reverse("projects:detail", args=[project_id]) + "#documents")


@login_required
def link_create(request, pk):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_create(project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The link was added."))
            return redirect(project)
    return _form_page(request, form, project=project, title=_("New link"))


@login_required
@require_POST
def link_delete(request, pk):
    require_coordinator(request.user)
    link = get_object_or_404(ProjectLink, pk=pk)
    project_id = link.project_id
    services.link_delete(link=link)
    messages.success(request, _("The link was removed."))
    return redirect("projects:detail", pk=project_id)


# --- Indicators -----------------------------------------------------------------------------


@login_required
def alliance_indicator_list(request):
    page = Paginator(selectors.alliance_indicators(), INDICATORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/indicator_list.html",
        {
            "page": page,
            "cards": selectors.indicator_cards(page.object_list),
            "can_edit": request.user.is_coordinator,
        },
    )


@login_required
def indicator_create(request, pk=None):
    require_coordinator(request.user)
    project = get_object_or_404(Project, pk=pk) if pk is not None else None
    form = IndicatorForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect(indicator)
    title = _("New indicator") if project else _("New indicator of the alliance")
    return _form_page(request, form, project=project, title=title)


@login_required
def indicator_detail(request, pk):
    try:
        indicator = selectors.indicator_detail(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404 from None
    [card] = selectors.indicator_cards([indicator])
    return render(
        request,
        "projects/indicator_detail.html",
        {
            "indicator": indicator,
            "card": card,
            "matrix": selectors.indicator_organisation_table(indicator=indicator),
            "factors": selectors.co2_factors() if indicator.is_computed else None,
            "can_edit": request.user.is_coordinator,
        },
    )


@login_required
def indicator_edit(request, pk):
    require_coordinator(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("project"), pk=pk)
    form = IndicatorForm(
        request.POST or None, instance=Indicator.objects.get(pk=pk), project=indicator.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect(indicator)
    return _form_page(request, form, project=indicator.project, title=_("Edit indicator"))


@login_required
def indicator_values(request, pk):
    """The grid: organisations × years, target and actual; saved all-or-nothing."""
    require_coordinator(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("project", "source_indicator"), pk=pk)
    if indicator.is_computed:
        messages.info(request, _("The values of this indicator are computed; enter the kilometres instead."))
        return redirect(indicator)
    range_form = YearRangeForm(request.GET or None)
    year_range = range_form.cleaned_data if range_form.is_valid() else {}
    years = selectors.grid_years(
        indicator=indicator, first=year_range.get("first"), last=year_range.get("last")
    )
    if not range_form.is_bound:
        range_form = YearRangeForm(initial={"first": years[0], "last": years[-1]})
    grid = IndicatorGridForm(
        request.POST or None,
        indicator=indicator,
        organisations=selectors.value_organisations(indicator=indicator),
        years=years,
        existing=selectors.grid_values(indicator=indicator, years=years),
    )
    if request.method == "POST" and grid.is_valid():
        try:
            services.indicator_values_save(indicator=indicator, values=grid.values(), updated_by=request.user)
        except ValidationError as error:
            apply_service_errors(grid, error)
        else:
            messages.success(request, _("The values were saved."))
            return redirect(indicator)
    return render(
        request,
        "projects/indicator_values.html",
        {
            "indicator": indicator,
            "grid": grid,
            "rows": grid.bound_rows(),
            "years": years,
            "range_form": range_form,
            "range_query": urlencode({"first": years[0], "last": years[-1]}),
        },
    )


@login_required
def indicator_import(request, pk):
    require_coordinator(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("project", "source_indicator"), pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.indicator_values_import(
                indicator=indicator, upload=form.cleaned_data["file"], updated_by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s rows were imported.") % {"count": count})
            return redirect(indicator)
    return render(
        request,
        "projects/indicator_import.html",
        {
            "indicator": indicator,
            "form": form,
            "example": imports.example_csv(indicator.unit, selectors.import_example(indicator=indicator)),
        },
    )


@login_required
def co2_factors(request):
    """The campaign's CO2 factor per year; everyone reads, the coordinator sets them."""
    form = None
    if request.user.is_coordinator:
        form = Co2FactorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                factor = services.co2_factor_set(**form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The CO2 factor of %(year)s was saved.") % {"year": factor.year})
                return redirect("projects:co2_factors")
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "projects/co2_factors.html", {"factors": selectors.co2_factors(), "form": form})


# --- Member climate activities --------------------------------------------------------------


@login_required
def activity_list(request):
    form = ActivityFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    activities = selectors.activity_list(
        organisation=filters.get("member"),
        field=filters.get("field", ""),
        year=filters.get("year"),
        status=filters.get("status", ""),
        search=(filters.get("q") or "").strip(),
    )
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    editable = {org.pk for org in request.user.member_organisations}
    _activity_rows(page, editable=None if request.user.is_coordinator else editable)
    return render(
        request,
        "projects/activity_list.html",
        {
            "page": page,
            "filter_form": form,
            "extra_query": _filter_query(form),
            "can_create": request.user.is_coordinator or bool(editable),
            "overlaps": selectors.activity_overlaps(activities),
        },
    )


PK_MARKER = 2147483647
SLUG_MARKER = "0-slug-marker-0"


def _url_pattern(name: str, marker) -> str:
    """A URL with a marker in place of its argument: one reverse() for a whole table's links."""
    return reverse(name, args=[marker])


def _labels(choices) -> dict[str, str]:
    """The translated labels of a model's choices by value, translated once per request."""
    return {value: str(label) for value, label in choices.choices}


def _activity_rows(activities, *, editable: set[int] | None) -> None:
    """Each activity's links, labels and whether one may edit it (editable: the organisations one
    speaks for, None for everything), computed once rather than per row in the template."""
    marker = str(PK_MARKER)
    organisation_url = _url_pattern("members:organisation_detail", SLUG_MARKER)
    edit_url = _url_pattern("projects:activity_edit", PK_MARKER)
    delete_url = _url_pattern("projects:activity_delete", PK_MARKER)
    # get_FOO_display() builds a dictionary of all choices on every call.
    field_labels, status_labels = _labels(Field), _labels(ActivityStatus)
    for activity in activities:
        activity.field_label = field_labels.get(activity.field, activity.field)
        activity.status_label = status_labels.get(activity.status, activity.status)
        organisation = activity.organisation
        organisation.url = organisation_url.replace(SLUG_MARKER, organisation.slug)
        activity.can_edit = editable is None or activity.organisation_id in editable
        if activity.can_edit:
            activity.edit_url = edit_url.replace(marker, str(activity.pk))
            activity.delete_url = delete_url.replace(marker, str(activity.pk))


def _activity_data(data) -> dict:
    return {name: data[name] for name in ("title", "field", "year", "status", "summary", "link")}


@login_required
def activity_create(request):
    organisations = selectors.activity_organisations_for(request.user)
    if not organisations:
        raise PermissionDenied
    form = ActivityForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_create(
                organisation=form.cleaned_data["organisation"],
                created_by=request.user,
                **_activity_data(form.cleaned_data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The climate activity was saved."))
            return redirect("projects:activity_list")
    return render(request, "projects/activity_form.html", {"form": form})


@login_required
def activity_edit(request, pk):
    activity = get_object_or_404(ClimateActivity.objects.select_related("organisation"), pk=pk)
    if not selectors.can_edit_activity(request.user, activity):
        raise PermissionDenied
    form = ActivityForm(
        request.POST or None,
        instance=ClimateActivity.objects.get(pk=pk),
        organisations=selectors.activity_organisations_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity,
                updated_by=request.user,
                organisation=form.cleaned_data["organisation"],
                **_activity_data(form.cleaned_data),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The climate activity was saved."))
            return redirect("projects:activity_list")
    return render(request, "projects/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_delete(request, pk):
    activity = get_object_or_404(ClimateActivity.objects.select_related("organisation"), pk=pk)
    if not selectors.can_edit_activity(request.user, activity):
        raise PermissionDenied
    if request.method == "POST":
        services.activity_delete(activity=activity)
        messages.success(request, _("The climate activity was deleted."))
        return redirect("projects:activity_list")
    return render(request, "projects/activity_confirm_delete.html", {"activity": activity})
