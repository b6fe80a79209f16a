"""Building the meetings' e-mails: each in the recipient's language, plain text and HTML.

Invitations and updates carry the meeting as `text/calendar; method=REQUEST`, cancellations as
`method=CANCEL` (same UID, rising SEQUENCE), so that calendar programs update the one entry.
Every message ends with a footer that says why the person receives it and where to change it.
"""

from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .enums import DeliveryKind, Response
from .ics import meeting_ics
from .tokens import rsvp_url

CALENDAR_METHODS = {
    DeliveryKind.INVITATION: "REQUEST",
    DeliveryKind.UPDATE: "REQUEST",
    DeliveryKind.CANCELLATION: "CANCEL",
}


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def settings_url(person) -> str:
    return absolute_url(reverse("members:person_edit", args=[person.pk]))


def calendar_part(ics: bytes, *, method: str) -> MIMEBase:
    """The .ics as an attachment that Outlook and Thunderbird read as a scheduling message."""
    part = MIMEBase("text", "calendar")
    part.replace_header("Content-Type", f"text/calendar; method={method}; charset=UTF-8")
    part.set_payload(ics)
    encoders.encode_base64(part)
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _message(*, subject: str, template: str, context: dict, person) -> EmailMultiAlternatives:
    text = render_to_string(f"meetings/email/{template}.txt", context)
    html = render_to_string(f"meetings/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _when(meeting) -> str:
    start = timezone.localtime(meeting.start)
    return formats.date_format(start, "DATE_FORMAT") + ", " + formats.time_format(start, "TIME_FORMAT")


def _subject(kind: str, meeting) -> str:
    values = {"title": meeting.title, "when": _when(meeting)}
    if kind == DeliveryKind.INVITATION:
        return _("Invitation: %(title)s, %(when)s") % values
    if kind == DeliveryKind.UPDATE:
        return _("Changed: %(title)s, now %(when)s") % values
    if kind == DeliveryKind.CANCELLATION:
        return _("Cancelled: %(title)s, %(when)s") % values
    if kind == DeliveryKind.WAITLIST_PLACE:
        return _("You have a place now: %(title)s, %(when)s") % values
    if kind == DeliveryKind.ANSWER_REQUEST:
        return _("Please answer: %(title)s, %(when)s") % values
    return _("Reminder: %(title)s, %(when)s") % values


def meeting_email(*, kind: str, invitation) -> EmailMultiAlternatives:
    """Invitation, update, cancellation, reminder, answer request or waiting-list place for one invitation.

    The attached .ics names only this recipient as attendee (see `ics.meeting_ics`).
    """
    meeting, person = invitation.meeting, invitation.person
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        rsvp_links = []
        if kind != DeliveryKind.CANCELLATION:
            rsvp_links = [
                (Response.YES.label, rsvp_url(invitation, Response.YES)),
                (Response.MAYBE.label, rsvp_url(invitation, Response.MAYBE)),
                (Response.NO.label, rsvp_url(invitation, Response.NO)),
            ]
        show_agenda = kind in (
            DeliveryKind.INVITATION,
            DeliveryKind.UPDATE,
            DeliveryKind.REMINDER,
            DeliveryKind.WAITLIST_PLACE,
        )
        context = {
            "kind": str(kind),
            "person": person,
            "invitation": invitation,
            "meeting": meeting,
            "days_until": (timezone.localdate(meeting.start) - timezone.localdate()).days,
            "agenda_items": list(meeting.agenda_items.all()) if show_agenda else [],
            "rsvp_links": rsvp_links,
            "rsvp_page_url": rsvp_url(invitation) if rsvp_links else "",
            "meeting_url": absolute_url(meeting.get_absolute_url()),
            "settings_url": settings_url(person),
            "can_log_in": person.can_log_in,
        }
        message = _message(
            subject=_subject(kind, meeting), template="meeting", context=context, person=person
        )
        method = CALENDAR_METHODS.get(kind)
        if method:
            message.attach(
                calendar_part(meeting_ics(meeting, method=method, recipient=invitation), method=method)
            )
    return message


def digest_email(*, person, content) -> EmailMultiAlternatives:
    """The coordinators' daily digest (see meetings.digest)."""
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "kind": str(DeliveryKind.DIGEST),
            "person": person,
            "content": content,
            "settings_url": settings_url(person),
            "can_log_in": person.can_log_in,
            "site_url": settings.SITE_URL,
        }
        subject = _("Regionalbündnis 2050: daily digest of %(day)s") % {
            "day": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
        }
        return _message(subject=subject, template="digest", context=context, person=person)
