"""Checking uploaded documents (meetings, projects): size, type by content (never by the name the
browser sent), a safe file name. One set of rules, so a file accepted in one place is accepted in
the other."""

import os
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Detected extension → (MIME type, label). Extensions that name the same type map to one entry.
ALLOWED_TYPES = {
    "pdf": ("application/pdf", gettext_lazy("PDF document")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("Word document"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        gettext_lazy("Excel workbook"),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        gettext_lazy("PowerPoint presentation"),
    ),
    # Municipal offices still send the older Office formats.
    "doc": ("application/msword", gettext_lazy("Word document (old format)")),
    "xls": ("application/vnd.ms-excel", gettext_lazy("Excel workbook (old format)")),
    "ppt": ("application/vnd.ms-powerpoint", gettext_lazy("PowerPoint presentation (old format)")),
    "odt": ("application/vnd.oasis.opendocument.text", gettext_lazy("OpenDocument text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", gettext_lazy("OpenDocument spreadsheet")),
    "odp": ("application/vnd.oasis.opendocument.presentation", gettext_lazy("OpenDocument presentation")),
    "png": ("image/png", gettext_lazy("PNG image")),
    "jpg": ("image/jpeg", gettext_lazy("JPEG image")),
    "gif": ("image/gif", gettext_lazy("GIF image")),
    "webp": ("image/webp", gettext_lazy("WebP image")),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
# filetype reads the start of a file; office files are zip archives that name their parts early.
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def allowed_extensions_text() -> str:
    return ", ".join(sorted({*ALLOWED_TYPES, *EXTENSION_ALIASES}))


def upload_help_text() -> str:
    """What a document field accepts, for its help text."""
    return _("PDF, office files or images (%(types)s), at most %(limit)s.") % {
        "types": allowed_extensions_text(),
        "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
    }


def safe_file_name(name: str, *, extension: str) -> str:
    """The base name without any path, reduced to letters, digits, dots, dashes; umlauts kept."""
    base = os.path.basename(name.replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    stem = unicodedata.normalize("NFC", stem).strip().lstrip(".")
    stem = get_valid_filename(stem) if stem else ""
    stem = stem.strip("._-")[:MAX_NAME_LENGTH] or "document"
    return f"{stem}.{extension}"


def check_size(uploaded_file) -> None:
    """ValidationError({"file": ...}) for a file over UPLOAD_MAX_BYTES (documents and imports)."""
    size = uploaded_file.size or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s); at most %(limit)s are allowed.")
                % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
            }
        )


def read_head(uploaded_file) -> bytes:
    """The first bytes, for recognising the type; the file is left at its start."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    return head


def check_upload(uploaded_file) -> CheckedUpload:
    """Validate an uploaded document; raises ValidationError({"file": ...}) with a clear message."""
    if not uploaded_file.size:
        raise ValidationError({"file": _("The file is empty.")})
    check_size(uploaded_file)
    kind = filetype.guess(read_head(uploaded_file))
    detected = EXTENSION_ALIASES.get(kind.extension, kind.extension) if kind else None
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "file": _("This type of file is not allowed. Allowed are: %(types)s.")
                % {"types": allowed_extensions_text()}
            }
        )
    named = os.path.splitext(uploaded_file.name or "")[1].lower().lstrip(".")
    named = EXTENSION_ALIASES.get(named, named)
    if named and named != detected:
        raise ValidationError(
            {
                "file": _("The file is named .%(named)s but its content is a %(detected)s.")
                % {"named": named, "detected": ALLOWED_TYPES[detected][1]}
            }
        )
    return CheckedUpload(
        name=safe_file_name(uploaded_file.name or "", extension=detected),
        content_type=ALLOWED_TYPES[detected][0],
        size=uploaded_file.size,
    )
