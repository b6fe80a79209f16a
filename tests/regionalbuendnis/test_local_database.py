"""`make run` serves the app on SQLite (settings.local); the rest of the suite runs on PostgreSQL.
A query only PostgreSQL understands would pass every other test and still break a newcomer's first
look, so this test does what `make run` does (migrate, seed the demo) in a fresh SQLite database and
opens every page reachable from the dashboard as the coordinator and as a representative."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USERS = ("koordination@kreis-lippe.example", "vera.vogt@detmold.example")


def _run(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_every_page_of_the_demo_works_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "regionalbuendnis.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }
    for command in (("manage.py", "migrate", "--noinput"), ("manage.py", "seed_demo")):
        done = _run(*command, env=env)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    crawled = _run("-m", "tests.regionalbuendnis.crawl_demo", *USERS, env=env)

    assert crawled.returncode == 0, crawled.stdout + crawled.stderr[-3000:]
    # "<e-mail>: <n> pages of <k> kinds, 0 failed" per user: the crawl did reach the app's pages.
    kinds = [int(line.split()[4]) for line in crawled.stdout.splitlines() if " kinds, " in line]
    assert len(kinds) == len(USERS) and min(kinds) > 25, crawled.stdout
