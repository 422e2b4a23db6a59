"""The delivery tasks: what the sweep and the digest hand their work to, after commit.

Every task is idempotent, acknowledged late and rejected (re-queued) when its worker dies,
so a killed worker's batch runs again and delivers only what was not yet delivered. They
live here, below ``sweep.py`` and ``digest.py`` that enqueue them, and above ``delivery.py``
whose functions they run; beat's tasks are in ``tasks.py``.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import delivery

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}
# A database that is away: 2, 4, 8 ... at most 120 s between tries, eight tries (about
# 6 minutes); whatever is left after that the backstop hands over again.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": False,
}


@shared_task(
    bind=True,
    name="reminders.deliver",
    ignore_result=True,
    max_retries=8,
    **DATABASE_RETRY,
    **TASK_OPTIONS,
)
def deliver_reminders(self, reminder_ids: list[int]) -> None:
    failed = delivery.deliver_reminders(reminder_ids)
    if failed:
        # Only the failed e-mails are retried, with exponential backoff.
        raise self.retry(
            args=[failed], countdown=delivery.backoff_seconds(self.request.retries + 1)
        )


@shared_task(
    bind=True,
    name="reminders.deliver_digest",
    ignore_result=True,
    max_retries=8,
    autoretry_for=(delivery.EmailFailed, OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=1800,
    **TASK_OPTIONS,
)
def deliver_digest(self, run_id: int) -> None:
    delivery.send_digest_email(run_id)
