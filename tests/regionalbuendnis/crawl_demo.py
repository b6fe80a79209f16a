"""Opens every page reachable from the dashboard, as each user named on the command line, and
prints the pages that failed; exits 1 if any did. Run by test_local_database.py in a process of its
own, on the local settings and their database (`make run`'s SQLite).

    python -m tests.regionalbuendnis.crawl_demo koordination@kreis-lippe.example ...
"""

import html
import re
import sys
from collections import Counter, deque
from urllib.parse import urlsplit

import django

django.setup()

from django.test import Client  # noqa: E402

from members.models import User  # noqa: E402

LINK = re.compile(r'href="(/[^"#]*)"')
# Not pages: leaving the session, switching language (POST), files served by the app, the admin.
SKIPPED = ("/accounts/logout", "/i18n/", "/static/", "/admin/")
PAGES_PER_USER = 600
# Every meeting, project or page number makes another address of the same page: a few addresses
# of each kind of page (its path with the numbers left out) are enough.
ADDRESSES_PER_KIND = 3
NUMBER = re.compile(r"\d+")


def crawl(client: Client) -> tuple[int, list[str]]:
    queue, seen, per_kind, failures = deque(["/"]), set(), Counter(), []
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.popleft()
        kind = NUMBER.sub("N", urlsplit(url).path)
        if url in seen or per_kind[kind] >= ADDRESSES_PER_KIND:
            continue
        seen.add(url)
        per_kind[kind] += 1
        try:
            response = client.get(url)
        except Exception as error:  # DEBUG is on: a server error arrives as the exception itself
            failures.append(f"{url}: {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for link in LINK.findall(response.content.decode()):
                link = html.unescape(link)
                if not link.startswith(SKIPPED) and link not in seen:
                    queue.append(link)
    return len(seen), len(per_kind), failures


def main(emails: list[str]) -> int:
    failed = False
    for email in emails:
        client = Client()
        client.force_login(User.objects.get(email=email), backend="members.backends.EmailBackend")
        visited, kinds, failures = crawl(client)
        print(f"{email}: {visited} pages of {kinds} kinds, {len(failures)} failed")
        for failure in failures:
            print(f"  {failure}")
        failed = failed or bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
