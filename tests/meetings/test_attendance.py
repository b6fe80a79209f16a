"""Attendance: the list per member, walk-ins, not invited, self check-in, history, frozen organisation."""

import datetime
import html
import io
import re

import pypdf
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.enums import AttendanceSource, InvitationRole, MeetingStatus
from meetings.models import Attendance, Meeting
from members.enums import MembershipRole
from members.models import Organisation, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def present_ids(meeting):
    return set(Attendance.objects.filter(meeting=meeting, present=True).values_list("person_id", flat=True))


class TestList:
    def test_saving_the_list_marks_everyone_and_the_meeting_held(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        page = client.get(reverse("meetings:attendance", args=[past_meeting.pk])).content.decode()
        assert "Stadt Detmold" in page and "Stadt Lemgo" in page
        assert page.count('type="checkbox" name="present"') == 4
        response = client.post(
            reverse("meetings:attendance", args=[past_meeting.pk]),
            {"present": [people["rep_a"].pk, people["rep_b"].pk]},
        )
        assert response.status_code == 302
        past_meeting.refresh_from_db()
        assert past_meeting.status == MeetingStatus.HELD
        assert past_meeting.attendance_recorded_at is not None
        assert present_ids(past_meeting) == {people["rep_a"].pk, people["rep_b"].pk}
        absent = Attendance.objects.get(meeting=past_meeting, person=people["deputy_a"])
        assert absent.present is False

    def test_nobody_present_is_recorded_too(self, people, past_meeting):
        services.attendance_record(meeting=past_meeting, by=people["coordinator"], present_person_ids=[])
        past_meeting.refresh_from_db()
        assert past_meeting.attendance_recorded_at is not None
        assert present_ids(past_meeting) == set()
        assert Attendance.objects.filter(meeting=past_meeting).count() == 4

    def test_person_not_invited_is_refused_and_nothing_saved(self, people, past_meeting):
        with pytest.raises(ValidationError) as error:
            services.attendance_record(
                meeting=past_meeting,
                by=people["coordinator"],
                present_person_ids=[people["rep_a"].pk, people["guest"].pk],
            )
        assert error.value.code == "not_invited"
        assert "Gabi Gast" in str(error.value)
        assert not Attendance.objects.filter(meeting=past_meeting).exists()
        past_meeting.refresh_from_db()
        assert past_meeting.status == MeetingStatus.PUBLISHED

    def test_not_invited_person_is_offered_add_as_guest(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        url = reverse("meetings:attendance_mark_person", args=[past_meeting.pk])
        response = client.post(url, {"mark-person": people["guest"].full_name})
        assert response.status_code == 400
        content = response.content.decode()
        assert 'name="mark-add_as_guest" value="1"' in content
        assert not Attendance.objects.filter(meeting=past_meeting, person=people["guest"]).exists()
        assert f'name="mark-person_id" value="{people["guest"].pk}"' in content
        response = client.post(url, {"mark-person_id": people["guest"].pk, "mark-add_as_guest": "1"})
        assert response.status_code == 302
        invitation = past_meeting.invitations.get(person=people["guest"])
        assert invitation.role == InvitationRole.GUEST
        attendance = Attendance.objects.get(meeting=past_meeting, person=people["guest"])
        assert attendance.present and attendance.organisation is None
        assert attendance.organisation_text == "Stadtwerke Detmold"

    def test_known_person_is_found_by_e_mail_in_any_case(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        url = reverse("meetings:attendance_mark_person", args=[past_meeting.pk])
        response = client.post(url, {"mark-person": f"  {people['rep_a'].email.upper()} "})
        assert response.status_code == 302
        assert present_ids(past_meeting) == {people["rep_a"].pk}

    def test_known_person_is_found_by_part_of_the_name(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        url = reverse("meetings:attendance_mark_person", args=[past_meeting.pk])
        part = people["rep_b"].full_name.split()[-1].lower()
        response = client.post(url, {"mark-person": part})
        assert response.status_code == 302
        assert present_ids(past_meeting) == {people["rep_b"].pk}

    def test_unknown_name_is_a_field_error(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        url = reverse("meetings:attendance_mark_person", args=[past_meeting.pk])
        response = client.post(url, {"mark-person": "Niemand Unbekannt"})
        assert response.status_code == 400
        assert len(response.context["mark_form"].errors["person"]) == 1
        assert 'aria-invalid="true"' in response.content.decode()
        assert not Attendance.objects.filter(meeting=past_meeting).exists()

    def test_ambiguous_name_lists_the_matches_and_the_e_mail_resolves_it(
        self, login, people, past_meeting, client
    ):
        namesake = UserFactory(full_name=people["rep_a"].full_name, email="namensvetter@example.org")
        client = login(people["coordinator"])
        url = reverse("meetings:attendance_mark_person", args=[past_meeting.pk])
        response = client.post(url, {"mark-person": people["rep_a"].full_name})
        assert response.status_code == 400
        (error,) = response.context["mark_form"].errors["person"]
        assert people["rep_a"].email in error and namesake.email in error
        assert not Attendance.objects.filter(meeting=past_meeting).exists()
        response = client.post(url, {"mark-person": people["rep_a"].email})
        assert response.status_code == 302
        assert present_ids(past_meeting) == {people["rep_a"].pk}

    def test_the_page_asks_for_a_name_instead_of_listing_everybody(self, login, people, past_meeting, client):
        UserFactory.create_batch(3)
        client = login(people["coordinator"])
        page = client.get(reverse("meetings:attendance", args=[past_meeting.pk])).content.decode()
        assert 'type="text" name="mark-person"' in page
        assert '<select name="mark-person"' not in page

    def test_walk_in_guest_without_e_mail(self, login, people, past_meeting, client, member_b):
        client = login(people["coordinator"])
        response = client.post(
            reverse("meetings:attendance_walk_in", args=[past_meeting.pk]),
            {"walkin-full_name": "Jan Wiesemann", "walkin-organisation_text": "ADFC Lippe"},
        )
        assert response.status_code == 302
        person = User.objects.get(full_name="Jan Wiesemann")
        assert person.email is None and not person.has_usable_password()
        attendance = Attendance.objects.get(meeting=past_meeting, person=person)
        assert attendance.present and attendance.organisation_text == "ADFC Lippe"

    def test_walk_in_for_an_organisation(self, people, past_meeting, member_b):
        attendance = services.attendance_add_walk_in(
            meeting=past_meeting,
            by=people["coordinator"],
            full_name="Vera Vogt",
            email="vera@lemgo.example",
            organisation=member_b,
        )
        assert attendance.organisation == member_b
        assert attendance.person.email == "vera@lemgo.example"

    def test_walk_in_without_name_is_refused(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        response = client.post(
            reverse("meetings:attendance_walk_in", args=[past_meeting.pk]), {"walkin-full_name": ""}
        )
        assert response.status_code == 400
        assert not Attendance.objects.exists()

    def test_walk_in_drop_down_offers_every_organisation_in_german_order(
        self, login, people, past_meeting, client
    ):
        doerentrup = OrganisationFactory(name="Gemeinde Dörentrup & <Söhne>", short_name="Dörentrup")
        client = login(people["coordinator"])
        response = client.post(
            reverse("meetings:attendance_walk_in", args=[past_meeting.pk]),
            {"walkin-full_name": "", "walkin-organisation": doerentrup.pk},
        )
        select = response.content.decode().split('<select name="walkin-organisation"', 1)[1]
        select = select.split("</select>", 1)[0]
        names = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
        expected = Organisation.objects.order_by("sort_name").values_list("pk", "name")
        assert names[0] == ("", "", "— andere / keine —")
        assert [(int(pk), name) for pk, _selected, name in names[1:]] == [
            (pk, html.escape(name)) for pk, name in expected
        ]
        # The chosen organisation stays selected when the form comes back with an error.
        assert [name for _pk, selected, name in names if selected] == [html.escape(doerentrup.name)]

    def test_attendance_before_the_meeting_is_refused(self, people, published_meeting):
        with pytest.raises(ValidationError):
            services.attendance_record(
                meeting=published_meeting, by=people["coordinator"], present_person_ids=[]
            )

    def test_cancelled_meeting_has_no_attendance(self, people, past_meeting):
        Meeting.objects.filter(pk=past_meeting.pk).update(status=MeetingStatus.CANCELLED)
        past_meeting.refresh_from_db()
        with pytest.raises(ValidationError):
            services.attendance_record(meeting=past_meeting, by=people["coordinator"], present_person_ids=[])

    @pytest.mark.parametrize("who", ["rep_a", "rep_b", "deputy_a", "guest"])
    def test_only_the_coordinator_keeps_the_list(self, login, people, past_meeting, client, who):
        client = login(people[who])
        url = reverse("meetings:attendance", args=[past_meeting.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"present": [people[who].pk]}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                meeting=past_meeting, by=people[who], present_person_ids=[people[who].pk]
            )
        assert not Attendance.objects.exists()

    def test_invalid_ids_are_refused(self, login, people, past_meeting, client):
        client = login(people["coordinator"])
        response = client.post(reverse("meetings:attendance", args=[past_meeting.pk]), {"present": ["x"]})
        assert response.status_code == 400
        assert not Attendance.objects.exists()


class TestHistoryAndCorrections:
    def test_corrections_keep_who_and_when(self, people, past_meeting, coordinator_org):
        colleague = UserFactory(full_name="Tobias Klimaschutz")
        MembershipFactory(person=colleague, organisation=coordinator_org, role=MembershipRole.COORDINATOR)
        services.attendance_record(
            meeting=past_meeting, by=people["coordinator"], present_person_ids=[people["rep_a"].pk]
        )
        services.attendance_record(
            meeting=past_meeting, by=colleague, present_person_ids=[people["rep_a"].pk, people["deputy_a"].pk]
        )
        deputy = Attendance.objects.get(meeting=past_meeting, person=people["deputy_a"])
        history = list(deputy.history.order_by("history_date"))
        assert [(h.present, h.history_user) for h in history] == [
            (False, people["coordinator"]),
            (True, colleague),
        ]
        # Unchanged rows get no new history entry.
        assert Attendance.objects.get(meeting=past_meeting, person=people["rep_a"]).history.count() == 1

    def test_history_is_shown_on_the_attendance_page(self, login, people, past_meeting, client):
        services.attendance_record(
            meeting=past_meeting, by=people["coordinator"], present_person_ids=[people["rep_b"].pk]
        )
        page = (
            login(people["coordinator"])
            .get(reverse("meetings:attendance", args=[past_meeting.pk]))
            .content.decode()
        )
        assert "Miriam Koordinatorin" in page


class TestFrozenOrganisation:
    def test_organisation_of_the_meeting_date_not_of_today(self, people, member_a, member_b):
        """Jörg spoke for Detmold until last month's meeting, and for Lemgo since."""
        today = timezone.localdate()
        mover = UserFactory(full_name="Jörg Wechsler")
        MembershipFactory(person=mover, organisation=member_a, end=today - datetime.timedelta(days=20))
        MembershipFactory(person=mover, organisation=member_b, start=today - datetime.timedelta(days=19))
        start = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(14))
        )
        meeting = Meeting.objects.create(
            title="Sitzung",
            start=start,
            end=start + datetime.timedelta(hours=2),
            venue="Rathaus",
            status=MeetingStatus.PUBLISHED,
        )
        services.invitation_add_people(meeting=meeting, people=[mover], by=people["coordinator"])
        assert meeting.invitations.get().organisation == member_a
        services.attendance_record(meeting=meeting, by=people["coordinator"], present_person_ids=[mover.pk])
        assert Attendance.objects.get(meeting=meeting, person=mover).organisation == member_a

    def test_coordinator_attends_for_the_coordinating_organisation(
        self, people, past_meeting, coordinator_org
    ):
        services.attendance_record(
            meeting=past_meeting, by=people["coordinator"], present_person_ids=[people["coordinator"].pk]
        )
        assert (
            Attendance.objects.get(meeting=past_meeting, person=people["coordinator"]).organisation
            == coordinator_org
        )


class TestSelfCheckIn:
    def url(self, meeting):
        return reverse("meetings:check_in", args=[meeting.check_in_code])

    def test_invitee_checks_in_during_the_meeting(self, login, people, published_meeting, client):
        with time_machine.travel(published_meeting.start + datetime.timedelta(minutes=10)):
            client = login(people["rep_a"])
            page = client.get(self.url(published_meeting))
            assert page.status_code == 200
            assert Attendance.objects.count() == 0  # opening the page changes nothing
            response = client.post(self.url(published_meeting))
            assert response.status_code == 302
        attendance = Attendance.objects.get(person=people["rep_a"])
        assert attendance.present and attendance.source == AttendanceSource.CHECK_IN
        assert attendance.history.get().history_user == people["rep_a"]

    @pytest.mark.parametrize("offset", [datetime.timedelta(hours=-3), datetime.timedelta(hours=5)])
    def test_only_during_the_meeting_window(self, login, people, published_meeting, client, offset):
        with time_machine.travel(published_meeting.start + offset):
            response = login(people["rep_a"]).post(self.url(published_meeting))
        assert response.status_code == 400
        assert not Attendance.objects.exists()

    def test_not_invited_cannot_check_in(self, login, people, published_meeting, client):
        with time_machine.travel(published_meeting.start):
            response = login(people["guest"]).post(self.url(published_meeting))
        assert response.status_code == 400
        assert not Attendance.objects.exists()

    def test_anonymous_is_sent_to_login_and_back(self, login, published_meeting, client):
        response = login(None).get(self.url(published_meeting))
        assert response.status_code == 302
        assert "next=" in response["Location"] and published_meeting.check_in_code in response["Location"]

    def test_unknown_code_is_404(self, login, people, client):
        assert login(people["rep_a"]).get(reverse("meetings:check_in", args=["unknown"])).status_code == 404

    def test_checked_in_people_are_ticked_on_the_list(self, login, people, published_meeting, client):
        with time_machine.travel(published_meeting.start + datetime.timedelta(minutes=5)):
            services.attendance_check_in(meeting=published_meeting, person=people["rep_b"])
            page = login(people["coordinator"]).get(
                reverse("meetings:attendance", args=[published_meeting.pk])
            )
        content = page.content.decode()
        assert f'value="{people["rep_b"].pk}" id="present-{people["rep_b"].pk}" checked' in content

    def test_check_in_url_is_absolute(self, published_meeting, settings):
        from meetings.tokens import check_in_url

        assert check_in_url(published_meeting) == settings.SITE_URL + self.url(published_meeting)

    def test_qr_code_is_an_inline_svg(self, login, people, published_meeting, client):
        page = login(people["coordinator"]).get(reverse("meetings:check_in_qr", args=[published_meeting.pk]))
        content = page.content.decode()
        assert "<svg" in content and published_meeting.check_in_code in content
        assert (
            login(people["rep_a"])
            .get(reverse("meetings:check_in_qr", args=[published_meeting.pk]))
            .status_code
            == 403
        )


class TestPdf:
    def test_printable_list_with_signature_column(self, login, people, past_meeting, client):
        response = login(people["coordinator"]).get(
            reverse("meetings:attendance_pdf", args=[past_meeting.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
        assert "Unterschrift" in text or "Signature" in text
        for name in ("Anna Detmold", "Dirk Detmold", "Bernd Lemgo"):
            assert name in text
        assert "Stadt Detmold" in text

    def test_only_for_the_coordinator(self, login, people, past_meeting, client):
        url = reverse("meetings:attendance_pdf", args=[past_meeting.pk])
        assert login(people["rep_a"]).get(url).status_code == 403
        assert login(None).get(url).status_code == 302
