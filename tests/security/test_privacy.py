"""GDPR: the data export and the anonymisation of a person who left (issue 11)."""

import copy
import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from controlling.models import FrozenReport
from controlling.selectors import controlling_report
from meetings.models import ActionItem, Attendance, Delivery, Invitation
from members.models import Membership, User
from members.privacy import person_anonymise, person_export_data
from surveys.models import Recipient
from surveys.models import Response as SurveyResponse
from tests.factories import ProjectFactory
from tests.factories.controlling import local
from tests.factories.projects import ProgressUpdateFactory

from .conftest import PAST_YEARS

pytestmark = pytest.mark.django_db

NOW = local(2025, 11, 20, 12)


def reports_of_past_years():
    return {year: controlling_report(year=year, now=NOW) for year in PAST_YEARS}


def attendance_counts():
    """Present people per meeting and organisation, as the controlling counts them."""
    return sorted(
        Attendance.objects.values("meeting_id", "organisation_id", "present")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "organisation_id", "present", "n"),
        key=str,
    )


def with_names_replaced(report, renamed):
    """The report with the anonymised names put in; attendees in an order independent of names."""
    report = copy.deepcopy(report)
    for meeting in report["meetings"]:
        meeting["attendees"] = sorted(
            ({**a, "name": renamed.get(a["name"], a["name"])} for a in meeting["attendees"]),
            key=lambda a: (a["organisation"], a["name"]),
        )
    return report


class TestExport:
    def test_export_has_profile_memberships_answers_attendance_and_mails(
        self, past_years, leaver, coordinator
    ):
        ActionItem.objects.create(meeting=past_years[(2024, 3)], title="Radwegekarte teilen", owner=leaver)
        data = person_export_data(person=leaver)

        assert data["format"] == "regionalbuendnis-person-export"
        assert data["profile"]["full_name"] == "Lena Lemgo"
        assert data["profile"]["email"] == "lena.lemgo@lemgo.example"
        assert data["profile"]["phone"] == "05261 123"
        assert [(m["organisation"], m["role"], m["start"], m["end"]) for m in data["memberships"]] == [
            ("Stadt Lemgo", "deputy", "2018-01-01", "2022-12-31"),
            ("Stadt Lemgo", "representative", "2023-01-01", None),
        ]
        assert len(data["invitations"]) == 8
        assert data["invitations"][0]["response"] == "yes"
        assert data["invitations"][0]["comment"].startswith("Ich komme mit dem Rad")
        assert len(data["attendance"]) == 6
        assert {a["organisation"] for a in data["attendance"]} == {"Stadt Lemgo"}
        related = {(r["model"], r["field"]) for r in data["related_records"]}
        assert ("meetings.delivery", "recipient") in related
        assert ("meetings.actionitem", "owner") in related
        owned = next(r for r in data["related_records"] if r["model"] == "meetings.actionitem")
        assert owned["record"]["title"] == "Radwegekarte teilen"
        # Plain JSON, and no secrets of the account.
        text = json.dumps(data)
        assert leaver.calendar_token not in text
        assert leaver.password not in text
        assert "coordinator" not in {r["field"] for r in data["related_records"]}

    def test_export_of_someone_else_contains_nothing_of_the_leaver(self, past_years, rep_a, leaver):
        text = json.dumps(person_export_data(person=rep_a))
        assert "Lena" not in text
        assert "lena.lemgo" not in text

    def test_coordinator_downloads_the_export(self, login, coordinator, leaver):
        response = login(coordinator).get(reverse("members:person_export", args=[leaver.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Content-Disposition"].startswith(f'attachment; filename="person-{leaver.pk}-')
        assert "no-store" in response["Cache-Control"]
        assert json.loads(response.content)["profile"]["email"] == "lena.lemgo@lemgo.example"

    @pytest.mark.parametrize("who", ["rep_a", "rep_b", "deputy_a", "guest_user", "leaver"])
    def test_nobody_else_downloads_an_export(self, request, login, leaver, who):
        response = login(request.getfixturevalue(who)).get(reverse("members:person_export", args=[leaver.pk]))
        assert response.status_code == 403

    def test_anonymous_visitor_is_sent_to_login(self, login, leaver):
        response = login(None).get(reverse("members:person_export", args=[leaver.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestAnonymise:
    def test_name_and_contact_are_gone_login_and_calendar_link_end(self, leaver, coordinator, today):
        token = leaver.calendar_token
        person_anonymise(person=leaver, by=coordinator)
        leaver = User.objects.get(pk=leaver.pk)

        assert leaver.full_name == "Ehemalige·r Vertreter·in Lemgo"
        assert leaver.email is None
        assert leaver.phone == ""
        assert leaver.affiliation == ""
        assert not leaver.has_usable_password()
        assert not leaver.is_active
        assert leaver.anonymised_at is not None
        assert leaver.calendar_token != token
        assert not leaver.notify_reminders and not leaver.notify_answer_requests and not leaver.notify_digest
        # Who spoke for Lemgo when is kept; the current membership ends today.
        assert list(
            Membership.objects.filter(person=leaver).order_by("start").values_list("role", "end")
        ) == [
            ("deputy", datetime.date(2022, 12, 31)),
            ("representative", timezone.localdate()),
        ]

    def test_deputy_and_guest_names(self, deputy_a, guest_user, coordinator):
        assert (
            person_anonymise(person=deputy_a, by=coordinator).full_name
            == "Ehemalige·r Stellvertreter·in Detmold"
        )
        assert person_anonymise(person=guest_user, by=coordinator).full_name == "Ehemaliger Gast"

    def test_past_controlling_stays_exactly_as_it_was(
        self, past_years, named_survey, leaver, guest_user, coordinator
    ):
        before, counts_before = reports_of_past_years(), attendance_counts()
        frozen = FrozenReport.objects.create(
            year=2023, snapshot=before[2023], pdf_de=b"%PDF-de", pdf_en=b"%PDF-en", frozen_at=NOW
        )

        person_anonymise(person=leaver, by=coordinator)
        person_anonymise(person=guest_user, by=coordinator)
        after = reports_of_past_years()

        assert attendance_counts() == counts_before
        renamed = {"Lena Lemgo": "Ehemalige·r Vertreter·in Lemgo", "Gabi Gast": "Ehemaliger Gast"}
        for year in PAST_YEARS:
            # Every key figure is identical; only the names in the annex changed.
            assert {k: v for k, v in after[year].items() if k != "meetings"} == {
                k: v for k, v in before[year].items() if k != "meetings"
            }
            assert with_names_replaced(after[year], {}) == with_names_replaced(before[year], renamed)
        assert after[2023]["participants_total"] == 4 * 2 + 3 + 1
        assert after[2024]["survey"]["answered"] == 2
        assert after[2024]["survey"]["satisfaction_mean"] == (2 + 5 + 4 + 4) / 4
        # The guest's body stays in the attendance list although the profile lost it.
        november = next(m for m in after[2024]["meetings"] if m["title"] == "Sitzung 11/2024")
        assert {"name": "Ehemaliger Gast", "organisation": "Stadtwerke Detmold", "member": False} in november[
            "attendees"
        ]
        frozen.refresh_from_db()
        assert frozen.snapshot == before[2023]

    def test_answers_kept_comments_addresses_and_login_attempts_removed(
        self, past_years, leaver, coordinator
    ):
        AccessAttempt.objects.create(
            username="Lena.Lemgo@lemgo.example", ip_address="192.0.2.1", failures_since_start=3
        )
        AccessAttempt.objects.create(
            username="other@example.org", ip_address="192.0.2.1", failures_since_start=1
        )
        person_anonymise(person=leaver, by=coordinator)

        invitations = Invitation.objects.filter(person=leaver)
        assert set(invitations.values_list("response", "comment")) == {("yes", "")}
        deliveries = Delivery.objects.filter(recipient=leaver)
        assert deliveries.count() == 8
        assert not Delivery.objects.filter(email__icontains="lena").exists()
        assert not Delivery.objects.filter(error__icontains="lena").exists()
        assert set(deliveries.values_list("status", flat=True)) == {"failed"}
        assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["other@example.org"]

    def test_open_sessions_end(self, client, login, leaver, coordinator):
        login(leaver)
        assert client.get(reverse("members:organisation_list")).status_code == 200
        person_anonymise(person=leaver, by=coordinator)
        response = client.get(reverse("members:organisation_list"))
        assert response.status_code == 302
        assert not response.wsgi_request.user.is_authenticated

    def test_refuses_twice_and_oneself(self, leaver, coordinator):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            person_anonymise(person=coordinator, by=coordinator)
        person_anonymise(person=leaver, by=coordinator)
        with pytest.raises(ValidationError):
            person_anonymise(person=leaver, by=coordinator)

    def test_refuses_while_a_membership_has_not_started(self, leaver, member_a, coordinator):
        from django.core.exceptions import ValidationError

        Membership.objects.create(
            person=leaver,
            organisation=member_a,
            role="deputy",
            start=timezone.localdate() + datetime.timedelta(1),
        )
        with pytest.raises(ValidationError):
            person_anonymise(person=leaver, by=coordinator)
        assert User.objects.get(pk=leaver.pk).full_name == "Lena Lemgo"


class TestSurveys:
    def test_export_has_recipient_rows_and_named_answers(self, named_survey, leaver):
        data = person_export_data(person=leaver)
        recipients = [r["record"] for r in data["related_records"] if r["model"] == "surveys.recipient"]
        assert sorted(r["survey_id"] for r in recipients) == sorted(
            Recipient.objects.filter(person=leaver).values_list("survey_id", flat=True)
        )
        assert {r["email"] for r in recipients} == {"lena.lemgo@lemgo.example"}
        assert data["named_survey_answers"] == [
            {
                "survey": 2024,
                "respondent_name": "Lena Lemgo",
                "organisation": "Stadt Lemgo",
                "answers": [
                    {"question": "Wie zufrieden sind Sie?", "scale_value": 2, "choices": [], "text": ""}
                ],
            }
        ]

    def test_anonymising_renames_the_named_answer_and_forgets_address_and_draft(
        self, named_survey, leaver, rep_a, coordinator
    ):
        person_anonymise(person=leaver, by=coordinator)
        rows = Recipient.objects.filter(person=leaver)
        assert rows.count() == 2
        assert set(rows.values_list("name", flat=True)) == {"Ehemalige·r Vertreter·in Lemgo"}
        assert not rows.filter(email__icontains="lena").exists()
        assert [row.draft for row in rows] == [{}, {}]
        assert set(
            SurveyResponse.objects.exclude(respondent_name="").values_list("respondent_name", flat=True)
        ) == {
            "Ehemalige·r Vertreter·in Lemgo",
            "Anna Detmold",
        }
        assert SurveyResponse.objects.filter(survey=named_survey).count() == 4
        # Anonymous answers carry no name at all and stay as they are.
        assert SurveyResponse.objects.filter(respondent_name="").count() == 2


class TestProjects:
    def test_contact_and_authorship_exported_contact_ended_authorship_kept(
        self, leaver, member_b, coordinator
    ):
        project = ProjectFactory(title="Quartierssanierung Lemgo", lead_organisation=member_b)
        project.contacts.add(leaver)
        ProgressUpdateFactory(
            project=project, author=leaver, organisation=member_b, text="Förderantrag gestellt."
        )
        related = {
            (r["model"], r["field"]): r["record"]
            for r in person_export_data(person=leaver)["related_records"]
        }
        assert related[("projects.project", "contacts")]["title"] == "Quartierssanierung Lemgo"
        assert related[("projects.progressupdate", "author")]["text"] == "Förderantrag gestellt."

        person_anonymise(person=leaver, by=coordinator)
        project.refresh_from_db()
        assert list(project.contacts.all()) == []
        update = project.progress_updates.get()
        assert update.author.full_name == "Ehemalige·r Vertreter·in Lemgo"
        assert update.organisation == member_b


class TestAnonymiseView:
    def test_confirm_page_warns_and_names_the_result(self, login, leaver, coordinator):
        response = login(coordinator).get(reverse("members:person_anonymise", args=[leaver.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "nicht rückgängig" in text
        assert "Ehemalige·r Vertreter·in Lemgo" in text
        assert reverse("members:person_export", args=[leaver.pk]) in text

    def test_without_confirmation_nothing_changes(self, login, leaver, coordinator):
        response = login(coordinator).post(reverse("members:person_anonymise", args=[leaver.pk]), {})
        assert response.status_code == 200
        assert User.objects.get(pk=leaver.pk).full_name == "Lena Lemgo"

    def test_confirmed_post_anonymises(self, login, leaver, coordinator):
        url = reverse("members:person_anonymise", args=[leaver.pk])
        response = login(coordinator).post(url, {"confirm": "on"})
        assert response.status_code == 302
        assert response["Location"] == reverse("members:person_detail", args=[leaver.pk])
        leaver.refresh_from_db()
        assert leaver.anonymised_at is not None
        # The change to the membership is in the audit history with the coordinator's name.
        ended = Membership.history.filter(person_id=leaver.pk, end=timezone.localdate()).get()
        assert ended.history_user_id == coordinator.pk

    def test_anonymising_oneself_is_refused_with_a_message(self, login, coordinator):
        url = reverse("members:person_anonymise", args=[coordinator.pk])
        response = login(coordinator).post(url, {"confirm": "on"})
        assert response.status_code == 200
        assert "nicht selbst" in response.content.decode()
        coordinator.refresh_from_db()
        assert coordinator.anonymised_at is None

    @pytest.mark.parametrize("who", ["rep_a", "rep_b", "deputy_a", "guest_user", "leaver"])
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_only_the_coordinator(self, request, login, leaver, who, method):
        client = login(request.getfixturevalue(who))
        response = getattr(client, method)(
            reverse("members:person_anonymise", args=[leaver.pk]), {"confirm": "on"}
        )
        assert response.status_code == 403
        assert User.objects.get(pk=leaver.pk).anonymised_at is None


class TestPersonPageLinks:
    """The coordinator reaches export and erasure from the person page; nobody else sees them."""

    def test_coordinator_sees_export_and_anonymise(self, login, leaver, coordinator):
        text = login(coordinator).get(reverse("members:person_detail", args=[leaver.pk])).content.decode()
        assert f'href="{reverse("members:person_export", args=[leaver.pk])}"' in text
        assert f'href="{reverse("members:person_anonymise", args=[leaver.pk])}"' in text
        assert "Personenbezogene Daten herunterladen (JSON)" in text
        assert "Person anonymisieren" in text

    @pytest.mark.parametrize("who", ["rep_a", "rep_b", "deputy_a", "guest_user", "leaver"])
    def test_others_see_neither_link(self, request, login, leaver, who):
        text = login(request.getfixturevalue(who)).get(reverse("members:person_detail", args=[leaver.pk]))
        assert text.status_code == 200
        page = text.content.decode()
        assert reverse("members:person_export", args=[leaver.pk]) not in page
        assert reverse("members:person_anonymise", args=[leaver.pk]) not in page

    def test_after_erasure_only_the_export_is_offered(self, login, leaver, coordinator):
        person_anonymise(person=leaver, by=coordinator)
        text = login(coordinator).get(reverse("members:person_detail", args=[leaver.pk])).content.decode()
        assert reverse("members:person_export", args=[leaver.pk]) in text
        assert reverse("members:person_anonymise", args=[leaver.pk]) not in text

    def test_no_erasure_link_on_ones_own_page(self, login, coordinator):
        text = (
            login(coordinator).get(reverse("members:person_detail", args=[coordinator.pk])).content.decode()
        )
        assert reverse("members:person_anonymise", args=[coordinator.pk]) not in text
