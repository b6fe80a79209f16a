"""GDPR: a person's data as JSON (right of access) and anonymisation (right to erasure).

Anonymisation keeps the person's row, memberships and attendance so that the key figures of past
years (meetings, participants, members represented) stay exactly as they were; only what
identifies or contacts the person is removed. Frozen reports are kept as they were sent.
"""

import json

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .enums import MembershipRole
from .models import Membership, User, new_calendar_token

EXPORT_FORMAT = "regionalbuendnis-person-export"
EXPORT_VERSION = 1
# Apps whose records may point to a person; their rows are part of the export.
PROJECT_APPS = ("members", "meetings", "projects", "surveys", "controlling")
# Secrets and internals that are no personal data worth handing over and must not leak.
_NEVER_EXPORTED = {"password", "calendar_token", "check_in_code"}


def _json(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _field_value(obj, field):
    if isinstance(field, models.FileField):
        return getattr(obj, field.attname).name or ""
    return field.value_from_object(obj)


def _row(obj) -> dict:
    return {
        field.attname: _field_value(obj, field)
        for field in obj._meta.concrete_fields
        if field.name not in _NEVER_EXPORTED and not isinstance(field, models.BinaryField)
    }


def _person_references():
    """Every (model, field) in the project's apps that points to a person, apart from the
    sections exported on their own (memberships, invitations, attendance) and history tables."""
    covered = {("members", "membership", "person"), ("meetings", "invitation", "person")}
    covered.add(("meetings", "attendance", "person"))
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for app_label in PROJECT_APPS:
        if not apps.is_installed(app_label):
            continue
        for model in apps.get_app_config(app_label).get_models():
            if model is user_model or model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.related_model is user_model):
                    continue
                if (app_label, model._meta.model_name, field.name) in covered:
                    continue
                yield model, field


def person_export_data(*, person: User) -> dict:
    """Everything the app stores about a person, as JSON-compatible data."""
    memberships = person.memberships.select_related("organisation").order_by("start", "pk")
    invitations = person.invitations.select_related("meeting", "organisation").order_by("meeting__start")
    attendances = person.attendances.select_related("meeting", "organisation").order_by("meeting__start")
    related = []
    for model, field in _person_references():
        rows = model._default_manager.filter(**{field.name: person}).order_by("pk")
        related.extend(
            {"model": model._meta.label_lower, "field": field.name, "record": _row(obj)} for obj in rows
        )
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "profile": {
            "id": person.pk,
            "full_name": person.full_name,
            "email": person.email,
            "phone": person.phone,
            "affiliation": person.affiliation,
            "preferred_language": person.preferred_language,
            "is_active": person.is_active,
            "can_log_in": person.can_log_in,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
            "notify_reminders": person.notify_reminders,
            "notify_answer_requests": person.notify_answer_requests,
            "notify_digest": person.notify_digest,
            "anonymised_at": person.anonymised_at,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "start": m.start,
                "end": m.end,
            }
            for m in memberships
        ],
        "invitations": [
            {
                "meeting": i.meeting.title,
                "meeting_start": i.meeting.start,
                "organisation": i.organisation.name if i.organisation else None,
                "role": i.role,
                "response": i.response,
                "comment": i.comment,
                "sends_deputy": i.sends_deputy,
                "responded_at": i.responded_at,
                "waitlist_position": i.waitlist_position,
            }
            for i in invitations
        ],
        "attendance": [
            {
                "meeting": a.meeting.title,
                "meeting_start": a.meeting.start,
                "organisation": a.organisation.name if a.organisation else a.organisation_text or None,
                "present": a.present,
                "source": a.source,
            }
            for a in attendances
        ],
        "named_survey_answers": [
            {
                "survey": response.survey.year,
                "respondent_name": response.respondent_name,
                "organisation": response.organisation.name if response.organisation else None,
                "answers": [
                    {
                        "question": answer.question.text_de,
                        "scale_value": answer.scale_value,
                        "choices": answer.choices,
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in _named_survey_responses(person)
            .select_related("survey", "organisation")
            .prefetch_related("answers__question")
        ],
        "related_records": related,
    }
    return _json(data)


def person_export_json(*, person: User) -> str:
    return json.dumps(person_export_data(person=person), ensure_ascii=False, indent=2)


def _last_membership(person: User) -> Membership | None:
    """The membership that ended last (a current one counts as ending today or later)."""
    memberships = list(person.memberships.select_related("organisation"))
    if not memberships:
        return None
    return max(memberships, key=lambda m: (m.end is None, m.end or m.start, m.start, m.pk))


def anonymised_name(person: User) -> str:
    """ "Ehemalige·r Vertreter·in Lemgo": the role and place survive, the person does not.

    Stored in the site's language (German), as the name is shown to everyone in that language.
    """
    membership = _last_membership(person)
    with translation.override(settings.LANGUAGE_CODE):
        if membership is None:
            return _("Former guest")
        organisation = membership.organisation.display_name
        if membership.role == MembershipRole.DEPUTY:
            return _("Former deputy of %(organisation)s") % {"organisation": organisation}
        if membership.role == MembershipRole.COORDINATOR:
            return _("Former coordinator at %(organisation)s") % {"organisation": organisation}
        return _("Former representative of %(organisation)s") % {"organisation": organisation}


def _forget_login_attempts(email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


def _forget_delivery_addresses(person: User, email: str | None) -> None:
    """Sent-mail records keep what was sent and when, not to which address."""
    from meetings.models import Delivery

    matches = Q(recipient=person) | Q(email__iexact=email) if email else Q(recipient=person)
    # A placeholder unique per delivery, so the exactly-once constraint keeps holding.
    Delivery.objects.filter(matches).update(
        email=Concat(Value("anonymised-"), Cast("pk", models.CharField()), Value("@invalid.invalid")),
        error="",
        recipient=person,
    )


def _named_survey_responses(person: User):
    """Answers the person gave in named (not anonymous) surveys: stored with the name they were
    invited under and their member, never with a link to the person."""
    from surveys.models import Response

    named = Q(pk__in=[])
    for recipient in person.survey_recipients.filter(answered=True, survey__is_anonymous=False):
        named |= Q(
            survey_id=recipient.survey_id,
            respondent_name=recipient.name,
            organisation_id=recipient.organisation_id,
        )
    return Response.objects.filter(named).exclude(respondent_name="")


def _forget_survey_addresses(person: User, email: str | None) -> None:
    """Recipient rows keep who was asked for the response rate; name, address and drafts go."""
    from surveys.models import Recipient

    _named_survey_responses(person).update(respondent_name=person.full_name)
    matches = Q(person=person) | Q(email__iexact=email) if email else Q(person=person)
    Recipient.objects.filter(matches).update(
        email=Concat(Value("anonymised-"), Cast("pk", models.CharField()), Value("@invalid.invalid")),
        name=person.full_name,
        draft={},
        person=person,
    )


@transaction.atomic
def person_anonymise(*, person: User, by: User) -> User:
    """Erasure on request: the person becomes "former representative of <member>".

    Kept unchanged: memberships (who spoke for whom, when), invitations' answers and attendance
    rows with their frozen organisation, so past controlling figures do not move. Removed: name,
    contact data, free-text comments, login, calendar link, login attempts and mail addresses.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at is not None:
        raise ValidationError(_("This person has already been anonymised."))
    if person.pk == by.pk:
        raise ValidationError(_("You cannot anonymise yourself. Ask another coordinator."))
    today = timezone.localdate()
    if person.memberships.filter(start__gt=today).exists():
        raise ValidationError(
            _("This person has memberships that have not started yet. Remove or correct them first.")
        )

    # A guest's body is shown in attendance lists from the affiliation: keep it on the rows.
    if person.affiliation:
        person.attendances.filter(organisation__isnull=True, organisation_text="").update(
            organisation_text=person.affiliation
        )
    # Someone who leaves stops speaking for their member today.
    for membership in person.memberships.current(today):
        membership.end = today
        membership.save(update_fields=["end"])

    old_email = person.email
    person.full_name = anonymised_name(person)
    person.email = None
    person.phone = ""
    person.affiliation = ""
    person.preferred_language = settings.LANGUAGE_CODE
    person.notify_reminders = person.notify_answer_requests = person.notify_digest = False
    person.is_active = person.is_staff = person.is_superuser = False
    # Also ends every open session: the session hash depends on the password.
    person.set_unusable_password()
    person.calendar_token = new_calendar_token()
    person.anonymised_at = timezone.now()
    person.full_clean()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()

    person.invitations.exclude(comment="").update(comment="")
    person.project_contacts.clear()
    _forget_survey_addresses(person, old_email)
    _forget_delivery_addresses(person, old_email)
    if old_email:
        _forget_login_attempts(old_email)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    ).update(object_repr=person.full_name[:200])
    return person
