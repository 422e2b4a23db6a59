"""Writing audit events: called by the services inside their transaction.

A service that changes an administrative object takes ``snapshot(instance)`` before the change
and calls ``record_change`` after it; the event and its hash-chain entry are written in the
same transaction, so a change that rolls back leaves no event and a change never lacks one.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.signals import notify

from core.enums import Role

from . import chain
from .models import AuditAction, AuditEvent

# Never copied into an event: secrets and values that only change by themselves.
UNAUDITED_FIELDS = {
    "password",
    "secret",
    "calendar_token",
    "last_login",
    "updated_at",
    "search_vector",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict[str, Any]:
    """The instance's audited field values (foreign keys by id) as JSON-ready values."""
    if instance is None:
        return {}
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in UNAUDITED_FIELDS:
            continue
        if fields is not None and field.name not in fields:
            continue
        result[field.name] = _jsonable(getattr(instance, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record_change(
    *,
    actor,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    action: str | None = None,
    organisation_id: int | None = None,
    innovation_id: int | None = None,
) -> AuditEvent | None:
    """Record who changed ``instance`` and how; nothing when no audited field changed.

    ``before`` is None for a created object, ``after`` None for a deleted one (their
    snapshots otherwise). The organisation is the instance's own unless given.
    """
    before_values = before or {}
    after_values = after or {}
    changes = diff(before_values, after_values)
    if action is None:
        action = (
            AuditAction.CREATED
            if before is None
            else AuditAction.DELETED
            if after is None
            else AuditAction.CHANGED
        )
    if action == AuditAction.CHANGED and not changes:
        return None
    if organisation_id is None:
        organisation_id = organisation_of(instance)
    with transaction.atomic():
        event = AuditEvent.objects.create(
            organisation_id=organisation_id,
            # an anonymous or unsaved actor (the operator at the shell) is recorded as none
            actor=actor if getattr(actor, "is_authenticated", False) and actor.pk else None,
            at=timezone.now(),
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            action=action,
            changes=changes,
            innovation_id=innovation_id,
        )
        chain.append(event)
    return event


def organisation_of(instance: models.Model) -> int | None:
    """The organisation an administrative object belongs to, along its foreign keys."""
    for path in ("organisation_id", "committee.organisation_id"):
        value: Any = instance
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def report_tampering() -> list[chain.Finding]:
    """Verify the chains and notify each organisation's administrators of what was found.

    Findings that belong to no organisation go to the superusers. Run daily by beat
    (``audit.verify``) and by ``manage.py verify_audit --notify``.
    """
    findings = chain.verify()
    by_organisation: dict[int | None, list[chain.Finding]] = {}
    for finding in findings:
        by_organisation.setdefault(finding.organisation_id, []).append(finding)
    for organisation_id, found in by_organisation.items():
        recipients = get_user_model().objects.filter(is_active=True).select_related("organisation")
        recipients = (
            recipients.filter(organisation_id=organisation_id, role=Role.ADMINISTRATOR)
            if organisation_id
            else recipients.filter(is_superuser=True)
        )
        recipients = list(recipients)
        if not recipients:
            continue
        notify.send(
            recipients[0].organisation if organisation_id else recipients[0],
            recipient=recipients,
            verb="audit_tampering",
            description=_(
                "The audit check found %(count)d records changed, removed or added outside Spor."
            )
            % {"count": len(found)},
            findings=[str(finding) for finding in found[:50]],
        )
    return findings


def save_audited(*, actor, instance: models.Model, save: Callable[[], None]) -> AuditEvent | None:
    """Save an object edited in a form (the Django admin) and record how it changed.

    The stored row is locked and read first, so the event's "before" is what was replaced.
    """
    model = type(instance)
    with transaction.atomic():
        before = None
        if not instance._state.adding and instance.pk is not None:
            stored = model._base_manager.select_for_update().filter(pk=instance.pk).first()
            before = snapshot(stored) if stored is not None else None
        save()
        return record_change(
            actor=actor, instance=instance, before=before, after=snapshot(instance)
        )


def delete_audited(*, actor, instance: models.Model, delete: Callable[[], Any]) -> None:
    """Delete an object from a form and record what it held."""
    with transaction.atomic():
        record_change(actor=actor, instance=instance, before=snapshot(instance), after=None)
        delete()
