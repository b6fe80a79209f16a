"""The agenda: ordered items with presenter and planned minutes, edited in one form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, MeetingDocument
from tests.factories.meetings import AgendaItemFactory

pytestmark = pytest.mark.django_db


def formset_data(rows, initial=0):
    data = {
        "agenda-TOTAL_FORMS": str(len(rows)),
        "agenda-INITIAL_FORMS": str(initial),
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"agenda-{index}-{key}"] = value
    return data


def titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def test_add_items_in_order(login, people, published_meeting, client):
    client = login(people["coordinator"])
    data = formset_data(
        [
            {
                "position": "2",
                "title": "Stand Stadtradeln",
                "presenter": "Kreis Lippe",
                "planned_minutes": "30",
            },
            {"position": "1", "title": "Begrüßung", "presenter": "", "planned_minutes": "10"},
            {"position": "", "title": "", "presenter": "", "planned_minutes": ""},
        ]
    )
    response = client.post(reverse("meetings:agenda", args=[published_meeting.pk]), data)
    assert response.status_code == 302
    assert titles(published_meeting) == ["Begrüßung", "Stand Stadtradeln"]
    assert list(published_meeting.agenda_items.values_list("position", flat=True).order_by("position")) == [
        1,
        2,
    ]


def test_reorder_edit_and_delete(login, people, published_meeting, client):
    first = AgendaItemFactory(meeting=published_meeting, position=1, title="A")
    second = AgendaItemFactory(meeting=published_meeting, position=2, title="B")
    third = AgendaItemFactory(meeting=published_meeting, position=3, title="C")
    client = login(people["coordinator"])
    data = formset_data(
        [
            {"id": first.pk, "position": "3", "title": "A", "presenter": "", "planned_minutes": ""},
            {"id": second.pk, "position": "1", "title": "B neu", "presenter": "", "planned_minutes": ""},
            {
                "id": third.pk,
                "position": "2",
                "title": "C",
                "presenter": "",
                "planned_minutes": "",
                "DELETE": "on",
            },
        ],
        initial=3,
    )
    assert client.post(reverse("meetings:agenda", args=[published_meeting.pk]), data).status_code == 302
    assert titles(published_meeting) == ["B neu", "A"]
    assert not AgendaItem.objects.filter(pk=third.pk).exists()


def test_item_without_title_is_refused_and_nothing_saved(people, published_meeting):
    AgendaItemFactory(meeting=published_meeting, position=1, title="Bleibt")
    with pytest.raises(ValidationError) as error:
        services.agenda_save(
            meeting=published_meeting,
            by=people["coordinator"],
            items=[{"title": "Neu"}, {"title": "", "presenter": "Jemand"}],
        )
    assert "2" in str(error.value)
    assert titles(published_meeting) == ["Bleibt"]


def test_documents_stay_when_their_item_is_removed(people, published_meeting):
    item = AgendaItemFactory(meeting=published_meeting)
    document = MeetingDocument.objects.create(
        meeting=published_meeting,
        agenda_item=item,
        file="meetings/x",
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
    )
    services.agenda_save(meeting=published_meeting, by=people["coordinator"], items=[])
    document.refresh_from_db()
    assert document.agenda_item is None


def test_agenda_is_shown_to_invitees(login, people, published_meeting):
    AgendaItemFactory(
        meeting=published_meeting, position=1, title="Energiemanagement", presenter="KEM", planned_minutes=45
    )
    page = login(people["rep_b"]).get(published_meeting.get_absolute_url()).content.decode()
    assert "Energiemanagement" in page and "KEM" in page
