"""Status changes: only through project_change_status, with who, when, from → to and a reason."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.enums import ProjectStatus
from projects.models import StatusChange

pytestmark = pytest.mark.django_db


def test_a_change_is_recorded_with_who_when_from_to_and_why(project, coordinator):
    change = services.project_change_status(
        project=project,
        status=ProjectStatus.PAUSED,
        reason="Personalwechsel in der Koordination",
        changed_by=coordinator,
        changed_on=datetime.date(2024, 2, 1),
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAUSED
    assert (change.from_status, change.to_status, change.changed_by, change.changed_on) == (
        ProjectStatus.RUNNING,
        ProjectStatus.PAUSED,
        coordinator,
        datetime.date(2024, 2, 1),
    )
    assert list(project.status_changes.values_list("to_status", flat=True)) == ["paused", "running"]


@pytest.mark.parametrize(
    ("status", "reason", "changed_on", "field"),
    [
        (ProjectStatus.PAUSED, "   ", None, "reason"),
        (ProjectStatus.RUNNING, "Nichts", None, "status"),
        ("finished", "Unbekannt", None, "status"),
        (ProjectStatus.PAUSED, "Zukunft", datetime.date(2099, 1, 1), "changed_on"),
        # Before the previous entry (the project's creation on 1 May 2016).
        (ProjectStatus.PAUSED, "Zu früh", datetime.date(2016, 4, 30), "changed_on"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(project, coordinator, status, reason, changed_on, field):
    with pytest.raises(ValidationError) as error:
        services.project_change_status(
            project=project, status=status, reason=reason, changed_by=coordinator, changed_on=changed_on
        )
    assert field in error.value.message_dict
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING
    assert StatusChange.objects.filter(project=project).count() == 1


def test_the_reason_message_is_clear(project, coordinator):
    with pytest.raises(ValidationError) as error:
        services.project_change_status(
            project=project, status=ProjectStatus.COMPLETED, reason="", changed_by=coordinator
        )
    assert error.value.message_dict["reason"] == ["Bitte geben Sie einen kurzen Grund für die Änderung an."]


@pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
def test_only_the_coordinator_changes_the_status(request, login, project, who):
    client = login(request.getfixturevalue(who))
    url = reverse("projects:status", args=[project.pk])
    assert client.get(url).status_code == 403
    data = {"status": "completed", "reason": "Fertig", "changed_on": "2024-01-01"}
    assert client.post(url, data).status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING


def test_anonymous_is_sent_to_the_login(login, project):
    response = login(None).get(reverse("projects:status", args=[project.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@time_machine.travel(datetime.datetime(2025, 3, 10, 12, 0))
def test_coordinator_changes_the_status_through_the_page(login, coordinator, project):
    client = login(coordinator)
    url = reverse("projects:status", args=[project.pk])
    page = client.get(url)
    assert ProjectStatus.RUNNING not in [
        value for value, _label in page.context["form"].fields["status"].choices
    ]

    response = client.post(
        url, {"status": "completed", "reason": "Kampagne beendet", "changed_on": "2025-03-10"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    latest = project.status_changes.first()
    assert (latest.reason, latest.changed_by, latest.changed_on) == (
        "Kampagne beendet",
        coordinator,
        datetime.date(2025, 3, 10),
    )


def test_a_change_without_reason_shows_the_form_again(login, coordinator, project):
    response = login(coordinator).post(
        reverse("projects:status", args=[project.pk]),
        {"status": "paused", "reason": "", "changed_on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    project.refresh_from_db()
    assert project.status == ProjectStatus.RUNNING


def test_the_edit_form_cannot_change_the_status(login, coordinator, project):
    from projects.forms import ProjectForm

    assert "status" not in ProjectForm().fields
