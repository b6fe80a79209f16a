from django.conf import settings
from django.utils import translation

from .enums import Language


class UserLanguageMiddleware:
    """Use a logged-in person's preferred language unless they chose one in the switch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chose_explicitly = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user is not None and user.is_authenticated and not chose_explicitly:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


def link_language(request, stored_language: str) -> str:
    """The language of a page behind a personal link (an answer link in an e-mail): the one the
    visitor chose in the switch or a logged-in person's (as above), else the language stored for
    the person the link names, who may open it on any browser."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.user.is_authenticated:
        return request.LANGUAGE_CODE
    return stored_language or Language.GERMAN
