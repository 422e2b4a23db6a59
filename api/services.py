"""Outbound webhooks: registering endpoints, recording events, delivering and replaying them.

``emit_event`` records one delivery per subscribed endpoint inside the caller's
transaction and enqueues the sending after commit, so a rolled-back decision never leaves
the building. ``send_delivery`` is a claim-and-mark function: it acts only when its
conditional update claimed the row, whatever number of workers hold the same task.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import time
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from innovations import permissions
from innovations.errors import NotFound, PermissionDenied, ValidationFailed

from . import outbound
from .models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

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


# --- Endpoints ------------------------------------------------------------------------------


def _clean_endpoint(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "url" in data:
        url = (data["url"] or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
            # Resolved and checked now, and again at every delivery (the name may change).
            outbound.check_url(url)
            cleaned["url"] = url
        except DjangoValidationError:
            errors["url"] = [_("Enter an http or https URL.")]
        except outbound.RefusedDestination as exc:
            errors["url"] = [str(exc)]
    if "events" in data:
        events = data["events"]
        if not isinstance(events, list | tuple) or not events:
            errors["events"] = [_("Choose one or more events.")]
        elif unknown := [e for e in events if e not in Event.values]:
            errors["events"] = [
                _("Unknown: %(unknown)s. Choose from %(values)s.")
                % {"unknown": ", ".join(map(str, unknown)), "values": ", ".join(Event.values)}
            ]
        else:
            cleaned["events"] = [e for e in Event.values if e in events]
    if "active" in data:
        cleaned["active"] = bool(data["active"])
    if "closed_items" in data:
        cleaned["closed_items"] = bool(data["closed_items"])
    if "description" in data:
        cleaned["description"] = (data["description"] or "").strip()[:200]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _require_administrator(actor) -> int:
    organisation_id = actor.organisation_id if actor and actor.is_authenticated else None
    if not permissions.is_administrator_of(actor, organisation_id):
        raise PermissionDenied(_("Only administrators manage webhooks."))
    return organisation_id


def register_webhook(
    *,
    actor,
    url: str,
    events: list[str],
    description: str = "",
    active: bool = True,
    closed_items: bool = False,
) -> WebhookEndpoint:
    """An administrator registers a URL for some of the organisation's events; with
    ``closed_items``, it also receives the decisions and follow-ups on closed items."""
    organisation_id = _require_administrator(actor)
    cleaned = _clean_endpoint(
        {
            "url": url,
            "events": events,
            "description": description,
            "active": active,
            "closed_items": closed_items,
        }
    )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=organisation_id, created_by=actor, **cleaned
        )
        audit.record_change(
            actor=actor, instance=endpoint, before=None, after=audit.snapshot(endpoint)
        )
    return endpoint


def _locked_endpoint(actor, endpoint: WebhookEndpoint | int) -> WebhookEndpoint:
    pk = endpoint.pk if isinstance(endpoint, WebhookEndpoint) else endpoint
    found = WebhookEndpoint.objects.select_for_update().filter(pk=pk).first()
    if found is None or not permissions.is_member_of_organisation(actor, found.organisation_id):
        raise NotFound(_("The webhook does not exist."))
    _require_administrator(actor)
    return found


def update_webhook(*, actor, endpoint: WebhookEndpoint | int, **data: Any) -> WebhookEndpoint:
    unknown = set(data) - {"url", "events", "description", "active", "closed_items"}
    if unknown:
        raise ValidationFailed({key: [_("This field cannot be set here.")] for key in unknown})
    with transaction.atomic():
        locked = _locked_endpoint(actor, endpoint)
        cleaned = _clean_endpoint(data)
        changed = [key for key, value in cleaned.items() if getattr(locked, key) != value]
        if changed:
            before = audit.snapshot(locked, changed)
            for key in changed:
                setattr(locked, key, cleaned[key])
            locked.save(update_fields=changed)
            audit.record_change(
                actor=actor, instance=locked, before=before, after=audit.snapshot(locked, changed)
            )
    return locked


def delete_webhook(*, actor, endpoint: WebhookEndpoint | int) -> None:
    with transaction.atomic():
        locked = _locked_endpoint(actor, endpoint)
        before = audit.snapshot(locked)
        audit.record_change(actor=actor, instance=locked, before=before, after=None)
        locked.delete()


# --- Events ---------------------------------------------------------------------------------


def emit_event(
    *,
    organisation_id: int,
    event_type: str,
    data: dict[str, Any],
    closed: bool = False,
    open_only: bool = False,
) -> list[int]:
    """Record the event for every active endpoint that wants it; send each after commit.

    An event about a closed agenda item (``closed``) goes only to the endpoints allowed to
    receive closed items; ``open_only``, only to the others (its version without the closed
    item's evidence).
    """
    if event_type not in Event.values:
        raise ValueError(f"unknown event type {event_type!r}")
    wanted = WebhookEndpoint.objects.filter(
        organisation_id=organisation_id, active=True, events__contains=[event_type]
    )
    if closed:
        wanted = wanted.filter(closed_items=True)
    elif open_only:
        wanted = wanted.filter(closed_items=False)
    endpoints = list(wanted.only("pk"))
    if not endpoints:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, event_type=event_type, payload=_jsonable(data))
            for endpoint in endpoints
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _enqueue(ids: list[int], countdown: int | None = None) -> None:
    from .tasks import deliver_webhook

    for pk in ids:
        deliver_webhook.apply_async(args=[pk], countdown=countdown)


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


def replay_delivery(*, actor, delivery: WebhookDelivery | int) -> WebhookDelivery:
    """Send an event again, as a new delivery with the same event id (receivers deduplicate)."""
    pk = delivery.pk if isinstance(delivery, WebhookDelivery) else delivery
    with transaction.atomic():
        original = (
            WebhookDelivery.objects.select_related("endpoint")
            .select_for_update()
            .filter(pk=pk)
            .first()
        )
        if original is None or not permissions.is_member_of_organisation(
            actor, original.endpoint.organisation_id
        ):
            raise NotFound(_("The delivery does not exist."))
        _require_administrator(actor)
        replay = WebhookDelivery.objects.create(
            endpoint=original.endpoint,
            event_id=original.event_id,
            event_type=original.event_type,
            payload=original.payload,
            replay_of=original,
        )
        transaction.on_commit(lambda: _enqueue([replay.pk]))
    return replay


# --- Sweeps (beat) --------------------------------------------------------------------------


def _subscribed_organisations(event_type: str) -> list[int]:
    return sorted(
        {
            organisation_id
            for organisation_id, events in WebhookEndpoint.objects.filter(active=True).values_list(
                "organisation_id", "events"
            )
            if event_type in (events or [])
        }
    )


def emit_overdue_checkpoint_events(*, limit: int = 500) -> int:
    """Emit ``checkpoint.overdue`` once for each open checkpoint past its due date.

    Only for organisations with an endpoint that wants it. The ``CheckpointOverdueEvent``
    row, unique per checkpoint, is written in the same transaction as the deliveries: it is
    the proof, whatever number of beats or workers run this.
    """
    from reminders.selectors import overdue_checkpoints

    from . import events
    from .models import CheckpointOverdueEvent

    organisations = _subscribed_organisations(Event.CHECKPOINT_OVERDUE)
    if not organisations:
        return 0
    candidates = list(
        overdue_checkpoints()
        .filter(innovation__organisation_id__in=organisations, overdue_event__isnull=True)
        .select_related("innovation")
        .order_by("due_date", "id")[:limit]
    )
    emitted = 0
    for checkpoint in candidates:
        with transaction.atomic():
            _proof, created = CheckpointOverdueEvent.objects.get_or_create(checkpoint=checkpoint)
            if created:
                events.checkpoint_overdue(checkpoint=checkpoint)
                emitted += 1
    return emitted


def requeue_stalled_deliveries(
    *, stalled_after: datetime.timedelta = datetime.timedelta(minutes=5), limit: int = 1000
) -> int:
    """Hand deliveries whose task was lost (broker down at commit, worker killed) to Celery
    again. A delivery stuck in ``sending`` goes back to ``retrying``: the receiver may get it
    twice, and deduplicates on the event id."""
    now = timezone.now()
    cutoff = now - stalled_after
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, last_attempt_at__lte=now - 3 * stalled_after
    ).update(status=DeliveryStatus.RETRYING, next_attempt_at=now)
    ids = list(
        WebhookDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lte=cutoff)
            | Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=cutoff)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue(ids)
    return len(ids)
