"""Reads the API needs beyond the apps' own selectors, scoped to what the caller may see.

Decisions, follow-ups and corrections are visible exactly when their innovation is; the
webhooks of an organisation only to its administrators.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from decisions import closed
from decisions.models import Correction, Decision, FollowUp
from innovations import permissions
from innovations.selectors import visible_innovations
from webhooks.models import WebhookDelivery, WebhookEndpoint


def _visible_innovation_ids(user):
    return visible_innovations(user).select_related(None).order_by().values("pk")


def _corrections():
    return Prefetch("corrections", queryset=Correction.objects.order_by("recorded_at", "id"))


def visible_decisions(user) -> QuerySet[Decision]:
    queryset = (
        Decision.objects.visible_to(user)
        .select_related("meeting", "agenda_entry")
        .prefetch_related(_corrections())
    )
    if user.is_superuser:
        return queryset
    return closed.visible_records(queryset, user)


def visible_follow_ups(user) -> QuerySet[FollowUp]:
    queryset = (
        FollowUp.objects.visible_to(user)
        .select_related("meeting", "agenda_entry")
        .prefetch_related(_corrections())
    )
    if user.is_superuser:
        return queryset
    return closed.visible_records(queryset, user)


def visible_corrections(user) -> QuerySet[Correction]:
    # the records with all their corrections: each correction says what it changed (before
    # → after), which needs the record and the corrections before it
    queryset = Correction.objects.select_related("decision", "follow_up").prefetch_related(
        "decision__corrections", "follow_up__corrections"
    )
    if user.is_superuser:
        return queryset
    ids = _visible_innovation_ids(user)
    return closed.visible_corrections(
        queryset.filter(decision__innovation__in=ids)
        | queryset.filter(follow_up__innovation__in=ids),
        user,
    )


def visible_webhooks(user) -> QuerySet[WebhookEndpoint]:
    """An organisation's webhooks; non-administrators get a 403 from the view first."""
    if not user.organisation_id:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(organisation_id=user.organisation_id)


def visible_deliveries(user) -> QuerySet[WebhookDelivery]:
    if not user.organisation_id:
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(endpoint__organisation_id=user.organisation_id)


def may_manage_webhooks(user) -> bool:
    return permissions.is_administrator_of(user, user.organisation_id)
