"""Thin Celery tasks over the sweep, delivery and digest functions.

Every task is idempotent, acknowledged late and rejected (re-queued) when its worker dies,
so a killed worker's batch runs again and delivers only what was not yet delivered.
Nothing is ever scheduled far ahead in the broker: retries wait at most 30 minutes, and
the sweep finds everything else due in the database.
"""

from __future__ import annotations

from celery import shared_task

from . import delivery, digest
from .sweep import sweep

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="reminders.sweep", ignore_result=True, **TASK_OPTIONS)
def run_sweep() -> str:
    return sweep().summary()


@shared_task(name="reminders.send_digests", ignore_result=True, **TASK_OPTIONS)
def run_digests() -> int:
    return len(digest.send_digests().created)


@shared_task(bind=True, name="reminders.deliver", ignore_result=True, max_retries=8, **TASK_OPTIONS)
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
    autoretry_for=(delivery.EmailFailed,),
    retry_backoff=60,
    retry_backoff_max=1800,
    **TASK_OPTIONS,
)
def deliver_digest(self, run_id: int) -> None:
    delivery.send_digest_email(run_id)
