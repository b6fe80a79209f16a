"""Journey 2: a representative answers from the invitation e-mail and checks in on a phone."""

import icalendar
import pytest

from meetings.enums import AttendanceSource, Response
from meetings.models import Attendance, Invitation
from tests.browser.helpers import (
    LANGUAGES,
    PHONE,
    button,
    choose_language,
    field,
    fill_login_form,
    horizontal_overflow,
    invitation_link,
    link,
    open_menu,
    sign_in,
    tr,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_representative_answers_from_the_mail_and_checks_in_on_a_phone(
    open_page, language, workshop_soon, rep_a, coordinator
):
    t = lambda message: tr(language, message)  # noqa: E731
    meeting = workshop_soon
    yes_link = invitation_link(rep_a, answer="yes")

    # The link from the e-mail, opened without being logged in.
    page = open_page("desktop")
    page.goto(yes_link)
    choose_language(page, language)
    assert page.url == yes_link  # the language switch came back to the same link
    page.get_by_role("heading", name=meeting.title).wait_for()
    page.steps.step("rsvp-preselected")
    assert page.get_by_label(t("Yes"), exact=True).is_checked()
    assert Invitation.objects.get(meeting=meeting, person=rep_a).response == Response.PENDING
    field(page, t("Comment (optional)")).fill("Ich bringe die Verbrauchsdaten aus Detmold mit.")
    button(page, t("Confirm answer")).click()
    page.get_by_role("status").filter(has_text=rep_a.full_name).wait_for()
    page.steps.step("rsvp-saved")
    invitation = Invitation.objects.get(meeting=meeting, person=rep_a)
    assert invitation.response == Response.YES
    assert invitation.comment == "Ich bringe die Verbrauchsdaten aus Detmold mit."

    # Logged in, the meeting is under "my meetings" with the answer.
    link(page.locator("header"), t("Log in")).click()
    fill_login_form(page, rep_a, language)
    link(page.locator("header"), t("My meetings")).click()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=meeting.title))
    assert card.count() == 1
    assert t("Yes") in card.inner_text()
    page.steps.step("my-meetings")

    with page.expect_download() as download_info:
        card.get_by_role("link", name=t("Add to calendar (.ics)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting.title
    assert event.decoded("DTSTART") == meeting.start
    assert event.decoded("DTEND") == meeting.end
    assert "Kreishaus Detmold" in str(event["LOCATION"])

    # At the meeting the coordinator shows the check-in code; the representative opens its link on
    # a phone (a new device: the check-in page asks to log in first).
    projector = open_page("projector")
    sign_in(projector, coordinator)
    projector.goto(f"/meetings/{meeting.pk}/check-in-code/")
    check_in_url = projector.locator("main code").inner_text().strip()
    assert check_in_url.startswith(projector.base_url)

    phone = open_page("phone", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.goto(check_in_url)
    fill_login_form(phone, rep_a, language)
    assert phone.url == check_in_url
    phone.steps.step("check-in")
    assert horizontal_overflow(phone) == 0
    button(phone, t("I am here – %(name)s") % {"name": rep_a.full_name}).click()
    phone.get_by_role("status").filter(has_text=t("Welcome! You are checked in.")).wait_for()
    assert horizontal_overflow(phone) == 0
    phone.steps.step("checked-in")
    attendance = Attendance.objects.get(meeting=meeting, person=rep_a)
    assert attendance.present
    assert attendance.source == AttendanceSource.CHECK_IN
    # The menu still opens on the phone (the language switch and logout live there).
    open_menu(phone)
    assert phone.get_by_role("button", name=t("Log out")).is_visible()
