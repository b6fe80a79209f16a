"""Journey 1: the Masterplan manager prepares a workshop, publishes it and documents it afterwards."""

import datetime

import pytest
import weasyprint
from django.core import mail
from django.utils import timezone

from meetings.enums import DeliveryKind, DeliveryStatus, MeetingKind, MeetingStatus
from meetings.models import Attendance, Delivery, Meeting
from tests.browser.helpers import LANGUAGES, button, field, label, link, local_input, log_in_with_form, tr

pytestmark = pytest.mark.django_db(transaction=True)


def _agenda_pdf(path):
    weasyprint.HTML(
        string="<html lang='de'><h1>Fördermittel für Quartiere</h1><p>Übersicht der Förderaufrufe</p></html>"
    ).write_pdf(path)
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_prepares_publishes_and_documents_a_workshop(
    page, language, coordinator, rep_a, deputy_a, rep_b, member_a, tmp_path
):
    t = lambda message: tr(language, message)  # noqa: E731
    invitees = [coordinator, rep_a, deputy_a, rep_b]

    log_in_with_form(page, coordinator, language)
    page.steps.step("overview")
    link(page.locator("header"), t("Meetings")).click()
    link(page, t("New meeting")).click()

    # Now falls inside the check-in window (one hour before the start): attendance can be taken
    # right after publishing, as "later" cannot be reached by time travel inside the browser.
    start = (timezone.localtime() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    field(page, label(language, "kind")).select_option(MeetingKind.WORKSHOP.value)
    field(page, label(language, "title")).fill("Workshop Quartierssanierung")
    field(page, label(language, "topic / description")).fill("Förderprogramme und erste Quartiere in Lippe.")
    field(page, label(language, "start")).fill(local_input(start))
    field(page, label(language, "end")).fill(local_input(start + datetime.timedelta(hours=3)))
    field(page, label(language, "venue")).fill("Kreishaus Detmold, Raum 104")
    field(page, label(language, "host organisation")).select_option(label=member_a.name)
    page.steps.step("meeting-form")
    button(page, t("Save")).click()

    page.get_by_role("heading", name="Workshop Quartierssanierung").wait_for()
    meeting = Meeting.objects.get(title="Workshop Quartierssanierung")
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.kind == MeetingKind.WORKSHOP
    assert timezone.localtime(meeting.start) == start
    page.steps.step("draft")

    # Agenda with two items, then a real PDF attached to the second one.
    link(page, t("Agenda and documents")).click()
    field(page, f"{t('Title')} 1").fill("Begrüßung und Ziele")
    field(page, f"{t('Presenter')} 1").fill("Miriam Koordinatorin")
    field(page, f"{t('Planned minutes')} 1").fill("15")
    field(page, f"{t('Title')} 2").fill("Fördermittel für Quartiere")
    field(page, f"{t('Planned minutes')} 2").fill("45")
    button(page, t("Save agenda")).click()
    page.get_by_role("status").filter(has_text=t("The agenda was saved.")).wait_for()
    assert list(meeting.agenda_items.order_by("position").values_list("title", flat=True)) == [
        "Begrüßung und Ziele",
        "Fördermittel für Quartiere",
    ]

    pdf = _agenda_pdf(tmp_path / "Foerderaufrufe.pdf")
    field(page, t("File")).set_input_files(str(pdf))
    field(page, t("Agenda item")).select_option(label="Fördermittel für Quartiere")
    button(page, t("Upload")).click()
    page.get_by_role("status").filter(has_text="Foerderaufrufe.pdf").wait_for()
    document = meeting.documents.get()
    assert document.agenda_item.title == "Fördermittel für Quartiere"
    assert document.content_type == "application/pdf"
    with page.expect_download() as download_info:
        link(page, "Foerderaufrufe.pdf").click()
    assert download_info.value.path().read_bytes() == pdf.read_bytes()
    page.steps.step("agenda")

    # Publishing sends the invitations (Celery runs eagerly in the tests, after the commit).
    link(page, t("Back to the meeting")).click()
    link(page, t("Publish")).click()
    page.steps.step("publish-confirm")
    button(page, t("Publish and send invitations")).click()
    page.get_by_role("status").filter(
        has_text=t("The meeting was published; the invitations are being sent.")
    ).wait_for()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    invited_addresses = sorted(person.email for person in invitees)
    assert sorted(m.to[0] for m in mail.outbox) == invited_addresses

    link(page, t("Open the delivery log")).click()
    page.get_by_role("heading", name=t("E-mail delivery log")).wait_for()
    page.steps.step("delivery-log")
    rows = page.get_by_role("row")
    for person in invitees:
        row = rows.filter(has_text=person.email)
        assert row.count() == 1
        assert t("Invitation") in row.inner_text()
        assert t("Sent") in row.inner_text()
    assert (
        Delivery.objects.filter(
            meeting=meeting, kind=DeliveryKind.INVITATION, status=DeliveryStatus.SENT
        ).count()
        == 4
    )

    # At the meeting: two members' representatives came, the deputy did not, plus a walk-in guest.
    link(page, meeting.title).click()
    link(page, t("Attendance list")).click()
    page.get_by_label(rep_a.full_name, exact=True).check()
    page.get_by_label(rep_b.full_name, exact=True).check()
    page.steps.step("attendance-ticked")
    button(page, t("Save attendance")).first.click()
    page.get_by_role("status").filter(
        has_text=t("The attendance list was saved; the meeting counts as held.")
    ).wait_for()

    field(page, t("Name")).fill("Petra Quartier")
    field(page, t("Other organisation (free text)")).fill("Verbraucherzentrale NRW")
    button(page, t("Add and mark present")).click()
    page.get_by_role("status").filter(has_text="Petra Quartier").wait_for()
    assert page.get_by_label("Petra Quartier", exact=True).is_checked()
    page.steps.step("attendance-with-guest")

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    present = Attendance.objects.filter(meeting=meeting, present=True)
    assert sorted(present.values_list("person__full_name", flat=True)) == sorted(
        [rep_a.full_name, rep_b.full_name, "Petra Quartier"]
    )
    guest = present.get(person__full_name="Petra Quartier")
    assert guest.organisation is None
    assert "Verbraucherzentrale NRW" in (guest.organisation_text + guest.person.affiliation)
    assert not Attendance.objects.filter(meeting=meeting, person=deputy_a, present=True).exists()

    # Minutes in Markdown; the meeting page shows them rendered.
    link(page, meeting.title).click()
    link(page, t("Minutes and action items")).click()
    field(page, t("Minutes")).fill(
        "# Ergebnisse\n\n- Förderaufruf KfW 432 prüfen\n- Zwei Pilotquartiere: Detmold und Lemgo\n"
    )
    button(page, t("Save minutes")).click()
    page.get_by_role("status").filter(has_text=t("The minutes were saved.")).wait_for()
    link(page, meeting.title).click()
    minutes = page.locator("section", has=page.get_by_role("heading", name=t("Minutes"), exact=True))
    assert minutes.get_by_role("heading", name="Ergebnisse").is_visible()
    assert minutes.get_by_role("listitem").filter(has_text="Zwei Pilotquartiere").is_visible()
    # The walk-in guest is listed on the meeting page with the others who were there.
    assert "Petra Quartier" in page.locator("main").inner_text()
    page.steps.step("held-with-minutes")
    meeting.refresh_from_db()
    assert "Förderaufruf KfW 432 prüfen" in meeting.minutes
