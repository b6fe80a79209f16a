"""Joint projects: list, detail, creation and editing, who may do what."""

import datetime

import pytest
from django.urls import reverse

from projects import services
from projects.enums import Field, ProjectStatus
from projects.models import Project, StatusChange
from tests.factories import OrganisationFactory
from tests.factories.projects import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _form_data(lead, **extra):
    data = {
        "title": "Kommunales Energiemanagement",
        "summary": "Zentrales Energiemanagement für kommunale Gebäude.",
        "field": Field.ENERGY_MANAGEMENT,
        "lead_organisation": lead.pk,
        "start": "2019-01-01",
        "end": "2026-12-31",
        "budget": "120000,50",
        "funding_programme": "Kommunalrichtlinie",
        "status": ProjectStatus.PLANNED,
        "status_since": "2018-10-01",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("rep_a", 200), ("rep_b", 200), ("guest_user", 200)]
)
def test_everyone_logged_in_reads_list_and_detail(request, login, project, who, expected):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = login(user)
    for url in (reverse("projects:list"), project.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == expected
        if expected == 302:
            assert response.url.startswith(reverse("login"))


def test_detail_of_a_missing_project_is_404(login, rep_a):
    assert login(rep_a).get(reverse("projects:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
def test_only_the_coordinator_creates_and_edits(request, login, project, member_a, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("projects:create")).status_code == 403
    assert client.post(reverse("projects:create"), _form_data(member_a)).status_code == 403
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 403
    assert client.post(reverse("projects:edit", args=[project.pk]), _form_data(member_a)).status_code == 403
    assert Project.objects.count() == 1


def test_coordinator_creates_a_project_with_history_and_lead_counting_as_participant(
    login, coordinator, member_a, member_b
):
    response = login(coordinator).post(
        reverse("projects:create"), _form_data(member_a, participants=[member_b.pk])
    )
    project = Project.objects.get(title="Kommunales Energiemanagement")
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.status == ProjectStatus.PLANNED
    assert str(project.budget) == "120000.50"
    assert set(project.participants.all()) == {member_a, member_b}
    [entry] = project.status_changes.all()
    assert (entry.from_status, entry.to_status, entry.changed_on) == (
        "",
        ProjectStatus.PLANNED,
        datetime.date(2018, 10, 1),
    )
    assert entry.changed_by == coordinator


def test_end_before_start_is_refused_and_nothing_saved(login, coordinator, member_a):
    response = login(coordinator).post(
        reverse("projects:create"), _form_data(member_a, start="2024-05-01", end="2024-04-30")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["Das Ende darf nicht vor dem Beginn liegen."]}
    assert not Project.objects.exists()


def test_the_service_refuses_end_before_start_on_update(project, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project, start=datetime.date(2020, 1, 1), end=datetime.date(2019, 1, 1)
        )
    assert "end" in error.value.message_dict
    project.refresh_from_db()
    assert project.end is None


def test_only_members_take_part(coordinator, coordinator_org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.project_create(
            created_by=coordinator,
            title="X",
            field=Field.OTHER,
            lead_organisation=coordinator_org,
            participants=[coordinator_org],
        )
    assert "participants" in error.value.message_dict
    assert not Project.objects.exists()


def test_edit_keeps_the_status_and_links_meetings(login, coordinator, project, member_a, member_b):
    from meetings.models import Meeting

    meeting = Meeting.objects.create(
        title="12. Sitzung des Regionalbündnisses",
        start=datetime.datetime(2024, 3, 5, 14, tzinfo=datetime.UTC),
        end=datetime.datetime(2024, 3, 5, 16, tzinfo=datetime.UTC),
    )
    data = _form_data(
        project.lead_organisation, title="Stadtradeln Lippe", participants=[member_a.pk, member_b.pk]
    )
    data.update(meetings=[meeting.pk], status=ProjectStatus.DROPPED, start="2016-05-01", end="")
    response = login(coordinator).post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Stadtradeln Lippe"
    assert project.status == ProjectStatus.RUNNING
    assert list(meeting.projects.all()) == [project]
    assert set(project.participants.all()) == {member_a, member_b}
    client = login(coordinator)
    assert "12. Sitzung des Regionalbündnisses" in client.get(project.get_absolute_url()).content.decode()
    # The meeting's page lists the project (the meetings app reads meeting.projects).
    assert "Stadtradeln Lippe" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_list_filters_by_status_field_and_member(login, rep_a, member_a, member_b, coordinator_org):
    ProjectFactory(
        title="Stadtradeln", field=Field.MOBILITY, lead_organisation=coordinator_org, participants=[member_a]
    )
    ProjectFactory(
        title="Energiemanagement",
        field=Field.ENERGY_MANAGEMENT,
        lead_organisation=member_b,
        status=ProjectStatus.PLANNED,
    )
    ProjectFactory(
        title="Quartiere", field=Field.BUILDINGS, lead_organisation=coordinator_org, status=ProjectStatus.IDEA
    )
    client = login(rep_a)

    def titles(**params):
        response = client.get(reverse("projects:list"), params)
        return [project.title for project in response.context["page"]]

    assert titles() == ["Energiemanagement", "Quartiere", "Stadtradeln"]
    assert titles(status="planned") == ["Energiemanagement"]
    assert titles(field="buildings") == ["Quartiere"]
    assert titles(member="detmold") == ["Stadtradeln"]
    assert titles(member="lemgo") == ["Energiemanagement"]
    assert titles(member="lemgo", status="running") == []
    assert titles(q="energie") == ["Energiemanagement"]
    # An unknown filter value is reported, not a server error.
    response = client.get(reverse("projects:list"), {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_list_shows_x_of_members_and_overdue_milestones(login, rep_a, member_a, member_b, coordinator_org):
    project = ProjectFactory(
        title="Stadtradeln", lead_organisation=coordinator_org, participants=[member_a, member_b]
    )
    MilestoneFactory(project=project, title="Auswertung", due_on=datetime.date(2020, 1, 1))
    content = login(rep_a).get(reverse("projects:list")).content.decode()
    # Two members exist in this test: both take part.
    assert "<td>2 von 2</td>" in content
    assert "überfälliger Meilenstein" in content


def test_list_rows_link_the_project_and_show_field_status_lead_and_period(login, rep_a, member_a):
    project = ProjectFactory(
        title="Stadtradeln",
        field=Field.MOBILITY,
        status=ProjectStatus.RUNNING,
        lead_organisation=member_a,
        start=datetime.date(2016, 5, 1),
        end=None,
    )
    content = login(rep_a).get(reverse("projects:list")).content.decode()
    assert f'<a href="{project.get_absolute_url()}">Stadtradeln</a>' in content
    assert "<td>Mobilität</td>" in content
    assert '<span class="badge text-bg-light border">Laufend</span>' in content
    assert "<td>Detmold</td>" in content
    assert "<td>seit 01.05.2016</td>" in content


def _many_projects(count, coordinator_org, members):
    for number in range(count):
        project = ProjectFactory(
            title=f"Projekt {number:03d}", lead_organisation=coordinator_org, participants=members
        )
        MilestoneFactory(project=project, due_on=datetime.date(2020, 1, 1))


def test_list_has_a_constant_number_of_queries(
    login, rep_a, coordinator_org, member_a, member_b, django_assert_num_queries
):
    client = login(rep_a)
    _many_projects(1, coordinator_org, [member_a])
    client.get(reverse("projects:list"))  # warms up session and caches outside the measured part
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_row:
        assert len(client.get(reverse("projects:list")).context["page"]) == 1
    _many_projects(30, coordinator_org, [member_a, member_b])
    with django_assert_num_queries(len(one_row)):
        assert len(client.get(reverse("projects:list")).context["page"]) == 20
    with django_assert_num_queries(len(one_row) + 1):  # + the member looked up by its slug
        client.get(reverse("projects:list"), {"member": "detmold", "status": "running"})


def test_detail_has_a_constant_number_of_queries(
    login, rep_a, project, member_a, member_b, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.meetings import InvitationFactory, MeetingFactory
    from tests.factories.projects import IndicatorFactory, IndicatorValueFactory, ProgressUpdateFactory

    def add_one_of_each(number, years):
        MilestoneFactory(project=project)
        # Meetings the viewer was invited to and others: whether each may be opened is no query.
        for invited in (True, False):
            meeting = MeetingFactory()
            project.meetings.add(meeting)
            if invited:
                InvitationFactory(meeting=meeting, person=rep_a)
        ProgressUpdateFactory(project=project, author=rep_a, organisation=member_a)
        indicator = IndicatorFactory(project=project)
        for year in years:
            IndicatorValueFactory(indicator=indicator, year=year)
            IndicatorValueFactory(indicator=indicator, year=year, organisation=member_a)
        services.link_create(project=project, title=f"Link {number}", url=f"https://example.org/{number}")

    client = login(rep_a)
    add_one_of_each(0, [2024])
    client.get(project.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(project.get_absolute_url())
    for number in range(1, 6):
        add_one_of_each(number, [2022, 2023, 2024])
    project.participants.add(member_b)
    with django_assert_num_queries(len(few)):
        client.get(project.get_absolute_url())


def test_meetings_the_viewer_may_not_open_are_named_without_a_link(login, rep_a, coordinator, project):
    from meetings.enums import MeetingStatus
    from tests.factories.meetings import AttendanceFactory, InvitationFactory, MeetingFactory

    def meeting(title, year, **fields):
        start = datetime.datetime(year, 3, 5, 14, tzinfo=datetime.UTC)
        created = MeetingFactory(title=title, start=start, end=start + datetime.timedelta(hours=2), **fields)
        project.meetings.add(created)
        return created

    # rep_a joined later: the 2016 meeting was before their time, neither invited nor present.
    before = meeting("Auftakt Stadtradeln", 2016, status=MeetingStatus.HELD)
    invited = meeting("Sitzung mit Einladung", 2024, status=MeetingStatus.HELD)
    InvitationFactory(meeting=invited, person=rep_a)
    walked_in = meeting("Workshop als Gast", 2025, status=MeetingStatus.HELD)
    AttendanceFactory(meeting=walked_in, person=rep_a)
    draft = meeting("Entwurf", 2026, status=MeetingStatus.DRAFT)
    InvitationFactory(meeting=draft, person=rep_a)

    client = login(rep_a)
    content = client.get(project.get_absolute_url()).content.decode()

    for linked in (invited, walked_in):
        url = reverse("meetings:detail", args=[linked.pk])
        assert f'<a href="{url}">' in content
        assert client.get(url).status_code == 200
    for unlinked in (before, draft):
        url = reverse("meetings:detail", args=[unlinked.pk])
        assert unlinked.title in content  # named with its date, as plain text
        assert url not in content
        assert client.get(url).status_code == 403
    assert "05.03.2016 – Auftakt Stadtradeln" in content
    # The coordinator may open every meeting: all four are links.
    coordinator_page = login(coordinator).get(project.get_absolute_url()).content.decode()
    for linked in (before, invited, walked_in, draft):
        assert f'<a href="{reverse("meetings:detail", args=[linked.pk])}">' in coordinator_page


def test_status_history_and_milestones_show_on_the_detail_page(login, rep_b, coordinator, project):
    services.project_change_status(
        project=project, status=ProjectStatus.PAUSED, reason="Förderbescheid fehlt", changed_by=coordinator
    )
    MilestoneFactory(project=project, title="Förderantrag stellen", due_on=datetime.date(2021, 3, 1))
    content = login(rep_b).get(project.get_absolute_url()).content.decode()
    assert "Förderbescheid fehlt" in content
    assert "Förderantrag stellen" in content
    assert 'class="overdue"' in content
    assert StatusChange.objects.filter(project=project).count() == 2


def test_organisation_page_shows_projects_and_activities(login, rep_b, project, member_a):
    from tests.factories.projects import ClimateActivityFactory

    ClimateActivityFactory(organisation=member_a, title="Klimaschutzkonzept Detmold")
    other = OrganisationFactory(name="Stadt Blomberg", short_name="Blomberg", slug="blomberg")
    ClimateActivityFactory(organisation=other, title="PV auf dem Rathaus Blomberg")
    content = login(rep_b).get(member_a.get_absolute_url()).content.decode()
    assert "Stadtradeln" in content
    assert "Klimaschutzkonzept Detmold" in content
    assert "PV auf dem Rathaus Blomberg" not in content


def test_organisation_sections_take_two_queries(member_a, coordinator_org, django_assert_num_queries):
    from projects.selectors import organisation_sections
    from tests.factories.projects import ClimateActivityFactory

    for number in range(5):
        ProjectFactory(title=f"P{number}", lead_organisation=coordinator_org, participants=[member_a])
        ClimateActivityFactory(organisation=member_a)
    ProjectFactory(title="Geleitet", lead_organisation=member_a)
    with django_assert_num_queries(2):
        projects, activities = organisation_sections(member_a)
    assert len(projects["projects"]) == 6
    assert len(activities["activities"]) == 5
