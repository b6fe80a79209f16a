"""URLs for the benchmark: the app's own URLs plus a trivial page with the same base template."""

import datetime

from django.shortcuts import render
from django.urls import include, path
from django.utils import timezone


def trivial(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("regionalbuendnis.urls")),
]


def controlling_year() -> int:
    """The last complete calendar year: the one the controlling report is measured for."""
    return datetime.date.today().year - 1


def main_pages():
    """(name, url) of the main pages, measured against the large dataset."""
    from meetings.enums import MeetingStatus
    from meetings.models import Meeting
    from surveys.models import Survey

    now = timezone.now()
    upcoming = Meeting.objects.filter(status=MeetingStatus.PUBLISHED, start__gt=now).order_by("start").first()
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("-start").first()
    survey = Survey.objects.order_by("-year").first()
    return [
        ("dashboard", "/"),
        ("meeting list", "/meetings/"),
        ("meeting detail (40 invitees)", f"/meetings/{upcoming.pk}/"),
        ("attendance page", f"/meetings/{held.pk}/attendance/"),
        ("member list", "/members/"),
        ("project list", "/projects/"),
        ("controlling page", f"/controlling/{controlling_year()}/"),
        # Further lists (pagination on every list).
        ("people list", "/members/people/"),
        ("alliance indicators", "/projects/indicators/"),
        ("climate activities", "/projects/activities/"),
        ("survey list", "/survey/"),
        ("survey questions", f"/survey/{survey.pk}/questions/"),
        ("action items", "/meetings/actions/"),
    ]
