"""The survey's e-mails: invitation and reminder, in the recipient's language, text and HTML.

Each carries a new personal link (the token exists only in this message; the database keeps its
hash) and ends with a footer saying why the recipient receives it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from meetings.enums import DeliveryKind

from . import services, tokens


def _subject(kind: str, survey) -> str:
    values = {"title": survey.title, "date": formats.date_format(survey.closes_on, "DATE_FORMAT")}
    if kind == DeliveryKind.SURVEY_REMINDER:
        return _("Reminder: %(title)s – open until %(date)s") % values
    return _("%(title)s – your opinion, please (until %(date)s)") % values


def survey_email(*, kind: str, survey, recipient) -> EmailMultiAlternatives:
    """Builds the message and records the hash of the new link it carries."""
    token = services.link_create(recipient=recipient)
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "kind": str(kind),
            "is_reminder": kind == DeliveryKind.SURVEY_REMINDER,
            "survey": survey,
            "recipient": recipient,
            "link": tokens.respond_url(token),
            "question_count": survey.questions.count(),
        }
        message = EmailMultiAlternatives(
            subject=_subject(kind, survey),
            body=render_to_string("surveys/email/survey.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string("surveys/email/survey.html", context), "text/html")
    return message
