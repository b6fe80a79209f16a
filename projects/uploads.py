"""Checks on uploaded files: size limit and type by content (never by the name the browser sent)."""

import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Enough bytes for filetype to recognise Office files (it looks at the first zip entries).
SIGNATURE_BYTES = 8192

DOCUMENT_TYPES = {
    "pdf",
    "png",
    "jpg",
    "gif",
    "webp",
    "docx",
    "xlsx",
    "pptx",
    "odt",
    "ods",
    "odp",
    "doc",
    "xls",
    "ppt",
}


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SIGNATURE_BYTES)
    upload.seek(0)
    return head


def check_size(upload, *, field: str = "file") -> None:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is too large (%(size)s); at most %(limit)s are allowed.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
            }
        )


def check_document(upload, *, field: str = "file") -> str:
    """The file's MIME type if it is a PDF, an image or an office document; else ValidationError."""
    check_size(upload, field=field)
    kind = filetype.guess(_head(upload))
    if kind is None or kind.extension not in DOCUMENT_TYPES:
        raise ValidationError(
            {field: _("Only PDF files, images (PNG, JPEG, GIF, WebP) and office documents can be uploaded.")}
        )
    return kind.mime


def clean_file_name(name: str) -> str:
    """The file name without any path the browser may have sent, at most 255 characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "document"
    stem, extension = os.path.splitext(base)
    return stem[: 255 - len(extension)] + extension
