"""Past years of meetings with attendance, for the privacy and backup tests."""

import pytest

from meetings.enums import DeliveryKind, DeliveryStatus, InvitationRole, Response
from meetings.models import Delivery, Invitation
from members.enums import MembershipRole
from surveys.enums import SurveyStatus
from tests.factories import MembershipFactory, UserFactory
from tests.factories.controlling import attend, controlling_meeting, local
from tests.factories.surveys import (
    AnswerFactory,
    QuestionFactory,
    RecipientFactory,
    ResponseFactory,
    SurveyFactory,
)

PAST_YEARS = (2023, 2024)


@pytest.fixture
def leaver(member_b):
    """Spoke for Lemgo as deputy 2018–2022, then as representative; asks to be forgotten."""
    person = UserFactory(
        full_name="Lena Lemgo", email="lena.lemgo@lemgo.example", phone="05261 123", affiliation="Bauamt"
    )
    MembershipFactory(
        person=person,
        organisation=member_b,
        role=MembershipRole.DEPUTY,
        start=local(2018, 1, 1).date(),
        end=local(2022, 12, 31).date(),
    )
    MembershipFactory(
        person=person,
        organisation=member_b,
        role=MembershipRole.REPRESENTATIVE,
        start=local(2023, 1, 1).date(),
    )
    return person


@pytest.fixture
def past_years(coordinator, coordinator_org, rep_a, deputy_a, member_a, member_b, leaver, guest_user):
    """Two past years of meetings; the leaver came to most of them, once with a guest."""
    meetings = {}
    for year in PAST_YEARS:
        for month in (3, 6, 9, 11):
            meeting = controlling_meeting(start=local(year, month, 15), title=f"Sitzung {month}/{year}")
            meetings[(year, month)] = meeting
            attend(meeting, rep_a, member_a)
            attend(meeting, coordinator, coordinator_org)
            if month != 9:
                attend(meeting, leaver, member_b)
            Invitation.objects.create(
                meeting=meeting,
                person=leaver,
                organisation=member_b,
                role=InvitationRole.REPRESENTATIVE,
                response=Response.YES,
                comment="Ich komme mit dem Rad aus der Echternstraße.",
                responded_at=meeting.start,
            )
            Delivery.objects.create(
                kind=DeliveryKind.INVITATION,
                object_key=f"meeting:{meeting.pk}",
                email=leaver.email,
                recipient=leaver,
                meeting=meeting,
                status=DeliveryStatus.FAILED,
                error=f"550 {leaver.email}: mailbox full",
            )
        attend(meetings[(year, 6)], deputy_a, member_a, present=False)
        attend(meetings[(year, 11)], guest_user, None)
    return meetings


@pytest.fixture
def named_survey(leaver, rep_a, member_a, member_b):
    """The 2024 feedback survey, with names: the leaver and A's representative answered, plus two
    others; the leaver also has an unsent draft in this year's survey."""
    survey = SurveyFactory(year=2024, is_anonymous=False, status=SurveyStatus.CLOSED)
    question = QuestionFactory(survey=survey, text_de="Wie zufrieden sind Sie?", is_satisfaction=True)
    for person, organisation, value in ((leaver, member_b, 2), (rep_a, member_a, 5)):
        RecipientFactory(
            survey=survey,
            person=person,
            organisation=organisation,
            email=person.email,
            name=person.full_name,
            answered=True,
        )
        response = ResponseFactory(survey=survey, organisation=organisation, respondent_name=person.full_name)
        AnswerFactory(response=response, question=question, scale_value=value)
    for value in (4, 4):
        AnswerFactory(response=ResponseFactory(survey=survey), question=question, scale_value=value)
    current = SurveyFactory(year=2025, status=SurveyStatus.OPEN)
    RecipientFactory(
        survey=current, person=leaver, email=leaver.email, name=leaver.full_name, draft={"1": "Entwurf"}
    )
    return survey


@pytest.fixture
def walk_in_guest():
    return UserFactory(full_name="Walter Gast", email=None, affiliation="Verbraucherzentrale NRW")
