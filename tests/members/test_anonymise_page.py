"""The anonymise page of a person already anonymised: when, in a sentence that reads in both languages."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from members.privacy import person_anonymise

pytestmark = pytest.mark.django_db

MORNING = datetime.datetime(2026, 12, 6, 11, 10, tzinfo=timezone.get_default_timezone())


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "On 12/06/2026 11:10 a.m., this person was anonymised."),
        ("de", "Diese Person wurde am 06.12.2026 11:10 anonymisiert."),
    ],
)
def test_the_anonymised_note_has_no_doubled_full_stop(coordinator, guest_user, login, language, sentence):
    coordinator.preferred_language = language
    coordinator.save()
    with time_machine.travel(MORNING, tick=False):
        person_anonymise(person=guest_user, by=coordinator)
        content = login(coordinator).get(reverse("members:person_anonymise", args=[guest_user.pk])).content
    text = content.decode()
    assert sentence in text
    assert "a.m.." not in text and ".." not in sentence
