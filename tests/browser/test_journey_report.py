"""Journey 3: the coordinator's annual report (success controlling) of the year."""

import datetime
import io
import re
import zoneinfo

import pypdf
import pytest
from django.utils import timezone

from controlling.models import KpiTarget, YearReview
from meetings.enums import MeetingKind, MeetingStatus
from tests.browser.helpers import LANGUAGES, button, choose_language, field, link, ntr, sign_in, tr
from tests.factories import (
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# (day in the year, kind, title, participants from member towns, guests)
MEETINGS = [
    ((1, 20), MeetingKind.MEETING, "Sitzung Januar", 4, 1),
    ((2, 10), MeetingKind.WORKSHOP, "Workshop Stadtradeln", 2, 1),
    ((2, 24), MeetingKind.MEETING, "Sitzung Februar", 4, 0),
]
TOWNS = ["Stadt Detmold", "Stadt Lemgo", "Stadt Lügde", "Gemeinde Dörentrup"]


def _report_year() -> int:
    # The year whose meetings above all lie in the past (in January and February: the last one).
    today = timezone.localdate()
    return today.year if today.month >= 3 else today.year - 1


@pytest.fixture
def year_with_meetings(coordinator):
    """Three meetings held in the year, each with its attendance list."""
    year = _report_year()
    towns = [OrganisationFactory(name=name, short_name=name.split()[-1]) for name in TOWNS]
    people = []
    for town in towns:
        person = UserFactory(full_name=f"Vertretung {town.short_name}")
        MembershipFactory(person=person, organisation=town)
        people.append((person, town))
    for (month, day), kind, title, members, guests in MEETINGS:
        start = datetime.datetime(year, month, day, 14, 0, tzinfo=BERLIN)
        meeting = MeetingFactory(
            kind=kind,
            title=title,
            start=start,
            end=start + datetime.timedelta(hours=2),
            status=MeetingStatus.HELD,
            attendance_recorded_at=start + datetime.timedelta(hours=2),
        )
        for person, town in people[:members]:
            AttendanceFactory(meeting=meeting, person=person, organisation=town)
        for number in range(guests):
            AttendanceFactory(
                meeting=meeting,
                person=UserFactory(full_name=f"Gast {title} {number}", affiliation="Stadtwerke"),
                organisation_text="Stadtwerke",
            )
    return year


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_sets_a_target_writes_the_assessment_and_downloads_the_report(
    page, language, coordinator, year_with_meetings
):
    t = lambda message: tr(language, message)  # noqa: E731
    year = year_with_meetings
    sign_in(page, coordinator)
    page.goto("/")
    choose_language(page, language)

    link(page.locator("header"), t("Controlling")).click()
    link(page.get_by_role("table"), str(year)).click()
    page.get_by_role("heading", name=t("Success controlling %(year)s") % {"year": year}).wait_for()
    page.steps.step("year")

    # The target for the number of meetings: three, which the three held meetings meet.
    page.locator("summary").filter(has_text=str(year)).click()
    meetings_held = t("Meetings held")
    field(page, f"{meetings_held}: {t('Target')}").fill("3")
    field(page, f"{meetings_held}: {t('Comment / reason')}").fill("Quartalsweise, ein Workshop zusätzlich.")
    page.steps.step("targets-form")
    button(page, t("Save targets")).click()
    page.get_by_role("status").filter(has_text=str(year)).wait_for()
    target = KpiTarget.objects.get(year=year, kpi="meetings_held")
    assert target.target == 3

    # The traffic light carries its meaning in text, not only in colour.
    row = page.locator("table.kpi-table tr").filter(has=page.get_by_role("rowheader", name=meetings_held))
    assert t("on target") in row.locator(".traffic-light").inner_text()
    assert "3" in row.inner_text()

    assessment = "Alle Sitzungen fanden statt; der Workshop zum Stadtradeln war gut besucht."
    field(page, t("Assessment of the year")).fill(assessment)
    button(page, t("Save texts")).click()
    page.get_by_role("status").filter(has_text=t("The assessment and work programme were saved.")).wait_for()
    assert YearReview.objects.get(year=year).assessment == assessment
    page.steps.step("assessment")

    # Clicked as a person would: the browser opens the PDF in its viewer; the test then fetches
    # the same address with the browser's session to read the text.
    with page.expect_navigation() as navigation:
        link(page, "PDF (Deutsch)" if language == "de" else "PDF (English)").click()
    assert navigation.value.ok
    assert navigation.value.headers["content-type"] == "application/pdf"
    page.steps.step("pdf")
    data = page.request.get(page.url).body()
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)

    # The two success indicators of the measure: meetings per year, participants per meeting.
    held = ntr(language, "%(counter)s meeting held", "%(counter)s meetings held", 3) % {"counter": 3}
    assert held in text, text[:3000]
    for _day, _kind, title, members, guests in MEETINGS:
        # Date, kind, title (may wrap in its cell), participants, members represented.
        title_pattern = r"\s+".join(re.escape(word) for word in title.split())
        assert re.search(rf"{title_pattern}\s+{members + guests}\s+{members}\b", text), (title, text)
    mean = f"{t('Participants per meeting')}: {t('mean')} 4, {t('min.')} 3, {t('max.')} 5"
    assert mean in text, text[:3000]
    assert assessment in text.replace("\n", " ")
