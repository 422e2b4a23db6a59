"""The API's operational rows under the retention periods (registered with ``privacy``)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from privacy.services import retention_period
from reminders.models import CheckpointStatus

from .models import CheckpointOverdueEvent, DeliveryStatus, WebhookDelivery


def expired_webhook_deliveries(now: datetime.datetime) -> QuerySet:
    """Finished deliveries (delivered, or failed for good) older than their period."""
    return WebhookDelivery.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_WEBHOOK_DELIVERY_DAYS"),
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
    )


def expired_overdue_events(now: datetime.datetime) -> QuerySet:
    """The "emitted once" markers of checkpoints closed since (an open one keeps its own)."""
    return CheckpointOverdueEvent.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_REMINDER_DAYS")
    ).exclude(checkpoint__status=CheckpointStatus.OPEN)
