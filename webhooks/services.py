"""Outbound webhooks: registering endpoints, recording events, replaying them.

``emit_event`` records one delivery per subscribed endpoint inside the caller's
transaction and enqueues the sending after commit, so a rolled-back decision never leaves
the building. The sending itself is ``delivery.send_delivery``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations import permissions

from . import outbound
from .delivery import enqueue
from .models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

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
    if organisation_id is None or not permissions.is_administrator_of(actor, organisation_id):
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
    transaction.on_commit(lambda: enqueue(ids))
    return ids


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


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
        transaction.on_commit(lambda: enqueue([replay.pk]))
    return replay


# --- Sweeps (beat) --------------------------------------------------------------------------


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
    enqueue(ids)
    return len(ids)
