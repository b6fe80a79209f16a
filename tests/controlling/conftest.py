import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from members.enums import MembershipRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories.controlling import attend, controlling_meeting, local

REPORT_YEAR = 2025


@pytest.fixture
def report_now():
    """The report is made in Q4 of the report year."""
    return local(REPORT_YEAR, 11, 20, 12)


@pytest.fixture
def luegde(db):
    return OrganisationFactory(name="Stadt Lügde", short_name="Lügde", slug="luegde")


@pytest.fixture
def mover(member_a, member_b):
    """Spoke for Detmold until the end of March 2025, then for Lemgo."""
    person = UserFactory(full_name="Jörg Wechsler")
    MembershipFactory(
        person=person,
        organisation=member_a,
        role=MembershipRole.DEPUTY,
        end=local(REPORT_YEAR, 3, 31).date(),
    )
    MembershipFactory(
        person=person,
        organisation=member_b,
        role=MembershipRole.DEPUTY,
        start=local(REPORT_YEAR, 4, 1).date(),
    )
    return person


@pytest.fixture
def year_data(coordinator, coordinator_org, rep_a, rep_b, deputy_a, guest_user, member_a, member_b, mover):
    """A year of meetings covering the edge cases of the KPI definitions (see test_kpis)."""
    february = controlling_meeting(start=local(REPORT_YEAR, 2, 10), title="Auftakt 2025")
    for person, organisation in (
        (rep_a, member_a),
        (mover, member_a),
        (rep_b, member_b),
        (guest_user, None),
        (coordinator, coordinator_org),
    ):
        attend(february, person, organisation)
    may = controlling_meeting(start=local(REPORT_YEAR, 5, 12), kind="workshop", title="Workshop Wärmeplanung")
    attend(may, mover, member_b)
    attend(may, guest_user, None, organisation_text="Stadtwerke Detmold")
    attend(may, deputy_a, member_a, present=False)
    cancelled = controlling_meeting(
        start=local(REPORT_YEAR, 6, 1), status="cancelled", recorded=False, title="Ausgefallen"
    )
    attend(cancelled, rep_a, member_a)
    september = controlling_meeting(start=local(REPORT_YEAR, 9, 1), recorded=False, title="Ohne Liste")
    december = controlling_meeting(
        start=local(REPORT_YEAR, 12, 1), status="published", recorded=False, title="Jahresabschluss"
    )
    return {
        "february": february,
        "may": may,
        "cancelled": cancelled,
        "september": september,
        "december": december,
    }


@pytest.fixture
def in_q4(report_now):
    """Requests are made on the report day (meetings after it are still planned)."""
    import time_machine

    with time_machine.travel(report_now, tick=False):
        yield report_now


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def downloaded_pdf_text(client, language: str, year: int = REPORT_YEAR) -> str:
    return pdf_text(client.get(reverse("controlling:report_pdf", args=[year]), {"lang": language}).content)
