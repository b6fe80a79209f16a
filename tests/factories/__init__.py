from .controlling import KpiTargetFactory, YearReviewFactory  # noqa: F401
from .deliveries import DeliveryFactory  # noqa: F401
from .meetings import AttendanceFactory, InvitationFactory, MeetingFactory  # noqa: F401
from .members import MembershipFactory, OrganisationFactory, UserFactory  # noqa: F401
from .projects import ClimateActivityFactory, IndicatorFactory, ProjectFactory  # noqa: F401
from .surveys import QuestionFactory, RecipientFactory, SurveyFactory  # noqa: F401
