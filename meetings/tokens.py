"""Links that act without a login: one-click RSVP, the self check-in page and the calendar feed.

An RSVP token is the invitation's primary key, signed with the project's secret and a salt of its
own, so it cannot be guessed, altered or reused for another person or meeting. It carries no
timestamp: it stays valid (and identical for every e-mail about the same invitation) until the
meeting has ended, which `read_rsvp_token` checks against the meeting as it is now — a meeting
moved to a later date keeps its links working.
"""

import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .enums import Response
from .models import Invitation, Meeting

RSVP_SALT = "meetings.rsvp.v1"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _signer() -> signing.Signer:
    return signing.Signer(salt=RSVP_SALT)


def rsvp_token(invitation: Invitation) -> str:
    return _signer().sign_object({"i": invitation.pk, "p": invitation.person_id})


# Errors of decoding a signed value that is not what we signed (never reached for genuine tokens).
_DECODING_ERRORS = (signing.BadSignature, ValueError, TypeError, zlib.error)


def _token_payload(token: str):
    try:
        return _signer().unsign_object(token)
    except _DECODING_ERRORS:
        pass
    # Links sent before tokens lost their timestamp (signing.dumps) keep working.
    try:
        return signing.loads(token, salt=RSVP_SALT)
    except _DECODING_ERRORS:
        raise RsvpTokenError("invalid") from None


def rsvp_url(invitation: Invitation, response: str | None = None) -> str:
    """The absolute address of the invitee's answer page; `response` pre-selects an answer.

    Opening the page changes nothing (mail scanners follow links); the answer is saved by the
    confirm button on the page.
    """
    path = reverse("meetings:rsvp", args=[rsvp_token(invitation)])
    if response is not None:
        path = f"{path}?{urlencode({'answer': str(response)})}"
    return absolute(path)


class RsvpTokenError(Exception):
    """The link cannot be used; `reason` is one of "invalid", "expired", "not_invited"."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@dataclass(frozen=True)
class RsvpLink:
    invitation: Invitation
    preselected: str | None


def read_rsvp_token(token: str, *, answer: str | None = None, now=None) -> RsvpLink:
    """The invitation a token stands for; raises RsvpTokenError when it is tampered or expired."""
    payload = _token_payload(token)
    try:
        invitation_id, person_id = int(payload["i"]), int(payload["p"])
    except (KeyError, TypeError, ValueError):
        raise RsvpTokenError("invalid") from None
    if not (0 < invitation_id < 2**63 and 0 < person_id < 2**63):
        raise RsvpTokenError("invalid")
    invitation = (
        Invitation.objects.select_related("meeting", "person", "organisation", "meeting__host_organisation")
        .filter(pk=invitation_id, person_id=person_id)
        .first()
    )
    if invitation is None:
        raise RsvpTokenError("not_invited")
    if invitation.meeting.end <= (now or timezone.now()):
        raise RsvpTokenError("expired", invitation)
    preselected = answer if answer in (Response.YES, Response.NO, Response.MAYBE) else None
    return RsvpLink(invitation=invitation, preselected=preselected)


def check_in_url(meeting: Meeting) -> str:
    """The absolute address of the meeting's self check-in page (shown as a QR code)."""
    return absolute(reverse("meetings:check_in", args=[meeting.check_in_code]))


def calendar_feed_url(person) -> str:
    """The person's secret calendar subscription address (reset in the profile)."""
    return absolute(reverse("meetings:calendar_feed", args=[person.calendar_token]))
