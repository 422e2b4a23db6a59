"""Thin Celery tasks for beat over the sweep, the backstop and the digest check. The delivery
tasks they hand work to are in ``queue.py``, below the sweep and the digest that enqueue them.

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

from . import digest, following
from .queue import TASK_OPTIONS
from .sweep import backstop, sweep

logger = logging.getLogger(__name__)


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


@shared_task(name="reminders.follow_notices_catch_up", ignore_result=True, **TASK_OPTIONS)
def follow_notices_catch_up() -> int:
    """Beat's catch-up: every pending notice whose task was lost."""
    return following.send_follow_emails(None)
