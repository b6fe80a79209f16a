from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.middleware import link_language
from members.models import User
from members.permissions import require_coordinator
from regionalbuendnis.forms import apply_service_errors

from . import selectors, services
from .enums import InvitationRole, MeetingStatus, Response
from .forms import (
    ActionItemForm,
    AgendaFormSet,
    DocumentForm,
    DuplicateForm,
    GuestForm,
    MarkPersonForm,
    MeetingForm,
    MinutesForm,
    RsvpForm,
    WalkInForm,
)
from .ics import calendar_feed as build_calendar_feed
from .ics import meeting_ics
from .markdown import render_markdown
from .models import ActionItem, Invitation, Meeting, MeetingDocument
from .permissions import can_answer_for, can_manage_action_item, require_view_meeting
from .tokens import RsvpTokenError, check_in_url, read_rsvp_token

PAGE_SIZE = 25
PAST_PAGE_SIZE = 20
# Empty rows on the printed attendance list for people who come without invitation.
PDF_BLANK_ROWS = 8


def _error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _pk_or_404(value) -> int:
    """An id sent with a form or in the query string; anything else (a tampered form) is a 404."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def _meeting_or_404(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("host_organisation"), pk=pk)


def _visible_meeting(request, pk) -> Meeting:
    meeting = _meeting_or_404(pk)
    require_view_meeting(request.user, meeting)
    return meeting


# --- Lists ----------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    """Upcoming meetings, or all meetings of one year (?year=2024)."""
    years = selectors.meeting_years(request.user)
    year = request.GET.get("year", "")
    # ASCII digits only: "²⁰²⁴" counts as digits for isdigit() but is no number for int().
    if year.isascii() and year.isdigit() and len(year) == 4:
        year = int(year)
        meetings = selectors.meetings_of_year(request.user, year=year)
        extra_query = f"year={year}&"
    else:
        year = None
        meetings = selectors.upcoming_meetings(request.user)
        extra_query = ""
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.add_list_figures(page.object_list, request.user)
    return render(
        request,
        "meetings/list.html",
        {"page": page, "year": year, "years": years, "extra_query": extra_query},
    )


@login_required
def my_meetings(request):
    upcoming = selectors.add_list_figures(selectors.my_upcoming_meetings(request.user), request.user)
    past = Paginator(selectors.my_past_meetings(request.user), PAST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    past.object_list = selectors.add_list_figures(past.object_list, request.user, own_attendance=True)
    return render(request, "meetings/my_meetings.html", {"upcoming": upcoming, "page": past})


@login_required
def action_item_list(request):
    page = Paginator(selectors.open_action_items(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/action_items.html", {"page": page, "today": timezone.localdate()})


# --- Detail ---------------------------------------------------------------------------------


@login_required
def meeting_detail(request, pk):
    try:
        meeting = selectors.meeting_for_detail(pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    groups, uninvited = selectors.invitations_grouped_and_uninvited(meeting)
    own_group, own = next(
        ((g, i) for g in groups for i in g.invitations if i.person_id == request.user.pk), (None, None)
    )
    attended = own is not None or any(a.person_id == request.user.pk for a in uninvited)
    require_view_meeting(request.user, meeting, invited=attended)
    is_coordinator = request.user.is_coordinator
    now = timezone.now()
    # Representatives see every organisation's answers (who comes); contact details stay private.
    context = {
        "meeting": meeting,
        "groups": groups,
        "own": own,
        # A deputy learns that the representative sends them (and so will not come).
        "sent_by": (
            ", ".join(i.person.full_name for i in own_group.sending_deputy)
            if own is not None and own.role == InvitationRole.DEPUTY
            else ""
        ),
        "rsvp_form": _rsvp_form_for(own, request.user, now),
        "answers_closed_reason": _answers_closed_reason(meeting, request.user, now),
        "summary": selectors.answer_summary_of(groups),
        "uninvited_attendances": uninvited if meeting.attendance_recorded_at or is_coordinator else [],
        "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
        "projects": selectors.linked_projects(meeting),
        "is_coordinator": is_coordinator,
        "is_past": meeting.end < now,
        "has_started": meeting.start <= now,
        "shows_attendance": bool(meeting.attendance_recorded_at) or (is_coordinator and meeting.start <= now),
        "check_in_open": meeting.start - services.CHECK_IN_EARLY
        <= now
        <= meeting.end + services.CHECK_IN_LATE,
        "statuses": MeetingStatus,
    }
    return render(request, "meetings/detail.html", context)


def _answers_closed_reason(meeting, user, now) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return _("The meeting was cancelled.")
    if meeting.status == MeetingStatus.DRAFT:
        return _("Answers open when the meeting is published.")
    if meeting.end <= now:
        return _("The meeting has taken place; answers are closed.")
    # Held: the attendance was recorded (possible from shortly before the start).
    if meeting.start <= now or meeting.status == MeetingStatus.HELD:
        return _("The meeting has started; answers are closed.")
    if meeting.registration_deadline and meeting.registration_deadline <= now and not user.is_coordinator:
        return _("The registration deadline has passed; answers are closed. Please contact the coordinator.")
    return ""


def _rsvp_form_for(invitation, user, now):
    if invitation is None or _answers_closed_reason(invitation.meeting, user, now):
        return None
    return RsvpForm(initial=_rsvp_initial(invitation), invitation=invitation, prefix="rsvp")


def _rsvp_initial(invitation, chosen=None) -> dict:
    """The answer form as saved; `chosen` (from a one-click link) replaces the saved answer."""
    response = chosen or invitation.response
    initial = {
        "comment": invitation.comment,
        # Sending the deputy goes with "no" only (see services.invitation_respond).
        "sends_deputy": invitation.sends_deputy and response == Response.NO,
    }
    if response != Response.PENDING:
        initial["response"] = response
    return initial


@login_required
@require_POST
def meeting_respond(request, pk):
    """An answer from the meeting page: one's own, or the coordinator's for any invitee."""
    meeting = _meeting_or_404(pk)
    invitation_pk = request.POST.get("invitation")
    if invitation_pk:
        invitation = get_object_or_404(
            Invitation.objects.select_related("person", "meeting"),
            pk=_pk_or_404(invitation_pk),
            meeting=meeting,
        )
    else:
        invitation = get_object_or_404(
            Invitation.objects.select_related("person", "meeting"), meeting=meeting, person=request.user
        )
    require_view_meeting(request.user, meeting, invited=True)
    if not can_answer_for(request.user, invitation):
        raise PermissionDenied
    data = request.POST.copy()
    if request.POST.get("quick"):
        # The short form in the invitee list changes only the answer; comment and deputy stay.
        data["rsvp-comment"] = invitation.comment
        keeps_deputy = invitation.sends_deputy and data.get("rsvp-response") == Response.NO
        data["rsvp-sends_deputy"] = "on" if keeps_deputy else ""
    form = RsvpForm(data, invitation=invitation, prefix="rsvp")
    if form.is_valid():
        try:
            invitation = services.invitation_respond(
                invitation=invitation,
                by=request.user,
                response=form.cleaned_data["response"],
                comment=form.cleaned_data["comment"],
                sends_deputy=form.cleaned_data.get("sends_deputy", False),
            )
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, _answer_message(invitation))
    else:
        messages.error(request, _("The answer was not saved. %(errors)s") % {"errors": _form_errors(form)})
    if request.POST.get("quick"):
        return redirect("meetings:invitees", pk=meeting.pk)
    return redirect(meeting)


def _form_errors(form) -> str:
    """Every error of the form, each after its field's label ("Your answer: This field is required.")."""
    parts = []
    for name, errors in form.errors.items():
        label = form[name].label if name in form.fields else None  # None: errors of the whole form
        parts.extend(f"{label}: {message}" if label else str(message) for message in errors)
    return " ".join(parts)


def _answer_message(invitation) -> str:
    if invitation.waitlist_position is not None:
        return _(
            "The workshop is full: %(name)s is on the waiting list (position %(position)s) and moves up "
            "automatically when a place becomes free."
        ) % {"name": invitation.person.full_name, "position": invitation.waitlist_position}
    return _("Answer saved for %(name)s: %(answer)s.") % {
        "name": invitation.person.full_name,
        "answer": invitation.get_response_display(),
    }


# --- Create, edit, publish, cancel, duplicate ------------------------------------------------


@login_required
def meeting_create(request):
    require_coordinator(request.user)
    # Hosts rotate among the members: the one whose turn it is is preselected.
    rotation = selectors.host_rotation()
    initial = {"host_organisation": rotation[0].organisation.pk} if rotation else {}
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, **form.meeting_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The draft was saved with %(count)s invitees. Add the agenda, then publish it.")
                % {"count": meeting.invitations.count()},
            )
            return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form, "host_rotation": rotation[:5]})


@login_required
def meeting_edit(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("A cancelled meeting cannot be changed."))
        return redirect(meeting)
    form = MeetingForm(
        request.POST if request.method == "POST" else None, instance=Meeting.objects.get(pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.meeting_update(
                meeting=meeting,
                by=request.user,
                revision=form.cleaned_data["revision"],
                **form.meeting_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if updated.sequence != meeting.sequence:
                messages.success(request, _("The meeting was saved; invitees are informed of the change."))
            else:
                messages.success(request, _("The meeting was saved."))
            return redirect(updated)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})


def _confirm_action(request, pk, *, service, template, success):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    if request.method == "POST":
        try:
            meeting = service(meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, success)
        return redirect("meetings:detail", pk=pk)
    return render(request, template, {"meeting": meeting, "summary": selectors.answer_summary(meeting)})


@login_required
def meeting_publish(request, pk):
    return _confirm_action(
        request,
        pk,
        service=services.meeting_publish,
        template="meetings/publish.html",
        success=_("The meeting was published; the invitations are being sent."),
    )


@login_required
def meeting_cancel(request, pk):
    return _confirm_action(
        request,
        pk,
        service=services.meeting_cancel,
        template="meetings/cancel.html",
        success=_("The meeting was cancelled; invitees are being informed."),
    )


@login_required
@require_POST
def meeting_delete(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    try:
        services.meeting_delete_draft(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_message(error))
        return redirect(meeting)
    messages.success(request, _("The draft was deleted."))
    return redirect("meetings:list")


@login_required
def meeting_duplicate(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = DuplicateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.meeting_duplicate(
                meeting=meeting,
                by=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("A new draft was created from “%(title)s”.") % {"title": meeting.title}
            )
            return redirect("meetings:edit", pk=copy.pk)
    return render(request, "meetings/duplicate.html", {"form": form, "meeting": meeting})


# --- Agenda and documents -----------------------------------------------------------------------


@login_required
def meeting_agenda(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    queryset = meeting.agenda_items.order_by("position", "pk")
    formset = AgendaFormSet(
        request.POST if request.method == "POST" else None, queryset=queryset, prefix="agenda"
    )
    if request.method == "POST" and formset.is_valid():
        rows = []
        for index, form in enumerate(formset.forms):
            data = form.cleaned_data
            if form in formset.deleted_forms or not data:
                continue
            values = {name: data.get(name) for name in ("title", "presenter", "planned_minutes")}
            if not form.instance.pk and not any(values.values()):
                continue
            # Rows are ordered by their number; rows without a number keep their place at the end.
            rows.append((data.get("position") or 10_000 + index, index, {"pk": form.instance.pk, **values}))
        rows.sort(key=lambda row: row[:2])
        try:
            services.agenda_save(meeting=meeting, by=request.user, items=[row[2] for row in rows])
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, _("The agenda was saved."))
            return redirect("meetings:agenda", pk=pk)
    return render(
        request,
        "meetings/agenda.html",
        {"meeting": meeting, "formset": formset, "document_form": DocumentForm(meeting=meeting)},
    )


@login_required
@require_POST
def document_upload(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = DocumentForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        try:
            document = services.document_upload(
                meeting=meeting,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                agenda_item=form.cleaned_data["agenda_item"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was uploaded.") % {"name": document.original_name})
            return redirect("meetings:agenda", pk=pk)
    queryset = meeting.agenda_items.order_by("position", "pk")
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "formset": AgendaFormSet(queryset=queryset, prefix="agenda"),
            "document_form": form,
        },
        status=400,
    )


@login_required
@require_GET
def document_download(request, pk, document_pk):
    meeting = _visible_meeting(request, pk)
    document = get_object_or_404(MeetingDocument, pk=document_pk, meeting=meeting)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_delete(request, pk, document_pk):
    require_coordinator(request.user)
    document = get_object_or_404(MeetingDocument, pk=document_pk, meeting_id=pk)
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": document.original_name})
    return redirect("meetings:agenda", pk=pk)


# --- Invitees ------------------------------------------------------------------------------------


@login_required
def meeting_invitees(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = GuestForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_add_guest(
                meeting=meeting,
                by=request.user,
                person=data["person"],
                full_name=data["full_name"],
                email=data["email"],
                affiliation=data["affiliation"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was invited.") % {"name": invitation.person.full_name})
            return redirect("meetings:invitees", pk=pk)
    return render(
        request,
        "meetings/invitees.html",
        {
            "meeting": meeting,
            "groups": selectors.invitations_grouped(meeting),
            "form": form,
            "responses": [
                (Response.YES, Response.YES.label),
                (Response.MAYBE, Response.MAYBE.label),
                (Response.NO, Response.NO.label),
            ],
            "summary": selectors.answer_summary(meeting),
        },
    )


@login_required
@require_POST
def invitation_remove(request, pk, invitation_pk):
    require_coordinator(request.user)
    invitation = get_object_or_404(
        Invitation.objects.select_related("person", "meeting"), pk=invitation_pk, meeting_id=pk
    )
    try:
        services.invitation_remove(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(request, _("%(name)s is no longer invited.") % {"name": invitation.person.full_name})
    return redirect("meetings:invitees", pk=pk)


# --- Attendance ----------------------------------------------------------------------------------


def _attendance_context(meeting, **extra):
    groups, uninvited = selectors.invitations_grouped_and_uninvited(meeting)
    return {
        "meeting": meeting,
        "groups": groups,
        "walk_in_form": WalkInForm(prefix="walkin"),
        "mark_form": MarkPersonForm(prefix="mark"),
        "history": selectors.attendance_history(meeting),
        "uninvited_attendances": uninvited,
        "check_in_url": check_in_url(meeting),
        "now": timezone.now(),
        **extra,
    }


@login_required
def meeting_attendance(request, pk):
    """The attendance list: one form, one checkbox per invitee, grouped by member."""
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    if request.method == "POST":
        try:
            services.attendance_record(
                meeting=meeting, by=request.user, present_person_ids=_ids(request.POST.getlist("present"))
            )
        except ValidationError as error:
            messages.error(request, _error_message(error))
            return render(request, "meetings/attendance.html", _attendance_context(meeting), status=400)
        messages.success(request, _("The attendance list was saved; the meeting counts as held."))
        return redirect("meetings:attendance", pk=pk)
    return render(request, "meetings/attendance.html", _attendance_context(meeting))


def _ids(values) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise ValidationError(_("The attendance list contained an invalid entry.")) from None


@login_required
@require_POST
def attendance_walk_in(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = WalkInForm(request.POST, prefix="walkin")
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendance = services.attendance_add_walk_in(
                meeting=meeting,
                by=request.user,
                full_name=data["full_name"],
                email=data["email"],
                organisation=data["organisation"],
                organisation_text=data["organisation_text"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added as a guest and marked present.")
                % {"name": attendance.person.full_name},
            )
            return redirect("meetings:attendance", pk=pk)
    return render(
        request, "meetings/attendance.html", _attendance_context(meeting, walk_in_form=form), status=400
    )


@login_required
@require_POST
def attendance_mark_person(request, pk):
    """Mark an existing person present; if not invited, offer to add them as a guest."""
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = MarkPersonForm(request.POST, prefix="mark")
    offer = None
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.attendance_mark(
                meeting=meeting,
                person=person,
                by=request.user,
                add_as_guest=form.cleaned_data["add_as_guest"],
            )
        except ValidationError as error:
            if error.code == "not_invited":
                offer = person
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was marked present.") % {"name": person.full_name})
            return redirect("meetings:attendance", pk=pk)
    return render(
        request,
        "meetings/attendance.html",
        _attendance_context(meeting, mark_form=form, add_as_guest_offer=offer),
        status=400,
    )


@login_required
def attendance_pdf(request, pk):
    """The printable attendance list with a signature column."""
    import weasyprint

    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    html = render_to_string(
        "meetings/attendance_pdf.html",
        {
            "meeting": meeting,
            "groups": selectors.attendance_sheet(meeting),
            "agenda_items": list(meeting.agenda_items.order_by("position", "pk")),
            "blank_rows": range(PDF_BLANK_ROWS),
            "printed_at": timezone.localtime(),
        },
        request=request,
    )
    stylesheet = weasyprint.CSS(filename=finders.find("meetings/attendance_pdf.css"))
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[stylesheet]
    )
    name = f"{_('attendance')}-{timezone.localdate(meeting.start):%Y-%m-%d}-{slugify(meeting.title)[:40]}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def check_in_qr(request, pk):
    """The QR code to show at the meeting (projector or printed), linking to the self check-in."""
    import segno

    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    url = check_in_url(meeting)
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=8, light="white", title=_("QR code for the self check-in"))
    return render(request, "meetings/check_in_qr.html", {"meeting": meeting, "qr_svg": svg, "url": url})


@login_required
def check_in(request, code):
    """Self check-in: a logged-in invitee marks themselves present during the meeting."""
    meeting = get_object_or_404(Meeting.objects.select_related("host_organisation"), check_in_code=code)
    invitation = meeting.invitations.filter(person=request.user).first()
    if meeting.status == MeetingStatus.DRAFT and not request.user.is_coordinator:
        raise Http404
    attendance = meeting.attendances.filter(person=request.user).first()
    error = ""
    if request.method == "POST":
        try:
            attendance = services.attendance_check_in(meeting=meeting, person=request.user)
        except ValidationError as exc:
            error = _error_message(exc)
        else:
            messages.success(request, _("Welcome! You are checked in."))
            return redirect("meetings:check_in", code=code)
    now = timezone.now()
    return render(
        request,
        "meetings/check_in.html",
        {
            "meeting": meeting,
            "invitation": invitation,
            "attendance": attendance,
            "error": error,
            "window_open": meeting.start - services.CHECK_IN_EARLY
            <= now
            <= meeting.end + services.CHECK_IN_LATE,
            "opens_at": meeting.start - services.CHECK_IN_EARLY,
            "closes_at": meeting.end + services.CHECK_IN_LATE,
        },
        status=400 if error else 200,
    )


# --- One-click answers ---------------------------------------------------------------------------


@never_cache
def rsvp(request, token):
    """The answer page behind the e-mail links. GET shows and pre-selects, only POST saves."""
    try:
        link = read_rsvp_token(token, answer=request.GET.get("answer"))
    except RsvpTokenError as error:
        status = {"invalid": 400, "expired": 410, "not_invited": 404}[error.reason]
        # An expired link still names the person; a broken one does not.
        invitee = error.invitation.person if error.invitation else None
        language = link_language(request, invitee.preferred_language) if invitee else request.LANGUAGE_CODE
        with translation.override(language):
            return render(
                request,
                "meetings/rsvp_invalid.html",
                {"reason": error.reason, "invitation": error.invitation},
                status=status,
            )
    with translation.override(link_language(request, link.invitation.person.preferred_language)):
        return _rsvp_page(request, link)


def _rsvp_page(request, link):
    invitation = link.invitation
    person = invitation.person
    now = timezone.now()
    closed = _answers_closed_reason(invitation.meeting, person, now)
    form = None
    saved = False
    status = 200
    if not closed:
        if request.method == "POST":
            form = RsvpForm(request.POST, invitation=invitation, prefix="rsvp")
            if form.is_valid():
                try:
                    invitation = services.invitation_respond(
                        invitation=invitation,
                        by=person,
                        response=form.cleaned_data["response"],
                        comment=form.cleaned_data["comment"],
                        sends_deputy=form.cleaned_data.get("sends_deputy", False),
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                    status = 400
                else:
                    saved = True
            else:
                status = 400
        if form is None or saved:
            chosen = link.preselected if not saved else None
            form = RsvpForm(initial=_rsvp_initial(invitation, chosen), invitation=invitation, prefix="rsvp")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "meetings/rsvp.html",
        {
            "invitation": invitation,
            "meeting": invitation.meeting,
            "form": form,
            "closed": closed,
            "saved": saved,
            "saved_message": _answer_message(invitation) if saved else "",
            "preselected": link.preselected,
            "preselected_label": Response(link.preselected).label if link.preselected else "",
            "other_user": request.user.is_authenticated and request.user.pk != person.pk,
        },
        status=status,
    )


# --- Minutes and action items --------------------------------------------------------------------


@login_required
def meeting_minutes(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = MinutesForm(
        request.POST if request.method == "POST" else None,
        initial={"minutes": meeting.minutes, "revision": meeting.revision},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_minutes_update(
                meeting=meeting,
                by=request.user,
                minutes=form.cleaned_data["minutes"],
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("meetings:minutes", pk=pk)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "form": form,
            "preview": render_markdown(meeting.minutes) if meeting.minutes else "",
            "action_form": ActionItemForm(prefix="action"),
            "action_items": meeting.action_items.select_related("owner", "owner_organisation").order_by(
                "done_at", "due_date", "pk"
            ),
        },
    )


@login_required
@require_POST
def action_item_create(request, pk):
    require_coordinator(request.user)
    meeting = _meeting_or_404(pk)
    form = ActionItemForm(request.POST, prefix="action")
    if form.is_valid():
        try:
            services.action_item_create(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The action item was added."))
            return redirect("meetings:minutes", pk=pk)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "form": MinutesForm(initial={"minutes": meeting.minutes, "revision": meeting.revision}),
            "preview": render_markdown(meeting.minutes) if meeting.minutes else "",
            "action_form": form,
            "action_items": meeting.action_items.select_related("owner", "owner_organisation"),
        },
        status=400,
    )


@login_required
@require_POST
def action_item_done(request, item_pk):
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=item_pk)
    require_view_meeting(request.user, item.meeting)
    if not can_manage_action_item(request.user, item):
        raise PermissionDenied
    done = request.POST.get("done") == "1"
    services.action_item_set_done(item=item, by=request.user, done=done)
    messages.success(request, _("Marked as done.") if done else _("Marked as open again."))
    next_url = request.POST.get("next")
    if next_url == "list":
        return redirect("meetings:action_items")
    return redirect(item.meeting)


@login_required
@require_POST
def action_item_delete(request, item_pk):
    require_coordinator(request.user)
    item = get_object_or_404(ActionItem, pk=item_pk)
    services.action_item_delete(item=item, by=request.user)
    messages.success(request, _("The action item was deleted."))
    return redirect("meetings:minutes", pk=item.meeting_id)


# --- Calendar ------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_ics_download(request, pk):
    meeting = _visible_meeting(request, pk)
    response = HttpResponse(
        meeting_ics(meeting, method="PUBLISH"), content_type="text/calendar; charset=utf-8"
    )
    name = f"{timezone.localdate(meeting.start):%Y-%m-%d}-{slugify(meeting.title)[:40] or 'meeting'}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_GET
def calendar_feed(request, token):
    """The personal subscription feed; the secret token in the address is the only credential."""
    person = User.objects.filter(calendar_token=token, is_active=True).first()
    if person is None or not token:
        raise Http404
    response = HttpResponse(build_calendar_feed(person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="regionalbuendnis.ics"'
    return response
