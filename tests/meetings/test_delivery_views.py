"""The coordinator's delivery log per meeting, resending, and the meeting page's delivery section."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.enums import DeliveryKind, DeliveryStatus
from meetings.models import Delivery
from tests.factories import UserFactory
from tests.factories.deliveries import DeliveryFactory, invite, make_meeting

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def meeting():
    return make_meeting(start=datetime.datetime.now(BERLIN) + datetime.timedelta(days=10))


def delivery_for(meeting, *, status, person=None, error="", kind=DeliveryKind.INVITATION):
    person = person or UserFactory()
    invite(meeting, person)
    return DeliveryFactory(
        kind=kind,
        object_key=f"meeting:{meeting.pk}",
        email=person.email,
        recipient=person,
        meeting=meeting,
        status=status,
        attempts=1,
        error=error,
    )


@pytest.fixture
def failed(meeting):
    return delivery_for(
        meeting, status=DeliveryStatus.FAILED, error="SMTPRecipientsRefused: 550 No such mailbox"
    )


def log_url(meeting):
    return reverse("meetings:delivery_log", args=[meeting.pk])


def resend_url(delivery):
    return reverse("meetings:delivery_resend", args=[delivery.meeting_id, delivery.pk])


class TestDeliveryLog:
    def test_coordinator_sees_the_log_with_failures_highlighted(self, login, coordinator, meeting, failed):
        delivery_for(meeting, status=DeliveryStatus.SENT)

        response = login(coordinator).get(log_url(meeting))

        assert response.status_code == 200
        content = response.content.decode()
        assert failed.email in content
        assert "550 No such mailbox" in content
        assert 'class="table-danger"' in content
        assert resend_url(failed) in content

    def test_filter_by_status(self, login, coordinator, meeting, failed):
        sent = delivery_for(meeting, status=DeliveryStatus.SENT)

        content = login(coordinator).get(log_url(meeting), {"status": "failed"}).content.decode()

        assert failed.email in content
        assert sent.email not in content

    @pytest.mark.parametrize("person", ["rep_a", "rep_b", "deputy_a", "guest_user"])
    def test_others_are_refused(self, request, login, meeting, failed, person):
        response = login(request.getfixturevalue(person)).get(log_url(meeting))

        assert response.status_code == 403

    def test_anonymous_is_sent_to_login(self, login, meeting):
        response = login(None).get(log_url(meeting))

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_unknown_meeting_is_404(self, login, coordinator):
        assert login(coordinator).get(reverse("meetings:delivery_log", args=[999999])).status_code == 404

    def test_query_count_does_not_grow_with_rows(
        self, login, coordinator, meeting, django_assert_max_num_queries
    ):
        client = login(coordinator)
        delivery_for(meeting, status=DeliveryStatus.FAILED, error="x")
        client.get(log_url(meeting))  # warm-up: session, translations
        with CaptureQueriesContext(connection) as one_row:
            client.get(log_url(meeting))
        for _ in range(30):
            delivery_for(meeting, status=DeliveryStatus.SENT)
        with django_assert_max_num_queries(len(one_row)):
            assert client.get(log_url(meeting)).status_code == 200


class TestResend:
    def test_coordinator_resends_a_failed_invitation(
        self, login, coordinator, failed, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(coordinator).post(resend_url(failed))

        assert response.status_code == 302
        assert response.url == log_url(failed.meeting)
        failed.refresh_from_db()
        assert failed.status == DeliveryStatus.SENT
        assert failed.attempts == 2
        assert failed.error == ""
        assert [m.to for m in mail.outbox] == [[failed.email]]

    @pytest.mark.parametrize("person", ["rep_a", "rep_b"])
    def test_others_cannot_resend(self, request, login, failed, person, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(request.getfixturevalue(person)).post(resend_url(failed))

        assert response.status_code == 403
        failed.refresh_from_db()
        assert failed.status == DeliveryStatus.FAILED
        assert mail.outbox == []

    def test_anonymous_cannot_resend(self, login, failed):
        response = login(None).post(resend_url(failed))

        assert response.status_code == 302
        failed.refresh_from_db()
        assert failed.status == DeliveryStatus.FAILED

    def test_get_is_not_allowed(self, login, coordinator, failed):
        assert login(coordinator).get(resend_url(failed)).status_code == 405

    def test_a_delivery_of_another_meeting_is_404(self, login, coordinator, failed):
        other = make_meeting(start=failed.meeting.start + datetime.timedelta(days=1))
        url = reverse("meetings:delivery_resend", args=[other.pk, failed.pk])

        assert login(coordinator).post(url).status_code == 404

    def test_a_pending_delivery_is_not_resent(self, login, coordinator, meeting):
        pending = delivery_for(meeting, status=DeliveryStatus.PENDING)

        response = login(coordinator).post(resend_url(pending), follow=True)

        assert "wird gerade noch versendet" in response.content.decode()
        pending.refresh_from_db()
        assert pending.attempts == 1

    def test_nothing_is_resent_for_a_meeting_that_started(self, login, coordinator, failed):
        meeting = failed.meeting
        meeting.start = datetime.datetime.now(BERLIN) - datetime.timedelta(minutes=5)
        meeting.end = meeting.start + datetime.timedelta(hours=2)
        meeting.save()

        login(coordinator).post(resend_url(failed))

        failed.refresh_from_db()
        assert failed.status == DeliveryStatus.FAILED


class TestMeetingPageSection:
    def render(self, meeting, user):
        return render_to_string("meetings/delivery_log_section.html", {"meeting": meeting, "user": user})

    def test_counts_and_failures_for_the_coordinator(self, coordinator, meeting, failed):
        delivery_for(meeting, status=DeliveryStatus.SENT)
        delivery_for(meeting, status=DeliveryStatus.SENT)
        delivery_for(meeting, status=DeliveryStatus.PENDING)

        html = self.render(meeting, coordinator)

        assert "2 versendet" in html
        assert "1 ausstehend" in html
        assert "text-danger" in html
        assert failed.email in html
        assert log_url(meeting) in html

    def test_hidden_from_representatives(self, rep_a, meeting, failed):
        assert self.render(meeting, rep_a).strip() == ""

    def test_constant_number_of_queries(self, coordinator, meeting, django_assert_num_queries):
        assert coordinator.is_coordinator  # evaluated once per request by the navigation already
        delivery_for(meeting, status=DeliveryStatus.FAILED, error="x")
        with django_assert_num_queries(2):
            self.render(meeting, coordinator)
        for _ in range(20):
            delivery_for(meeting, status=DeliveryStatus.FAILED, error="y")
            delivery_for(meeting, status=DeliveryStatus.SENT)
        with django_assert_num_queries(2):
            self.render(meeting, coordinator)
        assert Delivery.objects.filter(meeting=meeting).count() == 41
