from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.middleware import link_language
from members.permissions import require_coordinator
from regionalbuendnis.forms import apply_service_errors

from . import dates, exports, selectors, services, tokens
from .enums import SurveyStatus
from .forms import QuestionForm, RecipientForm, ResponseForm, SurveyCreateForm, SurveySettingsForm
from .models import Question, Recipient, Survey

# One survey a year: the list reaches a second page only after two decades.
SURVEYS_PER_PAGE = 20
# Two people per member: 34 for the real alliance, 800 for a state-wide network.
RECIPIENTS_PER_PAGE = 100


def _error_message(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _coordinator_survey(request, pk: int) -> Survey:
    require_coordinator(request.user)
    return get_object_or_404(Survey, pk=pk)


# --- Coordinator: surveys ----------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request):
    require_coordinator(request.user)
    page = Paginator(selectors.survey_list(), SURVEYS_PER_PAGE).get_page(request.GET.get("page"))
    surveys = [
        {
            "survey": s,
            "response_rate": selectors.response_rate(invited=s.invited_count, answered=s.answered_count),
        }
        for s in page
    ]
    return render(request, "surveys/survey_list.html", {"page": page, "surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    require_coordinator(request.user)
    form = SurveyCreateForm(
        request.POST or None, sources=selectors.copy_sources(), year=selectors.next_survey_year()
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                year=form.cleaned_data["year"], copy_from=form.cleaned_data["source"], created_by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The survey was created as a draft. Check the questions and dates."))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_create.html", {"form": form})


@login_required
@require_GET
def survey_detail(request, pk):
    require_coordinator(request.user)
    try:
        survey = selectors.survey_with_counts(pk=pk)
    except Survey.DoesNotExist:
        raise Http404 from None
    context = {
        "survey": survey,
        "response_rate": selectors.response_rate(
            invited=survey.invited_count, answered=survey.answered_count
        ),
        "questions": list(survey.questions.all()),
        "reminder_days": [
            day
            for day, _offset in dates.reminder_days(
                closes_on=survey.closes_on, offsets=survey.reminder_offsets
            )
        ],
    }
    return render(request, "surveys/survey_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey = _coordinator_survey(request, pk)
    if survey.status == SurveyStatus.CLOSED:
        messages.error(request, _("A closed survey cannot be changed."))
        return redirect("surveys:detail", pk=survey.pk)
    editable = services.SETTINGS_FIELDS if survey.questions_editable else services.SETTINGS_FIELDS_WHILE_OPEN
    form = SurveySettingsForm(request.POST or None, survey=survey, editable_fields=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, **{name: form.cleaned_data[name] for name in editable})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_edit.html", {"survey": survey, "form": form})


def _status_action(request, pk, action, success: str):
    survey = _coordinator_survey(request, pk)
    try:
        action(survey)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, success)
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def survey_schedule(request, pk):
    return _status_action(
        request,
        pk,
        lambda survey: services.survey_schedule(survey=survey),
        _("The survey is scheduled: the invitations go out on the send date."),
    )


@login_required
@require_POST
def survey_unschedule(request, pk):
    return _status_action(
        request,
        pk,
        lambda survey: services.survey_unschedule(survey=survey),
        _("The survey is a draft again."),
    )


@login_required
@require_POST
def survey_close(request, pk):
    def close(survey):
        if survey.status != SurveyStatus.OPEN:
            raise ValidationError(_("Only an open survey can be closed."))
        services.survey_close(survey_id=survey.pk, now=timezone.now())

    return _status_action(request, pk, close, _("The survey is closed. No more answers are accepted."))


@login_required
@require_POST
def survey_delete(request, pk):
    survey = _coordinator_survey(request, pk)
    try:
        services.survey_delete(survey=survey)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("surveys:detail", pk=survey.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("surveys:list")


# --- Coordinator: questions --------------------------------------------------------------------


@login_required
@require_GET
def question_list(request, pk):
    survey = _coordinator_survey(request, pk)
    return render(
        request, "surveys/question_list.html", {"survey": survey, "questions": list(survey.questions.all())}
    )


def _question_form_page(request, survey, question=None):
    if not survey.questions_editable:
        messages.error(request, _("The questions cannot be changed once the invitations are sent."))
        return redirect("surveys:questions", pk=survey.pk)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.question_create(survey=survey, **form.cleaned_data)
            else:
                services.question_update(question=question, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("surveys:questions", pk=survey.pk)
    return render(
        request, "surveys/question_form.html", {"survey": survey, "question": question, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, pk):
    return _question_form_page(request, _coordinator_survey(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk):
    survey = _coordinator_survey(request, pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    return _question_form_page(request, survey, question)


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    survey = _coordinator_survey(request, pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        services.question_delete(question=question)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The question was deleted."))
    return redirect("surveys:questions", pk=survey.pk)


@login_required
@require_POST
def question_move(request, pk, question_pk):
    survey = _coordinator_survey(request, pk)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        services.question_move(question=question, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        _error_message(request, error)
    return redirect(reverse("surveys:questions", args=[survey.pk]) + f"#question-{question.pk}")


# --- Coordinator: recipients -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recipients(request, pk):
    survey = _coordinator_survey(request, pk)
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recipient_add(survey=survey, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The address was added."))
            return redirect("surveys:recipients", pk=survey.pk)
    page = Paginator(selectors.recipient_list(survey=survey), RECIPIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    preview, without_address = [], 0
    if survey.invite_members and survey.status in (SurveyStatus.DRAFT, SurveyStatus.SCHEDULED):
        preview, without_address = selectors.member_recipients_preview()
    context = {
        "survey": survey,
        "form": form,
        "recipients": page,
        "page": page,
        "preview": preview,
        "without_address": without_address,
    }
    return render(request, "surveys/recipients.html", context)


@login_required
@require_POST
def recipient_remove(request, pk, recipient_pk):
    survey = _coordinator_survey(request, pk)
    recipient = get_object_or_404(Recipient, pk=recipient_pk, survey=survey)
    try:
        services.recipient_remove(recipient=recipient)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The address was removed."))
    return redirect("surveys:recipients", pk=survey.pk)


# --- Coordinator: results ----------------------------------------------------------------------


@login_required
@require_GET
def results(request, pk):
    survey = _coordinator_survey(request, pk)
    context = selectors.survey_results(survey=survey)
    context["charts"] = exports.scale_charts(context["questions"])
    context["min_responses"] = selectors.MIN_RESPONSES_FOR_RESULTS
    return render(request, "surveys/results.html", context)


@login_required
@require_GET
def export(request, pk, fmt):
    survey = _coordinator_survey(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table = exports.response_table(survey=survey)
    if table is None:
        messages.error(request, _("Results are only available from three answers on."))
        return redirect("surveys:results", pk=survey.pk)
    filename = f"feedback-survey-{survey.year}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(table, title=survey.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def preview(request, pk):
    """The form as recipients see it (in the current language), without submitting anything."""
    survey = _coordinator_survey(request, pk)
    form = ResponseForm(questions=list(survey.questions.all()))
    return render(request, "surveys/respond.html", {"survey": survey, "form": form, "preview": True})


# --- Respondents -------------------------------------------------------------------------------

UNUSABLE_PAGES = {
    services.LinkUnusable.UNKNOWN: 404,
    services.LinkUnusable.USED: 200,
    services.LinkUnusable.EXPIRED: 410,
    services.LinkUnusable.CLOSED: 410,
}


def _unusable(request, reason: str):
    return render(request, "surveys/link_unusable.html", {"reason": reason}, status=UNUSABLE_PAGES[reason])


@login_required
@require_POST
def answer_start(request, pk):
    """A logged-in recipient answers from the dashboard: a new personal link, then the form."""
    recipient = Recipient.objects.filter(survey_id=pk, person=request.user).select_related("survey").first()
    if recipient is None:
        raise Http404
    reason = services.link_state(recipient=recipient, survey=recipient.survey, today=timezone.localdate())
    if reason:
        return _unusable(request, reason)
    token = services.link_create(recipient=recipient)
    return redirect(tokens.respond_path(token))


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token):
    try:
        recipient = services.recipient_for_token(token)
    except services.LinkUnusable as unusable:
        return _unusable(request, unusable.reason)
    survey = recipient.survey
    with translation.override(link_language(request, recipient.language)):
        questions = list(survey.questions.all())
        draft = services.answers_from_draft(recipient.draft)
        form = ResponseForm(request.POST or None, questions=questions, draft=draft)
        if request.method == "POST" and form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                if submit:
                    services.response_submit(recipient_id=recipient.pk, answers=form.answers())
                else:
                    services.draft_save(recipient_id=recipient.pk, answers=form.answers())
            except services.LinkUnusable as unusable:
                return _unusable(request, unusable.reason)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if submit:
                    return redirect("surveys:thanks")
                messages.success(request, _("Your draft was saved. You can change it until you submit."))
                return redirect(request.path)
        context = {
            "survey": survey,
            "recipient": recipient,
            "form": form,
            "has_draft": bool(recipient.draft),
            "preview": False,
        }
        # The token in the address never leaves the site: Referrer-Policy is same-origin site-wide
        # ("no-referrer" would make browsers send "Origin: null", which fails the CSRF check).
        return render(request, "surveys/respond.html", context)


@require_GET
def thanks(request):
    return render(request, "surveys/thanks.html")
