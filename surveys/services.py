"""Writes for the survey: validated with full_clean, each in one transaction.

Bad input raises ValidationError keyed by field and changes nothing. Answers arrive as a dict
{question id: {"scale": int | None, "choices": [option index, ...], "text": str}}; the respond
form builds it, drafts store it as JSON on the recipient row.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from members.selectors import active_representatives_and_deputies

from . import dates, defaults, tokens
from .enums import CHOICE_KINDS, SCALE_POINTS, QuestionKind, SurveyStatus
from .models import Answer, Question, Recipient, Response, Survey, SurveyLink

QUESTION_FIELDS = (
    "kind",
    "text_de",
    "text_en",
    "help_de",
    "help_en",
    "required",
    "is_satisfaction",
    "scale_labels_de",
    "scale_labels_en",
    "options_de",
    "options_en",
    "allows_other",
)
SETTINGS_FIELDS = (
    "title_de",
    "title_en",
    "intro_de",
    "intro_en",
    "is_anonymous",
    "invite_members",
    "send_on",
    "closes_on",
    "reminder_offsets",
)
# Once invitations are out, people were told whether the survey is anonymous and what it asks.
SETTINGS_FIELDS_WHILE_OPEN = ("closes_on", "reminder_offsets")


class LinkUnusable(Exception):
    """A personal link that cannot be used: reason is unknown, used, expired or closed."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    CLOSED = "closed"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- Surveys -----------------------------------------------------------------------------------


def _check_settings(survey: Survey) -> None:
    errors = {}
    offsets = survey.reminder_offsets
    if not isinstance(offsets, list) or not all(isinstance(o, int) and o > 0 for o in offsets):
        errors["reminder_offsets"] = _("Enter whole numbers of days greater than zero.")
    elif len(set(offsets)) != len(offsets):
        errors["reminder_offsets"] = _("Each reminder needs its own number of days.")
    elif survey.send_on and survey.closes_on:
        early = [o for o in offsets if survey.closes_on - datetime.timedelta(days=o) <= survey.send_on]
        if early:
            errors["reminder_offsets"] = _(
                "A reminder %(days)s days before closing would come before or with the invitation."
            ) % {"days": ", ".join(str(o) for o in sorted(early))}
    if survey.send_on and survey.closes_on and survey.closes_on <= survey.send_on:
        errors["closes_on"] = _("The closing date must be after the send date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def survey_create(*, year: int, created_by, copy_from: Survey | None = None) -> Survey:
    """A draft survey for `year`: a copy of `copy_from` (questions, anonymity, reminders, extra
    addresses) or the default question set, with the default dates of that year."""
    if Survey.objects.filter(year=year).exists():
        raise ValidationError({"year": _("There is already a survey for %(year)s.") % {"year": year}})
    survey = Survey(
        year=year,
        send_on=dates.default_send_on(year),
        closes_on=dates.default_closes_on(year),
        reminder_offsets=list(dates.DEFAULT_REMINDER_OFFSETS),
        created_by=created_by,
    )
    if copy_from is None:
        survey.title_de = defaults.DEFAULT_TITLE_DE.format(year=year)
        survey.title_en = defaults.DEFAULT_TITLE_EN.format(year=year)
        survey.intro_de, survey.intro_en = defaults.DEFAULT_INTRO_DE, defaults.DEFAULT_INTRO_EN
        questions = [dict(question) for question in defaults.DEFAULT_QUESTIONS]
    else:
        old, new = str(copy_from.year), str(year)
        survey.title_de = copy_from.title_de.replace(old, new)
        survey.title_en = copy_from.title_en.replace(old, new)
        survey.intro_de, survey.intro_en = copy_from.intro_de, copy_from.intro_en
        survey.is_anonymous = copy_from.is_anonymous
        survey.invite_members = copy_from.invite_members
        survey.reminder_offsets = list(copy_from.reminder_offsets)
        questions = [
            {field: getattr(question, field) for field in QUESTION_FIELDS}
            for question in copy_from.questions.all()
        ]
    _check_settings(survey)
    survey.full_clean()
    survey.save()
    for position, fields in enumerate(questions, start=1):
        question = Question(survey=survey, position=position, **fields)
        _check_question(question)
        question.full_clean()
        question.save()
    if copy_from is not None:
        Recipient.objects.bulk_create(
            Recipient(survey=survey, email=r.email, name=r.name, language=r.language, is_extra=True)
            for r in copy_from.recipients.filter(is_extra=True)
        )
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, **fields) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("A closed survey cannot be changed."))
    allowed = SETTINGS_FIELDS if survey.questions_editable else SETTINGS_FIELDS_WHILE_OPEN
    for name, value in fields.items():
        if name not in SETTINGS_FIELDS:
            raise TypeError(name)
        if name in allowed:
            setattr(survey, name, value)
    _check_settings(survey)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_schedule(*, survey: Survey) -> Survey:
    """Release a draft: beat sends the invitations on the send date."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Only a draft can be scheduled."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question first."))
    if survey.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date has passed.")})
    survey.status = SurveyStatus.SCHEDULED
    survey.save(update_fields=["status"])
    return survey


@transaction.atomic
def survey_unschedule(*, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled survey can go back to draft."))
    survey.status = SurveyStatus.DRAFT
    survey.save(update_fields=["status"])
    return survey


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    survey.delete()


@transaction.atomic
def survey_open(*, survey_id: int, now: datetime.datetime) -> bool:
    """Open a scheduled survey: invite the recipients (the tasks send the e-mails). Idempotent."""
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None or survey.status != SurveyStatus.SCHEDULED:
        return False
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.save(update_fields=["status", "opened_at"])
    recipients_sync(survey=survey, on=timezone.localdate(now))
    return True


@transaction.atomic
def survey_close(*, survey_id: int, now: datetime.datetime) -> bool:
    """Close a survey (open, or scheduled but never sent) and delete the unsent drafts. Idempotent."""
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None or survey.status not in (SurveyStatus.OPEN, SurveyStatus.SCHEDULED):
        return False
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    survey.save(update_fields=["status", "closed_at"])
    # Drafts tie answers to a person; once they can no longer be submitted, they go.
    survey.recipients.exclude(draft={}).update(draft={})
    responses_shuffle(survey_id=survey.pk)
    return True


def recipients_sync(*, survey: Survey, on: datetime.date) -> int:
    """Add the active representatives and deputies not invited yet; returns how many were added.

    Runs when the survey opens and on every schedule tick while it is open, so that a deputy named
    in October is invited too. People without an e-mail address cannot be invited.
    """
    if not survey.invite_members:
        return 0
    known_people = set(survey.recipients.filter(person__isnull=False).values_list("person_id", flat=True))
    known_addresses = set(survey.recipients.values_list("email", flat=True))
    new = {}
    for membership in active_representatives_and_deputies(on=on):
        person = membership.person
        email = (person.email or "").strip().lower()
        if not email or person.pk in known_people or email in known_addresses or email in new:
            continue
        new[email] = Recipient(
            survey=survey,
            person=person,
            organisation=membership.organisation,
            role=membership.role,
            email=email,
            name=person.full_name,
            language=person.preferred_language,
        )
    # Two ticks racing: the unique constraints keep one row per address and person.
    Recipient.objects.bulk_create(new.values(), ignore_conflicts=True)
    return len(new)


def recipient_mark_invited(*, recipient_id: int, on: datetime.date) -> None:
    Recipient.objects.filter(pk=recipient_id, invited_on__isnull=True).update(invited_on=on)


# --- Questions ---------------------------------------------------------------------------------


def _check_question(question: Question) -> None:
    errors = {}
    if question.kind == QuestionKind.SCALE:
        for field in ("scale_labels_de", "scale_labels_en"):
            labels = getattr(question, field)
            if labels and len(labels) != len(SCALE_POINTS):
                errors[field] = _("Enter five labels, one per line (for 1 to 5), or none.")
    elif question.kind in CHOICE_KINDS:
        if len(question.options_de) < 2:
            errors["options_de"] = _("Enter at least two options, one per line.")
        if question.options_en and len(question.options_en) != len(question.options_de):
            errors["options_en"] = _("Enter as many English options as German ones, in the same order.")
    if question.is_satisfaction and question.kind != QuestionKind.SCALE:
        errors["is_satisfaction"] = _("Only a scale question can be the satisfaction question.")
    if question.is_satisfaction and (
        Question.objects.filter(survey_id=question.survey_id, is_satisfaction=True)
        .exclude(pk=question.pk)
        .exists()
    ):
        errors["is_satisfaction"] = _("Another question already is the satisfaction question.")
    if errors:
        raise ValidationError(errors)


def _normalise_question(question: Question) -> None:
    # Fields of other kinds are emptied, so that a copy or an export never shows stale options.
    if question.kind != QuestionKind.SCALE:
        question.scale_labels_de, question.scale_labels_en = [], []
        question.is_satisfaction = False
    if question.kind not in CHOICE_KINDS:
        question.options_de, question.options_en = [], []
        question.allows_other = False


def _editable_survey(survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    if not survey.questions_editable:
        raise ValidationError(_("The questions cannot be changed once the invitations are sent."))
    return survey


@transaction.atomic
def question_create(*, survey: Survey, **fields) -> Question:
    survey = _editable_survey(survey.pk)
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question(survey=survey, position=position, **fields)
    _normalise_question(question)
    _check_question(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, **fields) -> Question:
    _editable_survey(question.survey_id)
    question = Question.objects.get(pk=question.pk)
    for name, value in fields.items():
        if name not in QUESTION_FIELDS:
            raise TypeError(name)
        setattr(question, name, value)
    _normalise_question(question)
    _check_question(question)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _editable_survey(question.survey_id)
    Question.objects.filter(pk=question.pk).delete()


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap the question with its neighbour; positions are renumbered 1..n on the way."""
    survey = _editable_survey(question.survey_id)
    questions = list(survey.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions, start=1):
        q.position = position
    Question.objects.bulk_update(questions, ["position"])


# --- Recipients --------------------------------------------------------------------------------


@transaction.atomic
def recipient_add(*, survey: Survey, email: str, name: str = "", language: str = "de") -> Recipient:
    """An extra address (not a representative or deputy). While the survey is open, the next
    schedule tick sends the invitation."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("A closed survey cannot get new recipients."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if survey.recipients.filter(email=email).exists():
        raise ValidationError({"email": _("This address is already on the list.")})
    recipient = Recipient(survey=survey, email=email, name=name.strip(), language=language, is_extra=True)
    recipient.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise ValidationError({"email": _("This address is already on the list.")}) from None
    return recipient


@transaction.atomic
def recipient_remove(*, recipient: Recipient) -> None:
    """Remove an extra address that has not been invited yet."""
    recipient = Recipient.objects.select_for_update().order_by().get(pk=recipient.pk)
    if not recipient.is_extra or recipient.invited_on is not None or recipient.answered:
        raise ValidationError(_("Only extra addresses that have not been invited yet can be removed."))
    recipient.delete()


# --- Links and answers -------------------------------------------------------------------------


def link_create(*, recipient: Recipient) -> str:
    """A new personal link for the recipient; returns the token (only its hash is stored)."""
    token = tokens.new_token()
    SurveyLink.objects.create(recipient=recipient, token_hash=tokens.hash_token(token))
    return token


def link_state(*, recipient: Recipient, survey: Survey, today: datetime.date) -> str | None:
    """Why the recipient's link cannot be used now (a LinkUnusable reason), or None."""
    if survey.status == SurveyStatus.CLOSED:
        return LinkUnusable.CLOSED
    if survey.status != SurveyStatus.OPEN:
        return LinkUnusable.UNKNOWN
    if survey.closes_on < today:
        return LinkUnusable.EXPIRED
    if recipient.answered:
        return LinkUnusable.USED
    return None


def recipient_for_token(token: str) -> Recipient:
    """The recipient a link belongs to, ready to answer; raises LinkUnusable otherwise."""
    if not tokens.looks_like_token(token):
        raise LinkUnusable(LinkUnusable.UNKNOWN)
    link = (
        SurveyLink.objects.select_related("recipient__survey")
        .filter(token_hash=tokens.hash_token(token))
        .first()
    )
    if link is None:
        raise LinkUnusable(LinkUnusable.UNKNOWN)
    recipient = link.recipient
    reason = link_state(recipient=recipient, survey=recipient.survey, today=timezone.localdate())
    if reason:
        raise LinkUnusable(reason)
    return recipient


def _locked_recipient(recipient_id: int) -> Recipient:
    """The recipient row locked for this transaction: concurrent submissions wait here, one by one."""
    recipient = Recipient.objects.select_for_update().order_by().filter(pk=recipient_id).first()
    if recipient is None:
        raise LinkUnusable(LinkUnusable.UNKNOWN)
    survey = Survey.objects.get(pk=recipient.survey_id)
    reason = link_state(recipient=recipient, survey=survey, today=timezone.localdate())
    if reason:
        raise LinkUnusable(reason)
    recipient.survey = survey
    return recipient


def clean_answers(*, questions: list[Question], answers: dict, require: bool) -> dict:
    """Answers checked against the questions; unanswered questions are left out.

    With `require`, required questions must be answered (a submission); drafts may be incomplete.
    """
    errors = {}
    cleaned = {}
    for question in questions:
        raw = answers.get(question.pk) or answers.get(str(question.pk)) or {}
        field = f"q{question.pk}"
        try:
            scale = None if raw.get("scale") in (None, "") else int(raw["scale"])
            choices = [int(c) for c in raw.get("choices") or []]
            text = str(raw.get("text") or "").strip()
        except (TypeError, ValueError):
            errors[field] = _("This answer is not valid.")
            continue
        if question.kind == QuestionKind.SCALE:
            if scale is not None and scale not in SCALE_POINTS:
                errors[field] = _("Choose a value from 1 to 5.")
                continue
            value = {"scale": scale} if scale is not None else {}
        elif question.kind in CHOICE_KINDS:
            if any(not 0 <= c < len(question.options_de) for c in choices) or len(set(choices)) != len(
                choices
            ):
                errors[field] = _("Choose from the options shown.")
                continue
            if question.kind == QuestionKind.SINGLE and len(choices) > 1:
                errors[field] = _("Choose one option.")
                continue
            if text and not question.allows_other:
                text = ""
            value = {key: v for key, v in (("choices", sorted(choices)), ("text", text)) if v}
        else:
            value = {"text": text} if text else {}
        if value:
            cleaned[question.pk] = value
        elif require and question.required:
            errors[field] = _("Please answer this question.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def draft_save(*, recipient_id: int, answers: dict) -> None:
    """Keep unsent answers with the recipient (changeable until submitted)."""
    recipient = _locked_recipient(recipient_id)
    cleaned = clean_answers(questions=list(recipient.survey.questions.all()), answers=answers, require=False)
    recipient.draft = {str(question_id): value for question_id, value in cleaned.items()}
    recipient.save(update_fields=["draft"])


@transaction.atomic
def response_submit(*, recipient_id: int, answers: dict) -> None:
    """Store the answers once per recipient and mark the link used.

    The recipient row is locked first: of two concurrent submissions the second waits, then sees
    `answered` and is refused. The response carries no reference to the recipient; for a named
    survey it carries the member organisation and the name.
    """
    recipient = _locked_recipient(recipient_id)
    questions = list(recipient.survey.questions.all())
    cleaned = clean_answers(questions=questions, answers=answers, require=True)
    if not cleaned:
        raise ValidationError(_("Please answer at least one question."))
    response_record(recipient=recipient, cleaned=cleaned)


def response_record(*, recipient: Recipient, cleaned: dict) -> None:
    """Store checked answers (from `clean_answers`) and mark the recipient answered, without
    looking at the survey's dates: the caller holds the lock (or seeds demo data)."""
    survey = recipient.survey
    response = Response(survey=survey)
    if not survey.is_anonymous:
        response.organisation_id = recipient.organisation_id
        response.respondent_name = recipient.name
    response.save()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=question_id,
            scale_value=value.get("scale"),
            choices=value.get("choices", []),
            text=value.get("text", ""),
        )
        for question_id, value in cleaned.items()
    )
    Recipient.objects.filter(pk=recipient.pk).update(answered=True, draft={})


@transaction.atomic
def responses_shuffle(*, survey_id: int) -> int:
    """Rewrite all responses of the survey at once, in random order; returns how many.

    PostgreSQL keeps with every row the id of the transaction that wrote it (xmin) and its place
    in the table (ctid). Right after a submission, the response's xmin equals that of the
    recipient row marked "answered" in the same transaction, and the place gives the order of
    arrival. Rewritten together, all responses carry one transaction id and a random order, so no
    hidden column links them to a person either. The schedule tick runs this every few minutes
    and at closing; the old row versions go with PostgreSQL's next (auto)vacuum.
    """
    responses = list(Response.objects.select_for_update().filter(survey_id=survey_id).order_by())
    if not responses:
        return 0
    answers = list(Answer.objects.filter(response__survey_id=survey_id).order_by())
    Answer.objects.filter(response__survey_id=survey_id).delete()
    Response.objects.filter(survey_id=survey_id).delete()
    shuffler = secrets.SystemRandom()
    shuffler.shuffle(responses)
    shuffler.shuffle(answers)
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return len(responses)


def answers_from_draft(draft: dict) -> dict:
    return {int(question_id): value for question_id, value in (draft or {}).items()}
