import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.enums import AttendanceSource, InvitationRole, MeetingKind, MeetingStatus, Response
from meetings.models import ActionItem, AgendaItem, Attendance, Invitation, Meeting


def _next_week():
    start = timezone.localtime() + datetime.timedelta(days=7)
    return start.replace(hour=14, minute=0, second=0, microsecond=0)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.MEETING
    title = factory.Sequence(lambda n: f"Sitzung des Regionalbündnisses {n}")
    description = "Austausch zu Stadtradeln und Energiemanagement."
    start = factory.LazyFunction(_next_week)
    end = factory.LazyAttribute(lambda m: m.start + datetime.timedelta(hours=2))
    venue = "Rathaus Detmold"
    address = "Marktplatz 5\n32756 Detmold"
    status = MeetingStatus.PUBLISHED


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory("tests.factories.members.UserFactory")
    organisation = None
    role = InvitationRole.GUEST
    response = Response.PENDING


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory("tests.factories.members.UserFactory")
    present = True
    source = AttendanceSource.LIST


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
