"""Two coordinators editing one meeting: the later save on an old revision is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from members.enums import MembershipRole
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(coordinator_org):
    person = UserFactory(full_name="Tobias Klimaschutz")
    MembershipFactory(person=person, organisation=coordinator_org, role=MembershipRole.COORDINATOR)
    return person


def form_data(meeting, **changes):
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "description": meeting.description,
        "start": timezone.localtime(meeting.start).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(meeting.end).strftime("%Y-%m-%dT%H:%M"),
        "venue": meeting.venue,
        "address": meeting.address,
        "online_url": meeting.online_url,
        "revision": meeting.revision,
    }
    data.update(changes)
    return data


def test_stale_revision_is_refused_and_nothing_overwritten(people, published_meeting, colleague):
    revision = published_meeting.revision
    services.meeting_update(
        meeting=published_meeting, by=colleague, revision=revision, title="Titel von Tobias"
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_update(
            meeting=published_meeting, by=people["coordinator"], revision=revision, title="Titel von Miriam"
        )
    assert "Tobias Klimaschutz" in str(error.value)
    published_meeting.refresh_from_db()
    assert published_meeting.title == "Titel von Tobias"
    assert published_meeting.revision == revision + 1


def test_edit_form_carries_the_revision_and_names_the_conflict(
    login, people, published_meeting, colleague, client
):
    login(people["coordinator"])
    page = client.get(reverse("meetings:edit", args=[published_meeting.pk])).content.decode()
    assert f'name="revision" value="{published_meeting.revision}"' in page
    stale = form_data(published_meeting, title="Miriams Titel")
    services.meeting_update(
        meeting=published_meeting,
        by=colleague,
        revision=published_meeting.revision,
        start=published_meeting.start + datetime.timedelta(hours=1),
        end=published_meeting.end + datetime.timedelta(hours=1),
    )
    response = client.post(reverse("meetings:edit", args=[published_meeting.pk]), stale)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tobias Klimaschutz" in content
    published_meeting.refresh_from_db()
    assert published_meeting.title != "Miriams Titel"
    # Saving again on the current revision works.
    fresh = form_data(published_meeting, title="Miriams Titel")
    assert client.post(reverse("meetings:edit", args=[published_meeting.pk]), fresh).status_code == 302
    published_meeting.refresh_from_db()
    assert published_meeting.title == "Miriams Titel"


def test_minutes_use_the_same_lock(people, published_meeting, colleague):
    revision = published_meeting.revision
    services.meeting_minutes_update(
        meeting=published_meeting, by=colleague, minutes="Version A", revision=revision
    )
    with pytest.raises(ValidationError):
        services.meeting_minutes_update(
            meeting=published_meeting, by=people["coordinator"], minutes="Version B", revision=revision
        )
    published_meeting.refresh_from_db()
    assert published_meeting.minutes == "Version A"


def test_edit_without_revision_is_refused(login, people, published_meeting, client):
    login(people["coordinator"])
    data = form_data(published_meeting, title="Ohne Revision")
    del data["revision"]
    response = client.post(reverse("meetings:edit", args=[published_meeting.pk]), data)
    assert response.status_code == 200
    published_meeting.refresh_from_db()
    assert published_meeting.title != "Ohne Revision"
