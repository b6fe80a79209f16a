"""Scheduling by the coordinator: drafts, default invitees, publishing, changes, cancelling, copies."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from controlling.figures_cache import figures_changed
from meetings import services
from meetings.enums import InvitationRole, MeetingKind, MeetingStatus, Response
from meetings.models import AgendaItem, Invitation, Meeting
from members.enums import MembershipRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.meetings import AgendaItemFactory, MeetingFactory


def _enqueued(callbacks):
    """The tasks a change enqueues; every write to a meeting also makes the cached year figures old."""
    return [callback for callback in callbacks if callback is not figures_changed]


pytestmark = pytest.mark.django_db


def next_week(hour=14):
    day = timezone.localdate() + datetime.timedelta(days=7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def create(by, **fields):
    start = fields.pop("start", next_week())
    fields.setdefault("title", "Sitzung")
    fields.setdefault("venue", "Rathaus Lemgo")
    return services.meeting_create(
        by=by, start=start, end=fields.pop("end", start + datetime.timedelta(hours=2)), **fields
    )


class TestDefaultInvitees:
    def test_every_active_representative_and_deputy_plus_coordinators(self, people, coordinator_org):
        colleague = UserFactory(full_name="Tobias Klimaschutz")
        MembershipFactory(person=colleague, organisation=coordinator_org, role=MembershipRole.COORDINATOR)
        meeting = create(people["coordinator"])
        roles = {i.person_id: (i.role, i.organisation_id) for i in meeting.invitations.all()}
        assert roles == {
            people["rep_a"].pk: (InvitationRole.REPRESENTATIVE, people["rep_a"].member_organisations[0].pk),
            people["deputy_a"].pk: (InvitationRole.DEPUTY, people["deputy_a"].member_organisations[0].pk),
            people["rep_b"].pk: (InvitationRole.REPRESENTATIVE, people["rep_b"].member_organisations[0].pk),
            people["coordinator"].pk: (InvitationRole.COORDINATOR, coordinator_org.pk),
            colleague.pk: (InvitationRole.COORDINATOR, coordinator_org.pk),
        }
        assert people["guest"].pk not in roles

    def test_former_inactive_and_non_member_people_are_not_invited(self, people, member_a):
        today = timezone.localdate()
        former = UserFactory()
        MembershipFactory(person=former, organisation=member_a, end=today - datetime.timedelta(days=1))
        inactive = UserFactory(is_active=False)
        MembershipFactory(person=inactive, organisation=member_a)
        left = OrganisationFactory(name="Stadt Ausgetreten", active_until=today - datetime.timedelta(days=10))
        leaver = UserFactory()
        MembershipFactory(person=leaver, organisation=left)
        meeting = create(people["coordinator"])
        invited = set(meeting.invitations.values_list("person_id", flat=True))
        assert invited.isdisjoint({former.pk, inactive.pk, leaver.pk})

    def test_publishing_adds_people_who_joined_since_the_draft(self, people, draft_meeting, member_b):
        newcomer = UserFactory()
        MembershipFactory(person=newcomer, organisation=member_b, role=MembershipRole.DEPUTY)
        services.meeting_publish(meeting=draft_meeting, by=people["coordinator"])
        assert draft_meeting.invitations.filter(person=newcomer, role=InvitationRole.DEPUTY).exists()


class TestValidation:
    def test_end_before_start_is_refused(self, people):
        start = next_week()
        with pytest.raises(ValidationError) as error:
            create(people["coordinator"], start=start, end=start - datetime.timedelta(hours=1))
        assert "end" in error.value.message_dict
        assert not Meeting.objects.exists()

    def test_deadline_after_start_is_refused(self, people):
        start = next_week()
        with pytest.raises(ValidationError) as error:
            create(
                people["coordinator"], start=start, registration_deadline=start + datetime.timedelta(hours=1)
            )
        assert "registration_deadline" in error.value.message_dict

    def test_a_place_or_link_is_required(self, people):
        with pytest.raises(ValidationError) as error:
            create(people["coordinator"], venue="")
        assert "venue" in error.value.message_dict
        create(people["coordinator"], venue="", online_url="https://meet.example/rb2050")

    def test_only_the_coordinator_creates(self, people):
        for person in (people["rep_a"], people["guest"]):
            with pytest.raises(PermissionDenied):
                create(person)

    def test_form_shows_end_before_start_and_saves_nothing(self, login, people, client):
        login(people["coordinator"])
        response = client.post(
            reverse("meetings:create"),
            {
                "kind": "meeting",
                "title": "X",
                "start": "2030-05-05T14:00",
                "end": "2030-05-05T12:00",
                "venue": "Rathaus",
            },
        )
        assert response.status_code == 200
        assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
        assert not Meeting.objects.exists()

    def test_form_creates_a_draft_in_berlin_time(self, login, people, client):
        login(people["coordinator"])
        response = client.post(
            reverse("meetings:create"),
            {
                "kind": "workshop",
                "title": "Workshop PV",
                "start": "2030-03-31T09:30",
                "end": "2030-03-31T12:30",
                "venue": "Kreishaus",
                "capacity": "20",
            },
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert meeting.status == MeetingStatus.DRAFT
        assert timezone.localtime(meeting.start).hour == 9
        assert meeting.start.utcoffset() is not None
        assert meeting.start == datetime.datetime(2030, 3, 31, 7, 30, tzinfo=datetime.UTC)


class TestPublish:
    def test_publishing_sends_invitations(self, people, draft_meeting, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_publish(meeting=draft_meeting, by=people["coordinator"])
        draft_meeting.refresh_from_db()
        assert draft_meeting.status == MeetingStatus.PUBLISHED
        recipients = sorted(m.to[0] for m in mail.outbox)
        invited = sorted(draft_meeting.invitations.values_list("person__email", flat=True))
        assert recipients == invited

    def test_a_meeting_in_the_past_cannot_be_published(self, people, django_capture_on_commit_callbacks):
        start = timezone.now() - datetime.timedelta(days=1)
        meeting = create(people["coordinator"], start=start)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
            services.meeting_publish(meeting=meeting, by=people["coordinator"])
        assert "start" in error.value.message_dict
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.DRAFT
        assert mail.outbox == []

    def test_publish_view_refuses_past_with_message(self, login, people, client):
        start = timezone.now() - datetime.timedelta(days=1)
        meeting = create(people["coordinator"], start=start)
        login(people["coordinator"])
        response = client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True)
        assert "kann nicht veröffentlicht werden" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.DRAFT

    def test_publish_is_post_only_for_the_coordinator(self, login, people, draft_meeting, client):
        login(people["rep_a"])
        assert client.post(reverse("meetings:publish", args=[draft_meeting.pk])).status_code == 403
        login(people["coordinator"])
        client.get(reverse("meetings:publish", args=[draft_meeting.pk]))
        draft_meeting.refresh_from_db()
        assert draft_meeting.status == MeetingStatus.DRAFT


class TestChanges:
    def test_moving_a_published_meeting_raises_the_sequence_and_sends_an_update(
        self, people, draft_meeting, django_capture_on_commit_callbacks
    ):
        coordinator = people["coordinator"]
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_publish(meeting=draft_meeting, by=coordinator)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_update(
                meeting=meeting,
                by=coordinator,
                revision=meeting.revision,
                start=meeting.start + datetime.timedelta(days=1),
                end=meeting.end + datetime.timedelta(days=1),
            )
        assert meeting.sequence == 1
        assert len(mail.outbox) == meeting.invitations.count()
        assert all(m.subject.startswith("Geändert") for m in mail.outbox)

    @pytest.mark.parametrize(
        "field,value",
        [
            ("venue", "Rathaus Lage"),
            ("address", "Marktplatz 1\n32791 Lage"),
            ("online_url", "https://meet.example/x"),
        ],
    )
    def test_place_changes_raise_the_sequence(
        self, people, published_meeting, field, value, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            meeting = services.meeting_update(
                meeting=published_meeting,
                by=people["coordinator"],
                revision=published_meeting.revision,
                **{field: value},
            )
        assert meeting.sequence == 1
        assert len(_enqueued(callbacks)) == 1

    def test_title_change_does_not_notify(
        self, people, published_meeting, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            meeting = services.meeting_update(
                meeting=published_meeting,
                by=people["coordinator"],
                revision=published_meeting.revision,
                title="Neu",
            )
        assert meeting.sequence == 0
        assert meeting.revision == published_meeting.revision + 1
        assert _enqueued(callbacks) == []

    def test_changing_a_draft_does_not_notify(
        self, people, draft_meeting, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            meeting = services.meeting_update(
                meeting=draft_meeting,
                by=people["coordinator"],
                revision=draft_meeting.revision,
                venue="Anderswo",
            )
        assert meeting.sequence == 0
        assert _enqueued(callbacks) == []

    def test_a_published_meeting_cannot_be_moved_into_the_past(self, people, published_meeting):
        start = timezone.now() - datetime.timedelta(hours=3)
        with pytest.raises(ValidationError) as error:
            services.meeting_update(
                meeting=published_meeting,
                by=people["coordinator"],
                revision=published_meeting.revision,
                start=start,
                end=start + datetime.timedelta(hours=1),
            )
        assert "start" in error.value.message_dict
        published_meeting.refresh_from_db()
        assert published_meeting.start > timezone.now()
        assert published_meeting.sequence == 0

    def test_cancelling_raises_the_sequence_and_sends_cancellations(
        self, people, draft_meeting, django_capture_on_commit_callbacks
    ):
        coordinator = people["coordinator"]
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_publish(meeting=draft_meeting, by=coordinator)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting = services.meeting_cancel(meeting=meeting, by=coordinator)
        assert meeting.status == MeetingStatus.CANCELLED
        assert meeting.sequence == 1
        assert len(mail.outbox) == meeting.invitations.count()
        assert all(m.subject.startswith("Abgesagt") for m in mail.outbox)

    def test_a_draft_is_deleted_not_cancelled(self, people, draft_meeting, login, client):
        with pytest.raises(ValidationError):
            services.meeting_cancel(meeting=draft_meeting, by=people["coordinator"])
        login(people["coordinator"])
        client.post(reverse("meetings:delete", args=[draft_meeting.pk]))
        assert not Meeting.objects.filter(pk=draft_meeting.pk).exists()

    def test_a_published_meeting_is_not_deleted(self, people, published_meeting, login, client):
        login(people["coordinator"])
        client.post(reverse("meetings:delete", args=[published_meeting.pk]))
        assert Meeting.objects.filter(pk=published_meeting.pk).exists()

    def test_guests_added_to_a_published_meeting_get_the_invitation(
        self, people, published_meeting, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_add_guest(
                meeting=published_meeting, by=people["coordinator"], person=people["guest"]
            )
        assert invitation.role == InvitationRole.GUEST
        assert [m.to for m in mail.outbox] == [[people["guest"].email]]

    def test_guest_without_account_is_a_person_without_password(self, people, published_meeting):
        invitation = services.invitation_add_guest(
            meeting=published_meeting,
            by=people["coordinator"],
            full_name="Holger Rieke",
            affiliation="Handwerkskammer OWL",
        )
        person = invitation.person
        assert person.email is None
        assert not person.has_usable_password()
        assert person.affiliation == "Handwerkskammer OWL"
        assert invitation.organisation is None

    def test_guest_with_known_address_is_not_duplicated(self, people, published_meeting):
        invitation = services.invitation_add_guest(
            meeting=published_meeting,
            by=people["coordinator"],
            full_name="Gabi",
            email=people["guest"].email.upper(),
        )
        assert invitation.person == people["guest"]

    def test_inviting_twice_is_refused(self, people, published_meeting):
        with pytest.raises(ValidationError):
            services.invitation_add_guest(
                meeting=published_meeting, by=people["coordinator"], person=people["rep_a"]
            )

    def test_guest_form(self, login, people, published_meeting, client):
        login(people["coordinator"])
        response = client.post(
            reverse("meetings:invitees", args=[published_meeting.pk]),
            {"full_name": "Dr. Lena Brinkmann", "email": "", "affiliation": "TH OWL"},
        )
        assert response.status_code == 302
        assert published_meeting.invitations.filter(person__full_name="Dr. Lena Brinkmann").exists()
        response = client.post(reverse("meetings:invitees", args=[published_meeting.pk]), {})
        assert "Wählen Sie eine vorhandene Person" in response.content.decode()


class TestDuplicate:
    def test_copy_of_a_past_meeting_is_a_draft_with_agenda_and_guests(self, people):
        past_start = timezone.now() - datetime.timedelta(days=60)
        original = MeetingFactory(
            kind=MeetingKind.WORKSHOP,
            title="Workshop Energiemanagement",
            start=past_start,
            end=past_start + datetime.timedelta(hours=3),
            capacity=20,
            registration_deadline=past_start - datetime.timedelta(days=7),
            status=MeetingStatus.HELD,
        )
        AgendaItemFactory(meeting=original, position=1, title="Begrüßung", planned_minutes=10)
        AgendaItemFactory(meeting=original, position=2, title="Verbrauchsdaten", presenter="KEM")
        Invitation.objects.create(
            meeting=original, person=people["guest"], role=InvitationRole.GUEST, response=Response.YES
        )
        start = next_week(9)
        copy = services.meeting_duplicate(meeting=original, by=people["coordinator"], start=start)
        assert copy.status == MeetingStatus.DRAFT
        assert copy.title == original.title and copy.capacity == 20
        assert copy.end - copy.start == datetime.timedelta(hours=3)
        assert copy.registration_deadline == start - datetime.timedelta(days=7)
        assert list(copy.agenda_items.values_list("title", flat=True)) == ["Begrüßung", "Verbrauchsdaten"]
        guest = copy.invitations.get(person=people["guest"])
        assert guest.response == Response.PENDING
        assert copy.invitations.filter(person=people["rep_a"]).exists()
        assert AgendaItem.objects.filter(meeting=original).count() == 2

    def test_duplicate_view_opens_the_edit_form(self, login, people, published_meeting, client):
        login(people["coordinator"])
        response = client.post(
            reverse("meetings:duplicate", args=[published_meeting.pk]), {"start": "2031-02-04T14:00"}
        )
        copy = Meeting.objects.exclude(pk=published_meeting.pk).get()
        assert response["Location"] == reverse("meetings:edit", args=[copy.pk])

    def test_representatives_cannot_duplicate(self, login, people, published_meeting, client):
        login(people["rep_a"])
        assert client.get(reverse("meetings:duplicate", args=[published_meeting.pk])).status_code == 403
