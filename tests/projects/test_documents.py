"""Documents and links: uploads checked by size and content, served only to logged-in people."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import ProgressUpdate, ProjectDocument, ProjectLink
from tests.factories.files import PDF, png_bytes

pytestmark = pytest.mark.django_db


def pdf(name="Konzept.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_coordinator_uploads_and_everyone_logged_in_downloads(login, coordinator, rep_b, guest_user, project):
    response = login(coordinator).post(
        reverse("projects:document_create", args=[project.pk]), {"title": "Konzept", "file": pdf()}
    )
    assert response.status_code == 302
    document = ProjectDocument.objects.get()
    assert (document.original_name, document.content_type, document.size) == (
        "Konzept.pdf",
        "application/pdf",
        len(PDF),
    )
    # Stored under a random name, never the one the browser sent.
    assert "Konzept" not in document.file.name

    for user in (rep_b, guest_user):
        download = login(user).get(document.get_absolute_url())
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment")


def test_anonymous_cannot_download(login, coordinator, project):
    login(coordinator).post(
        reverse("projects:document_create", args=[project.pk]), {"title": "", "file": pdf()}
    )
    document = ProjectDocument.objects.get()
    response = login(None).get(document.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_missing_document_is_404(login, rep_a):
    assert login(rep_a).get(reverse("projects:document_download", args=[424242])).status_code == 404


def test_type_is_checked_by_content_not_by_name(login, coordinator, project):
    fake = SimpleUploadedFile("Bericht.pdf", b"#!/bin/sh\necho hallo\n", content_type="application/pdf")
    response = login(coordinator).post(reverse("projects:document_create", args=[project.pk]), {"file": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("Dieser Dateityp ist nicht erlaubt.")
    assert not ProjectDocument.objects.exists()


def test_an_image_with_an_odd_name_is_accepted(login, coordinator, project):
    image = SimpleUploadedFile("../../etc/foto", png_bytes(), content_type="text/plain")
    login(coordinator).post(reverse("projects:document_create", args=[project.pk]), {"file": image})
    document = ProjectDocument.objects.get()
    assert document.content_type == "image/png"
    assert document.original_name == "foto.png"


def test_size_limit(settings, login, coordinator, project):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    response = login(coordinator).post(
        reverse("projects:document_create", args=[project.pk]), {"file": pdf()}
    )
    assert response.status_code == 200
    assert "zu groß" in response.context["form"].errors["file"][0]
    assert not ProjectDocument.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "rep_b", "guest_user"])
def test_only_the_coordinator_uploads_deletes_and_manages_links(request, login, coordinator, project, who):
    login(coordinator).post(reverse("projects:document_create", args=[project.pk]), {"file": pdf()})
    link = ProjectLink.objects.create(project=project, title="Website", url="https://www.stadtradeln.de")
    document = ProjectDocument.objects.get()
    client = login(request.getfixturevalue(who))
    assert (
        client.post(reverse("projects:document_create", args=[project.pk]), {"file": pdf()}).status_code
        == 403
    )
    assert client.post(reverse("projects:document_delete", args=[document.pk])).status_code == 403
    data = {"title": "X", "url": "https://example.org"}
    assert client.post(reverse("projects:link_create", args=[project.pk]), data).status_code == 403
    assert client.post(reverse("projects:link_delete", args=[link.pk])).status_code == 403
    assert ProjectDocument.objects.count() == 1
    assert ProjectLink.objects.count() == 1


def test_coordinator_deletes_a_document_and_its_file(
    login, coordinator, project, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    client.post(reverse("projects:document_create", args=[project.pk]), {"file": pdf()})
    document = ProjectDocument.objects.get()
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:document_delete", args=[document.pk]))
    assert not ProjectDocument.objects.exists()
    assert not storage.exists(name)


def test_coordinator_adds_and_removes_links(login, coordinator, project):
    client = login(coordinator)
    client.post(
        reverse("projects:link_create", args=[project.pk]),
        {"title": "STADTRADELN", "url": "https://www.stadtradeln.de"},
    )
    link = ProjectLink.objects.get()
    assert 'href="https://www.stadtradeln.de"' in client.get(project.get_absolute_url()).content.decode()
    client.post(reverse("projects:link_delete", args=[link.pk]))
    assert not ProjectLink.objects.exists()


def test_a_link_must_be_a_web_address(login, coordinator, project):
    response = login(coordinator).post(
        reverse("projects:link_create", args=[project.pk]), {"title": "X", "url": "javascript:alert(1)"}
    )
    assert response.status_code == 200
    assert not ProjectLink.objects.exists()


def test_an_update_may_carry_a_document(login, rep_a, project):
    response = login(rep_a).post(
        reverse("projects:update_create", args=[project.pk]),
        {
            "date": "2024-06-01",
            "text": "Protokoll anbei.",
            "document": pdf("Protokoll.pdf"),
            "document_title": "",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    [document] = update.documents.all()
    assert document.project == project
    assert document.original_name == "Protokoll.pdf"
    assert "Protokoll.pdf" in login(rep_a).get(project.get_absolute_url()).content.decode()


def test_an_update_with_a_bad_document_saves_nothing(login, rep_a, project):
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = login(rep_a).post(
        reverse("projects:update_create", args=[project.pk]),
        {"date": "2024-06-01", "text": "Anhang.", "document": fake},
    )
    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()
    assert not ProjectDocument.objects.exists()
