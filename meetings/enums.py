from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Regular meeting")
    WORKSHOP = "workshop", _("Thematic workshop")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class InvitationRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    DEPUTY = "deputy", _("Deputy")
    COORDINATOR = "coordinator", _("Coordinator")
    GUEST = "guest", _("Guest")


class Response(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class AttendanceSource(models.TextChoices):
    LIST = "list", _("Attendance list")
    CHECK_IN = "check_in", _("Self check-in")
    IMPORT = "import", _("Import")


class DeliveryKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    UPDATE = "update", _("Update")
    CANCELLATION = "cancellation", _("Cancellation")
    REMINDER = "reminder", _("Reminder")
    ANSWER_REQUEST = "answer_request", _("Request to answer")
    WAITLIST_PLACE = "waitlist_place", _("Place from the waiting list")
    DIGEST = "digest", _("Daily digest")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
