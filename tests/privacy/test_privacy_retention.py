"""Operational rows are deleted after their periods; the decision trail stays.

A year and a half after a busy autumn, beat's daily purge has removed the read notifications,
the delivered reminders of closed checkpoints and the finished webhook deliveries, and kept
everything still in use, everything unread or pending, and every decision and log row.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from notifications.models import Notification

from decisions.models import Decision
from privacy import tasks
from privacy.services import purge_expired
from reminders.models import Checkpoint, Reminder
from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..privacy_world import secretary_with_history

pytestmark = pytest.mark.django_db

AUTUMN = datetime.datetime(2025, 10, 1, 9, tzinfo=datetime.UTC)
LATER = datetime.datetime(2027, 4, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def old_history(aarhus):
    with time_machine.travel(AUTUMN, tick=False):
        history = secretary_with_history(aarhus)
        read = Notification.objects.create(
            recipient=history.person,
            actor_content_type=history.notification.actor_content_type,
            actor_object_id=history.notification.actor_object_id,
            verb="read long ago",
            unread=False,
        )
        endpoint = WebhookEndpoint.objects.create(
            organisation=aarhus.organisation, url="https://esdh.example.dk/hook"
        )
        delivered = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="decision.recorded", payload={}, status="delivered"
        )
        pending = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="decision.recorded", payload={}, status="retrying"
        )
    Checkpoint.objects.filter(pk=history.checkpoint.pk).update(
        status="completed", next_reminder_at=None
    )
    return history, read, delivered, pending


def test_the_purge_deletes_what_has_served_and_keeps_the_trail(old_history):
    history, read, delivered, pending = old_history
    with time_machine.travel(LATER, tick=False):
        fresh = Notification.objects.create(
            recipient=history.person,
            actor_content_type=read.actor_content_type,
            actor_object_id=read.actor_object_id,
            verb="read today",
            unread=False,
        )
        purged = purge_expired()

    assert purged.counts["notifications"] == 1
    assert not Notification.objects.filter(pk=read.pk).exists()
    # unread, or read recently: kept
    assert Notification.objects.filter(pk__in=[history.notification.pk, fresh.pk]).count() == 2
    assert not Reminder.objects.filter(pk=history.reminder.pk).exists()
    assert not WebhookDelivery.objects.filter(pk=delivered.pk).exists()
    assert WebhookDelivery.objects.filter(pk=pending.pk).exists()
    # the decision trail is never purged
    assert Decision.objects.filter(pk=history.decision.pk).exists()
    assert Checkpoint.objects.filter(pk=history.checkpoint.pk).exists()


def test_nothing_is_deleted_before_its_period(old_history):
    history, read, _delivered, _pending = old_history
    with time_machine.travel(AUTUMN + datetime.timedelta(days=30), tick=False):
        purged = purge_expired()
    assert sum(purged.counts.values()) == 0
    assert Notification.objects.filter(pk=read.pk).exists()
    assert Reminder.objects.filter(pk=history.reminder.pk).exists()


def test_a_reminder_of_an_open_checkpoint_is_kept(old_history):
    history, *_ = old_history
    Checkpoint.objects.filter(pk=history.checkpoint.pk).update(status="open")
    with time_machine.travel(LATER, tick=False):
        purge_expired()
    assert Reminder.objects.filter(pk=history.reminder.pk).exists()


def test_the_periods_are_settings(old_history, settings):
    _history, read, *_ = old_history
    settings.SPOR_RETENTION_READ_NOTIFICATION_DAYS = 1000
    with time_machine.travel(LATER, tick=False):
        purge_expired()
    assert Notification.objects.filter(pk=read.pk).exists()


def test_beat_runs_the_purge_daily(old_history):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-purge-expired"]
    assert entry["task"] == "privacy.purge_expired" == tasks.purge_expired.name
    assert entry["schedule"] == 24 * 60 * 60
    _history, read, *_ = old_history
    with time_machine.travel(LATER, tick=False):
        assert "notifications=1" in tasks.purge_expired.apply().get()
    assert not Notification.objects.filter(pk=read.pk).exists()
    assert timezone.now()
