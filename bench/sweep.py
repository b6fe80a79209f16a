"""One delivery sweep for bench/run.py: seconds, queries and the tasks it enqueues, measured
against the configured (benchmark) database. Tasks go to Celery's in-memory transport, so nothing
reaches a real worker or inbox."""

import time


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

    def __enter__(self):
        from regionalbuendnis.celery import app

        self.saved = app.conf.broker_url, app.conf.task_always_eager
        app.conf.broker_url, app.conf.task_always_eager = "memory://localhost/", False
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
