"""send_once: the generic exactly-once mechanism every e-mail of the app goes through."""

import threading

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection

from meetings.delivery import RetryableDeliveryError, retry_countdown, send_once
from meetings.enums import DeliveryKind, DeliveryStatus
from meetings.models import Delivery

KEY = {
    "kind": DeliveryKind.SURVEY_INVITATION,
    "object_key": "survey:1",
    "variant": "",
    "email": "anna@example.org",
}


def build_message():
    return EmailMessage(subject="Umfrage", body="Bitte ausfüllen", to=["anna@example.org"])


@pytest.mark.django_db
def test_sends_once_and_records_the_delivery():
    first = send_once(**KEY, build=build_message)
    second = send_once(**KEY, build=build_message)

    assert len(mail.outbox) == 1
    assert first.pk == second.pk
    assert second.status == DeliveryStatus.SENT
    assert second.attempts == 1
    assert second.sent_at is not None


@pytest.mark.django_db
def test_the_address_is_compared_case_insensitively():
    send_once(**KEY, build=build_message)
    send_once(**{**KEY, "email": " Anna@Example.ORG"}, build=build_message)

    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_another_variant_is_another_email():
    send_once(**KEY, build=build_message)
    send_once(**{**KEY, "variant": "reminder-1"}, build=build_message)

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_build_is_not_called_when_already_sent():
    send_once(**KEY, build=build_message)
    calls = []

    def counting_build():
        calls.append(1)
        return build_message()

    send_once(**KEY, build=counting_build)

    assert calls == []


@pytest.mark.django_db
def test_transient_error_records_the_attempt_and_raises_retryable(settings):
    settings.EMAIL_BACKEND = "tests.factories.deliveries.TemporarilyRefusingBackend"
    settings.DELIVERY_MAX_ATTEMPTS = 3

    with pytest.raises(RetryableDeliveryError) as raised:
        send_once(**KEY, build=build_message)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at is not None
    assert raised.value.countdown == retry_countdown(1)
    assert raised.value.delivery.pk == delivery.pk


@pytest.mark.django_db
def test_last_transient_attempt_marks_failed_without_raising(settings):
    settings.EMAIL_BACKEND = "tests.factories.deliveries.TemporarilyRefusingBackend"
    settings.DELIVERY_MAX_ATTEMPTS = 2

    with pytest.raises(RetryableDeliveryError):
        send_once(**KEY, build=build_message)
    delivery = send_once(**KEY, build=build_message)

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert "451" in delivery.error
    # A failed delivery is not retried by another call: only the coordinator's resend does that.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_once(**KEY, build=build_message).status == DeliveryStatus.FAILED
    assert mail.outbox == []


@pytest.mark.django_db
def test_permanent_refusal_fails_at_once(settings):
    settings.EMAIL_BACKEND = "tests.factories.deliveries.PermanentlyRefusingBackend"

    delivery = send_once(**KEY, build=build_message)

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "550" in delivery.error


@pytest.mark.django_db
def test_error_while_building_marks_failed_and_sends_nothing():
    def broken_build():
        raise ValueError("template variable missing")

    delivery = send_once(**KEY, build=broken_build)

    assert delivery.status == DeliveryStatus.FAILED
    assert "template variable missing" in delivery.error
    assert mail.outbox == []


def test_backoff_doubles_and_is_capped(settings):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 60
    settings.DELIVERY_RETRY_BACKOFF_MAX_SECONDS = 300

    assert [retry_countdown(n) for n in range(1, 6)] == [60, 120, 240, 300, 300]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(settings):
    """Two threads with their own database connections: one sends, the other sees the lock."""
    settings.EMAIL_BACKEND = "tests.factories.deliveries.SlowLocmemBackend"
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(send_once(**KEY, build=build_message))
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
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(results) == 2
