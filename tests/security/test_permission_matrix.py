"""Every URL of the app × every role: the expected status, generated from the URL conf.

A new view without an entry in EXPECTED makes `test_every_url_has_an_expectation` fail, so no
page can be forgotten. Each request runs in a savepoint that is rolled back, so every role meets
the same data (a delete by one role does not turn the next role's 403 into a 404).

Roles: anonymous, the representative and the deputy of member A (Detmold), the representative of
member B (Lemgo), a guest (invited to one workshop) and the coordinator. GET and POST (with empty
or minimal data) are both tried: a refused POST must be refused before any form is looked at.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from controlling.models import FrozenReport
from controlling.selectors import controlling_report
from meetings.enums import DeliveryKind, DeliveryStatus, InvitationRole, MeetingKind, MeetingStatus
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Delivery,
    Invitation,
    Meeting,
    MeetingDocument,
)
from meetings.tokens import rsvp_token
from projects.models import ProjectDocument, ProjectLink
from surveys.enums import SurveyStatus
from surveys.services import link_create
from tests.factories import ClimateActivityFactory, IndicatorFactory, ProjectFactory
from tests.factories.projects import MilestoneFactory, ProgressUpdateFactory
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "guest", "rep_b", "deputy_a", "rep_a", "coordinator")
LOGIN = "login"  # 302 to the login page
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Django's own admin checks is_staff itself; one entry stands for its many URLs.
SKIPPED_NAMESPACES = {"admin"}


# --- Expectation helpers --------------------------------------------------------------------------


def statuses(anonymous=LOGIN, *, everyone=None, **roles) -> dict[str, object]:
    """anonymous, then the same status for every logged-in role unless a role is named."""
    result = {"anonymous": anonymous}
    for role in ROLES[1:]:
        result[role] = roles.get(role, everyone)
    return result


def coordinator_only(ok=200):
    return statuses(everyone=403, coordinator=ok)


def logged_in(ok=200, **roles):
    return statuses(everyone=ok, **roles)


def public(ok=200, **roles):
    return statuses(anonymous=ok, everyone=ok, **roles)


# require_POST / require_GET behind login_required: anonymous visitors are sent to log in first.
POST_ONLY = statuses(everyone=405)
POST_ONLY_GET = statuses(everyone=405)  # the POST column of a GET-only view
ANY_405 = statuses(anonymous=405, everyone=405)
# The published workshop invites member A's representative and deputy and the guest.
INVITED_A_AND_GUEST = statuses(everyone=200, rep_b=403)
# Both representatives attended the held meeting; the deputy and the guest were not there.
ATTENDED_A_AND_B = statuses(everyone=403, rep_a=200, rep_b=200, coordinator=200)
# Member A leads the project and documents activity A.
PROJECT_A_MEMBERS = statuses(everyone=403, rep_a=200, deputy_a=200, coordinator=200)
B_AND_COORDINATOR = statuses(everyone=403, rep_b=200, coordinator=200)
MEMBERS_AND_COORDINATOR = statuses(everyone=200, guest=403)


@dataclass
class Case:
    kwargs: object  # callable(world) -> dict, or a dict
    get: dict
    post: dict
    data: object = field(default_factory=dict)  # callable(world) -> dict for the POST
    label: str = ""


# --- The data every request meets ------------------------------------------------------------


@pytest.fixture
def world(coordinator, coordinator_org, rep_a, deputy_a, rep_b, guest_user, member_a, member_b):
    now = timezone.now()
    w = {
        "coordinator": coordinator,
        "rep_a": rep_a,
        "deputy_a": deputy_a,
        "rep_b": rep_b,
        "guest": guest_user,
        "member_a": member_a,
        "member_b": member_b,
    }
    w["membership_a"] = rep_a.memberships.get()

    def meeting(title, status, start, **fields):
        return Meeting.objects.create(
            title=title, status=status, start=start, end=start + datetime.timedelta(hours=2), **fields
        )

    # A published workshop in ten days: member A's people and the guest are invited, not B.
    published = meeting("Workshop Wärmeplanung", MeetingStatus.PUBLISHED, now + datetime.timedelta(days=10))
    published.kind = MeetingKind.WORKSHOP
    published.save()
    w["published"] = published
    w["invitation_a"] = Invitation.objects.create(
        meeting=published, person=rep_a, organisation=member_a, role=InvitationRole.REPRESENTATIVE
    )
    Invitation.objects.create(
        meeting=published, person=deputy_a, organisation=member_a, role=InvitationRole.DEPUTY
    )
    Invitation.objects.create(meeting=published, person=guest_user, role=InvitationRole.GUEST)
    AgendaItem.objects.create(meeting=published, position=1, title="Begrüßung")
    w["document"] = document(published, coordinator)
    w["action_a"] = ActionItem.objects.create(meeting=published, title="Daten liefern", owner=rep_a)
    w["delivery"] = Delivery.objects.create(
        kind=DeliveryKind.INVITATION,
        object_key=f"meeting:{published.pk}",
        email=rep_a.email,
        recipient=rep_a,
        meeting=published,
        status=DeliveryStatus.FAILED,
        error="550 mailbox unavailable",
    )
    # A draft only the coordinator may see, with a document of its own.
    w["draft"] = meeting("Entwurf Herbsttreffen", MeetingStatus.DRAFT, now + datetime.timedelta(days=40))
    w["draft_document"] = document(w["draft"], coordinator)
    # A held meeting both members attended.
    held = meeting("Frühjahrstreffen", MeetingStatus.HELD, now - datetime.timedelta(days=30))
    held.attendance_recorded_at = held.end
    held.save()
    w["held"] = held
    for person, organisation in ((rep_a, member_a), (rep_b, member_b)):
        Invitation.objects.create(
            meeting=held, person=person, organisation=organisation, role=InvitationRole.REPRESENTATIVE
        )
        Attendance.objects.create(meeting=held, person=person, organisation=organisation)
    w["action_b"] = ActionItem.objects.create(meeting=held, title="Bericht schreiben", owner=rep_b)

    # Projects: led by member A; B does not take part.
    project = ProjectFactory(title="Stadtradeln", lead_organisation=member_a, participants=[member_a])
    project.contacts.add(rep_a)
    w["project"] = project
    w["milestone"] = MilestoneFactory(project=project)
    ProgressUpdateFactory(project=project, author=rep_a, organisation=member_a)
    project_document = ProjectDocument(
        project=project, original_name="Plan.pdf", content_type="application/pdf", size=len(PDF)
    )
    project_document.file.save("plan.pdf", ContentFile(PDF), save=False)
    project_document.save()
    w["project_document"] = project_document
    w["project_link"] = ProjectLink.objects.create(
        project=project, title="Website", url="https://example.org/"
    )
    w["indicator"] = IndicatorFactory(project=project)
    w["activity_a"] = ClimateActivityFactory(organisation=member_a, title="LED-Straßenbeleuchtung")
    w["activity_b"] = ClimateActivityFactory(organisation=member_b, title="Energieberatung")

    # Controlling: last year's report is frozen (so its PDF is stored and served as is).
    w["year"] = timezone.localdate().year - 1
    w["frozen"] = FrozenReport.objects.create(
        year=w["year"],
        snapshot=controlling_report(year=w["year"]),
        pdf_de=PDF,
        pdf_en=PDF,
        frozen_at=now,
        frozen_by=coordinator,
    )
    # Surveys: this year's is open (A's and B's representatives are asked, three have answered),
    # next year's is still a draft with a question.
    today = timezone.localdate()
    survey = SurveyFactory(
        year=today.year,
        status=SurveyStatus.OPEN,
        send_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=20),
    )
    w["survey"] = survey
    question = QuestionFactory(survey=survey)
    for person, organisation in ((rep_a, member_a), (rep_b, member_b)):
        recipient = RecipientFactory(
            survey=survey, person=person, organisation=organisation, email=person.email, name=person.full_name
        )
        w[f"recipient_{person.pk}"] = recipient
    w["recipient_a"] = w[f"recipient_{rep_a.pk}"]
    w["survey_token"] = link_create(recipient=w["recipient_a"])
    for value in (3, 4, 5):
        AnswerFactory(response=ResponseFactory(survey=survey), question=question, scale_value=value)
    w["draft_survey"] = SurveyFactory(year=today.year + 1)
    w["draft_question"] = QuestionFactory(survey=w["draft_survey"])
    return w


def document(meeting, uploaded_by):
    item = MeetingDocument(
        meeting=meeting,
        original_name="Präsentation.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=uploaded_by,
    )
    item.file.save("x.pdf", ContentFile(PDF), save=False)
    item.save()
    return item


def pk(key):
    return lambda w: {"pk": w[key].pk}


def meeting_and(meeting_key, name, key):
    return lambda w: {"pk": w[meeting_key].pk, name: w[key].pk}


def year(w):
    return {"year": w["year"]}


# --- What each role gets ------------------------------------------------------------------------

EXPECTED: dict[str, list[Case]] = {
    # Site
    "dashboard": [Case({}, logged_in(), logged_in())],
    "health": [Case({}, public(), ANY_405)],
    "set_language": [Case({}, ANY_405, public(302), data={"language": "en"})],
    # Accounts
    "login": [
        # Logged-in people are sent on to the dashboard.
        Case({}, statuses(anonymous=200, everyone=302), statuses(anonymous=200, everyone=302))
    ],
    "logout": [Case({}, ANY_405, public(302))],
    "password_change": [Case({}, logged_in(), logged_in())],
    "password_change_done": [Case({}, logged_in(), logged_in(405))],
    "password_reset": [Case({}, public(), public())],
    "password_reset_done": [Case({}, public(), public(405))],
    "password_reset_confirm": [
        Case(
            lambda w: {
                "uidb64": urlsafe_base64_encode(force_bytes(w["rep_a"].pk)),
                "token": default_token_generator.make_token(w["rep_a"]),
            },
            # Logging in changes last_login and so invalidates the person's own reset link.
            public(302, rep_a=200),
            public(302, rep_a=200),
            label="valid link",
        ),
        Case({"uidb64": "MQ", "token": "abc-def"}, public(), public(), label="forged link"),
    ],
    "password_reset_complete": [Case({}, public(), public(405))],
    # Members
    "members:organisation_list": [Case({}, logged_in(), logged_in())],
    "members:organisation_detail": [Case(lambda w: {"slug": w["member_a"].slug}, logged_in(), logged_in())],
    "members:organisation_edit": [
        Case(lambda w: {"slug": w["member_a"].slug}, coordinator_only(), coordinator_only())
    ],
    "members:people_list": [Case({}, coordinator_only(), coordinator_only())],
    "members:person_create": [Case({}, coordinator_only(), coordinator_only())],
    "members:person_detail": [Case(pk("rep_a"), logged_in(), logged_in())],
    "members:person_edit": [
        Case(
            pk("rep_a"),
            statuses(everyone=403, rep_a=200, coordinator=200),
            statuses(everyone=403, rep_a=200, coordinator=200),
        ),
        Case(
            pk("rep_b"),
            statuses(everyone=403, rep_b=200, coordinator=200),
            statuses(everyone=403, rep_b=200, coordinator=200),
            label="B's profile",
        ),
    ],
    "members:person_invite": [Case(pk("rep_a"), POST_ONLY, coordinator_only(302))],
    "members:person_reset_calendar_token": [
        Case(pk("rep_a"), POST_ONLY, statuses(everyone=403, rep_a=302, coordinator=302))
    ],
    "members:person_export": [Case(pk("rep_a"), coordinator_only(), statuses(everyone=405))],
    "members:person_anonymise": [Case(pk("rep_a"), coordinator_only(), coordinator_only())],
    "members:audit_log": [Case({}, coordinator_only(), statuses(everyone=405))],
    "members:membership_create": [Case({}, coordinator_only(), coordinator_only())],
    "members:membership_edit": [Case(pk("membership_a"), coordinator_only(), coordinator_only())],
    "members:membership_end": [Case(pk("membership_a"), coordinator_only(), coordinator_only())],
    # Meetings: lists show each person what concerns them
    "meetings:list": [Case({}, logged_in(), logged_in())],
    "meetings:my_meetings": [Case({}, logged_in(), logged_in())],
    "meetings:action_items": [Case({}, logged_in(), logged_in())],
    "meetings:create": [Case({}, coordinator_only(), coordinator_only())],
    # Meeting pages: invitees (and attendees) see a meeting, nobody but the coordinator a draft
    "meetings:detail": [
        Case(pk("published"), INVITED_A_AND_GUEST, INVITED_A_AND_GUEST),
        Case(pk("draft"), coordinator_only(), coordinator_only(), label="draft"),
        Case(pk("held"), ATTENDED_A_AND_B, ATTENDED_A_AND_B, label="held"),
    ],
    "meetings:ics": [
        Case(pk("published"), INVITED_A_AND_GUEST, POST_ONLY_GET),
        Case(pk("draft"), coordinator_only(), POST_ONLY_GET, label="draft"),
    ],
    "meetings:document": [
        Case(meeting_and("published", "document_pk", "document"), INVITED_A_AND_GUEST, POST_ONLY_GET),
        Case(
            meeting_and("draft", "document_pk", "draft_document"),
            coordinator_only(),
            POST_ONLY_GET,
            label="draft",
        ),
        Case(
            meeting_and("published", "document_pk", "draft_document"),
            statuses(everyone=404, rep_b=403),
            POST_ONLY_GET,
            label="document of another meeting",
        ),
    ],
    "meetings:respond": [
        Case(
            pk("published"), POST_ONLY, statuses(everyone=302, rep_b=404, coordinator=404), label="own answer"
        ),
        Case(
            pk("published"),
            POST_ONLY,
            statuses(everyone=403, rep_a=302, coordinator=302),
            data=lambda w: {"invitation": w["invitation_a"].pk, "rsvp-response": "no"},
            label="answer for A's representative",
        ),
        Case(pk("draft"), POST_ONLY, statuses(everyone=404), label="draft"),
    ],
    "meetings:action_item_done": [
        Case(
            lambda w: {"item_pk": w["action_a"].pk},
            POST_ONLY,
            statuses(everyone=403, rep_a=302, coordinator=302),
        ),
        Case(
            lambda w: {"item_pk": w["action_b"].pk},
            POST_ONLY,
            statuses(everyone=403, rep_b=302, coordinator=302),
            label="B's action item",
        ),
    ],
    "meetings:action_item_delete": [
        Case(lambda w: {"item_pk": w["action_a"].pk}, POST_ONLY, coordinator_only(302))
    ],
    # Coordinator's meeting management
    "meetings:edit": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:publish": [Case(pk("draft"), coordinator_only(), coordinator_only(302))],
    "meetings:cancel": [Case(pk("published"), coordinator_only(), coordinator_only(302))],
    "meetings:delete": [Case(pk("draft"), POST_ONLY, coordinator_only(302))],
    "meetings:duplicate": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:agenda": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:document_upload": [Case(pk("published"), POST_ONLY, coordinator_only(400))],
    "meetings:document_delete": [
        Case(meeting_and("published", "document_pk", "document"), POST_ONLY, coordinator_only(302))
    ],
    "meetings:invitees": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:invitation_remove": [
        Case(meeting_and("published", "invitation_pk", "invitation_a"), POST_ONLY, coordinator_only(302))
    ],
    "meetings:attendance": [Case(pk("held"), coordinator_only(), coordinator_only(302))],
    "meetings:attendance_walk_in": [Case(pk("held"), POST_ONLY, coordinator_only(400))],
    "meetings:attendance_mark_person": [Case(pk("held"), POST_ONLY, coordinator_only(400))],
    "meetings:attendance_pdf": [Case(pk("held"), coordinator_only(), coordinator_only())],
    "meetings:check_in_qr": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:minutes": [Case(pk("held"), coordinator_only(), coordinator_only())],
    "meetings:action_item_create": [Case(pk("held"), POST_ONLY, coordinator_only(400))],
    # History of the alliance since 2016: import and export are the coordinator's
    "meetings:history_import": [Case({}, coordinator_only(), coordinator_only())],
    "meetings:history_export": [Case({}, coordinator_only(), POST_ONLY_GET)],
    "meetings:delivery_log": [Case(pk("published"), coordinator_only(), coordinator_only())],
    "meetings:delivery_resend": [
        Case(meeting_and("published", "delivery_pk", "delivery"), POST_ONLY, coordinator_only(302))
    ],
    # Links that work without a login: the secret in the address is the credential
    "meetings:rsvp": [
        Case(
            lambda w: {"token": rsvp_token(w["invitation_a"])},
            public(),
            public(),
            data={"rsvp-response": "yes"},
        ),
        Case({"token": "forged:token"}, public(400), public(400), label="forged"),
    ],
    "meetings:calendar_feed": [
        Case(lambda w: {"token": w["rep_a"].calendar_token}, public(), ANY_405),
        Case({"token": "not-a-token"}, public(404), ANY_405, label="unknown token"),
    ],
    "meetings:check_in": [
        # Outside the check-in window (the workshop is in ten days): shown, but refused.
        Case(lambda w: {"code": w["published"].check_in_code}, logged_in(), logged_in(400)),
        Case(
            lambda w: {"code": w["draft"].check_in_code},
            statuses(everyone=404, coordinator=200),
            statuses(everyone=404, coordinator=400),
            label="draft",
        ),
    ],
    # Joint projects: everyone logged in reads them; the coordinator manages them
    "projects:list": [Case({}, logged_in(), logged_in())],
    "projects:detail": [Case(pk("project"), logged_in(), logged_in())],
    "projects:create": [Case({}, coordinator_only(), coordinator_only())],
    "projects:edit": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:status": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:milestone_create": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:milestone_edit": [Case(pk("milestone"), coordinator_only(), coordinator_only())],
    "projects:milestone_done": [Case(pk("milestone"), POST_ONLY, coordinator_only(302))],
    "projects:milestone_delete": [Case(pk("milestone"), POST_ONLY, coordinator_only(302))],
    # Progress updates: the lead and participating members (A), not B or guests
    "projects:update_create": [Case(pk("project"), PROJECT_A_MEMBERS, PROJECT_A_MEMBERS)],
    "projects:document_create": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:document_download": [Case(pk("project_document"), logged_in(), logged_in())],
    "projects:document_delete": [Case(pk("project_document"), POST_ONLY, coordinator_only(302))],
    "projects:link_create": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:link_delete": [Case(pk("project_link"), POST_ONLY, coordinator_only(302))],
    "projects:indicator_create": [Case(pk("project"), coordinator_only(), coordinator_only())],
    "projects:indicator_list": [Case({}, logged_in(), logged_in())],
    "projects:alliance_indicator_create": [Case({}, coordinator_only(), coordinator_only())],
    "projects:indicator_detail": [Case(pk("indicator"), logged_in(), logged_in())],
    "projects:indicator_edit": [Case(pk("indicator"), coordinator_only(), coordinator_only())],
    "projects:indicator_values": [Case(pk("indicator"), coordinator_only(), coordinator_only())],
    "projects:indicator_import": [Case(pk("indicator"), coordinator_only(), coordinator_only())],
    "projects:co2_factors": [Case({}, logged_in(), coordinator_only())],
    # Climate activities: each member documents its own
    "projects:activity_list": [Case({}, logged_in(), logged_in())],
    "projects:activity_create": [Case({}, MEMBERS_AND_COORDINATOR, MEMBERS_AND_COORDINATOR)],
    "projects:activity_edit": [
        Case(pk("activity_a"), PROJECT_A_MEMBERS, PROJECT_A_MEMBERS),
        Case(pk("activity_b"), B_AND_COORDINATOR, B_AND_COORDINATOR, label="B's activity"),
    ],
    "projects:activity_delete": [
        Case(
            pk("activity_a"),
            PROJECT_A_MEMBERS,
            statuses(everyone=403, rep_a=302, deputy_a=302, coordinator=302),
        ),
        Case(
            pk("activity_b"),
            B_AND_COORDINATOR,
            statuses(everyone=403, rep_b=302, coordinator=302),
            label="B's activity",
        ),
    ],
    # Surveys: only the coordinator sees questions, recipients and answers
    "surveys:list": [Case({}, coordinator_only(), POST_ONLY_GET)],
    "surveys:create": [Case({}, coordinator_only(), coordinator_only())],
    "surveys:detail": [Case(pk("survey"), coordinator_only(), POST_ONLY_GET)],
    "surveys:edit": [Case(pk("survey"), coordinator_only(), coordinator_only())],
    "surveys:schedule": [Case(pk("draft_survey"), POST_ONLY, coordinator_only(302))],
    "surveys:unschedule": [Case(pk("draft_survey"), POST_ONLY, coordinator_only(302))],
    "surveys:close": [Case(pk("survey"), POST_ONLY, coordinator_only(302))],
    "surveys:delete": [Case(pk("draft_survey"), POST_ONLY, coordinator_only(302))],
    "surveys:questions": [Case(pk("draft_survey"), coordinator_only(), POST_ONLY_GET)],
    "surveys:question_add": [Case(pk("draft_survey"), coordinator_only(), coordinator_only())],
    "surveys:question_edit": [
        Case(
            meeting_and("draft_survey", "question_pk", "draft_question"),
            coordinator_only(),
            coordinator_only(),
        )
    ],
    "surveys:question_delete": [
        Case(meeting_and("draft_survey", "question_pk", "draft_question"), POST_ONLY, coordinator_only(302))
    ],
    "surveys:question_move": [
        Case(meeting_and("draft_survey", "question_pk", "draft_question"), POST_ONLY, coordinator_only(302))
    ],
    "surveys:recipients": [Case(pk("survey"), coordinator_only(), coordinator_only())],
    "surveys:recipient_remove": [
        Case(meeting_and("survey", "recipient_pk", "recipient_a"), POST_ONLY, coordinator_only(302))
    ],
    "surveys:results": [Case(pk("survey"), coordinator_only(), POST_ONLY_GET)],
    "surveys:export": [
        Case(lambda w: {"pk": w["survey"].pk, "fmt": "csv"}, coordinator_only(), POST_ONLY_GET),
        Case(
            lambda w: {"pk": w["survey"].pk, "fmt": "xlsx"}, coordinator_only(), POST_ONLY_GET, label="xlsx"
        ),
        Case(
            lambda w: {"pk": w["survey"].pk, "fmt": "html"},
            coordinator_only(404),
            POST_ONLY_GET,
            label="html",
        ),
    ],
    "surveys:preview": [Case(pk("survey"), coordinator_only(), POST_ONLY_GET)],
    # A logged-in recipient gets a fresh personal link; others have nothing to answer
    "surveys:answer": [Case(pk("survey"), POST_ONLY, statuses(everyone=404, rep_a=302, rep_b=302))],
    "surveys:respond": [
        # An empty POST saves nothing and shows the form again.
        Case(lambda w: {"token": w["survey_token"]}, public(), public()),
        Case({"token": "A" * 43}, public(404), public(404), label="unknown token"),
        Case({"token": "' OR '1'='1"}, public(404), public(404), label="malformed token"),
    ],
    "surveys:thanks": [Case({}, public(), ANY_405)],
    # Controlling: the coordinator's report (last year's is frozen)
    "controlling:index": [Case({}, coordinator_only(), POST_ONLY_GET)],
    "controlling:year": [
        Case(year, coordinator_only(), POST_ONLY_GET),
        Case({"year": 1999}, coordinator_only(404), POST_ONLY_GET, label="year out of range"),
    ],
    "controlling:section": [
        Case(lambda w: {"year": w["year"], "section": "meetings"}, coordinator_only(), POST_ONLY_GET),
        Case(
            lambda w: {"year": w["year"], "section": "unknown"},
            coordinator_only(404),
            POST_ONLY_GET,
            label="unknown list",
        ),
    ],
    "controlling:targets_save": [Case(year, POST_ONLY, coordinator_only())],
    "controlling:review_save": [Case(year, POST_ONLY, coordinator_only(302))],
    "controlling:freeze": [Case(year, POST_ONLY, coordinator_only(302))],
    "controlling:unfreeze": [Case(year, POST_ONLY, coordinator_only())],
    "controlling:report_pdf": [Case(year, coordinator_only(), POST_ONLY_GET)],
    "controlling:report_json": [Case(year, coordinator_only(), POST_ONLY_GET)],
    "controlling:frozen_version_pdf": [
        Case(lambda w: {"year": w["year"], "pk": w["frozen"].pk}, coordinator_only(), POST_ONLY_GET),
        Case(
            lambda w: {"year": w["year"] - 1, "pk": w["frozen"].pk},
            coordinator_only(404),
            POST_ONLY_GET,
            label="version of another year",
        ),
    ],
}


# --- The URL conf ---------------------------------------------------------------------------


def url_names(patterns=None, namespace="") -> list[str]:
    """Every named URL of the project, namespaced ("meetings:detail"); unnamed ones by route."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed: {pattern.pattern}>")
    return names


def test_every_url_has_an_expectation():
    names = set(url_names())
    assert sorted(names - set(EXPECTED)) == [], "URLs without an entry in EXPECTED (add one per role)"
    assert sorted(set(EXPECTED) - names) == [], "Entries in EXPECTED for URLs that no longer exist"


def test_the_admin_is_for_staff_only(client, login, rep_a, coordinator):
    """The coordinator works in the app; the Django admin is for technical staff (is_staff)."""
    for person in (None, rep_a, coordinator):
        response = login(person).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- The matrix -----------------------------------------------------------------------------

CASES = [
    pytest.param(name, case, id=f"{name}[{case.label}]" if case.label else name)
    for name, cases in EXPECTED.items()
    for case in cases
]


def _request(client, method, url, data):
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    if response.streaming:
        # Reading to the end closes the file (the test client closes the response then).
        b"".join(response.streaming_content)
    if response.status_code == 302 and response["Location"].startswith(reverse("login") + "?"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(("name", "case"), CASES)
def test_status_per_role(client, login, world, name, case):
    kwargs = case.kwargs(world) if callable(case.kwargs) else case.kwargs
    url = reverse(name, kwargs=kwargs)
    data = case.data(world) if callable(case.data) else case.data
    client.raise_request_exception = False
    actual = {"GET": {}, "POST": {}}
    for method in ("get", "post"):
        for role in ROLES:
            with transaction.atomic():
                login(None if role == "anonymous" else world[role])
                actual[method.upper()][role] = _request(client, method, url, data)
                transaction.set_rollback(True)
    assert actual == {"GET": case.get, "POST": case.post}, url


# --- What a page may show -----------------------------------------------------------------------

# Text only the coordinator (and, where named, the person) may ever see on any page.
SECRETS = {
    "draft meeting title": (lambda w: "Entwurf Herbsttreffen", {"coordinator"}),
    "delivery error": (lambda w: "550 mailbox unavailable", {"coordinator"}),
    "survey answer": (lambda w: "Vertrauliche Rückmeldung zur Moderation", {"coordinator"}),
    "A's calendar token": (lambda w: w["rep_a"].calendar_token, {"coordinator", "rep_a"}),
    # Contact details are for the members' people, not for guests or visitors.
    "A's phone number": (lambda w: "05231 977-0", {"coordinator", "rep_a", "deputy_a", "rep_b"}),
    "A's e-mail address": (lambda w: w["rep_a"].email, {"coordinator", "rep_a", "deputy_a", "rep_b"}),
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
def test_no_page_shows_what_is_not_for_the_role(client, login, world, role):
    """Every page a role may open, searched for texts that role must not see."""
    world["rep_a"].phone = "05231 977-0"
    world["rep_a"].save()
    text_question = QuestionFactory(survey=world["survey"], kind="text")
    AnswerFactory(
        response=ResponseFactory(survey=world["survey"]),
        question=text_question,
        text="Vertrauliche Rückmeldung zur Moderation",
    )
    secrets = {name: value(world) for name, (value, allowed) in SECRETS.items() if role not in allowed}
    login(None if role == "anonymous" else world[role])
    client.raise_request_exception = False
    opened = 0
    for name, cases in EXPECTED.items():
        for case in cases:
            if case.get[role] != 200:
                continue
            kwargs = case.kwargs(world) if callable(case.kwargs) else case.kwargs
            url = reverse(name, kwargs=kwargs)
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if not response["Content-Type"].startswith(("text/", "application/json")):
                continue
            opened += 1
            text = body.decode()
            for secret_name, secret in secrets.items():
                assert secret not in text, f"{role} sees the {secret_name} on {url}"
            # Log in again: some pages (password reset confirm) end the session.
            login(None if role == "anonymous" else world[role])
    assert opened >= 8
