"""Personal survey links: a random token in the e-mail, only its SHA-256 in the database.

A token is 32 random bytes (256 bits), so a lookup by its hash needs no constant-time comparison:
guessing a valid hash is as hopeless as guessing the token. Every e-mail carries a new token;
all tokens of a recipient work until the answers are submitted.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.urls import reverse

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))


def respond_path(token: str) -> str:
    return reverse("surveys:respond", args=[token])


def respond_url(token: str) -> str:
    return f"{settings.SITE_URL}{respond_path(token)}"
