"""Reading audit events: the administrator's audit page, its CSV, the innovation's timeline.

Each event gets ``field_changes``: (field label, before, after) in the reader's language and
date format, foreign keys by name. The related names are fetched in one query per related
model whatever the number of events, so a page costs a fixed number of queries.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core import permissions

from .models import AuditEvent

# The object types an administrator filters by (app label, model).
AUDITED_MODELS = [
    ("innovations", "innovation"),
    ("organisations", "committee"),
    ("organisations", "meeting"),
    ("organisations", "membership"),
    ("organisations", "user"),
    ("reminders", "reminderpolicy"),
    ("reminders", "checkpointrule"),
    ("webhooks", "webhookendpoint"),
]


@dataclasses.dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class Filters:
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    content_type_id: int | None = None
    actor_id: int | None = None


def audited_content_types() -> list[ContentType]:
    by_key = ContentType.objects.get_for_models(
        *[_model(app, name) for app, name in AUDITED_MODELS]
    )
    return sorted(by_key.values(), key=lambda ct: str(ct.model_class()._meta.verbose_name))


def _model(app_label: str, name: str) -> type[models.Model]:
    return apps.get_model(app_label, name)


def events_for_administrator(user, filters: Filters = Filters()) -> QuerySet[AuditEvent]:
    """The organisation's events, newest first; nothing for anyone but its administrators."""
    if not permissions.is_administrator_of(user, user.organisation_id):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(organisation_id=user.organisation_id)
    if filters.period_from:
        events = events.filter(at__date__gte=filters.period_from)
    if filters.period_to:
        events = events.filter(at__date__lte=filters.period_to)
    if filters.content_type_id:
        events = events.filter(content_type_id=filters.content_type_id)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    return events.select_related("actor", "content_type").order_by("-at", "-id")


def events_for_innovation(innovation) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(innovation=innovation).select_related(
        "actor", "content_type"
    )
    return with_field_changes(events)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field: models.Field | None, value: Any, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else str(value)
    if isinstance(field, models.DateField):
        day = parse_date(str(value))
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else str(value)
    if isinstance(field, models.DecimalField):
        try:
            return formats.number_format(Decimal(str(value)), force_grouping=True)
        except InvalidOperation:
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def with_field_changes(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Attach ``field_changes`` to each event, related objects named in one query per model."""
    events = list(events)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        model = event.content_type.model_class()
        for name, values in event.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model:
                wanted[field.related_model].update(v for v in values if v is not None)
    names: dict = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = str(obj)
    for event in events:
        model = event.content_type.model_class()
        changes = []
        for name, (before, after) in sorted(event.changes.items()):
            field = _field(model, name)
            label = str(field.verbose_name) if field is not None else name
            changes.append(
                FieldChange(
                    name,
                    label[:1].upper() + label[1:],
                    _display(field, before, names),
                    _display(field, after, names),
                )
            )
        event.field_changes = changes
        event.object_type = str(model._meta.verbose_name) if model else event.content_type.model
    return events
