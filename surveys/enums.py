from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    # Questions and dates are edited; nothing is sent.
    DRAFT = "draft", _("Draft")
    # Ready: celery beat sends the invitations on the send date.
    SCHEDULED = "scheduled", _("Scheduled")
    # Invitations sent, answers accepted until the closing date; questions are fixed.
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
SCALE_POINTS = (1, 2, 3, 4, 5)
