"""WCAG 2.1 AA (BITV 2.0) on the main pages: axe-core, labels, announced errors, keyboard, text."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from controlling.enums import TrafficLight
from meetings.enums import AttendanceSource, MeetingStatus, Response
from meetings.models import Invitation
from tests.browser.axe import serious_violations
from tests.browser.helpers import button, choose_language, field, invitation_link, label, sign_in, tr
from tests.factories import AttendanceFactory, KpiTargetFactory, MeetingFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Fields without a name for assistive technology: no <label>, aria-label or aria-labelledby.
UNLABELLED_FIELDS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
  .filter((el) => el.offsetParent !== null)
  .filter((el) => el.labels.length === 0)
  .filter((el) => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.name || el.id)"""
# The text an element's aria-describedby points to (where an error message must be found).
DESCRIPTION_JS = """(el) => (el.getAttribute('aria-describedby') || '').split(' ')
  .map((id) => document.getElementById(id)).filter(Boolean).map((d) => d.textContent).join(' ')"""

# The focused element, and whether it shows the focus (an outline or Bootstrap's focus shadow).
FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const indicated = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  return [el.name || el.textContent.trim().slice(0, 40) || el.tagName, indicated];
}"""


@pytest.fixture
def alliance(coordinator, rep_a, deputy_a, rep_b, member_a, member_b, workshop_soon):
    """Something on every page: an upcoming workshop (invitations sent), a meeting held yesterday
    with attendance and minutes, a joint project and a target for the year."""
    held_start = timezone.now() - datetime.timedelta(days=1)
    held = MeetingFactory(
        title="Sitzung des Regionalbündnisses",
        start=held_start,
        end=held_start + datetime.timedelta(hours=2),
        status=MeetingStatus.HELD,
        attendance_recorded_at=held_start + datetime.timedelta(hours=2),
        minutes="# Ergebnisse\n\n- Stadtradeln 2027 gemeinsam anmelden",
    )
    for person, organisation in [(rep_a, member_a), (rep_b, member_b)]:
        Invitation.objects.create(
            meeting=held, person=person, organisation=organisation, response=Response.YES
        )
        AttendanceFactory(
            meeting=held, person=person, organisation=organisation, source=AttendanceSource.LIST
        )
    ProjectFactory(title="Stadtradeln", lead_organisation=member_a, participants=[member_a, member_b])
    year = timezone.localdate(held_start).year
    KpiTargetFactory(year=year)
    return {"workshop": workshop_soon, "held": held, "year": year}


# Who looks → the main pages they use (name → address). One browser session per person keeps the
# suite fast; the failure message names each page with its violations.
PAGES = {
    "anonymous": {
        "login": lambda data: "/accounts/login/",
        "rsvp": lambda data: invitation_link(data["rep_a"]),
        "survey-form": lambda data: data["survey_link"],
    },
    "coordinator": {
        "dashboard": lambda data: "/",
        "member-list": lambda data: "/members/",
        "meeting-list": lambda data: "/meetings/",
        "meeting-detail": lambda data: data["workshop"].get_absolute_url(),
        "attendance": lambda data: f"/meetings/{data['workshop'].pk}/attendance/",
        "project-list": lambda data: "/projects/",
        "controlling": lambda data: f"/controlling/{data['year']}/",
        # Further pages of the coordinator's journey.
        "people-list": lambda data: "/members/people/",
        "meeting-form": lambda data: "/meetings/new/",
        "agenda-and-documents": lambda data: f"/meetings/{data['workshop'].pk}/agenda/",
        "invitees": lambda data: f"/meetings/{data['workshop'].pk}/invitees/",
        "delivery-log": lambda data: f"/meetings/{data['workshop'].pk}/deliveries/",
        "minutes": lambda data: f"/meetings/{data['held'].pk}/minutes/",
        "controlling-years": lambda data: "/controlling/",
    },
    "rep_a": {
        "dashboard": lambda data: "/",
        "my-meetings": lambda data: "/meetings/mine/",
        "meeting-detail-with-answer-form": lambda data: data["workshop"].get_absolute_url(),
        "meeting-detail-held-with-minutes": lambda data: data["held"].get_absolute_url(),
        "check-in": lambda data: f"/meetings/check-in/{data['workshop'].check_in_code}/",
    },
}


@pytest.fixture
def survey_link(coordinator, rep_b):
    """The link of this year's feedback survey, from the e-mail sent to a representative."""
    from surveys import services
    from surveys.tasks import run_schedule

    today = timezone.localdate()
    survey = services.survey_create(year=today.year, created_by=coordinator)
    services.survey_update(
        survey=survey,
        send_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
        reminder_offsets=[3],
    )
    services.survey_schedule(survey=survey)
    run_schedule.apply()
    (message,) = [m for m in mail.outbox if m.to == [rep_b.email] and "/survey/" in m.body]
    return re.search(r"https?://\S+/survey/r/\S+/", message.body).group(0)


@pytest.mark.parametrize("viewer", PAGES)
def test_main_pages_have_no_serious_accessibility_violations(
    request, page, viewer, alliance, coordinator, rep_a
):
    data = {**alliance, "rep_a": rep_a}
    if viewer == "anonymous":
        data["survey_link"] = request.getfixturevalue("survey_link")
    if viewer != "anonymous":
        sign_in(page, {"coordinator": coordinator, "rep_a": rep_a}[viewer])
    problems = {}
    for name, address in PAGES[viewer].items():
        response = page.goto(address(data))
        assert response.status == 200, name
        # Closed <details> (e.g. the target form) are checked opened.
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        page.steps.step(name)
        found = {
            "axe": serious_violations(page),
            "unlabelled fields": page.evaluate(UNLABELLED_FIELDS_JS),
            "h1 count other than 1": page.locator("h1").count() != 1,
        }
        found = {kind: value for kind, value in found.items() if value}
        if found:
            problems[f"{name} ({page.url})"] = found
    assert problems == {}


def _announced(page) -> str:
    """What assistive technology announces by itself: alerts and live regions."""
    return " ".join(page.locator("[role=alert], [aria-live]").all_inner_texts())


def _assert_error_announced_and_linked(page, control, message: str) -> None:
    assert message in _announced(page)
    # The summary takes the focus, so a keyboard or screen-reader user starts at the errors.
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "alert"
    assert control.get_attribute("aria-invalid") == "true"
    described = control.evaluate(DESCRIPTION_JS) or control.locator("xpath=ancestor::fieldset[1]").evaluate(
        DESCRIPTION_JS
    )
    assert message in described


def test_form_errors_are_announced_and_tied_to_their_fields(open_page, workshop_soon, rep_a, coordinator):
    required = tr("de", "This field is required.")

    anonymous = open_page("anonymous")
    anonymous.goto("/accounts/login/")
    field(anonymous, tr("de", "E-mail address")).fill(rep_a.email)
    field(anonymous, tr("de", "Password")).fill("not-the-password")
    button(anonymous, tr("de", "Log in")).click()
    assert tr("de", "E-mail address or password is wrong. Please try again.") in _announced(anonymous)
    assert anonymous.evaluate("() => document.activeElement.getAttribute('role')") == "alert"
    anonymous.steps.step("login-error")

    anonymous.goto(invitation_link(rep_a))
    button(anonymous, tr("de", "Confirm answer")).click()
    _assert_error_announced_and_linked(
        anonymous, anonymous.get_by_label(tr("de", "Yes"), exact=True), required
    )
    anonymous.steps.step("rsvp-error")

    manager = open_page("coordinator")
    sign_in(manager, coordinator)
    manager.goto("/meetings/new/")
    button(manager, tr("de", "Save")).click()
    _assert_error_announced_and_linked(manager, field(manager, label("de", "title")), required)
    # The summary links to the field: following it puts the cursor there.
    manager.get_by_role("alert").get_by_role("link", name=label("de", "title")).click()
    assert manager.evaluate("() => document.activeElement.id") == "id_title"
    manager.steps.step("meeting-form-errors")

    manager.goto(f"/meetings/{workshop_soon.pk}/attendance/")
    button(manager, tr("de", "Add and mark present")).click()
    _assert_error_announced_and_linked(manager, field(manager, tr("de", "Name")), required)
    manager.steps.step("walk-in-error")

    # The controlling's target table renders its fields itself: the message is announced, the
    # field is marked invalid and points to its error.
    year = timezone.localdate().year
    manager.goto(f"/controlling/{year}/")
    manager.locator("summary").filter(has_text=str(year)).click()
    tolerance = field(manager, f"{tr('de', 'Meetings held')}: {tr('de', 'Tolerance (%)')}")
    tolerance.fill("250")
    button(manager, tr("de", "Save targets")).click()
    assert tr("de", "Please correct the marked targets.") in _announced(manager)
    tolerance = field(manager, f"{tr('de', 'Meetings held')}: {tr('de', 'Tolerance (%)')}")
    assert tolerance.get_attribute("aria-invalid") == "true"
    assert "100" in tolerance.evaluate(DESCRIPTION_JS)
    manager.steps.step("target-error")


def test_rsvp_form_is_answered_with_the_keyboard_alone(page, workshop_soon, rep_a):
    page.goto(invitation_link(rep_a))
    focused, invisible_focus = [], []
    for _press in range(40):
        page.keyboard.press("Tab")
        name, indicated = page.evaluate(FOCUS_JS)
        focused.append(name)
        if not indicated:
            invisible_focus.append(name)
        if name == "rsvp-response":
            break
    else:
        pytest.fail(f"Tab never reached the answer; focus went through {focused}")
    assert invisible_focus == [], "focus not visible on these elements"
    page.keyboard.press("Space")
    assert page.get_by_label(tr("de", "Yes"), exact=True).is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "rsvp-comment"
    page.keyboard.type("Ich komme mit dem Rad.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "rsvp-sends_deputy"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == tr("de", "Confirm answer")
    page.steps.step("before-enter")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=rep_a.full_name).wait_for()
    invitation = Invitation.objects.get(meeting=workshop_soon, person=rep_a)
    assert invitation.response == Response.YES
    assert invitation.comment == "Ich komme mit dem Rad."


def test_skip_link_is_the_first_stop_and_leads_into_the_content(page, coordinator):
    """Keyboard users skip the menu: the first Tab shows the skip link, Enter moves into <main>."""
    sign_in(page, coordinator)
    page.goto("/meetings/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=tr("de", "Skip to content"), exact=True)
    assert skip.evaluate("(el) => el === document.activeElement")
    box = skip.bounding_box()
    assert box["width"] > 10 and box["height"] > 10, "the focused skip link must be visible"
    assert page.evaluate(FOCUS_JS)[1], "the skip link shows no focus"
    page.steps.step("skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab stays in the content, not back in the header's menu.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("language", ["de", "en"])
def test_traffic_lights_say_their_status_in_words(page, language, alliance, coordinator):
    sign_in(page, coordinator)
    with translation.override(language):
        statuses = {str(light.label) for light in TrafficLight}
    for address in ["/", f"/controlling/{alliance['year']}/"]:
        page.goto(address)
        choose_language(page, language)
        lights = page.locator(".traffic-light")
        assert lights.count() > 0, address
        assert set(lights.all_inner_texts()) <= statuses, address
        assert all(text.strip() for text in lights.all_inner_texts())
