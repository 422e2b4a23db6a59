"""Operational rows are deleted after their periods; the decision trail stays.

A year and a half after a busy autumn, beat's daily purge has removed the read notifications,
the delivered reminders of closed checkpoints and the finished webhook deliveries, and kept
everything still in use, everything unread or pending, and every decision and log row.
Notices to followers go once sent, briefings once their seat cannot be briefed again.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from notifications.models import Notification

from decisions.models import Decision
from organisations.models import Membership
from politics.models import Briefing
from politics.services import send_briefings
from privacy import tasks
from privacy.services import purge_expired
from reminders.following import send_follow_emails
from reminders.models import Checkpoint, DigestRun, Follow, FollowNotice, Reminder
from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..factories import MembershipFactory
from ..privacy_world import politician_with_history, secretary_with_history

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


# --- Notices to followers and briefings of new members ----------------------------------------


def test_sent_follow_notices_go_after_their_period_and_waiting_ones_stay(
    aarhus, copenhagen, settings
):
    history = politician_with_history(aarhus, copenhagen)
    person = history.person
    assert send_follow_emails() == 2  # the mandate's two notices are e-mailed
    sent = list(FollowNotice.objects.filter(recipient=person).values_list("pk", flat=True))
    digest = DigestRun.objects.create(
        person=person, date=timezone.localdate(), created_at=timezone.now(), email_status="sent"
    )
    carried = notice_to(person, history.followed, "carried", digest=digest)
    waiting = notice_to(person, history.followed, "waiting")
    half_a_year_on = timezone.now() + datetime.timedelta(days=200)

    settings.SPOR_RETENTION_FOLLOW_NOTICE_DAYS = 365
    with time_machine.travel(half_a_year_on, tick=False):
        assert purge_expired().counts["follow_notices"] == 0

    settings.SPOR_RETENTION_FOLLOW_NOTICE_DAYS = 180
    with time_machine.travel(half_a_year_on, tick=False):
        fresh = notice_to(person, history.followed, "fresh", email_status="sent")
        purged = purge_expired()

    assert purged.counts["follow_notices"] == 3
    assert not FollowNotice.objects.filter(pk__in=[*sent, carried.pk]).exists()
    # one still waiting for the day's digest, and one sent lately, stay
    assert set(FollowNotice.objects.values_list("pk", flat=True)) == {waiting.pk, fresh.pk}
    # following itself is not purged
    assert Follow.objects.filter(pk=history.follow.pk).exists()


def test_a_digest_carrying_notices_is_kept_as_long_as_they_are(aarhus, copenhagen, settings):
    history = politician_with_history(aarhus, copenhagen)
    digest = DigestRun.objects.create(
        person=history.person,
        date=timezone.localdate(),
        created_at=timezone.now(),
        email_status="sent",
    )
    carried = notice_to(history.person, history.followed, "carried", digest=digest)
    settings.SPOR_RETENTION_FOLLOW_NOTICE_DAYS = 1000
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400), tick=False):
        purge_expired()
    # the digest's period is over, but without it the notice would look undelivered
    assert DigestRun.objects.filter(pk=digest.pk).exists()
    carried.refresh_from_db()
    assert carried.digest_id == digest.pk


def test_a_briefing_goes_after_its_period_once_its_seat_cannot_be_briefed_again(aarhus, copenhagen):
    history = politician_with_history(aarhus, copenhagen)
    a_year_on = timezone.now() + datetime.timedelta(days=400)

    with time_machine.travel(a_year_on, tick=False):
        purge_expired()
    # the seat is still held in this electoral term: without the briefing, the member
    # would be briefed again
    assert Briefing.objects.filter(pk=history.briefing.pk).exists()

    # the seat ends; a newcomer is briefed that day
    ends = timezone.localdate() + datetime.timedelta(days=30)
    Membership.objects.filter(pk=history.briefing.membership_id).update(valid_to=ends)
    with time_machine.travel(a_year_on, tick=False):
        newcomer = MembershipFactory(
            person=aarhus.chair, committee=aarhus.other_committee, valid_from=ends
        )
        fresh = Briefing.objects.create(
            membership=newcomer,
            person=aarhus.chair,
            committee=aarhus.other_committee,
            term_start=newcomer.valid_from,
            created_at=timezone.now(),
        )
        purged = purge_expired()

    assert purged.counts["briefings"] == 1
    assert not Briefing.objects.filter(pk=history.briefing.pk).exists()
    assert Briefing.objects.filter(pk=fresh.pk).exists()


def test_the_next_electoral_term_ends_every_briefing_of_the_last(aarhus, copenhagen, settings):
    history = politician_with_history(aarhus, copenhagen)
    settings.SPOR_RETENTION_BRIEFING_DAYS = 30
    next_term = datetime.datetime(2030, 2, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(next_term, tick=False):
        assert purge_expired().counts["briefings"] == 1
    assert not Briefing.objects.filter(pk=history.briefing.pk).exists()
    assert send_briefings(on=next_term.date()) == []


def notice_to(person, innovation, event: str, **fields) -> FollowNotice:
    fields.setdefault("email_status", "skipped_digest")
    return FollowNotice.objects.create(
        recipient=person,
        innovation=innovation,
        kind="move",
        event=event,
        text=f"“{innovation.title}” moved.",
        created_at=timezone.now(),
        **fields,
    )


def test_a_digest_carrying_a_reminder_of_an_open_checkpoint_is_kept(old_history):
    """A checkpoint can stay open (overdue) for more than a year; its reminder, carried by a
    digest that long ago, keeps that digest, or the reminder would look as if still waiting
    and go out in the next digest again."""
    history, *_ = old_history
    Checkpoint.objects.filter(pk=history.checkpoint.pk).update(status="open")
    with time_machine.travel(AUTUMN, tick=False):
        digest = DigestRun.objects.create(
            person=history.person,
            date=timezone.localdate(),
            created_at=timezone.now(),
            email_status="sent",
        )
    Reminder.objects.filter(pk=history.reminder.pk).update(
        email_status="skipped_digest", digest=digest
    )
    with time_machine.travel(LATER, tick=False):
        purge_expired()
    assert DigestRun.objects.filter(pk=digest.pk).exists()
    reminder = Reminder.objects.get(pk=history.reminder.pk)
    assert reminder.digest_id == digest.pk
    assert not Reminder.objects.filter(
        email_status="skipped_digest", digest__isnull=True, pk=reminder.pk
    ).exists()
