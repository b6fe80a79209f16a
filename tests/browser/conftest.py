"""Browser tests: Playwright drives Debian's Chromium against a live server on PostgreSQL.

Browsers cannot be downloaded here, so the system Chromium is used. Without it the tests are
skipped locally, but fail under CI (CI=true), where .ci/run installs it.

The pages run under the app's real Content-Security-Policy (axe-core is evaluated through the
DevTools protocol, which the policy does not govern), and every test fails if the browser reports
a blocked inline script or style: what passes here also works in production.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _django_async_unsafe():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class _SharedBrowser:
    """One Playwright and one Chromium per test session, however many modules use the fixture.

    Test modules elsewhere (e.g. tests/surveys/test_browser.py) import these fixtures, which gives
    pytest a second session fixture of the same name; a second sync Playwright in the same thread
    would fail, so both hand out this one browser, and the last to finish closes it.
    """

    users = 0
    playwright = None
    browser = None

    @classmethod
    def acquire(cls):
        if cls.users == 0:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        cls.users += 1
        return cls.browser

    @classmethod
    def release(cls):
        cls.users -= 1
        if cls.users == 0:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None


@pytest.fixture(scope="session")
def browser(_django_async_unsafe):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    yield _SharedBrowser.acquire()
    _SharedBrowser.release()


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    # E-mails carry absolute links (SITE_URL); the tests follow them as the recipient would.
    settings.SITE_URL = live_server.url


class StepRecorder:
    """Takes a screenshot after each named step; they are kept only when the test fails."""

    def __init__(self, page, directory, prefix=""):
        self.page = page
        self.directory = directory
        self.prefix = prefix
        self.shots = []

    def step(self, label):
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{self.prefix}{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)


def _csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def open_page(request, browser, live_server):
    """open_page(name, **context options) → a page in a fresh context (another person, a phone, no JS).

    Each page records its steps under test-artifacts/<test>/; the screenshots stay only when the
    test fails (plus one per page of the moment it failed).
    """
    test_name = request.node.name.replace("[", "-").replace("]", "").replace("/", "-")
    directory = ARTIFACTS / test_name
    shutil.rmtree(directory, ignore_errors=True)  # no screenshots left from an earlier run
    opened = []

    def _open(name="page", **options):
        options = {"base_url": live_server.url, "locale": "de-DE", "accept_downloads": True, **options}
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page.base_url = options["base_url"]
        page.steps = StepRecorder(page, directory, prefix=f"{name}-")
        page.csp_violations = []
        page.on(
            "console", lambda message: _csp_violation(message) and page.csp_violations.append(message.text)
        )
        opened.append(page)
        return page

    yield _open

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    violations = {}
    for page in opened:
        if failed and not page.is_closed():
            page.steps.step("failure")
        if page.csp_violations:
            violations[page.url] = page.csp_violations
        page.context.close()
    if not failed:
        shutil.rmtree(directory, ignore_errors=True)
    if violations and not failed:
        pytest.fail(f"The Content-Security-Policy blocked something the page needs: {violations}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(open_page):
    return open_page("page")


@pytest.fixture
def workshop_soon(coordinator, rep_a, deputy_a, rep_b):
    """A published workshop starting in half an hour: answers are still open, and "now" is already
    inside the check-in and attendance window (an hour before the start). The invitations went out
    when it was published (Celery runs eagerly after the commit in the tests)."""
    from meetings import services
    from meetings.enums import MeetingKind

    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    meeting = services.meeting_create(
        by=coordinator,
        kind=MeetingKind.WORKSHOP,
        title="Workshop Energiemanagement kommunaler Gebäude",
        description="Erfahrungen mit dem kommunalen Energiemanagement (KEM) in Lippe.",
        start=start,
        end=start + datetime.timedelta(hours=3),
        venue="Kreishaus Detmold",
        address="Felix-Fechenbach-Straße 5\n32756 Detmold",
    )
    return services.meeting_publish(meeting=meeting, by=coordinator)
