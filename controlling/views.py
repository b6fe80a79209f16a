from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.permissions import require_coordinator

from . import figures_cache, outputs, selectors, services
from .forms import UnfreezeForm, YearReviewForm, kpi_target_forms
from .models import FrozenReport


def _check_year(year: int) -> None:
    if year not in selectors.available_years():
        raise Http404


def _coordinator_and_year(request, year: int) -> None:
    require_coordinator(request.user)
    _check_year(year)


def _wants_live(request) -> bool:
    return request.GET.get("live") == "1"


def _shows_frozen(frozen: FrozenReport | None, *, live: bool) -> bool:
    """The frozen report in force is shown unless the live figures are asked for."""
    return frozen is not None and not live


@login_required
@require_GET
def index(request):
    require_coordinator(request.user)
    today = timezone.localdate()
    history = {row["year"]: row for row in selectors.yearly_history(until_year=today.year)}
    frozen_years = set(FrozenReport.objects.filter(unfrozen_at__isnull=True).values_list("year", flat=True))
    years = [
        {
            "year": year,
            "meetings_held": history.get(year, {}).get("meetings_held"),
            "participants_mean": history.get(year, {}).get("participants_mean"),
            "frozen": year in frozen_years,
        }
        for year in reversed(selectors.available_years(today=today))
    ]
    return render(request, "controlling/index.html", {"years": years, "current_year": today.year})


def _render_year(request, year, *, target_forms=None, review_form=None, unfreeze_form=None):
    live = _wants_live(request)
    frozen, earlier_versions = selectors.frozen_versions(year=year)
    shown_frozen = _shows_frozen(frozen, live=live)
    report = frozen.snapshot if shown_frozen else figures_cache.cached_overview(year=year)
    context = outputs.report_context(report)
    context["sections"] = outputs.section_links(report)
    editable = frozen is None
    if editable and target_forms is None:
        target_forms = kpi_target_forms(initial=selectors.kpi_target_initial(year=year))
    if editable and review_form is None:
        review_form = YearReviewForm(
            initial={"assessment": report["assessment"], "work_programme": report["work_programme"]}
        )
    years = selectors.available_years()
    context.update(
        {
            "year": year,
            "previous_year": year - 1 if year - 1 in years else None,
            "next_year": year + 1 if year + 1 in years else None,
            "frozen": frozen,
            "showing_frozen": shown_frozen,
            "editable": editable,
            "target_forms": target_forms,
            "review_form": review_form,
            "unfreeze_form": unfreeze_form or UnfreezeForm(),
            "earlier_versions": earlier_versions,
        }
    )
    return render(request, "controlling/year.html", context)


@login_required
@require_GET
def year_detail(request, year):
    _coordinator_and_year(request, year)
    return _render_year(request, year)


@login_required
@require_GET
def year_section(request, year, section):
    """One long list of the report on pages of its own: meetings, members, projects, survey."""
    _coordinator_and_year(request, year)
    if section not in selectors.SECTIONS:
        raise Http404
    live = _wants_live(request)
    frozen = selectors.frozen_report(year=year)
    if _shows_frozen(frozen, live=live):
        report = frozen.snapshot
    else:
        report = selectors.controlling_section(year=year, section=section)
    context = outputs.section_context(report, section=section, page_number=request.GET.get("page"))
    context.update(
        {
            "year": year,
            "frozen": frozen,
            "showing_frozen": _shows_frozen(frozen, live=live),
            "extra_query": "live=1&" if live and frozen is not None else "",
        }
    )
    return render(request, "controlling/section.html", context)


def _year_url(year, anchor=""):
    return reverse("controlling:year", args=[year]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def targets_save(request, year):
    _coordinator_and_year(request, year)
    forms = kpi_target_forms(data=request.POST, initial=selectors.kpi_target_initial(year=year))
    if all(form.is_valid() for form in forms):
        try:
            services.kpi_targets_save(
                year=year, targets={form.kpi: form.cleaned_data for form in forms}, user=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_year_url(year))
            by_prefix = {form.prefix: form for form in forms}
            for key, errors in error.error_dict.items():
                prefix, _sep, field = key.rpartition("-")
                form = by_prefix.get(prefix)
                if form is not None:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The targets for %(year)s were saved.") % {"year": year})
            return redirect(_year_url(year, "targets"))
    messages.error(request, _("Please correct the marked targets."))
    return _render_year(request, year, target_forms=forms)


@login_required
@require_POST
def review_save(request, year):
    _coordinator_and_year(request, year)
    form = YearReviewForm(request.POST)
    if form.is_valid():
        try:
            services.year_review_save(year=year, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_year_url(year))
        messages.success(request, _("The assessment and work programme were saved."))
        return redirect(_year_url(year, "assessment"))
    return _render_year(request, year, review_form=form)


@login_required
@require_POST
def freeze(request, year):
    _coordinator_and_year(request, year)
    try:
        services.report_freeze(year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The report for %(year)s is now final; its PDF is stored.") % {"year": year}
        )
    return redirect(_year_url(year))


@login_required
@require_POST
def unfreeze(request, year):
    _coordinator_and_year(request, year)
    form = UnfreezeForm(request.POST)
    if form.is_valid():
        try:
            services.report_unfreeze(year=year, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("reason", error.error_dict.get("reason"))
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(_year_url(year))
        else:
            messages.success(
                request,
                _("The report for %(year)s can be changed again; the final version stays stored.")
                % {"year": year},
            )
            return redirect(_year_url(year))
    return _render_year(request, year, unfreeze_form=form)


def _pdf_response(pdf: bytes, *, year: int, language: str, suffix: str = "") -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"erfolgscontrolling-{year}{suffix}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@login_required
@require_GET
def report_pdf(request, year):
    _coordinator_and_year(request, year)
    language = outputs.report_language(request.GET.get("lang"))
    frozen = None if _wants_live(request) else selectors.frozen_report(year=year)
    if frozen is not None:
        return _pdf_response(frozen.pdf(language), year=year, language=language, suffix="-final")
    report = selectors.controlling_report(year=year, language=language)
    return _pdf_response(outputs.report_pdf(report, language=language), year=year, language=language)


@never_cache
@login_required
@require_GET
def frozen_version_pdf(request, year, pk):
    """Any version ever frozen, also one that was reopened later (what was sent stays available)."""
    _coordinator_and_year(request, year)
    frozen = get_object_or_404(FrozenReport.objects.defer("snapshot"), pk=pk, year=year)
    language = outputs.report_language(request.GET.get("lang"))
    suffix = f"-final-{timezone.localtime(frozen.frozen_at):%Y%m%d-%H%M}"
    return _pdf_response(frozen.pdf(language), year=year, language=language, suffix=suffix)


@never_cache
@login_required
@require_GET
def report_json(request, year):
    _coordinator_and_year(request, year)
    frozen = selectors.frozen_report(year=year)
    if _shows_frozen(frozen, live=_wants_live(request)):
        report = frozen.snapshot
    else:
        report = selectors.controlling_report(year=year)
    return JsonResponse(
        report, encoder=selectors.ReportJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
