"""A worker killed mid-batch: the broker must hand the task out again, and only one task at a time.

The behaviour itself (the redelivered task sends only the rest, nothing twice) is tested in
tests/meetings/test_tasks.py and tests/meetings/test_delivery.py; it relies on these settings: the
message is acknowledged only after the task finished, and requeued when the worker process dies.
"""

import pytest

from meetings import tasks as meeting_tasks
from regionalbuendnis.celery import app as celery_app
from surveys import tasks as survey_tasks

MAIL_BATCHES = [
    meeting_tasks.send_meeting_mails,
    meeting_tasks.send_digest,
    meeting_tasks.resend_delivery,
    survey_tasks.send_invitations,
    survey_tasks.send_reminders,
]


def test_a_lost_worker_gives_its_message_back():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    # A dying worker holds at most the task it runs, not a prefetched queue of others.
    assert celery_app.conf.worker_prefetch_multiplier == 1


@pytest.mark.parametrize("task", MAIL_BATCHES, ids=lambda task: task.name)
def test_every_mail_batch_is_acknowledged_late(task):
    assert task.acks_late is True
    assert celery_app.tasks[task.name].acks_late is True
