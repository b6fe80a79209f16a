"""The pages people open on a phone fit 360 px: no horizontal scrolling, no table cell whose text
runs over into its neighbour, and no table whose columns are hidden behind a sideways scroll.
The screenshots are kept as artefacts (test-artifacts/phone-360/) whether the test passes or not,
for a human look."""

import pytest

from tests.browser.axe import serious_violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import LANGUAGES, PHONE, choose_language, invitation_link, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = ARTIFACTS / "phone-360"
SCROLL_WIDTH_JS = "() => document.documentElement.scrollWidth"
# Table cells whose content is wider than the cell (e.g. a fixed table layout on a narrow screen):
# the text overlaps the next column or is cut off, although the page itself does not scroll.
OVERFLOWING_CELLS_JS = """() => [...document.querySelectorAll('td, th')]
  .filter((cell) => cell.offsetParent !== null && cell.scrollWidth > cell.clientWidth + 1)
  .map((cell) => cell.textContent.trim().slice(0, 40))"""
# Tables wider than their scrolling wrapper: on a phone the columns to the right (answer, comment,
# attendance) would be out of sight, with nothing telling that there is more.
SCROLLING_TABLES_JS = """() => [...document.querySelectorAll('.table-responsive')]
  .filter((wrapper) => wrapper.offsetParent !== null && wrapper.scrollWidth > wrapper.clientWidth + 1)
  .map((wrapper) => (wrapper.querySelector('caption') || wrapper).textContent.trim().slice(0, 40))"""


def _measure(phone, name, language, problems):
    phone.screenshot(path=str(SCREENSHOTS / f"{name}-{language}.png"), full_page=True)
    width = phone.evaluate(SCROLL_WIDTH_JS)
    if width > PHONE["width"]:
        problems[name] = f"page is {width} px wide"
    cells = phone.evaluate(OVERFLOWING_CELLS_JS)
    if cells:
        problems[f"{name} (cells)"] = sorted(set(cells))
    # The phone layout (tables shown as blocks, the collapsed menu) must stay accessible too.
    violations = serious_violations(phone)
    if violations:
        problems[f"{name} (axe)"] = violations
    tables = phone.evaluate(SCROLLING_TABLES_JS)
    if tables:
        problems[f"{name} (tables scrolling sideways)"] = tables


@pytest.mark.parametrize("language", LANGUAGES)
def test_meeting_and_answer_pages_fit_a_phone(open_page, language, workshop_soon, rep_a, coordinator):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = open_page("phone", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    problems = {}

    phone.goto(invitation_link(rep_a, answer="yes"))
    choose_language(phone, language)
    _measure(phone, "rsvp", language, problems)

    # The meeting page as the invitee sees it (answer form) and as the coordinator does (actions,
    # everyone's answers); the attendance list the coordinator keeps at the meeting.
    sign_in(phone, rep_a)
    phone.goto(workshop_soon.get_absolute_url())
    _measure(phone, "meeting-detail", language, problems)
    sign_in(phone, coordinator)
    phone.goto(workshop_soon.get_absolute_url())
    _measure(phone, "meeting-detail-coordinator", language, problems)
    phone.goto(f"/meetings/{workshop_soon.pk}/attendance/")
    _measure(phone, "attendance", language, problems)
    phone.goto(f"/meetings/{workshop_soon.pk}/invitees/")
    _measure(phone, "invitees", language, problems)

    report = "\n".join(f"  {name}: {problem}" for name, problem in problems.items())
    assert not problems, f"Does not fit {PHONE['width']} px (screenshots in {SCREENSHOTS}):\n{report}"
