"""How long one delivery sweep takes and how many queries it runs, at several sizes.

    python bench/sweep.py            # 20 × 40, 200 × 4 and 200 × 40 (meetings × invitees)
    python bench/sweep.py --send     # also time sending what the largest sweep found due

Uses the PostgreSQL server of DATABASE_URL but its own database (the name suffixed
`_sweep_bench`), created and migrated on the first run and refilled for every size. The sweep
publishes its tasks to Celery's in-memory transport, so nothing reaches a real worker or inbox;
with --send the tasks run in-process against the locmem e-mail backend.

`sweep_measurement()` measures one sweep against whatever database is configured (bench/run.py
can list it in its task measurements).
"""

import argparse
import datetime
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(20, 40), (200, 4), (200, 40)]
PEOPLE = 400


def _own_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/regionalbuendnis")
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_sweep_bench"


def _ensure_database():
    import psycopg
    from django.conf import settings

    params = settings.DATABASES["default"]
    with psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{params["NAME"]}"')


def _count_queries(callable_):
    from django.db import connection

    executed = []

    def wrapper(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        started = time.perf_counter()
        result = callable_()
        seconds = time.perf_counter() - started
    return result, seconds, len(executed)


class _InMemoryBroker:
    """Publish to kombu's in-memory transport instead of Redis while measuring."""

    def __init__(self, eager=False):
        self.eager = eager

    def __enter__(self):
        from regionalbuendnis.celery import app

        self.saved = app.conf.broker_url, app.conf.task_always_eager
        app.conf.broker_url, app.conf.task_always_eager = "memory://localhost/", self.eager
        _reset_producer_pools(app)

    def __exit__(self, *exc):
        from regionalbuendnis.celery import app

        app.conf.broker_url, app.conf.task_always_eager = self.saved
        _reset_producer_pools(app)


def _reset_producer_pools(app):
    # Celery caches the broker connection pool on first use; a changed broker_url needs a new one.
    app._pool = None
    app.amqp._producer_pool = None


def sweep_measurement() -> dict:
    """One sweep over the configured database: seconds, queries, tasks it enqueued."""
    from meetings.models import Invitation
    from meetings.tasks import sweep_deliveries

    with _InMemoryBroker():
        enqueued, seconds, queries = _count_queries(sweep_deliveries)
    return {
        "invitations": Invitation.objects.count(),
        "seconds": seconds,
        "queries": queries,
        "tasks_enqueued": enqueued,
    }


def _populate(meetings: int, invitees: int) -> None:
    """Upcoming published meetings whose invitations went out; reminders are due for most."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from meetings.enums import DeliveryKind, DeliveryStatus, InvitationRole, MeetingStatus, Response
    from meetings.models import Delivery, Invitation, Meeting
    from members.models import User

    with connection.cursor() as cursor:
        tables = [model._meta.db_table for model in (Delivery, Invitation, Meeting, User)]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    now = timezone.now()
    answers = [Response.YES, Response.YES, Response.MAYBE, Response.PENDING, Response.NO]
    with transaction.atomic():
        password = make_password("bench")
        people = User.objects.bulk_create(
            User(
                email=f"p{n}@sweep.example",
                full_name=f"Person {n}",
                password=password,
                calendar_token=f"s{n}",
            )
            for n in range(PEOPLE)
        )
        today_14h = timezone.localtime(now).replace(hour=14, minute=0, second=0, microsecond=0)
        created = Meeting.objects.bulk_create(
            Meeting(
                title=f"Treffen {n}",
                start=today_14h + datetime.timedelta(days=1 + n % 6, minutes=n),
                end=today_14h + datetime.timedelta(days=1 + n % 6, minutes=n + 120),
                venue="Rathaus",
                status=MeetingStatus.PUBLISHED,
                check_in_code=f"sweep{n}",
            )
            for n in range(meetings)
        )
        invitations = Invitation.objects.bulk_create(
            Invitation(
                meeting=meeting,
                person=people[(m * invitees + i) % PEOPLE],
                role=InvitationRole.REPRESENTATIVE,
                response=answers[(m + i) % len(answers)],
            )
            for m, meeting in enumerate(created)
            for i in range(invitees)
        )
        sent_at = now - datetime.timedelta(days=10)
        Delivery.objects.bulk_create(
            (
                Delivery(
                    kind=DeliveryKind.INVITATION,
                    object_key=f"meeting:{invitation.meeting_id}",
                    email=invitation.person.email,
                    recipient=invitation.person,
                    meeting_id=invitation.meeting_id,
                    status=DeliveryStatus.SENT,
                    attempts=1,
                    version=0,
                    sent_at=sent_at,
                )
                for invitation in invitations
            ),
            batch_size=5000,
        )


def _send_everything_due() -> tuple[int, float]:
    from django.core import mail
    from django.test.utils import override_settings

    from meetings.tasks import sweep_deliveries

    mail.outbox = []
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        _InMemoryBroker(eager=True),
    ):
        started = time.perf_counter()
        sweep_deliveries()
        seconds = time.perf_counter() - started
    return len(mail.outbox), seconds


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--send", action="store_true", help="also send what the largest sweep found due")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regionalbuendnis.settings.test")
    os.environ["DATABASE_URL"] = _own_database_url()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    _ensure_database()
    call_command("migrate", verbosity=0)
    setup_test_environment()  # locmem e-mail: the bench never mails anybody
    logging.getLogger("celery").setLevel(logging.WARNING)  # no line per task in the table

    print(f"{'meetings':>9}{'invitees':>10}{'invitations':>13}{'sweep ms':>10}{'queries':>9}{'tasks':>7}")
    for meetings, invitees in SIZES:
        _populate(meetings, invitees)
        _warm_up = sweep_measurement()
        row = sweep_measurement()
        print(
            f"{meetings:>9}{invitees:>10}{row['invitations']:>13}{row['seconds'] * 1000:>10.1f}"
            f"{row['queries']:>9}{row['tasks_enqueued']:>7}"
        )
    if args.send:
        sent, seconds = _send_everything_due()
        print(f"\nSending what the last sweep found due: {sent} e-mails in {seconds:.1f} s (eager, locmem)")
        print(f"A second sweep afterwards enqueues {sweep_measurement()['tasks_enqueued']} tasks.")


if __name__ == "__main__":
    main()
