"""Every meetings page renders for the people who may see it, in German and English."""

import pytest
from django.urls import reverse

from meetings import services
from tests.factories.meetings import ActionItemFactory, AgendaItemFactory

pytestmark = pytest.mark.django_db


def coordinator_pages(meeting):
    pk = meeting.pk
    return [
        reverse("meetings:list"),
        reverse("meetings:list") + f"?year={meeting.start.year}",
        reverse("meetings:my_meetings"),
        reverse("meetings:action_items"),
        reverse("meetings:create"),
        reverse("meetings:detail", args=[pk]),
        reverse("meetings:edit", args=[pk]),
        reverse("meetings:duplicate", args=[pk]),
        reverse("meetings:agenda", args=[pk]),
        reverse("meetings:invitees", args=[pk]),
        reverse("meetings:attendance", args=[pk]),
        reverse("meetings:check_in_qr", args=[pk]),
        reverse("meetings:minutes", args=[pk]),
        reverse("meetings:check_in", args=[meeting.check_in_code]),
        reverse("dashboard"),
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_coordinator_pages_render(login, people, published_meeting, language, client):
    AgendaItemFactory(meeting=published_meeting, title="Stand Stadtradeln", presenter="Kreis Lippe")
    ActionItemFactory(meeting=published_meeting, title="Fördermittel prüfen", owner=people["rep_a"])
    services.invitation_add_guest(
        meeting=published_meeting, by=people["coordinator"], full_name="Gerd Gast", affiliation="Stadtwerke"
    )
    login(people["coordinator"])
    client.cookies["django_language"] = language
    for url in coordinator_pages(published_meeting):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_draft_pages_render(login, people, draft_meeting, client):
    login(people["coordinator"])
    for name in ("detail", "publish", "edit", "agenda", "invitees"):
        response = client.get(reverse(f"meetings:{name}", args=[draft_meeting.pk]))
        assert response.status_code == 200, name


def test_cancel_page_renders(login, people, published_meeting, client):
    login(people["coordinator"])
    assert client.get(reverse("meetings:cancel", args=[published_meeting.pk])).status_code == 200


def test_member_page_lists_hosted_meetings_the_viewer_may_see(
    login, people, published_meeting, member_a, client
):
    from tests.factories.meetings import MeetingFactory

    published_meeting.host_organisation = member_a
    published_meeting.save()
    MeetingFactory(title="Geheimer Entwurf", host_organisation=member_a, status="draft")
    url = reverse("members:organisation_detail", args=[member_a.slug])
    page = login(people["rep_b"]).get(url).content.decode()
    assert published_meeting.title in page and "Geheimer Entwurf" not in page
    assert "Geheimer Entwurf" in login(people["coordinator"]).get(url).content.decode()


def test_profile_shows_the_personal_calendar_feed(login, people, client, settings):
    from meetings.tokens import calendar_feed_url

    person = people["rep_a"]
    page = login(person).get(person.get_absolute_url()).content.decode()
    assert calendar_feed_url(person) in page
    assert (
        calendar_feed_url(person)
        not in login(people["rep_b"]).get(person.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("year", ["²⁰²⁴", "20x4", "99999"])
def test_a_year_that_is_no_number_shows_the_upcoming_meetings(login, people, published_meeting, year):
    response = login(people["rep_a"]).get(reverse("meetings:list"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] is None
    assert published_meeting.title in response.content.decode()
