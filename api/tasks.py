"""Celery tasks of the API: thin wrappers over ``api.services``."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import DeliveryStatus


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> str | None:
    """Send one webhook delivery; when it asks for a retry, come back after its backoff."""
    delivery = services.send_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == DeliveryStatus.RETRYING:
        raise self.retry(countdown=services.retry_delay(delivery.attempts))
    return delivery.status


@shared_task(name="api.webhook_sweep", ignore_result=True)
def webhook_sweep() -> tuple[int, int]:
    """From beat: emit newly overdue checkpoints, and requeue deliveries whose task was lost."""
    return services.emit_overdue_checkpoint_events(), services.requeue_stalled_deliveries()
