"""Fuzzing the secret links and query parameters: any input gives a clear 4xx page, never a 500.

(The history importer's files are fuzzed by its own tests in tests/meetings.)
"""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.enums import InvitationRole, MeetingStatus
from meetings.models import Invitation, Meeting
from meetings.tokens import RSVP_SALT, rsvp_token
from surveys.enums import SurveyStatus
from surveys.services import link_create
from tests.factories.surveys import QuestionFactory, RecipientFactory, SurveyFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a path segment can carry, percent-encoded as a browser would send it. The NUL byte is
# left to the explicit tests at the end (PostgreSQL refuses it in text; see there).
segments = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=120,
)
url_safe = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.", min_size=1, max_size=120
)
tokens = st.one_of(segments, url_safe)


@pytest.fixture
def links(rep_a, member_a):
    now = timezone.now()
    meeting = Meeting.objects.create(
        title="Sitzung",
        status=MeetingStatus.PUBLISHED,
        start=now + datetime.timedelta(days=3),
        end=now + datetime.timedelta(days=3, hours=2),
    )
    invitation = Invitation.objects.create(
        meeting=meeting, person=rep_a, organisation=member_a, role=InvitationRole.REPRESENTATIVE
    )
    survey = SurveyFactory(
        year=timezone.localdate().year,
        status=SurveyStatus.OPEN,
        send_on=timezone.localdate() - datetime.timedelta(days=1),
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    QuestionFactory(survey=survey)
    recipient = RecipientFactory(survey=survey, person=rep_a, email=rep_a.email)
    return {
        "rsvp": rsvp_token(invitation),
        "survey": link_create(recipient=recipient),
        "invitation": invitation,
        "meeting": meeting,
    }


def path(prefix: str, segment: str, suffix: str = "/") -> str:
    return f"{prefix}{quote(segment, safe='')}{suffix}"


def assert_clear_refusal(response, allowed=(400, 404, 410)):
    assert response.status_code in allowed, (response.status_code, response.request["PATH_INFO"])


@FUZZ
@given(token=tokens)
def test_random_rsvp_tokens(client, links, token):
    response = client.get(path("/meetings/answer/", token))
    assert_clear_refusal(response)
    response = client.post(path("/meetings/answer/", token), {"rsvp-response": "yes"})
    assert_clear_refusal(response)
    links["invitation"].refresh_from_db()
    assert links["invitation"].response == "pending"


@FUZZ
@given(
    position=st.integers(min_value=0),
    replacement=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:"),
)
def test_altered_rsvp_token_is_refused(client, links, position, replacement):
    token = links["rsvp"]
    position %= len(token)
    altered = token[:position] + replacement + token[position + 1 :]
    if altered == token:
        return
    response = client.post(reverse("meetings:rsvp", args=[altered]), {"rsvp-response": "no"})
    assert_clear_refusal(response)
    links["invitation"].refresh_from_db()
    assert links["invitation"].response == "pending"


@FUZZ
@given(
    invitation_id=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    person_id=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    salt=st.sampled_from([RSVP_SALT, "surveys", "django.core.signing", ""]),
)
def test_signed_payloads_for_other_invitations_or_purposes(client, links, invitation_id, person_id, salt):
    """Even correctly signed data works only for the invitation it names, and only as an RSVP."""
    token = signing.dumps({"i": invitation_id, "p": person_id}, salt=salt)
    response = client.get(reverse("meetings:rsvp", args=[token]))
    own = salt == RSVP_SALT and (invitation_id, person_id) == (
        links["invitation"].pk,
        links["invitation"].person_id,
    )
    if not own:
        assert_clear_refusal(response)


@FUZZ
@given(token=tokens, action=st.sampled_from(["", "save", "submit"]), answer=st.text(max_size=50))
def test_random_survey_tokens(client, links, token, action, answer):
    assert_clear_refusal(client.get(path("/survey/r/", token)))
    response = client.post(path("/survey/r/", token), {"action": action, "q1": answer})
    assert_clear_refusal(response)


@FUZZ
@given(fields=st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=6))
def test_random_survey_answers_never_crash(client, links, fields):
    url = reverse("surveys:respond", args=[links["survey"]])
    response = client.post(url, fields)
    assert response.status_code in (200, 302, 400)


@FUZZ
@given(token=tokens)
def test_random_calendar_tokens(client, links, token):
    response = client.get(path("/meetings/calendar/", token, ".ics"))
    assert_clear_refusal(response)


@FUZZ
@given(code=tokens)
def test_random_check_in_codes(client, login, rep_a, links, code):
    login(rep_a)
    assert_clear_refusal(client.get(path("/meetings/check-in/", code)))
    assert_clear_refusal(client.post(path("/meetings/check-in/", code)))


@FUZZ
@given(uid=tokens, token=tokens)
def test_random_password_reset_links(client, rep_a, uid, token):
    response = client.get(f"/accounts/password/reset/{quote(uid, safe='')}/{quote(token, safe='')}/")
    # Django shows "this link is invalid" (200) for any link that does not check out.
    assert response.status_code in (200, 404)
    assert "sessionid" not in response.cookies or not response.cookies["sessionid"].value


def test_a_used_password_reset_link_does_not_work_twice(client, rep_a):
    uid = urlsafe_base64_encode(force_bytes(rep_a.pk))
    url = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(rep_a)])
    form_url = client.get(url)["Location"]
    new = {"new_password1": "Klimazukunft-Lippe-2050", "new_password2": "Klimazukunft-Lippe-2050"}
    assert client.post(form_url, new).status_code == 302
    client.cookies.clear()
    second = client.get(url)
    assert second.status_code == 200
    assert second.context["validlink"] is False


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["page", "year", "q", "model", "answer", "live", "lang", "member", "field", "status"]
        ),
        st.text(max_size=40),
        max_size=4,
    ),
    name=st.sampled_from(
        [
            "members:people_list",
            "members:audit_log",
            "meetings:list",
            "meetings:my_meetings",
            "projects:list",
            "projects:activity_list",
            "controlling:index",
            "surveys:list",
        ]
    ),
)
def test_random_query_parameters_on_list_pages(client, login, coordinator, name, params):
    login(coordinator)
    client.raise_request_exception = False
    query = urlencode(params)
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code in (200, 400), (name, params)


# PostgreSQL text cannot hold a NUL byte: used as a lookup value it failed with a 500. The
# RejectNulBytesMiddleware answers 400 with the friendly page before any view runs.
@pytest.mark.parametrize(
    "url",
    [
        "/meetings/check-in/%00/",
        "/meetings/calendar/%00.ics",
        "/members/people/?q=%00",
        "/members/people/?q%00=x",
        "/meetings/answer/%00/",
        "/survey/r/%00/",
        "/accounts/password/reset/%00/%00/",
        "/meetings/?year=%00",
        "/members/history/?model=%00",
        "/projects/activities/?q=%00",
    ],
)
def test_nul_byte_in_links_and_searches_is_a_friendly_bad_request(client, login, coordinator, url):
    login(coordinator)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400
    assert "errors/400.html" in [template.name for template in response.templates]
    # Refused inside the header middleware: the error page carries the same protection as any page.
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/meetings/check-in/%00/", "/survey/r/%00/", "/accounts/login/?next=%00"])
def test_nul_byte_is_refused_for_anonymous_visitors_too(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400
    assert "errors/400.html" in [template.name for template in response.templates]


def test_nul_byte_in_a_posted_form_is_a_bad_request_and_changes_nothing(client, login, coordinator, rep_a):
    login(coordinator)
    client.raise_request_exception = False
    url = reverse("members:person_edit", args=[rep_a.pk])
    response = client.post(url, {"full_name": "Anna\x00Detmold", "email": rep_a.email})
    assert response.status_code == 400
    rep_a.refresh_from_db()
    assert rep_a.full_name == "Anna Detmold"


def test_ordinary_searches_still_work(client, login, coordinator):
    login(coordinator)
    assert client.get("/members/people/?q=Anna").status_code == 200
