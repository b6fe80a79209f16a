"""Milestones (coordinator; overdue ones highlighted with text) and progress updates (participants)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import Milestone, ProgressUpdate
from projects.selectors import dashboard_sections
from tests.factories.projects import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0))
def test_overdue_means_open_and_due_before_today(project):
    overdue = MilestoneFactory(project=project, due_on=datetime.date(2025, 6, 1))
    due_today = MilestoneFactory(project=project, due_on=datetime.date(2025, 6, 2))
    done_late = MilestoneFactory(
        project=project, due_on=datetime.date(2025, 1, 1), done_on=datetime.date(2025, 2, 1)
    )
    assert overdue.overdue
    assert not due_today.overdue
    assert not done_late.overdue


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0))
def test_overdue_is_marked_in_words_on_the_page(login, rep_b, project):
    MilestoneFactory(project=project, title="Auswertung veröffentlichen", due_on=datetime.date(2025, 5, 1))
    content = login(rep_b).get(project.get_absolute_url()).content.decode()
    assert '<span class="overdue">überfällig</span>' in content


@pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
def test_only_the_coordinator_manages_milestones(request, login, project, who):
    milestone = MilestoneFactory(project=project)
    client = login(request.getfixturevalue(who))
    data = {"title": "X", "due_on": "2030-01-01"}
    assert client.post(reverse("projects:milestone_create", args=[project.pk]), data).status_code == 403
    assert client.post(reverse("projects:milestone_edit", args=[milestone.pk]), data).status_code == 403
    assert client.post(reverse("projects:milestone_done", args=[milestone.pk])).status_code == 403
    assert client.post(reverse("projects:milestone_delete", args=[milestone.pk])).status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert Milestone.objects.count() == 1


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0))
def test_coordinator_adds_completes_and_deletes_milestones(login, coordinator, project):
    client = login(coordinator)
    response = client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {"title": "Förderantrag", "due_on": "2025-07-01"},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="Förderantrag")
    client.post(reverse("projects:milestone_done", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2025, 6, 2)
    client.post(reverse("projects:milestone_delete", args=[milestone.pk]))
    assert not Milestone.objects.exists()


def test_a_milestone_cannot_be_done_in_the_future(project):
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            project=project, title="X", due_on=datetime.date(2030, 1, 1), done_on=datetime.date(2099, 1, 1)
        )
    assert "done_on" in error.value.message_dict
    assert not Milestone.objects.exists()


def test_milestone_actions_need_post(login, coordinator, project):
    milestone = MilestoneFactory(project=project)
    assert login(coordinator).get(reverse("projects:milestone_done", args=[milestone.pk])).status_code == 405


# --- Progress updates --------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "allowed"), [("coordinator", True), ("rep_a", True), ("deputy_a", True)])
def test_coordinator_and_participating_members_post_updates(request, login, project, member_a, who, allowed):
    user = request.getfixturevalue(who)
    response = login(user).post(
        reverse("projects:update_create", args=[project.pk]),
        {"date": "2024-06-01", "text": "Auftakt mit allen Schulen gemacht."},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.author == user
    # The member the author wrote for is kept; the coordinator writes for no member.
    assert update.organisation == (None if who == "coordinator" else member_a)


@pytest.mark.parametrize("who", ["rep_b", "guest_user"])
def test_non_participants_cannot_post_updates(request, login, project, who):
    client = login(request.getfixturevalue(who))
    url = reverse("projects:update_create", args=[project.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"date": "2024-06-01", "text": "Hallo"}).status_code == 403
    assert not ProgressUpdate.objects.exists()
    assert "Fortschritt melden" not in client.get(project.get_absolute_url()).content.decode()


def test_anonymous_cannot_post_updates(login, project):
    response = login(None).post(reverse("projects:update_create", args=[project.pk]), {"text": "x"})
    assert response.status_code == 302
    assert not ProgressUpdate.objects.exists()


def test_the_lead_members_people_post_updates(login, rep_b, member_b):
    project = ProjectFactory(lead_organisation=member_b)
    response = login(rep_b).post(
        reverse("projects:update_create", args=[project.pk]), {"date": "2024-06-01", "text": "Läuft."}
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().organisation == member_b


def test_an_update_dated_in_the_future_is_refused(login, rep_a, project):
    response = login(rep_a).post(
        reverse("projects:update_create", args=[project.pk]), {"date": "2099-01-01", "text": "Später."}
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_an_update_dated_before_the_projects_start_is_refused(login, rep_a, member_a):
    project = ProjectFactory(participants=[member_a], start=datetime.date(2025, 3, 1))
    response = login(rep_a).post(
        reverse("projects:update_create", args=[project.pk]), {"date": "1900-01-01", "text": "Früher."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Das Datum darf nicht vor dem Projektbeginn oder dem Tag der Erfassung (01.03.2025) liegen."
    ]
    assert not ProgressUpdate.objects.exists()
    # The start day itself is fine.
    services.progress_update_create(
        project=project, author=rep_a, text="Start.", date=datetime.date(2025, 3, 1)
    )


def test_a_project_that_starts_later_takes_updates_on_its_preparation(rep_a, member_a, today):
    """Entered today, starting next year: the preparation from today on can be told already."""
    project = ProjectFactory(participants=[member_a], start=today.replace(year=today.year + 1))

    services.progress_update_create(project=project, author=rep_a, text="Förderantrag gestellt.", date=today)

    with pytest.raises(ValidationError) as error:
        services.progress_update_create(
            project=project, author=rep_a, text="Früher.", date=today - datetime.timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"date"}


def test_a_document_title_without_a_file_is_refused_not_dropped(login, rep_a, project):
    response = login(rep_a).post(
        reverse("projects:update_create", args=[project.pk]),
        {"date": "2024-06-01", "text": "Bericht liegt vor.", "document_title": "Abschlussbericht"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [
        "Wählen Sie eine Datei zu diesem Titel aus oder lassen Sie den Titel leer."
    ]
    assert not ProgressUpdate.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.progress_update_create(project=project, author=rep_a, text="x", document_title="Bericht")
    assert set(error.value.message_dict) == {"document"}


# --- Dashboard ---------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0))
def test_dashboard_lists_overdue_milestones_by_role(coordinator, rep_a, rep_b, guest_user, project, member_b):
    MilestoneFactory(project=project, title="Stadtradeln-Auswertung", due_on=datetime.date(2025, 5, 1))
    other = ProjectFactory(title="Lemgoer Projekt", lead_organisation=member_b)
    MilestoneFactory(project=other, title="Lemgoer Meilenstein", due_on=datetime.date(2025, 4, 1))

    def titles(user):
        [section] = dashboard_sections(user)
        return [m.title for m in section["overdue_milestones"]]

    assert titles(coordinator) == ["Lemgoer Meilenstein", "Stadtradeln-Auswertung"]
    assert titles(rep_a) == ["Stadtradeln-Auswertung"]
    assert titles(rep_b) == ["Lemgoer Meilenstein"]
    assert [p.title for p in dashboard_sections(rep_a)[0]["own_projects"]] == ["Stadtradeln"]
    assert dashboard_sections(guest_user) == []


@time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0))
def test_dashboard_page_shows_the_card(login, rep_a, project):
    MilestoneFactory(project=project, title="Stadtradeln-Auswertung", due_on=datetime.date(2025, 5, 1))
    content = login(rep_a).get(reverse("dashboard")).content.decode()
    assert "Stadtradeln-Auswertung" in content
    assert "überfällig" in content


def test_dashboard_sections_take_a_constant_number_of_queries(
    rep_a, project, member_a, django_assert_num_queries
):
    from members.models import User

    MilestoneFactory(project=project, due_on=datetime.date(2020, 1, 1))
    user = User.objects.get(pk=rep_a.pk)
    user.member_organisations  # noqa: B018 - loaded once per request by the navigation anyway
    with django_assert_num_queries(2):
        dashboard_sections(user)
    for number in range(8):
        other = ProjectFactory(title=f"P{number}", lead_organisation=member_a)
        MilestoneFactory(project=other, due_on=datetime.date(2020, 1, 1))
    with django_assert_num_queries(2):
        dashboard_sections(user)
