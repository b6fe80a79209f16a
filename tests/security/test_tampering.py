"""Object-level tampering through form data: a representative cannot reach another member's data
by editing hidden fields or adding fields the form does not offer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import InvitationRole, MeetingStatus
from meetings.models import Invitation, Meeting
from members.models import User
from projects.models import ClimateActivity
from tests.factories import ClimateActivityFactory

pytestmark = pytest.mark.django_db


def activity_data(organisation, **fields):
    return {
        "organisation": organisation.pk,
        "title": "Photovoltaik auf dem Rathaus",
        "field": "energy_management",
        "year": 2025,
        "status": "running",
        "summary": "",
        "link": "",
        **fields,
    }


def test_representative_cannot_file_an_activity_for_another_member(login, rep_a, member_b):
    response = login(rep_a).post(reverse("projects:activity_create"), activity_data(member_b))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ClimateActivity.objects.filter(organisation=member_b).exists()


def test_representative_cannot_move_an_own_activity_to_another_member(login, rep_a, member_a, member_b):
    activity = ClimateActivityFactory(organisation=member_a, title="LED-Straßenbeleuchtung")
    response = login(rep_a).post(
        reverse("projects:activity_edit", args=[activity.pk]), activity_data(member_b)
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.organisation == member_a


def test_profile_form_ignores_fields_it_does_not_offer(login, rep_a):
    response = login(rep_a).post(
        reverse("members:person_edit", args=[rep_a.pk]),
        {
            "full_name": "Anna Detmold",
            "email": rep_a.email,
            "phone": "",
            "preferred_language": "de",
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "affiliation": "Selbst ernannt",
            "calendar_token": "chosen-by-me",
        },
    )
    assert response.status_code == 302
    rep_a = User.objects.get(pk=rep_a.pk)
    assert (rep_a.is_staff, rep_a.is_superuser, rep_a.is_active, rep_a.affiliation) == (
        False,
        False,
        True,
        "",
    )
    assert rep_a.calendar_token != "chosen-by-me"


def test_an_answer_cannot_target_an_invitation_of_another_meeting(login, rep_a, rep_b, member_a, member_b):
    start = timezone.now() + datetime.timedelta(days=5)
    meetings = [
        Meeting.objects.create(
            title=title, status=MeetingStatus.PUBLISHED, start=start, end=start + datetime.timedelta(hours=2)
        )
        for title in ("Sitzung A", "Sitzung B")
    ]
    Invitation.objects.create(
        meeting=meetings[0], person=rep_a, organisation=member_a, role=InvitationRole.REPRESENTATIVE
    )
    other = Invitation.objects.create(
        meeting=meetings[1], person=rep_b, organisation=member_b, role=InvitationRole.REPRESENTATIVE
    )
    response = login(rep_a).post(
        reverse("meetings:respond", args=[meetings[0].pk]), {"invitation": other.pk, "rsvp-response": "no"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.response == "pending"
