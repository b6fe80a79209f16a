"""The meeting page: invitees in order with their answers and attendance, agenda with documents."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import selectors
from meetings.enums import InvitationRole, MeetingStatus, Response
from meetings.models import MeetingDocument
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.meetings import AgendaItemFactory, AttendanceFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def document(meeting, name, item=None):
    return MeetingDocument.objects.create(
        meeting=meeting,
        agenda_item=item,
        file=f"meetings/{meeting.pk}/{name}",
        original_name=name,
        content_type="application/pdf",
        size=2048,
    )


def test_invitees_by_organisation_then_role_then_name(people, published_meeting):
    lemgo = people["rep_b"].member_organisations[0]
    for name, role in [("Zora Lemgo", InvitationRole.REPRESENTATIVE), ("Aaron Lemgo", InvitationRole.DEPUTY)]:
        person = UserFactory(full_name=name)
        InvitationFactory(meeting=published_meeting, person=person, organisation=lemgo, role=role)
    extertal = OrganisationFactory(name="Gemeinde Extertal", short_name="Extertal")
    InvitationFactory(
        meeting=published_meeting,
        person=UserFactory(full_name="Erika Extertal"),
        organisation=extertal,
        role=InvitationRole.REPRESENTATIVE,
    )
    for name in ("zoe Gast", "Bernd Gast"):
        InvitationFactory(meeting=published_meeting, person=UserFactory(full_name=name))
    groups = selectors.invitations_grouped(published_meeting)
    assert [(g.label, [i.person.full_name for i in g.invitations]) for g in groups] == [
        ("Stadt Detmold", ["Anna Detmold", "Dirk Detmold"]),
        ("Gemeinde Extertal", ["Erika Extertal"]),
        # Representatives first (by name), then the deputy, although "Aaron" sorts first.
        ("Stadt Lemgo", [people["rep_b"].full_name, "Zora Lemgo", "Aaron Lemgo"]),
        ("Kreis Lippe – Masterplanmanagement", ["Miriam Koordinatorin"]),
        ("", ["Bernd Gast", "zoe Gast"]),
    ]


def test_agenda_documents_under_their_item_and_general_documents_apart(login, people, published_meeting):
    first = AgendaItemFactory(meeting=published_meeting, position=1, title="Begrüßung")
    second = AgendaItemFactory(meeting=published_meeting, position=2, title="Stadtradeln")
    document(published_meeting, "Folien Stadtradeln.pdf", second)
    document(published_meeting, "Einladung.pdf")
    page = login(people["rep_a"]).get(published_meeting.get_absolute_url()).content.decode()
    agenda = page[page.index('id="agenda-heading"') :]
    assert agenda.index(first.title) < agenda.index(second.title) < agenda.index("Folien Stadtradeln.pdf")
    item_list = agenda[agenda.index(second.title) : agenda.index("</li>", agenda.index(second.title))]
    assert "Folien Stadtradeln.pdf" in item_list and "Einladung.pdf" not in item_list
    general = agenda[agenda.index("</ol>") :]
    assert "Einladung.pdf" in general and "Folien Stadtradeln.pdf" not in general


def test_agenda_with_documents_needs_no_more_queries(login, people, published_meeting):
    client = login(people["coordinator"])
    url = published_meeting.get_absolute_url()
    with CaptureQueriesContext(connection) as without_agenda:
        client.get(url)
    for position in range(3):
        item = AgendaItemFactory(meeting=published_meeting, position=position)
        document(published_meeting, f"Anlage {position}.pdf", item)
    document(published_meeting, "Einladung.pdf")
    with CaptureQueriesContext(connection) as with_agenda:
        assert "Anlage 2.pdf" in client.get(url).content.decode()
    assert len(with_agenda) == len(without_agenda)


def rows_of(page: str) -> dict[str, str]:
    return {
        re.sub(r"<[^>]+>", "", match.group(1)).split(" (")[0]: re.sub(r"\s+", " ", match.group(0))
        for match in re.finditer(r"<tr><td>(.*?)</td>.*?</tr>", page)
    }


def test_invitee_rows_with_answers_comments_and_attendance(login, client, people, member_b):
    start = timezone.localtime() - datetime.timedelta(days=3)
    meeting = MeetingFactory(start=start, end=start + datetime.timedelta(hours=2), status=MeetingStatus.HELD)
    meeting.attendance_recorded_at = start
    meeting.save()
    InvitationFactory(
        meeting=meeting,
        person=people["rep_a"],
        organisation=people["rep_a"].member_organisations[0],
        role=InvitationRole.REPRESENTATIVE,
        response=Response.NO,
        sends_deputy=True,
        comment="Urlaub <bis> Mai",
    )
    InvitationFactory(
        meeting=meeting,
        person=people["rep_b"],
        organisation=member_b,
        role=InvitationRole.REPRESENTATIVE,
        response=Response.YES,
    )
    guest = UserFactory(full_name="Gerd Gast", affiliation="Stadtwerke & Co")
    InvitationFactory(meeting=meeting, person=guest, response=Response.MAYBE)
    AttendanceFactory(meeting=meeting, person=people["rep_b"], present=True)
    AttendanceFactory(meeting=meeting, person=guest, present=False)

    login(people["coordinator"])
    client.cookies["django_language"] = "en"
    rows = rows_of(client.get(meeting.get_absolute_url()).content.decode())
    assert rows["Anna Detmold"] == (
        "<tr><td>Anna Detmold</td><td>Representative</td>"
        '<td><span class="badge text-bg-danger">No</span> <span class="small">(sends the deputy)</span></td>'
        '<td class="small">Urlaub &lt;bis&gt; Mai</td><td>–</td></tr>'
    )
    present = '<td><span class="badge text-bg-success">present</span></td></tr>'
    assert rows[people["rep_b"].full_name].endswith(present)
    assert rows["Gerd Gast"].startswith(
        '<tr><td>Gerd Gast <span class="text-muted small">(Stadtwerke &amp; Co)</span></td><td>Guest</td>'
    )
    assert '<td><span class="badge text-bg-secondary">absent</span></td>' in rows["Gerd Gast"]

    # Representatives see who comes and who was there, but not the comments.
    login(people["rep_a"])
    client.cookies["django_language"] = "en"
    rows = rows_of(client.get(meeting.get_absolute_url()).content.decode())
    assert rows["Anna Detmold"].endswith("(sends the deputy)</span></td><td>–</td></tr>")
    assert "Urlaub" not in rows["Anna Detmold"]
