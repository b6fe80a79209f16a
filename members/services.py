"""Writes for the members app: validated with full_clean, each in one transaction."""

from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .enums import Language, MembershipRole
from .models import Membership, Organisation, User, german_slug

# Only one person may hold this role for an organisation at a time.
SINGLE_HOLDER_ROLES = {MembershipRole.REPRESENTATIVE}


def _check_email_free(email: str | None, *, exclude_pk=None) -> None:
    if not email:
        return
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})


@transaction.atomic
def person_create(
    *,
    full_name: str,
    email: str | None = None,
    phone: str = "",
    preferred_language: str = "de",
    affiliation: str = "",
    password: str | None = None,
) -> User:
    email = (email or "").strip().lower() or None
    _check_email_free(email)
    person = User(
        full_name=full_name.strip(),
        email=email,
        phone=phone,
        preferred_language=preferred_language,
        affiliation=affiliation,
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: User, **fields) -> User:
    allowed = {
        "full_name",
        "email",
        "phone",
        "preferred_language",
        "affiliation",
        "notify_reminders",
        "notify_answer_requests",
        "notify_digest",
        "is_active",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))}")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower() or None
        _check_email_free(fields["email"], exclude_pk=person.pk)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


def person_set_language(*, person: User, language: str) -> User:
    """Remembers the language chosen in the switch (e-mails and later visits use it)."""
    if language not in dict(Language.choices):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    if person.preferred_language != language:
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    return person


def person_reset_calendar_token(*, person: User) -> User:
    from .models import new_calendar_token

    person.calendar_token = new_calendar_token()
    person.save(update_fields=["calendar_token"])
    return person


def person_invite(*, person: User, invited_by: User) -> None:
    """E-mail a link to set a password. The link is single use and expires (PASSWORD_RESET_TIMEOUT)."""
    if not person.email:
        raise ValidationError({"email": _("This person has no e-mail address to send an invitation to.")})
    if not person.is_active:
        raise ValidationError(_("Inactive people cannot be invited."))
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    with translation.override(person.preferred_language):
        context = {"person": person, "link": link, "invited_by": invited_by}
        subject = _("Your access to the Regionalbündnis 2050 – Klimazukunft Lippe")
        body = render_to_string("members/email/invite.txt", context)
    send_mail(subject, body, None, [person.email])


def _overlaps(qs, start: date, end: date | None):
    qs = qs.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        qs = qs.filter(start__lte=end)
    return qs


def _validate_membership(membership: Membership) -> None:
    membership.full_clean()
    others = Membership.objects.exclude(pk=membership.pk)
    same_person = _overlaps(
        others.filter(person=membership.person, organisation=membership.organisation),
        membership.start,
        membership.end,
    )
    if same_person.exists():
        raise ValidationError(
            {"start": _("This person already has a membership with this organisation in that period.")}
        )
    if membership.role in SINGLE_HOLDER_ROLES:
        clash = (
            _overlaps(
                others.filter(organisation=membership.organisation, role=membership.role),
                membership.start,
                membership.end,
            )
            .select_related("person")
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "role": _(
                        "%(org)s already has a representative in that period (%(person)s). "
                        "End that membership first."
                    )
                    % {"org": membership.organisation, "person": clash.person}
                }
            )


@transaction.atomic
def membership_create(
    *,
    person: User,
    organisation: Organisation,
    role: str,
    start: date | None = None,
    end: date | None = None,
) -> Membership:
    # Lock the organisation so two simultaneous creations cannot both pass the overlap check.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    membership = Membership(
        person=person,
        organisation=organisation,
        role=role,
        start=start or timezone.localdate(),
        end=end,
    )
    _validate_membership(membership)
    membership.save()
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role: str, start: date, end: date | None) -> Membership:
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership.role, membership.start, membership.end = role, start, end
    _validate_membership(membership)
    membership.save()
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end: date | None = None) -> Membership:
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    end = end or timezone.localdate()
    if end < membership.start:
        raise ValidationError({"end": _("The end must not be before the start.")})
    membership.end = end
    # Moving an end later must not reach into a successor's period; the end is the field to fix.
    try:
        _validate_membership(membership)
    except ValidationError as error:
        raise ValidationError({"end": error.messages}) from None
    membership.save(update_fields=["end"])
    return membership


@transaction.atomic
def organisation_update_or_create(*, name: str, **fields) -> tuple[Organisation, bool]:
    """Create an organisation by name, or bring an existing one up to date. Never deletes."""
    organisation = Organisation.objects.filter(name=name).first()
    created = organisation is None
    if created:
        organisation = Organisation(name=name)
        # Short URLs by place: /members/luegde/ rather than /members/stadt-luegde/.
        fields.setdefault("slug", german_slug(fields.get("short_name") or name))
    changed = created
    for key, value in fields.items():
        if getattr(organisation, key) != value:
            setattr(organisation, key, value)
            changed = True
    # Rows saved under an older ordering rule get their sort key refreshed.
    changed = changed or organisation.sort_name != organisation.expected_sort_name()
    if changed:
        organisation.full_clean()
        organisation.save()
    return organisation, created


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    return organisation
