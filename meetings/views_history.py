"""Upload of past meetings (check → preview → confirm) and download of the history; coordinator only.

Between the preview and the confirmation the uploaded bytes wait in MEDIA_ROOT/imports/ under a
random name that only the uploader's session knows; the confirmation checks the file again, as the
database may have changed in between. Files left behind by abandoned previews are removed after a day.
"""

import datetime
import hmac
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from members.permissions import require_coordinator
from regionalbuendnis.uploads import check_size

from .forms_history import HistoryConfirmForm, HistoryExportForm, HistoryUploadForm
from .history import (
    DEFAULT_DURATION,
    DEFAULT_START_TIME,
    HistoryImportError,
    meeting_history_export,
    meeting_history_import,
)

SESSION_KEY = "meetings_history_import"
PENDING_DIRECTORY = "imports"
PENDING_MAX_AGE = datetime.timedelta(days=1)
# A page listing thousands of problems helps nobody; the first ones show what is wrong.
PROBLEMS_SHOWN = 200
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- The upload kept between preview and confirmation -----------------------------------------


def _pending_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / PENDING_DIRECTORY / f"history-{token}.upload"


def _remove_stale_uploads() -> None:
    directory = Path(settings.MEDIA_ROOT) / PENDING_DIRECTORY
    oldest = time.time() - PENDING_MAX_AGE.total_seconds()
    for path in directory.glob("history-*.upload"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            continue  # another request removed it first


def _discard_pending(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and re.fullmatch(r"[0-9a-f]{32}", pending.get("token", "")):
        _pending_path(pending["token"]).unlink(missing_ok=True)


def _store_pending(request, data: bytes, name: str) -> str:
    _discard_pending(request)  # one waiting upload per session
    token = secrets.token_hex(16)
    path = _pending_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_uploads()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    request.session[SESSION_KEY] = {"token": token, "name": name}
    return token


def _read_pending(request, token: str) -> bytes | None:
    pending = request.session.get(SESSION_KEY) or {}
    if not hmac.compare_digest(str(pending.get("token", "")), token):
        return None
    try:
        return _pending_path(token).read_bytes()
    except FileNotFoundError:
        return None


def _file_name(upload) -> str:
    return os.path.basename((upload.name or "").replace("\\", "/"))[:120]


# --- Pages ------------------------------------------------------------------------------------


def _render_upload(request, form, problems=None, status=200):
    problems = problems or []
    return render(
        request,
        "meetings/history_import.html",
        {
            "form": form,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(len(problems) - PROBLEMS_SHOWN, 0),
            "default_start": DEFAULT_START_TIME,
            "default_hours": int(DEFAULT_DURATION.total_seconds() // 3600),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def history_import(request):
    """Step 1: upload and check; step 2: the preview with the counts; step 3: confirm or cancel."""
    require_coordinator(request.user)
    action = request.POST.get("action", "check") if request.method == "POST" else None
    if action in ("confirm", "cancel"):
        return _confirm_or_cancel(request, action)
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render_upload(request, form)
    upload = form.cleaned_data["file"]
    try:
        check_size(upload)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_upload(request, form)
    data = upload.read()
    try:
        plan = meeting_history_import(data=data, by=request.user, dry_run=True)
    except HistoryImportError as error:
        return _render_upload(request, form, [str(problem) for problem in error.problems])
    name = _file_name(upload)
    token = _store_pending(request, data, name)
    return render(
        request,
        "meetings/history_preview.html",
        {"plan": plan, "file_name": name, "confirm_form": HistoryConfirmForm(initial={"token": token})},
    )


def _confirm_or_cancel(request, action: str):
    form = HistoryConfirmForm(request.POST)
    if action == "cancel":
        _discard_pending(request)
        messages.info(request, _("The import was cancelled; nothing was written."))
        return redirect("meetings:history_import")
    data = _read_pending(request, form.cleaned_data["token"]) if form.is_valid() else None
    if data is None:
        messages.error(request, _("The checked file is no longer available. Please upload it again."))
        return redirect("meetings:history_import")
    try:
        plan = meeting_history_import(data=data, by=request.user)
    except HistoryImportError as error:
        # The database changed since the preview (e.g. someone else imported): check again.
        _discard_pending(request)
        return _render_upload(request, HistoryUploadForm(), [str(problem) for problem in error.problems])
    _discard_pending(request)
    messages.success(request, _("The history was imported: %(summary)s.") % {"summary": plan.summary})
    url = reverse("meetings:list")
    if plan.meetings:
        url += f"?year={max(meeting.date.year for meeting in plan.meetings)}"
    return redirect(url)


@login_required
@never_cache
@require_GET
def history_export(request):
    """The download (when a format is given, e.g. from the meetings list) or the page to choose one."""
    require_coordinator(request.user)
    form = HistoryExportForm(request.GET if "format" in request.GET else None)
    if not form.is_bound or not form.is_valid():
        return render(request, "meetings/history_export.html", {"form": form})
    year = form.cleaned_data["year"]
    file_format = form.cleaned_data["format"]
    # The file speaks the page's language: German headers and semicolons for German Excel.
    german = (translation.get_language() or "").startswith("de")
    data = meeting_history_export(year=year, file_format=file_format, german=german)
    stem = _("meeting-history")
    name = f"{stem}-{year}.{file_format}" if year else f"{stem}.{file_format}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
