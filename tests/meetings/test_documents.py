"""Meeting documents: size limit, type by content, safe names, download only after a permission check."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import MeetingDocument
from tests.factories.files import PDF, docx_bytes, png_bytes, xlsx_bytes
from tests.factories.meetings import AgendaItemFactory

pytestmark = pytest.mark.django_db


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name,content,expected_type",
    [
        ("Einladung.pdf", PDF, "application/pdf"),
        ("Foto Rathaus.png", None, "image/png"),
        (
            "Auswertung Stadtradeln.xlsx",
            None,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("Protokoll.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_allowed_types_are_stored_under_media_root(
    people, published_meeting, settings, name, content, expected_type
):
    content = content or {"png": png_bytes, "xlsx": xlsx_bytes, "docx": docx_bytes}[name.rsplit(".", 1)[1]]()
    document = services.document_upload(
        meeting=published_meeting, by=people["coordinator"], uploaded_file=upload(name, content)
    )
    assert document.content_type == expected_type
    assert document.original_name == name.replace(" ", "_")
    assert document.size == len(content)
    path = document.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert os.path.basename(path) != name  # stored under a random name
    with open(path, "rb") as stored:
        assert stored.read() == content


def test_too_big_is_refused(people, published_meeting, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.document_upload(
            meeting=published_meeting, by=people["coordinator"], uploaded_file=upload("a.pdf", PDF * 5)
        )
    assert "file" in error.value.message_dict
    assert not MeetingDocument.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("script.pdf", b"#!/bin/sh\necho hello\n"),  # text pretending to be a PDF
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200),
        ("archive.zip", b"PK\x05\x06" + b"\x00" * 18),
        ("empty.pdf", b""),
    ],
)
def test_wrong_content_is_refused(people, published_meeting, name, content):
    with pytest.raises(ValidationError):
        services.document_upload(
            meeting=published_meeting, by=people["coordinator"], uploaded_file=upload(name, content)
        )
    assert not MeetingDocument.objects.exists()


def test_name_that_does_not_match_the_content_is_refused(people, published_meeting):
    with pytest.raises(ValidationError) as error:
        services.document_upload(
            meeting=published_meeting, by=people["coordinator"], uploaded_file=upload("bild.pdf", png_bytes())
        )
    assert "PNG" in str(error.value)


def test_upload_view_shows_the_error(login, people, published_meeting, client):
    client = login(people["coordinator"])
    response = client.post(
        reverse("meetings:document_upload", args=[published_meeting.pk]),
        {"file": upload("virus.pdf", b"not a pdf at all")},
    )
    assert response.status_code == 400
    assert "erlaubt" in response.content.decode() or "allowed" in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_upload_view_attaches_to_an_agenda_item(login, people, published_meeting, client):
    item = AgendaItemFactory(meeting=published_meeting)
    client = login(people["coordinator"])
    response = client.post(
        reverse("meetings:document_upload", args=[published_meeting.pk]),
        {"file": upload("Folien.pdf", PDF), "agenda_item": item.pk},
    )
    assert response.status_code == 302
    assert MeetingDocument.objects.get().agenda_item == item
    page = client.get(published_meeting.get_absolute_url()).content.decode()
    assert "Folien.pdf" in page


def test_agenda_item_of_another_meeting_is_refused(people, published_meeting, past_meeting):
    item = AgendaItemFactory(meeting=past_meeting)
    with pytest.raises(ValidationError):
        services.document_upload(
            meeting=published_meeting,
            by=people["coordinator"],
            uploaded_file=upload("a.pdf", PDF),
            agenda_item=item,
        )


class TestDownload:
    @pytest.fixture
    def document(self, people, published_meeting):
        return services.document_upload(
            meeting=published_meeting, by=people["coordinator"], uploaded_file=upload("Vorlage.pdf", PDF)
        )

    def url(self, document):
        return reverse("meetings:document", args=[document.meeting_id, document.pk])

    @pytest.mark.parametrize("who", ["coordinator", "rep_a", "deputy_a", "rep_b"])
    def test_invitees_download_as_attachment(self, login, people, document, who):
        response = login(people[who]).get(self.url(document))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "Vorlage.pdf" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF

    def test_people_not_invited_get_403(self, login, people, document):
        assert login(people["guest"]).get(self.url(document)).status_code == 403

    def test_anonymous_goes_to_login(self, login, document):
        response = login(None).get(self.url(document))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_drafts_documents_only_for_the_coordinator(self, login, people, draft_meeting):
        document = services.document_upload(
            meeting=draft_meeting, by=people["coordinator"], uploaded_file=upload("x.pdf", PDF)
        )
        assert login(people["rep_a"]).get(self.url(document)).status_code == 403
        response = login(people["coordinator"]).get(self.url(document))
        assert response.status_code == 200
        response.close()

    def test_document_of_another_meeting_id_is_404(self, login, people, document, past_meeting):
        url = reverse("meetings:document", args=[past_meeting.pk, document.pk])
        assert login(people["coordinator"]).get(url).status_code == 404

    def test_files_are_not_served_from_media_url(self, client, document, settings):
        assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404

    def test_delete_removes_the_file(self, login, people, document, django_capture_on_commit_callbacks):
        path = document.file.path
        with django_capture_on_commit_callbacks(execute=True):
            login(people["coordinator"]).post(
                reverse("meetings:document_delete", args=[document.meeting_id, document.pk])
            )
        assert not MeetingDocument.objects.exists()
        assert not os.path.exists(path)

    def test_representatives_cannot_upload_or_delete(self, login, people, document, published_meeting):
        client = login(people["rep_a"])
        url = reverse("meetings:document_upload", args=[published_meeting.pk])
        assert client.post(url, {"file": upload("a.pdf", PDF)}).status_code == 403
        delete = reverse("meetings:document_delete", args=[document.meeting_id, document.pk])
        assert client.post(delete).status_code == 403
        assert MeetingDocument.objects.count() == 1
