"""The coordinator's change history: who changed what and when, across the tracked models."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controlling.models import FrozenReport, KpiTarget, YearReview
from meetings.models import Attendance, Meeting
from members import services
from members.enums import MembershipRole
from members.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.factories.controlling import attend, controlling_meeting, local

pytestmark = pytest.mark.django_db

URL = reverse("members:audit_log")
MEMBERSHIP = Membership._meta.verbose_name
ATTENDANCE = Attendance._meta.verbose_name


@pytest.fixture
def changes(login, coordinator, member_a, rep_a):
    """A membership ended and a meeting's attendance corrected through the coordinator's requests."""
    client = login(coordinator)
    membership = rep_a.memberships.get()
    response = client.post(reverse("members:membership_end", args=[membership.pk]), {"end": "2025-06-30"})
    assert response.status_code == 302
    meeting = controlling_meeting(start=local(2025, 3, 10), title="Frühjahrstreffen")
    attendance = attend(meeting, rep_a, member_a)
    attendance.present = False
    attendance.save()
    return client


def test_lists_who_changed_what_and_when(changes):
    response = changes.get(URL)
    assert response.status_code == 200
    entries = list(response.context["page"])
    ended = next(e for e in entries if e.model_name == MEMBERSHIP and e.action == "geändert")
    assert ended.who.full_name == "Miriam Koordinatorin"
    assert "Anna Detmold" in ended.object_repr
    assert [(c.field, c.old, c.new) for c in ended.changes] == [("Ende", None, datetime.date(2025, 6, 30))]
    corrected = next(e for e in entries if e.model_name == ATTENDANCE and e.action == "geändert")
    assert corrected.object_repr == "Anna Detmold @ Frühjahrstreffen"
    assert [(c.field, c.old, c.new) for c in corrected.changes] == [
        (Attendance._meta.get_field("present").verbose_name, "ja", "nein")
    ]
    # Changes made outside a request (here: the test itself) have no person: "System".
    assert corrected.who is None
    text = response.content.decode()
    assert "Änderungsverlauf" in text
    assert "Ende</strong>: – → 30. Juni 2025" in text


def test_related_objects_are_named_and_newest_comes_first(login, coordinator, member_a, member_b, rep_a):
    membership = rep_a.memberships.get()
    services.membership_update(
        membership=membership, role=MembershipRole.DEPUTY, start=membership.start, end=None
    )
    KpiTarget.objects.create(year=2026, kpi="meetings_held", target=Decimal("4"))
    entries = list(login(coordinator).get(URL).context["page"])
    assert entries[0].model_name == KpiTarget._meta.verbose_name
    assert entries[0].object_repr.startswith("2026")
    role_change = next(e for e in entries if e.model_name == MEMBERSHIP and e.changes)
    assert [(c.field, c.old, c.new) for c in role_change.changes] == [
        ("Rolle", "Vertreter·in", "Stellvertreter·in")
    ]


def test_filter_by_model(changes):
    response = changes.get(URL, {"model": "meetings.attendance"})
    assert {e.model_name for e in response.context["page"]} == {ATTENDANCE}
    # An unknown model shows everything instead of failing.
    response = changes.get(URL, {"model": "auth.user"})
    assert len({e.model_name for e in response.context["page"]}) > 1


def test_people_list_links_to_the_history(changes):
    assert URL in changes.get(reverse("members:people_list")).content.decode()


@pytest.mark.parametrize("who", ["rep_a", "deputy_a", "rep_b", "guest_user"])
def test_only_the_coordinator_sees_the_history(request, login, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 403


def test_anonymous_visitor_goes_to_login(login):
    response = login(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _history(numbers, member_a, organisations):
    for n in numbers:
        person = UserFactory(full_name=f"Person {n}")
        membership = MembershipFactory(
            person=person, organisation=organisations[n % len(organisations)], role=MembershipRole.DEPUTY
        )
        services.membership_end(membership=membership, end=datetime.date(2025, 1, 1))
        meeting = controlling_meeting(start=local(2024, 1 + n % 12, 1 + n % 28), title=f"Treffen {n}")
        attendance = attend(meeting, person, member_a)
        attendance.present = False
        attendance.save()
        KpiTarget.objects.create(year=2016 + n, kpi="meetings_held", target=Decimal(n))


def test_queries_per_page_are_constant(login, coordinator, member_a, member_b, django_assert_num_queries):
    """One row of each kind or a full page of them: the same number of queries."""
    client = login(coordinator)
    _history(range(1), member_a, [member_a, member_b])
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _history(range(1, 31), member_a, [member_a, member_b])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(response.context["page"]) == 50


def test_every_kind_the_issue_names_is_in_the_history(login, coordinator, member_a, rep_a):
    """Meetings, attendance, memberships, targets and reports (frozen and the year's review)."""
    meeting = controlling_meeting(start=local(2024, 5, 6), title="Maitreffen")
    meeting.title = "Maitreffen (verschoben)"
    meeting.save()
    attend(meeting, rep_a, member_a)
    services.membership_end(membership=rep_a.memberships.get(), end=datetime.date(2025, 1, 1))
    KpiTarget.objects.create(year=2024, kpi="meetings_held", target=Decimal("4"))
    YearReview.objects.create(year=2024, assessment="Gut besucht.")
    FrozenReport.objects.create(
        year=2024, snapshot={}, pdf_de=b"%PDF", pdf_en=b"%PDF", frozen_at=local(2025, 1, 15)
    )
    client = login(coordinator)
    tracked = {
        "meetings.meeting": Meeting,
        "meetings.attendance": Attendance,
        "members.membership": Membership,
        "controlling.kpitarget": KpiTarget,
        "controlling.yearreview": YearReview,
        "controlling.frozenreport": FrozenReport,
    }
    for label, model in tracked.items():
        entries = list(client.get(URL, {"model": label}).context["page"])
        assert {e.model_name for e in entries} == {model._meta.verbose_name}, label
        assert entries, label
    renamed = next(
        e for e in client.get(URL, {"model": "meetings.meeting"}).context["page"] if e.action == "geändert"
    )
    assert ("Maitreffen", "Maitreffen (verschoben)") in [(c.old, c.new) for c in renamed.changes]
