"""Controlling test data: meetings at given local times with their attendance, targets, reviews."""

import datetime
from decimal import Decimal

from django.utils import timezone
from factory.django import DjangoModelFactory

from controlling.enums import Direction, Kpi
from controlling.models import KpiTarget, YearReview
from meetings.enums import MeetingKind, MeetingStatus
from meetings.models import Attendance, Meeting


def local(year, month, day, hour=18, minute=0) -> datetime.datetime:
    """An aware datetime in Europe/Berlin."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def controlling_meeting(
    *,
    start,
    kind=MeetingKind.MEETING,
    status=MeetingStatus.HELD,
    recorded=True,
    title=None,
    **fields,
) -> Meeting:
    """A meeting as the meetings app leaves it; `recorded` sets when the attendance list was closed."""
    return Meeting.objects.create(
        start=start,
        end=start + datetime.timedelta(hours=2),
        kind=kind,
        status=status,
        title=title or f"Sitzung am {start:%d.%m.%Y}",
        attendance_recorded_at=start + datetime.timedelta(hours=3) if recorded else None,
        **fields,
    )


def attend(meeting, person, organisation=None, *, present=True, organisation_text="") -> Attendance:
    return Attendance.objects.create(
        meeting=meeting,
        person=person,
        organisation=organisation,
        organisation_text=organisation_text,
        present=present,
    )


class KpiTargetFactory(DjangoModelFactory):
    class Meta:
        model = KpiTarget

    year = 2025
    kpi = Kpi.MEETINGS_HELD
    target = Decimal("4")
    direction = Direction.AT_LEAST
    tolerance_percent = Decimal("10")
    comment = ""


class YearReviewFactory(DjangoModelFactory):
    class Meta:
        model = YearReview

    year = 2025
    assessment = "Die Treffen waren gut besucht; Lügde und Dörentrup kamen seltener."
    work_programme = "Vier Treffen, ein Workshop zur Wärmeplanung."
