"""Who sees which meeting and who may change what: coordinator, rep A, rep B, deputy, guest, anonymous."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.enums import InvitationRole, MeetingStatus
from tests.factories.meetings import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = [
    "edit", "publish", "cancel", "duplicate", "agenda", "invitees", "attendance", "minutes",
    "attendance_pdf", "check_in_qr",
]  # fmt: skip


@pytest.fixture
def detmold_only(people, member_a):
    """A published meeting only Detmold's people (and a guest) are invited to."""
    meeting = MeetingFactory(title="Arbeitsgruppe Detmold")
    for key in ("rep_a", "deputy_a"):
        InvitationFactory(
            meeting=meeting, person=people[key], organisation=member_a, role=InvitationRole.REPRESENTATIVE
        )
    InvitationFactory(meeting=meeting, person=people["guest"], role=InvitationRole.GUEST)
    return meeting


@pytest.mark.parametrize(
    "who,status",
    [
        ("coordinator", 200),
        ("rep_a", 200),
        ("deputy_a", 200),
        ("guest", 200),
        ("rep_b", 403),
        ("anonymous", 302),
    ],
)
def test_detail_of_a_published_meeting(login, people, detmold_only, who, status):
    client = login(people.get(who))
    assert client.get(detmold_only.get_absolute_url()).status_code == status


@pytest.mark.parametrize("who,status", [("coordinator", 200), ("rep_a", 403), ("rep_b", 403), ("guest", 403)])
def test_drafts_only_for_the_coordinator(login, people, draft_meeting, who, status):
    assert login(people[who]).get(draft_meeting.get_absolute_url()).status_code == status


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_held_and_cancelled_meetings_stay_visible_to_invitees(login, people, detmold_only, status):
    detmold_only.status = status
    detmold_only.save()
    assert login(people["rep_a"]).get(detmold_only.get_absolute_url()).status_code == 200
    assert login(people["rep_b"]).get(detmold_only.get_absolute_url()).status_code == 403


def test_missing_meeting_is_404(login, people):
    for who in ("coordinator", "rep_a"):
        assert login(people[who]).get(reverse("meetings:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
@pytest.mark.parametrize(
    "who,status", [("rep_a", 403), ("rep_b", 403), ("deputy_a", 403), ("guest", 403), ("anonymous", 302)]
)
def test_coordinator_pages(login, people, published_meeting, page, who, status):
    url = reverse(f"meetings:{page}", args=[published_meeting.pk])
    assert login(people.get(who)).get(url).status_code == status


@pytest.mark.parametrize(
    "who,status", [("rep_a", 403), ("guest", 403), ("anonymous", 302), ("coordinator", 200)]
)
def test_create_page(login, people, who, status):
    assert login(people.get(who)).get(reverse("meetings:create")).status_code == status


def test_coordinator_pages_of_a_missing_meeting_are_404(login, people):
    client = login(people["coordinator"])
    for page in COORDINATOR_PAGES:
        assert client.get(reverse(f"meetings:{page}", args=[999999])).status_code == 404, page


def test_representative_writes_are_refused(login, people, published_meeting, client):
    client = login(people["rep_a"])
    pk = published_meeting.pk
    before = (published_meeting.title, published_meeting.status)
    client.post(
        reverse("meetings:edit", args=[pk]), {"title": "Gehackt", "revision": published_meeting.revision}
    )
    client.post(reverse("meetings:cancel", args=[pk]))
    client.post(reverse("meetings:invitees", args=[pk]), {"full_name": "Eindringling"})
    published_meeting.refresh_from_db()
    assert (published_meeting.title, published_meeting.status) == before
    assert not published_meeting.invitations.filter(person__full_name="Eindringling").exists()


def test_list_shows_only_visible_meetings(login, people, published_meeting, detmold_only):
    draft_meeting = MeetingFactory(title="Entwurf", status=MeetingStatus.DRAFT)
    InvitationFactory(meeting=draft_meeting, person=people["rep_b"])
    as_rep_b = login(people["rep_b"]).get(reverse("meetings:list")).content.decode()
    assert published_meeting.title in as_rep_b
    assert detmold_only.title not in as_rep_b
    assert draft_meeting.get_absolute_url() not in as_rep_b
    as_coordinator = login(people["coordinator"]).get(reverse("meetings:list")).content.decode()
    assert draft_meeting.get_absolute_url() in as_coordinator and detmold_only.title in as_coordinator


def test_my_meetings_lists_my_answers(login, people, published_meeting, invitation):
    services.invitation_respond(invitation=invitation(people["rep_a"]), by=people["rep_a"], response="yes")
    page = login(people["rep_a"]).get(reverse("meetings:my_meetings")).content.decode()
    assert published_meeting.title in page
    assert login(people["guest"]).get(reverse("meetings:my_meetings")).status_code == 200


def test_comments_are_shown_only_to_the_coordinator(login, people, published_meeting, invitation):
    services.invitation_respond(
        invitation=invitation(people["rep_a"]),
        by=people["rep_a"],
        response="no",
        comment="Urlaub bis Ende Mai",
    )
    assert (
        "Urlaub bis Ende Mai"
        not in login(people["rep_b"]).get(published_meeting.get_absolute_url()).content.decode()
    )
    assert (
        "Urlaub bis Ende Mai"
        in login(people["coordinator"]).get(published_meeting.get_absolute_url()).content.decode()
    )
