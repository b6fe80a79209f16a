"""The short answer form in the coordinator's invitee list: a person who has not answered is shown
as such (the list must not suggest "yes"), and sending it without a choice changes nothing."""

import re

import pytest
from django.urls import reverse

from meetings.enums import Response

pytestmark = pytest.mark.django_db


def selected_option(page: str, invitation) -> str:
    select = re.search(rf'<select[^>]*id="answer-{invitation.pk}".*?</select>', page, re.S).group(0)
    return re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", select).group(1)


def test_an_unanswered_invitation_is_not_preselected_as_yes(login, people, published_meeting, invitation):
    pending, answered = invitation(people["rep_a"]), invitation(people["rep_b"])
    answered.response = Response.MAYBE
    answered.save()

    page = login(people["coordinator"]).get(reverse("meetings:invitees", args=[published_meeting.pk]))
    page = page.content.decode()

    assert selected_option(page, pending) == "Noch keine Antwort"
    assert selected_option(page, answered) == "Vielleicht"


def test_setting_no_answer_changes_nothing(login, people, published_meeting, invitation):
    pending = invitation(people["rep_a"])
    client = login(people["coordinator"])

    response = client.post(
        reverse("meetings:respond", args=[published_meeting.pk]),
        {"invitation": pending.pk, "quick": "1"},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.response == Response.PENDING
    assert "nicht gespeichert" in response.content.decode()


def test_the_error_names_the_field(login, people, published_meeting, invitation, settings):
    client = login(people["coordinator"])
    url = reverse("meetings:respond", args=[published_meeting.pk])
    data = {"invitation": invitation(people["rep_a"]).pk, "quick": "1"}

    page = client.post(url, data, follow=True).content.decode()
    assert "Die Antwort wurde nicht gespeichert. Ihre Antwort: Dieses Feld ist zwingend erforderlich." in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(url, data, follow=True).content.decode()
    assert "The answer was not saved. Your answer: This field is required." in page
