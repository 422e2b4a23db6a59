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
