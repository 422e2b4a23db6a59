"""Celery tasks of the webhooks: thin wrappers for beat. The delivery task itself is in
``delivery.py``, beside the work it runs."""

from __future__ import annotations

from celery import shared_task

from . import events, services


@shared_task(name="api.webhook_sweep", ignore_result=True)
def webhook_sweep() -> tuple[int, int]:
    """From beat: emit newly overdue checkpoints, and requeue deliveries whose task was lost."""
    return events.emit_overdue_checkpoint_events(), services.requeue_stalled_deliveries()
