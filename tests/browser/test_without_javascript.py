"""The core actions work with JavaScript switched off: JavaScript only improves the pages."""

import pytest

from meetings.enums import MeetingStatus, Response
from meetings.models import Attendance, Invitation
from tests.browser.helpers import PHONE, button, field, invitation_link, link, sign_in, tr

pytestmark = pytest.mark.django_db(transaction=True)


def test_answer_from_the_email_without_javascript(open_page, workshop_soon, rep_b):
    page = open_page("no-js", java_script_enabled=False)
    page.goto(invitation_link(rep_b, answer="no"))
    assert page.get_by_label(tr("de", "No"), exact=True).is_checked()
    field(page, tr("de", "Comment (optional)")).fill("Termin im Rat, leider.")
    button(page, tr("de", "Confirm answer")).click()
    page.get_by_role("status").filter(has_text=rep_b.full_name).wait_for()
    page.steps.step("saved")
    invitation = Invitation.objects.get(meeting=workshop_soon, person=rep_b)
    assert invitation.response == Response.NO
    assert invitation.comment == "Termin im Rat, leider."


def test_attendance_list_and_walk_in_without_javascript(open_page, workshop_soon, coordinator, rep_a, rep_b):
    page = open_page("no-js", java_script_enabled=False)
    sign_in(page, coordinator)
    page.goto(f"/meetings/{workshop_soon.pk}/attendance/")
    # The name filter needs JavaScript, so it stays hidden; the plain list is all there is.
    assert not page.get_by_label(tr("de", "Find a name or organisation")).is_visible()
    page.get_by_label(rep_a.full_name, exact=True).check()
    button(page, tr("de", "Save attendance")).first.click()
    page.get_by_role("status").filter(
        has_text=tr("de", "The attendance list was saved; the meeting counts as held.")
    ).wait_for()
    field(page, tr("de", "Name")).fill("Jonas Gast")
    field(page, tr("de", "Other organisation (free text)")).fill("Lippe Bildung eG")
    button(page, tr("de", "Add and mark present")).click()
    page.get_by_role("status").filter(has_text="Jonas Gast").wait_for()
    page.steps.step("saved")
    workshop_soon.refresh_from_db()
    assert workshop_soon.status == MeetingStatus.HELD
    present = set(
        Attendance.objects.filter(meeting=workshop_soon, present=True).values_list(
            "person__full_name", flat=True
        )
    )
    assert present == {rep_a.full_name, "Jonas Gast"}
    assert not Attendance.objects.get(meeting=workshop_soon, person=rep_b).present


def test_menu_is_open_on_a_phone_without_javascript(open_page, rep_a):
    page = open_page("no-js-phone", java_script_enabled=False, viewport=PHONE, is_mobile=True)
    sign_in(page, rep_a)
    page.goto("/")
    # No toggler that cannot work: the links, the language switch and logging out are reachable.
    assert not page.locator("header .navbar-toggler").is_visible()
    link(page.locator("header"), tr("de", "My meetings")).click()
    page.get_by_role("heading", name=tr("de", "My meetings"), level=1).wait_for()
    assert page.locator('header button[name="language"][value="en"]').is_visible()
    assert button(page, tr("de", "Log out")).is_visible()
