"""Final reports: later corrections of attendance do not change what was sent."""

import pytest
from django.urls import reverse

from controlling.enums import Kpi
from controlling.models import FrozenReport, KpiTarget
from meetings import services as meeting_services
from tests.factories import InvitationFactory, UserFactory

from .conftest import REPORT_YEAR, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(coordinator, year_data, login, in_q4):
    client = login(coordinator)
    response = client.post(reverse("controlling:freeze", args=[REPORT_YEAR]))
    assert response.status_code == 302
    return client


def test_freezing_stores_data_and_both_pdfs(frozen, coordinator):
    report = FrozenReport.objects.get(year=REPORT_YEAR)
    assert report.in_force
    assert report.frozen_by == coordinator
    assert report.snapshot["participants_total"] == 7
    assert report.snapshot["frozen"] is True
    assert "Endfassung" in pdf_text(report.pdf("de"))
    assert "Final version" in pdf_text(report.pdf("en"))
    assert report.history.count() == 1


def test_corrections_after_freezing_do_not_change_the_report(frozen, year_data, member_a):
    pdf_before = frozen.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=de").content
    latecomer = UserFactory(full_name="Nachträglich Erfasst")
    year_data["may"].attendances.create(person=latecomer, organisation=member_a, present=True)

    data = frozen.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()
    pdf_after = frozen.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]) + "?lang=de").content
    page = frozen.get(reverse("controlling:year", args=[REPORT_YEAR]))
    live = frozen.get(reverse("controlling:report_json", args=[REPORT_YEAR]) + "?live=1").json()

    assert data["participants_total"] == 7
    assert data["frozen"] is True
    assert pdf_after == pdf_before == FrozenReport.objects.get(year=REPORT_YEAR).pdf("de")
    assert "Nachträglich Erfasst" not in pdf_text(pdf_after)
    assert page.context["report"]["participants_total"] == 7
    assert page.context["showing_frozen"] is True
    assert live["participants_total"] == 8


def test_freezing_twice_is_refused(frozen):
    frozen.post(reverse("controlling:freeze", args=[REPORT_YEAR]))
    assert FrozenReport.objects.filter(year=REPORT_YEAR).count() == 1


def test_targets_are_locked_while_final(frozen):
    data = {}
    for kpi in Kpi.values:
        data.update({f"{kpi}-target": "4", f"{kpi}-direction": "at_least", f"{kpi}-tolerance_percent": "10"})

    response = frozen.post(reverse("controlling:targets_save", args=[REPORT_YEAR]), data, follow=True)

    assert not KpiTarget.objects.exists()
    assert "Der Bericht für 2025 ist endgültig. Heben Sie die Festschreibung auf, bevor Sie ihn ändern." in [
        str(m) for m in response.context["messages"]
    ]


def test_unfreezing_needs_a_reason_and_keeps_the_sent_version(frozen, coordinator):
    refused = frozen.post(reverse("controlling:unfreeze", args=[REPORT_YEAR]), {"reason": "  "})
    assert refused.status_code == 200
    assert FrozenReport.objects.get().in_force

    frozen.post(reverse("controlling:unfreeze", args=[REPORT_YEAR]), {"reason": "Anwesenheit Mai korrigiert"})

    version = FrozenReport.objects.get()
    assert not version.in_force
    assert version.unfreeze_reason == "Anwesenheit Mai korrigiert"
    assert version.unfrozen_by == coordinator
    assert version.history.count() == 2
    old_pdf = frozen.get(
        reverse("controlling:frozen_version_pdf", args=[REPORT_YEAR, version.pk]) + "?lang=de"
    )
    assert old_pdf.status_code == 200
    assert old_pdf.content == version.pdf("de")
    page = frozen.get(reverse("controlling:year", args=[REPORT_YEAR]))
    assert page.context["editable"] is True
    assert "Anwesenheit Mai korrigiert" in page.content.decode()


def test_representative_cannot_download_an_earlier_version(frozen, coordinator, rep_a, login):
    frozen.post(reverse("controlling:unfreeze", args=[REPORT_YEAR]), {"reason": "Korrektur"})
    version = FrozenReport.objects.get()
    response = login(rep_a).get(reverse("controlling:frozen_version_pdf", args=[REPORT_YEAR, version.pk]))
    assert response.status_code == 403


def test_correction_through_the_meetings_app_leaves_the_final_report_alone(
    frozen, coordinator, year_data, rep_b, member_b, in_q4
):
    """The coordinator corrects February's list (Bernd was not there) after the report was sent."""
    february = year_data["february"]
    InvitationFactory(meeting=february, person=rep_b, organisation=member_b, role="representative")
    sent = {language: FrozenReport.objects.get().pdf(language) for language in ("de", "en")}

    meeting_services.attendance_mark(meeting=february, person=rep_b, by=coordinator, present=False, now=in_q4)

    final = frozen.get(reverse("controlling:report_json", args=[REPORT_YEAR])).json()
    live = frozen.get(reverse("controlling:report_json", args=[REPORT_YEAR]), {"live": "1"}).json()
    assert (final["participants_total"], final["meetings"][0]["members_represented"]) == (7, 2)
    assert (live["participants_total"], live["meetings"][0]["members_represented"]) == (6, 1)
    for language, content in sent.items():
        response = frozen.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": language})
        assert response.status_code == 200
        assert 'filename="erfolgscontrolling-2025-final-' in response["Content-Disposition"]
        assert response.content == content
        assert "Bernd Lemgo (Stadt Lemgo)" in pdf_text(response.content)
    live_pdf = frozen.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "de", "live": "1"})
    assert "Bernd Lemgo (Stadt Lemgo)" not in pdf_text(live_pdf.content)


def test_refreezing_after_a_correction_keeps_both_versions(frozen, coordinator, year_data, member_a, in_q4):
    first = FrozenReport.objects.get()
    frozen.post(reverse("controlling:unfreeze", args=[REPORT_YEAR]), {"reason": "Nachtrag Mai"})
    year_data["may"].attendances.create(
        person=UserFactory(full_name="Nachträglich Erfasst"), organisation=member_a, present=True
    )

    frozen.post(reverse("controlling:freeze", args=[REPORT_YEAR]))

    second = FrozenReport.objects.get(unfrozen_at__isnull=True)
    assert second.pk != first.pk
    assert (first.snapshot["participants_total"], second.snapshot["participants_total"]) == (7, 8)
    current = frozen.get(reverse("controlling:report_pdf", args=[REPORT_YEAR]), {"lang": "de"})
    earlier = frozen.get(
        reverse("controlling:frozen_version_pdf", args=[REPORT_YEAR, first.pk]), {"lang": "de"}
    )
    assert current.content == second.pdf("de")
    assert earlier.content == first.pdf("de")
    assert "Nachträglich Erfasst" in pdf_text(current.content)
    assert "Nachträglich Erfasst" not in pdf_text(earlier.content)
