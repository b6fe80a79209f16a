"""The meetings' e-mails end to end (tasks run eagerly, as in `make run`): what arrives, once."""

import datetime
import threading
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction

from meetings import notifications
from meetings.delivery import delivery_summary
from meetings.enums import DeliveryKind, DeliveryStatus, InvitationRole, MeetingStatus, Response
from meetings.models import AgendaItem, Delivery
from meetings.tasks import send_meeting_mails, sweep_deliveries
from meetings.tokens import rsvp_url
from members.enums import MembershipRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.deliveries import WorkerKilled, invite, make_meeting

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


def calendar_parts(message):
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def parsed_calendar(message):
    (part,) = calendar_parts(message)
    return part, icalendar.Calendar.from_ical(part.get_payload(decode=True))


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def detmold():
    return OrganisationFactory(name="Stadt Detmold", short_name="Detmold", slug="detmold")


@pytest.fixture
def anna(detmold):
    person = UserFactory(full_name="Anna Detmold", email="anna@detmold.example", preferred_language="de")
    MembershipFactory(person=person, organisation=detmold, role=MembershipRole.REPRESENTATIVE)
    return person


@pytest.fixture
def eve():
    return UserFactory(full_name="Eve English", email="eve@example.org", preferred_language="en")


@pytest.fixture
def meeting():
    return make_meeting(
        start=berlin(2026, 5, 20, 14, 0),
        title="Energiemanagement kommunaler Gebäude",
        venue="Rathaus Lemgo",
        address="Marktplatz 1\n32657 Lemgo",
        status=MeetingStatus.DRAFT,
    )


@pytest.fixture
def invited(meeting, anna, eve, detmold):
    AgendaItem.objects.create(meeting=meeting, position=1, title="Stand Stadtradeln")
    return [
        invite(meeting, anna, organisation=detmold),
        invite(meeting, eve, role=InvitationRole.GUEST),
    ]


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """What the meetings service does: change the meeting and notify in one transaction."""

    def _publish(meeting):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            meeting.status = MeetingStatus.PUBLISHED
            meeting.save()
            notifications.meeting_published(meeting=meeting)

    return _publish


@pytest.fixture
def reschedule(django_capture_on_commit_callbacks):
    def _reschedule(meeting, start):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            meeting.start, meeting.end = start, start + (meeting.end - meeting.start)
            meeting.sequence += 1
            meeting.save()
            notifications.meeting_rescheduled(meeting=meeting)

    return _reschedule


@pytest.fixture
def cancel(django_capture_on_commit_callbacks):
    def _cancel(meeting):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            meeting.status = MeetingStatus.CANCELLED
            meeting.sequence += 1
            meeting.save()
            notifications.meeting_cancelled(meeting=meeting)

    return _cancel


@pytest.fixture
def on_may_first():
    with time_machine.travel(berlin(2026, 5, 1, 9, 0), tick=False) as traveller:
        yield traveller


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_may_first")]


class TestInvitation:
    def test_each_invitee_gets_one_invitation_in_their_language(self, meeting, invited, publish, anna, eve):
        publish(meeting)

        assert len(mail.outbox) == 2
        (german,) = to(anna.email)
        (english,) = to(eve.email)
        assert german.subject.startswith("Einladung: Energiemanagement kommunaler Gebäude")
        assert "20. Mai 2026" in german.subject
        assert "Hallo Anna Detmold" in german.body
        assert english.subject.startswith("Invitation: Energiemanagement kommunaler Gebäude")
        assert "Hello Eve English" in english.body
        assert "May 20, 2026" in english.subject

    def test_plain_text_and_html_with_one_click_answers(self, meeting, invited, publish, anna):
        publish(meeting)

        (message,) = to(anna.email)
        invitation = invited[0]
        html = html_of(message)
        for response in (Response.YES, Response.MAYBE, Response.NO):
            link = rsvp_url(invitation, response)
            assert link.startswith("http")
            assert link in message.body
            assert link.replace("&", "&amp;") in html
        assert "Stand Stadtradeln" in message.body
        assert "Stand Stadtradeln" in html
        assert "Rathaus Lemgo" in message.body

    def test_calendar_request_attached(self, meeting, invited, publish, anna):
        publish(meeting)

        part, calendar = parsed_calendar(to(anna.email)[0])
        assert part["Content-Type"] == "text/calendar; method=REQUEST; charset=UTF-8"
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == meeting.ical_uid
        assert int(event["SEQUENCE"]) == 0

    def test_footer_names_the_reason_and_links_the_settings(self, meeting, invited, publish, anna, settings):
        publish(meeting)

        (message,) = to(anna.email)
        settings_link = f"{settings.SITE_URL}/members/people/{anna.pk}/edit/"
        assert "Sie erhalten diese E-Mail, weil Sie zu dieser Sitzung" in message.body
        assert "Stadt Detmold" in message.body
        assert settings_link in message.body
        assert settings_link in html_of(message)
        assert "Einladungen" in message.body  # invitations always arrive, says the footer

    def test_people_without_address_or_anonymised_get_nothing(self, meeting, publish):
        invite(meeting, UserFactory(email=None))
        invite(meeting, UserFactory(anonymised_at=berlin(2026, 1, 1)))

        publish(meeting)

        assert mail.outbox == []

    def test_invitees_added_later_get_the_invitation(
        self, meeting, invited, publish, django_capture_on_commit_callbacks
    ):
        publish(meeting)
        newcomer = invite(meeting, UserFactory(email="neu@example.org"))

        with django_capture_on_commit_callbacks(execute=True):
            notifications.invitees_added(meeting=meeting, invitation_ids=[newcomer.pk])

        assert len(mail.outbox) == 3
        assert len(to("neu@example.org")) == 1

    def test_running_the_task_again_sends_nothing_more(self, meeting, invited, publish):
        publish(meeting)

        send_meeting_mails.delay(meeting.pk, DeliveryKind.INVITATION)
        send_meeting_mails.apply(args=(meeting.pk, DeliveryKind.INVITATION, None))

        assert len(mail.outbox) == 2
        assert Delivery.objects.filter(kind=DeliveryKind.INVITATION, status=DeliveryStatus.SENT).count() == 2


class TestUpdateAndCancellation:
    def test_reschedule_sends_an_update_with_a_higher_sequence(
        self, meeting, invited, publish, reschedule, anna
    ):
        publish(meeting)
        mail.outbox.clear()

        reschedule(meeting, berlin(2026, 5, 21, 10, 0))

        assert len(mail.outbox) == 2
        update = to(anna.email)[0]
        assert update.subject.startswith("Geändert: Energiemanagement kommunaler Gebäude")
        part, calendar = parsed_calendar(update)
        assert part["Content-Type"] == "text/calendar; method=REQUEST; charset=UTF-8"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == meeting.ical_uid
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == berlin(2026, 5, 21, 10, 0)

    def test_cancellation_carries_method_cancel(self, meeting, invited, publish, cancel, eve):
        publish(meeting)
        mail.outbox.clear()

        cancel(meeting)

        assert len(mail.outbox) == 2
        message = to(eve.email)[0]
        assert message.subject.startswith("Cancelled: Energiemanagement kommunaler Gebäude")
        part, calendar = parsed_calendar(message)
        assert part["Content-Type"] == "text/calendar; method=CANCEL; charset=UTF-8"
        assert calendar["METHOD"] == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == meeting.ical_uid
        assert rsvp_url(invited[1], Response.YES) not in message.body

    def test_a_meeting_cancelled_before_any_invitation_went_out_sends_nothing(self, meeting, invited, cancel):
        cancel(meeting)

        assert mail.outbox == []


class TestReminders:
    @pytest.fixture(autouse=True)
    def _offsets(self, settings):
        settings.MEETING_REMINDER_OFFSETS_DAYS = [7, 1]
        settings.MEETING_REMINDER_TIME = "08:00"

    def test_the_sweep_run_twice_sends_once(self, meeting, invited, publish, on_may_first, anna, eve):
        publish(meeting)
        invited[0].response = Response.YES
        invited[0].save()
        mail.outbox.clear()

        on_may_first.move_to(berlin(2026, 5, 13, 8, 5))
        sweep_deliveries.delay()
        sweep_deliveries.delay()

        (reminder,) = to(anna.email)
        assert reminder.subject.startswith("Erinnerung: Energiemanagement kommunaler Gebäude")
        assert "in 7 Tagen" in reminder.body
        (answer_request,) = to(eve.email)
        assert answer_request.subject.startswith("Please answer: Energiemanagement kommunaler Gebäude")
        assert rsvp_url(invited[1], Response.YES) in answer_request.body
        assert len(mail.outbox) == 2

    def test_the_reminder_is_not_sent_to_those_who_opted_out(
        self, meeting, invited, publish, on_may_first, anna
    ):
        anna.notify_reminders = False
        anna.save()
        invited[0].response = Response.YES
        invited[0].save()
        publish(meeting)
        mail.outbox.clear()

        on_may_first.move_to(berlin(2026, 5, 19, 8, 5))
        sweep_deliveries.delay()

        assert to(anna.email) == []

    def test_a_reschedule_sends_an_update_but_no_second_reminder(
        self, meeting, invited, publish, reschedule, on_may_first, anna
    ):
        invited[0].response = Response.YES
        invited[0].save()
        publish(meeting)
        on_may_first.move_to(berlin(2026, 5, 19, 8, 5))
        sweep_deliveries.delay()
        assert [m.subject.split(":")[0] for m in to(anna.email)] == ["Einladung", "Erinnerung"]
        mail.outbox.clear()

        on_may_first.move_to(berlin(2026, 5, 19, 11, 0))
        reschedule(meeting, berlin(2026, 5, 20, 16, 0))  # later the same day
        sweep_deliveries.delay()
        on_may_first.move_to(berlin(2026, 5, 20, 9, 0))
        sweep_deliveries.delay()

        assert [m.subject.split(":")[0] for m in to(anna.email)] == ["Geändert"]
        assert Delivery.objects.filter(kind=DeliveryKind.REMINDER, email=anna.email).count() == 1

    def test_moving_the_meeting_to_another_week_makes_its_reminders_due_again(
        self, meeting, invited, publish, reschedule, on_may_first, anna
    ):
        invited[0].response = Response.YES
        invited[0].save()
        publish(meeting)
        on_may_first.move_to(berlin(2026, 5, 13, 8, 5))
        sweep_deliveries.delay()
        on_may_first.move_to(berlin(2026, 5, 14, 10, 0))
        reschedule(meeting, berlin(2026, 6, 3, 14, 0))
        mail.outbox.clear()

        on_may_first.move_to(berlin(2026, 5, 27, 8, 5))
        sweep_deliveries.delay()

        assert [m.subject.split(":")[0] for m in to(anna.email)] == ["Erinnerung"]

    @pytest.mark.parametrize(
        ("start", "offset", "due_utc"),
        [
            # Summer time begins on Sunday 29 March 2026: 08:00 is 06:00 UTC, a week before 07:00 UTC.
            (berlin(2026, 3, 30, 10, 0), 1, (2026, 3, 29, 6, 0)),
            (berlin(2026, 3, 30, 10, 0), 7, (2026, 3, 23, 7, 0)),
            # Winter time begins on Sunday 25 October 2026: 08:00 that day is 07:00 UTC, a week before 06:00.
            (berlin(2026, 10, 26, 18, 0), 1, (2026, 10, 25, 7, 0)),
            (berlin(2026, 10, 26, 18, 0), 7, (2026, 10, 19, 6, 0)),
        ],
    )
    def test_reminders_across_the_dst_change_go_out_at_8_local_time(
        self, publish, on_may_first, anna, detmold, settings, start, offset, due_utc
    ):
        settings.MEETING_REMINDER_OFFSETS_DAYS = [offset]
        due = datetime.datetime(*due_utc, tzinfo=UTC)
        not_yet = due - datetime.timedelta(minutes=1)
        on_may_first.move_to(berlin(2026, 3, 1, 9, 0))
        meeting = make_meeting(start=start, status=MeetingStatus.DRAFT)
        invite(meeting, anna, organisation=detmold, response=Response.YES)
        publish(meeting)
        mail.outbox.clear()

        on_may_first.move_to(not_yet)
        sweep_deliveries.delay()
        assert mail.outbox == []

        on_may_first.move_to(due)
        sweep_deliveries.delay()
        (reminder,) = mail.outbox
        assert reminder.subject.startswith("Erinnerung:")
        assert Delivery.objects.get(kind=DeliveryKind.REMINDER).sent_at == due

    def test_no_late_reminder_once_the_meeting_started(self, meeting, invited, publish, on_may_first):
        invited[0].response = Response.YES
        invited[0].save()
        publish(meeting)
        mail.outbox.clear()

        on_may_first.move_to(berlin(2026, 5, 20, 14, 1))  # the worker was down until after the start
        sweep_deliveries.delay()

        assert mail.outbox == []


class TestFailures:
    def test_smtp_refusing_is_retried_then_marked_failed_and_shown(self, meeting, invited, publish, settings):
        settings.EMAIL_BACKEND = "tests.factories.deliveries.TemporarilyRefusingBackend"
        settings.DELIVERY_MAX_ATTEMPTS = 3

        publish(meeting)  # eager: the retries run at once

        deliveries = Delivery.objects.filter(meeting=meeting)
        assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.FAILED, 3)}
        assert all("451" in d.error for d in deliveries)
        summary = delivery_summary(meeting.pk)
        assert (summary["failed"], summary["sent"], summary["pending"]) == (2, 0, 0)

    def test_a_failed_invitation_is_not_retried_by_the_sweep_but_by_a_resend(
        self, meeting, invited, publish, settings, coordinator, django_capture_on_commit_callbacks, anna
    ):
        settings.EMAIL_BACKEND = "tests.factories.deliveries.PermanentlyRefusingBackend"
        publish(meeting)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

        sweep_deliveries.delay()
        assert mail.outbox == []

        failed = Delivery.objects.get(email=anna.email)
        with django_capture_on_commit_callbacks(execute=True):
            notifications.delivery_resend(delivery=failed, by=coordinator)

        failed.refresh_from_db()
        assert failed.status == DeliveryStatus.SENT
        assert failed.attempts == 2
        assert [m.to for m in mail.outbox] == [[anna.email]]

    def test_a_transient_failure_waits_for_its_backoff_before_the_sweep_retries(
        self, meeting, invited, publish, settings, on_may_first
    ):
        settings.EMAIL_BACKEND = "tests.factories.deliveries.TemporarilyRefusingBackend"
        settings.DELIVERY_MAX_ATTEMPTS = 1  # the task gives up at once; the row stays for the log
        publish(meeting)
        Delivery.objects.update(status=DeliveryStatus.PENDING, next_attempt_at=berlin(2026, 5, 1, 9, 10))
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        settings.DELIVERY_MAX_ATTEMPTS = 5

        sweep_deliveries.delay()
        assert mail.outbox == []
        on_may_first.move_to(berlin(2026, 5, 1, 9, 10))
        sweep_deliveries.delay()
        assert len(mail.outbox) == 2


def test_a_worker_killed_mid_batch_sends_only_the_rest_when_the_task_is_redelivered(
    meeting, invited, settings
):
    meeting.status = MeetingStatus.PUBLISHED
    meeting.save()
    settings.EMAIL_BACKEND = "tests.factories.deliveries.DyingBackend"

    with pytest.raises(WorkerKilled):
        send_meeting_mails.apply(args=(meeting.pk, DeliveryKind.INVITATION, None))
    assert len(mail.outbox) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_meeting_mails.apply(args=(meeting.pk, DeliveryKind.INVITATION, None))  # acks_late: redelivered

    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.person.email for i in invited)
    assert {d.attempts for d in Delivery.objects.filter(meeting=meeting)} == {1}


@pytest.mark.django_db(transaction=True)
def test_the_same_reminder_task_from_two_threads_sends_once(settings, on_may_first):
    """Two workers with their own database connections run the same reminder batch at once."""
    settings.MEETING_REMINDER_OFFSETS_DAYS = [1]
    meeting = make_meeting(start=berlin(2026, 5, 20, 14, 0))
    person = UserFactory(email="anna@detmold.example")
    invitation = invite(meeting, person, response=Response.YES)
    Delivery.objects.create(
        kind=DeliveryKind.INVITATION,
        object_key=f"meeting:{meeting.pk}",
        email=person.email,
        recipient=person,
        meeting=meeting,
        status=DeliveryStatus.SENT,
        version=0,
        sent_at=berlin(2026, 5, 1, 9, 0),
    )
    on_may_first.move_to(berlin(2026, 5, 19, 8, 30))
    settings.EMAIL_BACKEND = "tests.factories.deliveries.SlowLocmemBackend"
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            send_meeting_mails.apply(args=(meeting.pk, DeliveryKind.REMINDER, [invitation.pk]), throw=True)
        except Exception as exc:  # noqa: BLE001 – reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(mail.outbox) == 1
    reminder = Delivery.objects.get(kind=DeliveryKind.REMINDER)
    assert (reminder.status, reminder.attempts) == (DeliveryStatus.SENT, 1)
