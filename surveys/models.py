"""The yearly feedback survey.

Anonymity by construction: `Recipient` knows who was invited, whether the person answered and
their unsent draft; `Response`/`Answer` hold the submitted answers and have no foreign key to a
person, a recipient or a link, no timestamp and random (UUID) primary keys, so neither a column
nor the order of ids ties an answer to a person. Only a named survey stores the member
organisation (and the respondent's name) with the response, and its form says so.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.enums import Language, MembershipRole
from members.models import Organisation

from .enums import CHOICE_KINDS, QuestionKind, SurveyStatus


def in_language(obj, field: str, language: str | None = None) -> str:
    """`field_en` for English readers when it is filled, else `field_de` (German is the default)."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language == Language.ENGLISH:
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_de")
    return getattr(obj, f"{field}_de") or getattr(obj, f"{field}_en")


class Survey(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_de = models.TextField(_("introduction (German)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous: answers are stored without any link to the person or the member."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    send_on = models.DateField(_("send date"))
    closes_on = models.DateField(_("closing date"))
    # Days before the closing date on which those who have not answered are reminded, e.g. [14, 3].
    reminder_offsets = models.JSONField(_("reminders (days before closing)"), default=list, blank=True)
    # Invite the active representatives and deputies (besides the extra addresses).
    invite_members = models.BooleanField(_("invite all representatives and deputies"), default=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gt=models.F("send_on")),
                name="surveys_survey_closes_after_sending",
                violation_error_message=_("The closing date must be after the send date."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def intro(self) -> str:
        return in_language(self, "intro")

    @property
    def questions_editable(self) -> bool:
        return self.status in (SurveyStatus.DRAFT, SurveyStatus.SCHEDULED)

    @property
    def object_key(self) -> str:
        """Names the survey in the shared delivery records (`meetings.models.Delivery`)."""
        return f"survey:{self.pk}"


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text_de = models.CharField(_("question (German)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    help_de = models.CharField(_("hint (German)"), max_length=500, blank=True)
    help_en = models.CharField(_("hint (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    # The controlling report takes its satisfaction figure from this (scale) question.
    is_satisfaction = models.BooleanField(_("satisfaction question (controlling)"), default=False)
    # Scale: five labels, for 1 to 5. Choices: the options; answers store their index.
    scale_labels_de = models.JSONField(_("scale labels (German)"), default=list, blank=True)
    scale_labels_en = models.JSONField(_("scale labels (English)"), default=list, blank=True)
    options_de = models.JSONField(_("options (German)"), default=list, blank=True)
    options_en = models.JSONField(_("options (English)"), default=list, blank=True)
    allows_other = models.BooleanField(_("with free text “other”"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(is_satisfaction=True),
                name="surveys_question_one_satisfaction",
                violation_error_message=_("Only one question can be the satisfaction question."),
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return in_language(self, "text")

    @property
    def help(self) -> str:
        return in_language(self, "help")

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def options(self, language: str | None = None) -> list[str]:
        return in_language(self, "options", language)

    def scale_labels(self, language: str | None = None) -> list[str]:
        return in_language(self, "scale_labels", language)

    @staticmethod
    def _pairs(german: list[str], english: list[str]) -> list[tuple[str, str]]:
        return [(de, english[index] if index < len(english) else "") for index, de in enumerate(german)]

    @property
    def option_pairs(self) -> list[tuple[str, str]]:
        """(German, English) per option, for the bilingual question list."""
        return self._pairs(self.options_de, self.options_en)

    @property
    def scale_label_pairs(self) -> list[tuple[str, str]]:
        return self._pairs(self.scale_labels_de, self.scale_labels_en)


class Recipient(models.Model):
    """One invited person or address: link use and draft, never the submitted answers."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("survey")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_recipients",
        verbose_name=_("person"),
    )
    # The member the person spoke for when invited (per-member response rate of named surveys).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    # Representative or deputy when invited; empty for extra addresses. Named in the e-mail footer.
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, blank=True)
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    is_extra = models.BooleanField(_("extra address"), default=False)
    invited_on = models.DateField(_("invited on"), null=True, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    # Unsent answers of this recipient; emptied when the answers are submitted or the survey closes.
    draft = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["survey", "organisation__sort_name", "name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="surveys_recipient_once_per_address"),
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(person__isnull=False),
                name="surveys_recipient_once_per_person",
            ),
        ]

    def __str__(self):
        return self.name or self.email


class SurveyLink(models.Model):
    """A personal link sent by e-mail: only the SHA-256 of its random token is stored."""

    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="links", verbose_name=_("recipient")
    )
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")

    def __str__(self):
        return f"{self.recipient} ({self.token_hash[:8]}…)"


class Response(models.Model):
    """Submitted answers. Random id, no timestamp, no person, recipient or link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    # Named surveys only: the member (and the name) the respondent answered for.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    respondent_name = models.CharField(_("respondent"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        # By random id: the order in which answers arrived is not kept anywhere.
        ordering = ["id"]

    def __str__(self):
        return str(self.id)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    scale_value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    choices = models.JSONField(_("chosen options"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=1, scale_value__lte=5),
                name="surveys_answer_scale_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.scale_value or self.text or self.choices}"
