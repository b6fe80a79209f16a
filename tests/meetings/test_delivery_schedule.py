"""What is due when: the rules the task and the sweep share (meetings.notifications)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from meetings.enums import DeliveryKind, DeliveryStatus, MeetingStatus, Response
from meetings.notifications import current_reminder, due_meeting_mails, reminder_due_at, reminder_variant
from meetings.tasks import sweep_deliveries
from tests.factories import UserFactory
from tests.factories.deliveries import DeliveryFactory, celery_broker, invite, make_meeting

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
pytestmark = pytest.mark.django_db


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


def sent(meeting, person, kind, variant="", *, at, version=0, status=DeliveryStatus.SENT, **fields):
    return DeliveryFactory(
        kind=kind,
        object_key=f"meeting:{meeting.pk}",
        variant=variant,
        email=person.email,
        recipient=person,
        meeting=meeting,
        status=status,
        version=version,
        sent_at=at if status == DeliveryStatus.SENT else None,
        **fields,
    )


class TestReminderMoments:
    def test_spring_forward_keeps_the_local_reminder_time(self, settings):
        settings.MEETING_REMINDER_TIME = "08:00"
        start = berlin(2026, 3, 30, 10, 0)  # Monday after the switch to summer time (29 March)

        assert reminder_due_at(start, 1) == datetime.datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # 08:00 CEST
        assert reminder_due_at(start, 7) == datetime.datetime(2026, 3, 23, 7, 0, tzinfo=UTC)  # 08:00 CET

    def test_fall_back_keeps_the_local_reminder_time(self, settings):
        settings.MEETING_REMINDER_TIME = "08:00"
        start = berlin(2026, 10, 26, 18, 0)  # Monday after the switch to winter time (25 October)

        assert reminder_due_at(start, 1) == datetime.datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET
        assert reminder_due_at(start, 7) == datetime.datetime(2026, 10, 19, 6, 0, tzinfo=UTC)  # 08:00 CEST

    def test_only_the_nearest_due_offset_counts(self, settings):
        settings.MEETING_REMINDER_OFFSETS_DAYS = [7, 1]
        start = berlin(2026, 5, 20, 14, 0)

        assert current_reminder(start, berlin(2026, 5, 13, 7, 59)) is None
        assert current_reminder(start, berlin(2026, 5, 13, 8, 0))[0] == 7
        assert current_reminder(start, berlin(2026, 5, 18, 12, 0))[0] == 7
        assert current_reminder(start, berlin(2026, 5, 19, 8, 0))[0] == 1

    def test_the_reminder_variant_names_offset_and_local_date(self):
        # 23:30 UTC on 31 May is already 1 June in Berlin.
        start = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)

        assert reminder_variant(start, 7) == "7d:2026-06-01"


@pytest.fixture
def meeting():
    return make_meeting(start=berlin(2026, 5, 20, 14, 0))


@pytest.fixture
def anna():
    return UserFactory(full_name="Anna Detmold", email="anna@detmold.example")


class TestDueInvitationsUpdatesCancellations:
    now = berlin(2026, 5, 1, 9, 0)

    def test_every_mailable_invitee_of_a_published_meeting_is_due_an_invitation(self, meeting, anna):
        ok = invite(meeting, anna)
        invite(meeting, UserFactory(email=None))
        invite(meeting, UserFactory(is_active=False))
        invite(meeting, UserFactory(anonymised_at=timezone.now()))
        draft = make_meeting(start=berlin(2026, 5, 21, 14, 0), status=MeetingStatus.DRAFT)
        invite(draft, anna)

        assert due_meeting_mails(self.now) == {(meeting.pk, DeliveryKind.INVITATION): [ok.pk]}

    def test_nothing_is_due_once_the_invitation_was_sent(self, meeting, anna):
        invite(meeting, anna)
        sent(meeting, anna, DeliveryKind.INVITATION, at=self.now)

        assert due_meeting_mails(self.now) == {}

    def test_a_pending_invitation_waits_for_its_backoff_and_a_failed_one_is_left_alone(self, meeting, anna):
        invite(meeting, anna)
        row = sent(
            meeting,
            anna,
            DeliveryKind.INVITATION,
            at=None,
            status=DeliveryStatus.PENDING,
            attempts=1,
            next_attempt_at=self.now + datetime.timedelta(minutes=2),
        )
        assert due_meeting_mails(self.now) == {}
        assert due_meeting_mails(self.now + datetime.timedelta(minutes=2)) == {
            (meeting.pk, DeliveryKind.INVITATION): [meeting.invitations.get().pk]
        }
        row.status = DeliveryStatus.FAILED
        row.save()
        assert due_meeting_mails(self.now + datetime.timedelta(minutes=2)) == {}

    def test_a_higher_sequence_makes_an_update_due_for_the_current_sequence_only(self, meeting, anna):
        invitation = invite(meeting, anna)
        sent(meeting, anna, DeliveryKind.INVITATION, at=self.now, version=0)
        meeting.sequence = 2
        meeting.save()

        assert due_meeting_mails(self.now) == {(meeting.pk, DeliveryKind.UPDATE): [invitation.pk]}
        sent(meeting, anna, DeliveryKind.UPDATE, "2", at=self.now, version=2)
        assert due_meeting_mails(self.now) == {}

    def test_an_invitation_sent_after_the_change_already_carried_it(self, meeting, anna):
        invite(meeting, anna)
        meeting.sequence = 1
        meeting.save()
        sent(meeting, anna, DeliveryKind.INVITATION, at=self.now, version=1)

        assert due_meeting_mails(self.now) == {}

    def test_cancellation_goes_to_those_who_were_invited(self, meeting, anna):
        informed = invite(meeting, anna)
        never_reached = invite(meeting, UserFactory())
        sent(meeting, anna, DeliveryKind.INVITATION, at=self.now)
        meeting.status = MeetingStatus.CANCELLED
        meeting.save()

        due = due_meeting_mails(self.now)

        assert due == {(meeting.pk, DeliveryKind.CANCELLATION): [informed.pk]}
        assert never_reached.pk not in due[(meeting.pk, DeliveryKind.CANCELLATION)]
        sent(meeting, anna, DeliveryKind.CANCELLATION, at=self.now)
        assert due_meeting_mails(self.now) == {}

    def test_nothing_once_the_meeting_started(self, meeting, anna):
        invite(meeting, anna)

        assert due_meeting_mails(meeting.start) == {}


class TestDueReminders:
    invited_at = berlin(2026, 5, 1, 9, 0)
    seven_days_before = berlin(2026, 5, 13, 8, 0)

    @pytest.fixture(autouse=True)
    def _offsets(self, settings):
        settings.MEETING_REMINDER_OFFSETS_DAYS = [7, 1]
        settings.MEETING_REMINDER_TIME = "08:00"

    def invited(self, meeting, person, **fields):
        invitation = invite(meeting, person, **fields)
        sent(meeting, person, DeliveryKind.INVITATION, at=self.invited_at)
        return invitation

    def test_yes_and_maybe_get_reminders_no_answer_gets_an_answer_request(self, meeting):
        yes = self.invited(meeting, UserFactory(), response=Response.YES)
        maybe = self.invited(meeting, UserFactory(), response=Response.MAYBE)
        pending = self.invited(meeting, UserFactory())
        self.invited(meeting, UserFactory(), response=Response.NO)
        self.invited(meeting, UserFactory(), response=Response.YES, waitlist_position=1)

        assert due_meeting_mails(self.seven_days_before - datetime.timedelta(minutes=1)) == {}
        assert due_meeting_mails(self.seven_days_before) == {
            (meeting.pk, DeliveryKind.REMINDER): [yes.pk, maybe.pk],
            (meeting.pk, DeliveryKind.ANSWER_REQUEST): [pending.pk],
        }

    def test_the_persons_choices_are_respected(self, meeting):
        self.invited(meeting, UserFactory(notify_reminders=False), response=Response.YES)
        self.invited(meeting, UserFactory(notify_answer_requests=False))

        assert due_meeting_mails(self.seven_days_before) == {}

    def test_no_answer_request_after_the_registration_deadline(self, meeting):
        meeting.registration_deadline = berlin(2026, 5, 12, 12, 0)
        meeting.save()
        self.invited(meeting, UserFactory())

        assert due_meeting_mails(self.seven_days_before) == {}

    def test_a_sent_reminder_is_not_due_again(self, meeting, anna):
        self.invited(meeting, anna, response=Response.YES)
        sent(
            meeting,
            anna,
            DeliveryKind.REMINDER,
            reminder_variant(meeting.start, 7),
            at=self.seven_days_before,
        )

        assert due_meeting_mails(self.seven_days_before + datetime.timedelta(days=1)) == {}

    def test_after_a_long_outage_only_the_nearest_reminder_is_due(self, meeting, anna):
        invitation = self.invited(meeting, anna, response=Response.YES)
        day_before = berlin(2026, 5, 19, 9, 0)

        due = due_meeting_mails(day_before)

        assert due == {(meeting.pk, DeliveryKind.REMINDER): [invitation.pk]}

    def test_no_reminder_when_the_person_heard_from_us_after_its_moment(self, meeting, anna):
        invite(meeting, anna, response=Response.YES)
        sent(meeting, anna, DeliveryKind.INVITATION, at=self.seven_days_before + datetime.timedelta(hours=1))

        assert due_meeting_mails(self.seven_days_before + datetime.timedelta(hours=2)) == {}


def test_the_sweep_query_count_does_not_grow_with_invitees(django_assert_max_num_queries):
    now = berlin(2026, 5, 13, 9, 0)

    def populate(meetings, invitees):
        for n in range(meetings):
            meeting = make_meeting(start=berlin(2026, 5, 20, 9 + n, 0))
            for _ in range(invitees):
                person = UserFactory()
                invite(meeting, person, response=Response.YES)
                sent(meeting, person, DeliveryKind.INVITATION, at=berlin(2026, 5, 1, 9, 0))

    populate(1, 1)
    with django_assert_max_num_queries(3):
        small = due_meeting_mails(now)
    populate(5, 12)
    with django_assert_max_num_queries(3):
        large = due_meeting_mails(now)

    assert sum(len(ids) for ids in small.values()) == 1
    assert sum(len(ids) for ids in large.values()) == 61


def test_one_sweep_runs_the_same_number_of_queries_for_few_and_many_invitees(
    coordinator, django_assert_max_num_queries
):
    """The whole periodic task (meeting mails and digest), publishing to an in-memory broker."""
    now = berlin(2026, 5, 13, 8, 30)  # reminders of next week's meetings and the digest are due

    def populate(meetings, invitees):
        for n in range(meetings):
            meeting = make_meeting(start=berlin(2026, 5, 20, 9 + n, 0))
            for i in range(invitees):
                person = UserFactory()
                invite(
                    meeting, person, response=Response.YES, responded_at=now - datetime.timedelta(hours=i + 1)
                )
                sent(meeting, person, DeliveryKind.INVITATION, at=berlin(2026, 5, 1, 9, 0))

    with time_machine.travel(now, tick=False), celery_broker("memory://localhost/", eager=False):
        populate(1, 1)
        with django_assert_max_num_queries(10) as few:
            assert sweep_deliveries() == 2  # one reminder batch, one digest
        populate(6, 15)
        with django_assert_max_num_queries(len(few)):
            assert sweep_deliveries() == 8
