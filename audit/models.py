"""Audit events of administrative changes, and the hash chain over every recorded row.

``AuditEvent`` and ``ChainEntry`` are append-only like the evidence: the model layer refuses
changes (``ImmutableRecord``) and a database trigger (migration 0001) refuses ``UPDATE`` and
``DELETE``. ``ChainHead`` is the one mutable row per chain: the lock that keeps two appending
transactions from forking it, and the last hash (checked against the entries).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.records import ImmutableRecord


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class AuditEvent(ImmutableRecord):
    """Who changed what, when, in which organisation: each field's value before and after."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    # {field name: [before, after]}, values as JSON (dates as ISO strings, objects by id)
    changes = models.JSONField(_("changes"), default=dict)
    # The innovation the change belongs to, for its timeline (its own fields, its sharing).
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organisation", "at"]),
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["innovation", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.get_action_display()}"


class ChainHead(models.Model):
    """The end of one chain (``chain`` is the organisation's id, 0 for rows of none)."""

    chain = models.PositiveIntegerField(primary_key=True)
    length = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("hash chain")
        verbose_name_plural = _("hash chains")

    def __str__(self) -> str:
        return f"{self.chain}: {self.length}"


class ChainEntry(ImmutableRecord):
    """One recorded row in its organisation's chain.

    ``content_hash`` is SHA-256 over the row's ``fields`` as canonical JSON; ``hash`` is SHA-256
    over the previous entry's hash, the row's model and id and its content hash.
    """

    chain = models.PositiveIntegerField(_("chain"))
    position = models.PositiveIntegerField(_("position"))
    model = models.CharField(_("model"), max_length=100)
    row_id = models.BigIntegerField(_("row"))
    fields = models.JSONField(_("fields"), default=list)
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["chain", "position"]
        verbose_name = _("hash chain entry")
        verbose_name_plural = _("hash chain entries")
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="chain_position_unique"),
            models.UniqueConstraint(fields=["model", "row_id"], name="chain_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.position} {self.model} {self.row_id}"
