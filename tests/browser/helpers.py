"""What the journeys share: signing in, the language switch, labels in the page's language."""

import re

from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.text import capfirst

from tests.factories.members import PASSWORD

LANGUAGES = ["de", "en"]
PHONE = {"width": 360, "height": 740}


def tr(language: str, message: str) -> str:
    """The app's own translation of an English UI string (same catalogues as the live server)."""
    with translation.override(language):
        return translation.gettext(message)


def ntr(language: str, singular: str, plural: str, number: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, number)


def label(language: str, message: str) -> str:
    """A form label as Django renders it from a lower-case verbose name."""
    return capfirst(tr(language, message))


def field(page, text: str):
    """The input labelled exactly `text` (crispy marks required fields with a trailing '*')."""
    labelled = page.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))
    return labelled.and_(page.locator("input, select, textarea"))


def button(page, text: str):
    return page.get_by_role("button", name=text, exact=True)


def link(page, text: str):
    return page.get_by_role("link", name=text, exact=True)


def invitation_link(person, answer: str | None = None) -> str:
    """A link from the invitation e-mail actually sent to `person` (never built by the test).

    answer="yes"/"no"/"maybe": the one-click link; None: the answer page without a pre-selection.
    """
    answer_link = re.compile(r"https?://[^\s<>\"]+/answer/[^\s<>\"]+")
    (message,) = [m for m in mail.outbox if m.to == [person.email] and answer_link.search(m.body)]
    links = set(answer_link.findall(message.body))
    wanted = [url for url in links if (url.endswith(f"?answer={answer}") if answer else "?" not in url)]
    assert len(wanted) == 1, message.body
    return wanted[0]


def sign_in(page, user) -> None:
    """Start the browser's session as `user` without the login form (for journeys not about it)."""
    client = Client()
    client.force_login(user, backend="members.backends.EmailBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base_url}])


def log_in_with_form(page, user, language: str) -> None:
    page.goto("/accounts/login/")
    fill_login_form(page, user, language)


def fill_login_form(page, user, language: str) -> None:
    """On the login page (also after a redirect to it): choose the language, log in."""
    choose_language(page, language)
    field(page, tr(language, "E-mail address")).fill(user.email)
    field(page, tr(language, "Password")).fill(PASSWORD)
    button(page, tr(language, "Log in")).click()
    page.wait_for_load_state()


def choose_language(page, language: str) -> None:
    """Use the switch in the header, as a person would (German is the default)."""
    if page.locator("html").get_attribute("lang") != language:
        switch = page.locator(f'header button[name="language"][value="{language}"]')
        open_menu(page)
        switch.click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def open_menu(page) -> None:
    """On a narrow screen the header's menu is collapsed behind the toggler."""
    toggler = page.locator("header .navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#main-nav.show").wait_for()


def local_input(moment) -> str:
    """A datetime-local input's value for an aware datetime (Europe/Berlin)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
