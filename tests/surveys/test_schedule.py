"""Send, remind and close with time frozen: the beat task on the days that matter, each e-mail once."""

import datetime
import re

import pytest
import time_machine
from django.core import mail

from meetings.enums import DeliveryKind, DeliveryStatus
from meetings.models import Delivery
from members.enums import MembershipRole
from surveys import services
from surveys.enums import SurveyStatus
from surveys.models import Survey
from surveys.tasks import run_schedule, send_invitations, send_reminders
from tests.factories import MembershipFactory, UserFactory

from .conftest import berlin, full_answers

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/survey/r/([A-Za-z0-9_-]{43})/")


def tick(when):
    with time_machine.travel(when, tick=False):
        return run_schedule.apply().get()


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def people(member_a, member_b):
    anna = UserFactory(full_name="Anna Detmold", email="anna@detmold.example", preferred_language="de")
    dirk = UserFactory(full_name="Dirk Detmold", email="dirk@detmold.example", preferred_language="de")
    bella = UserFactory(full_name="Bella Lemgo", email="bella@lemgo.example", preferred_language="en")
    nomail = UserFactory(full_name="Otto Ohnemail", email=None)
    MembershipFactory(person=anna, organisation=member_a, role=MembershipRole.REPRESENTATIVE)
    MembershipFactory(person=dirk, organisation=member_a, role=MembershipRole.DEPUTY)
    MembershipFactory(person=bella, organisation=member_b, role=MembershipRole.REPRESENTATIVE)
    MembershipFactory(person=nomail, organisation=member_b, role=MembershipRole.DEPUTY)
    return {"anna": anna, "dirk": dirk, "bella": bella}


@pytest.fixture
def scheduled(coordinator, people):
    with time_machine.travel(berlin(2026, 9, 1, 9, 0), tick=False):
        survey = services.survey_create(year=2026, created_by=coordinator)
        services.recipient_add(
            survey=survey, email="Partner@Stadtwerke.example", name="Stadtwerke", language="en"
        )
        services.survey_schedule(survey=survey)
    survey.refresh_from_db()
    return survey


def test_default_dates_of_a_new_survey(coordinator):
    with time_machine.travel(berlin(2022, 9, 1, 9, 0), tick=False):
        survey = services.survey_create(year=2022, created_by=coordinator)
    assert survey.send_on == datetime.date(2022, 10, 4)  # 1–2 Oct weekend, 3 Oct holiday
    assert survey.closes_on == datetime.date(2022, 11, 30)
    assert survey.reminder_offsets == [14, 3]
    assert survey.status == SurveyStatus.DRAFT
    assert survey.is_anonymous


def test_the_whole_season(scheduled, people, member_b):
    # The day before and the early morning of the send date: nothing happens.
    assert tick(berlin(2026, 9, 30, 12, 0))["opened"] == 0
    assert tick(berlin(2026, 10, 1, 7, 59))["opened"] == 0
    assert mail.outbox == []
    scheduled.refresh_from_db()
    assert scheduled.status == SurveyStatus.SCHEDULED

    # 08:00 on the send date: open, one invitation per recipient, in their language.
    done = tick(berlin(2026, 10, 1, 8, 0))
    assert done["opened"] == 1
    scheduled.refresh_from_db()
    assert scheduled.status == SurveyStatus.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@detmold.example",
        "bella@lemgo.example",
        "dirk@detmold.example",
        "partner@stadtwerke.example",
    ]
    (anna_mail,) = to("anna@detmold.example")
    assert anna_mail.subject.startswith("Feedback-Umfrage des Regionalbündnisses 2026")
    assert "30. November 2026" in anna_mail.subject
    assert "Ihre Meinung ist gefragt" in anna_mail.subject
    assert "weil Sie als Vertreter·in von Stadt Detmold zur jährlichen Feedback-Umfrage" in anna_mail.body
    (dirk_mail,) = to("dirk@detmold.example")
    assert "als Stellvertreter·in von Stadt Detmold" in dirk_mail.body
    assert LINK.search(anna_mail.body)
    (bella_mail,) = to("bella@lemgo.example")
    assert "your opinion, please" in bella_mail.subject
    assert "as representative of Stadt Lemgo" in bella_mail.body
    assert "The survey is anonymous" in bella_mail.body
    (partner_mail,) = to("partner@stadtwerke.example")
    assert "invited this address" in partner_mail.body
    assert scheduled.recipients.filter(invited_on=datetime.date(2026, 10, 1)).count() == 4

    # Ticks later that day send nothing again.
    tick(berlin(2026, 10, 1, 8, 15))
    tick(berlin(2026, 10, 2, 8, 15))
    assert len(mail.outbox) == 4

    # Anna answers with the link from her e-mail.
    token = LINK.search(anna_mail.body).group(1)
    with time_machine.travel(berlin(2026, 10, 5, 18, 0), tick=False):
        recipient = services.recipient_for_token(token)
        services.response_submit(recipient_id=recipient.pk, answers=full_answers(scheduled))

    # A deputy named on 20 November is invited at the next tick, but gets no 14-day reminder.
    late = UserFactory(full_name="Lea Lemgo", email="lea@lemgo.example", preferred_language="de")
    MembershipFactory(
        person=late, organisation=member_b, role=MembershipRole.DEPUTY, start=datetime.date(2026, 11, 20)
    )

    # 14 days before closing (16 November): those who have not answered are reminded, once.
    mail.outbox.clear()
    assert tick(berlin(2026, 11, 16, 7, 59))["reminders"] == 0
    assert tick(berlin(2026, 11, 16, 8, 0))["reminders"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bella@lemgo.example",
        "dirk@detmold.example",
        "partner@stadtwerke.example",
    ]
    assert to("bella@lemgo.example")[0].subject.startswith("Reminder: Regionalbündnis feedback survey 2026")
    assert to("dirk@detmold.example")[0].subject.startswith("Erinnerung: Feedback-Umfrage")
    assert "Erinnerungen erhält nur, wer noch nicht geantwortet hat" in to("dirk@detmold.example")[0].body
    tick(berlin(2026, 11, 16, 12, 0))
    assert len(mail.outbox) == 3

    mail.outbox.clear()
    tick(berlin(2026, 11, 20, 9, 0))
    assert [m.to[0] for m in mail.outbox] == ["lea@lemgo.example"]
    assert "Erinnerung" not in mail.outbox[0].subject

    # Dirk saves a draft.
    (dirk_recipient,) = scheduled.recipients.filter(email="dirk@detmold.example")
    with time_machine.travel(berlin(2026, 11, 21, 9, 0), tick=False):
        services.draft_save(recipient_id=dirk_recipient.pk, answers=full_answers(scheduled))
    dirk_recipient.refresh_from_db()
    assert dirk_recipient.draft

    # 3 days before closing, 08:00 CET (07:00 UTC after the end of daylight saving time).
    mail.outbox.clear()
    assert tick(datetime.datetime(2026, 11, 27, 6, 59, tzinfo=datetime.UTC))["reminders"] == 0
    assert tick(datetime.datetime(2026, 11, 27, 7, 0, tzinfo=datetime.UTC))["reminders"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bella@lemgo.example",
        "dirk@detmold.example",
        "lea@lemgo.example",
        "partner@stadtwerke.example",
    ]

    # Open all of the closing date, closed (and drafts deleted) right after midnight.
    assert tick(berlin(2026, 11, 30, 23, 59))["closed"] == 0
    assert tick(berlin(2026, 12, 1, 0, 0))["closed"] == 1
    scheduled.refresh_from_db()
    assert scheduled.status == SurveyStatus.CLOSED
    dirk_recipient.refresh_from_db()
    assert dirk_recipient.draft == {}
    mail.outbox.clear()
    tick(berlin(2026, 12, 2, 8, 0))
    assert mail.outbox == []

    deliveries = Delivery.objects.filter(object_key=f"survey:{scheduled.pk}")
    assert deliveries.filter(kind=DeliveryKind.SURVEY_INVITATION).count() == 5
    assert deliveries.filter(kind=DeliveryKind.SURVEY_REMINDER, variant="14d").count() == 3
    assert deliveries.filter(kind=DeliveryKind.SURVEY_REMINDER, variant="3d").count() == 4
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_missed_reminder_days_send_only_the_latest(scheduled):
    tick(berlin(2026, 10, 1, 8, 0))
    mail.outbox.clear()
    # The beat was down from before the 14-day reminder until after the 3-day one.
    tick(berlin(2026, 11, 28, 10, 0))
    assert len(mail.outbox) == 4
    variants = set(
        Delivery.objects.filter(kind=DeliveryKind.SURVEY_REMINDER).values_list("variant", flat=True)
    )
    assert variants == {"3d"}


def test_scheduled_survey_whose_period_passed_is_closed_unsent(scheduled):
    tick(berlin(2026, 12, 1, 9, 0))
    scheduled.refresh_from_db()
    assert scheduled.status == SurveyStatus.CLOSED
    assert mail.outbox == []
    assert not scheduled.recipients.filter(person__isnull=False).exists()


def test_draft_is_never_sent(coordinator, people):
    with time_machine.travel(berlin(2026, 9, 1, 9, 0), tick=False):
        survey = services.survey_create(year=2026, created_by=coordinator)
    tick(berlin(2026, 10, 1, 9, 0))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    assert mail.outbox == []


def test_tasks_run_twice_send_once(scheduled):
    tick(berlin(2026, 10, 1, 8, 0))
    assert len(mail.outbox) == 4
    with time_machine.travel(berlin(2026, 10, 1, 9, 0), tick=False):
        send_invitations.apply(args=(scheduled.pk,))
        send_invitations.apply(args=(scheduled.pk,))
    assert len(mail.outbox) == 4
    with time_machine.travel(berlin(2026, 11, 16, 9, 0), tick=False):
        send_reminders.apply(args=(scheduled.pk, 14))
        send_reminders.apply(args=(scheduled.pk, 14))
        send_reminders.apply(args=(scheduled.pk, 3))  # not due yet: nothing
    assert len(mail.outbox) == 8
    # Even a recipient whose invited_on got lost (crash after sending) is not mailed again.
    scheduled.recipients.update(invited_on=None)
    with time_machine.travel(berlin(2026, 11, 17, 9, 0), tick=False):
        send_invitations.apply(args=(scheduled.pk,))
    assert len(mail.outbox) == 8
    assert scheduled.recipients.filter(invited_on=datetime.date(2026, 10, 1)).count() == 4


def test_every_mail_has_its_own_working_link(scheduled, client):
    tick(berlin(2026, 10, 1, 8, 0))
    tick(berlin(2026, 11, 16, 8, 0))
    anna_tokens = [LINK.search(m.body).group(1) for m in to("anna@detmold.example")]
    assert len(anna_tokens) == 2 and anna_tokens[0] != anna_tokens[1]
    html = next(
        content for content, kind in to("anna@detmold.example")[0].alternatives if kind == "text/html"
    )
    assert anna_tokens[0] in html
    with time_machine.travel(berlin(2026, 11, 17, 9, 0), tick=False):
        for token in anna_tokens:
            assert client.get(f"/survey/r/{token}/").status_code == 200


def test_transient_smtp_errors_are_retried_then_given_up(scheduled, settings):
    settings.EMAIL_BACKEND = "tests.factories.deliveries.TemporarilyRefusingBackend"
    settings.DELIVERY_MAX_ATTEMPTS = 2
    tick(berlin(2026, 10, 1, 8, 0))
    invitations = Delivery.objects.filter(kind=DeliveryKind.SURVEY_INVITATION)
    assert invitations.count() == 4
    assert set(invitations.values_list("status", "attempts")) == {(DeliveryStatus.FAILED, 2)}
    assert not scheduled.recipients.filter(invited_on__isnull=False).exists()
    # Failed for good: later ticks leave them alone (the delivery log shows them).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tick(berlin(2026, 10, 1, 9, 0))["invitations"] == 0
    assert mail.outbox == []


def test_closing_early_by_the_coordinator_stops_everything(scheduled):
    tick(berlin(2026, 10, 1, 8, 0))
    with time_machine.travel(berlin(2026, 11, 1, 8, 0), tick=False):
        services.survey_close(survey_id=scheduled.pk, now=datetime.datetime.now(datetime.UTC))
    mail.outbox.clear()
    tick(berlin(2026, 11, 16, 8, 0))
    assert mail.outbox == []
    assert Survey.objects.get(pk=scheduled.pk).status == SurveyStatus.CLOSED


def test_tick_leaves_transient_failures_to_their_backoff(scheduled):
    from tests.factories.deliveries import DeliveryFactory

    DeliveryFactory(
        kind=DeliveryKind.SURVEY_INVITATION,
        object_key=f"survey:{scheduled.pk}",
        email="bella@lemgo.example",
        attempts=1,
        last_attempt_at=berlin(2026, 10, 1, 8, 0),
        next_attempt_at=berlin(2026, 10, 1, 8, 30),
    )
    tick(berlin(2026, 10, 1, 8, 0))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@detmold.example",
        "dirk@detmold.example",
        "partner@stadtwerke.example",
    ]
    assert tick(berlin(2026, 10, 1, 8, 15))["invitations"] == 0
    assert tick(berlin(2026, 10, 1, 8, 30))["invitations"] == 1
    assert [m.to[0] for m in mail.outbox][-1] == "bella@lemgo.example"
    delivery = Delivery.objects.get(email="bella@lemgo.example")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
