"""One set of rules for uploaded documents: a file accepted (or refused) on a meeting is accepted
(or refused) on a project, with the same message and the same stored name."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import MeetingDocument
from projects.models import ProjectDocument
from regionalbuendnis.uploads import safe_file_name
from tests.factories.files import GIF, PDF, WEBP, odp_bytes, png_bytes
from tests.factories.meetings import MeetingFactory
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db


@dataclass
class UploadPage:
    url: str  # where the form posts
    form_page: str  # where a person finds the form
    model: type
    form: str  # the form's name in the response context


def _meeting_page():
    meeting = MeetingFactory()
    return UploadPage(
        url=reverse("meetings:document_upload", args=[meeting.pk]),
        form_page=reverse("meetings:agenda", args=[meeting.pk]),
        model=MeetingDocument,
        form="document_form",
    )


def _project_page():
    url = reverse("projects:document_create", args=[ProjectFactory().pk])
    return UploadPage(url=url, form_page=url, model=ProjectDocument, form="form")


UPLOAD_PAGES = {"meeting": _meeting_page, "project": _project_page}


@pytest.fixture(params=UPLOAD_PAGES)
def upload_page(request):
    return UPLOAD_PAGES[request.param]()


def _post(client, url, name, content):
    return client.post(
        url, {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}
    )


@pytest.mark.parametrize(
    ("name", "content", "stored_name", "content_type"),
    [
        ("Einladung.pdf", PDF, "Einladung.pdf", "application/pdf"),
        ("Karte Lügde.gif", GIF, "Karte_Lügde.gif", "image/gif"),
        ("foto.webp", WEBP, "foto.webp", "image/webp"),
        ("../../etc/foto", png_bytes(), "foto.png", "image/png"),
        ("Vortrag.odp", odp_bytes(), "Vortrag.odp", "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_the_same_files_are_accepted_everywhere(
    login, coordinator, upload_page, name, content, stored_name, content_type
):
    response = _post(login(coordinator), upload_page.url, name, content)

    assert response.status_code == 302
    document = upload_page.model.objects.get()
    assert (document.original_name, document.content_type, document.size) == (
        stored_name,
        content_type,
        len(content),
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.pdf", b"#!/bin/sh\necho hallo\n", "Dieser Dateityp ist nicht erlaubt."),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "Dieser Dateityp ist nicht erlaubt."),
        ("bild.pdf", png_bytes(), "Die Datei endet auf .pdf, ihr Inhalt ist aber ein PNG-Bild."),
    ],
)
def test_the_same_files_are_refused_everywhere_with_the_same_message(
    login, coordinator, upload_page, name, content, message
):
    response = _post(login(coordinator), upload_page.url, name, content)

    assert response.status_code in (200, 400)
    assert response.context[upload_page.form].errors["file"][0].startswith(message)
    assert not upload_page.model.objects.exists()


def test_the_size_limit_is_the_same_everywhere(settings, login, coordinator, upload_page):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1

    response = _post(login(coordinator), upload_page.url, "Einladung.pdf", PDF)

    assert response.context[upload_page.form].errors["file"] == [
        f"Die Datei ist zu groß ({len(PDF)}\xa0Bytes); erlaubt sind höchstens {len(PDF) - 1}\xa0Bytes."
    ]
    assert not upload_page.model.objects.exists()


def test_the_upload_form_says_what_it_accepts(login, coordinator, upload_page, settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    content = login(coordinator).get(upload_page.form_page).content.decode()

    assert "doc, docx, gif, jpeg, jpg, odp, ods, odt, pdf, png, ppt, pptx, webp, xls, xlsx" in content
    assert "höchstens 10,0\xa0MB." in content


def test_names_are_sanitised():
    assert safe_file_name("../../etc/passwd.pdf", extension="pdf") == "passwd.pdf"
    assert safe_file_name("C:\\Users\\x\\Bericht Lügde 2024.pdf", extension="pdf") == "Bericht_Lügde_2024.pdf"
    assert safe_file_name("<script>.pdf", extension="pdf") == "script.pdf"
    assert safe_file_name(".htaccess", extension="png") == "htaccess.png"
    assert safe_file_name("", extension="pdf") == "document.pdf"
    assert safe_file_name("bild.jpeg", extension="jpg") == "bild.jpg"
