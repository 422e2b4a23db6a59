"""Thin Celery tasks over the sweep, delivery and digest functions.

Every task is idempotent, acknowledged late and rejected (re-queued) when its worker dies,
so a killed worker's batch runs again and delivers only what was not yet delivered.
Nothing is ever scheduled far ahead in the broker: retries wait at most 30 minutes, and
the sweep finds everything else due in the database.

Beat's tasks (the sweep, the backstop, the digest check) go to their own queue
(``settings.SPOR_SWEEP_QUEUE``, see ``CELERY_TASK_ROUTES``), so a delivery backlog never
holds them back past their expiry. Delivery retries on a lost database connection
(PostgreSQL restarting, a failover) with backoff instead of dropping the batch.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import delivery, digest
from .sweep import backstop, sweep

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}
# A database that is away: 2, 4, 8 ... at most 120 s between tries, eight tries (about
# 6 minutes); whatever is left after that the backstop hands over again.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": False,
}


@shared_task(name="reminders.sweep", ignore_result=True, **TASK_OPTIONS)
def run_sweep() -> str:
    report = sweep()
    if report.handover_failed:
        logger.error("reminder sweep: %s", report.summary())
    return report.summary()


@shared_task(name="reminders.backstop", ignore_result=True, **TASK_OPTIONS)
def run_backstop() -> str:
    return backstop().summary()


@shared_task(name="reminders.send_digests", ignore_result=True, **TASK_OPTIONS)
def run_digests() -> int:
    return len(digest.send_digests().created)


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


@shared_task(name="reminders.send_follow_notices", ignore_result=True, **TASK_OPTIONS)
def send_follow_notices(notice_ids: list[int]) -> int:
    """E-mail these notices to followers (enqueued after the event's commit)."""
    from .following import send_follow_emails

    return send_follow_emails(notice_ids)


@shared_task(name="reminders.follow_notices_catch_up", ignore_result=True, **TASK_OPTIONS)
def follow_notices_catch_up() -> int:
    """Beat's catch-up: every pending notice whose task was lost."""
    from .following import send_follow_emails

    return send_follow_emails(None)
