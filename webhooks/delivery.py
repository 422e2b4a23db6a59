"""Sending webhook deliveries: the Celery task and the claim-and-mark function it runs.

``send_delivery`` acts only when its conditional update claimed the row, whatever number of
workers hold the same task. The task lives here, beside its work, rather than in
``tasks.py``: the services enqueue it, and ``tasks.py`` (beat's sweep) calls the services.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import time

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone

from . import outbound
from .models import DeliveryStatus, WebhookDelivery

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10
ERROR_LENGTH = 300


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the given number of failed attempts: 30 s, 2, 8, 32 min, ..."""
    return 30 * 4 ** max(attempts - 1, 0)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over ``f"{timestamp}.{body}"``: what a receiver recomputes to verify."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def send_delivery(delivery_id: int) -> WebhookDelivery | None:
    """Try one delivery now. Returns it after the attempt, or None when another worker has it.

    Claim: ``pending``/``retrying`` → ``sending`` in one conditional UPDATE. The HTTP call
    runs outside any transaction; its outcome is then written with ``update_fields``.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(pk=delivery_id),
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now),
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if claimed != 1:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = request_body(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Spor-Webhooks/1",
        "X-Spor-Event": delivery.event_type,
        "X-Spor-Event-Id": str(delivery.event_id),
        "X-Spor-Timestamp": timestamp,
        "X-Spor-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    code: int | None = None
    error = ""
    refused = False
    try:
        answer = outbound.post(delivery.endpoint.url, body, headers, timeout=TIMEOUT_SECONDS)
        code = answer.status
        if not 200 <= code < 300:
            error = answer.status_line
    except outbound.HostNotFound as exc:  # DNS may answer again later
        error = str(exc)[:ERROR_LENGTH]
    except outbound.RefusedDestination as exc:
        refused = True
        error = str(exc)[:ERROR_LENGTH]
    except (OSError, http.client.HTTPException) as exc:
        error = (str(exc) or type(exc).__name__)[:ERROR_LENGTH]
    delivery.response_code = code
    delivery.error = error
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif (
        refused
        or delivery.attempts >= MAX_ATTEMPTS
        # a redirect is never followed: the receiver's URL is wrong, retrying will not help
        or (code is not None and 300 <= code < 400)
        or (code is not None and 400 <= code < 500 and code not in (408, 429))
    ):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(
            seconds=retry_delay(delivery.attempts)
        )
    delivery.save(
        update_fields=[
            "status",
            "response_code",
            "error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return delivery


# The name it had in the api app, so tasks queued before an upgrade are still run.
@shared_task(name="api.tasks.deliver_webhook", bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> str | None:
    """Send one webhook delivery; when it asks for a retry, come back after its backoff."""
    delivery = send_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == DeliveryStatus.RETRYING:
        raise self.retry(countdown=retry_delay(delivery.attempts))
    return delivery.status


def enqueue(ids: list[int], countdown: int | None = None) -> None:
    for pk in ids:
        deliver_webhook.apply_async(args=[pk], countdown=countdown)
