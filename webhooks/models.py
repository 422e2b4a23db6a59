"""Outbound webhooks: where an organisation's events go, and every attempt to deliver them.

The tables keep the names they had in the ``api`` app (``db_table``); migration
``webhooks/0001`` took the models over without touching a row.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    DECISION_RECORDED = "decision.recorded", _("A decision was recorded")
    FOLLOW_UP_RECORDED = "follow_up.recorded", _("A follow-up was recorded")
    TRANSITION_APPLIED = "transition.applied", _("A transition was applied")
    CHECKPOINT_OVERDUE = "checkpoint.overdue", _("A checkpoint became overdue")


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """A URL, registered by an administrator, that receives the organisation's events."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=1000)
    secret = models.CharField(_("signing secret"), max_length=128, default=new_webhook_secret)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    closed_items = models.BooleanField(
        _("allowed to receive closed items"),
        default=False,
        help_text=_(
            "Only for a system that keeps closed items (lukkede punkter) closed, such as the "
            "case system: it then also receives the decisions and follow-ups taken on them."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "api_webhookendpoint"
        ordering = ["organisation", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["organisation", "active"])]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint, with the outcome of the latest attempt."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    event_type = models.CharField(_("event type"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    # The receiver's answer is never stored or shown: only its status code, and for a
    # failure the status line or the connection error (what an administrator needs).
    error = models.TextField(_("error"), blank=True)
    replay_of = models.ForeignKey(
        "self",
        verbose_name=_("replay of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replays",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        db_table = "api_webhookdelivery"
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["endpoint", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class CheckpointOverdueEvent(models.Model):
    """The proof that ``checkpoint.overdue`` was emitted for a checkpoint: once, ever."""

    checkpoint = models.OneToOneField(
        "reminders.Checkpoint",
        verbose_name=_("checkpoint"),
        on_delete=models.CASCADE,
        related_name="overdue_event",
    )
    created_at = models.DateTimeField(_("emitted at"), auto_now_add=True)

    class Meta:
        db_table = "api_checkpointoverdueevent"
        verbose_name = _("overdue event")
        verbose_name_plural = _("overdue events")

    def __str__(self) -> str:
        return f"{self.checkpoint_id} @ {self.created_at:%Y-%m-%d %H:%M}"
