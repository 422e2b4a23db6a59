"""Reads that must not grow with the rows: the notification list, the unread count, and the
sweep's way in, through the partial index on open checkpoints' next reminder."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from notifications.models import Notification

from innovations.models import Innovation
from reminders import selectors
from reminders.models import Checkpoint, Reminder

from ..factories import InnovationFactory, UserFactory
from ..reminders_world import local

pytestmark = pytest.mark.django_db


def notify(person, checkpoints: list[Checkpoint]) -> None:
    checkpoint_type = ContentType.objects.get_for_model(Checkpoint)
    innovation_type = ContentType.objects.get_for_model(Innovation)
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            actor_content_type=innovation_type,
            actor_object_id=str(c.innovation_id),
            verb="Opfølgning om 3 dage",
            target_content_type=checkpoint_type,
            target_object_id=str(c.pk),
            action_object_content_type=innovation_type,
            action_object_object_id=str(c.innovation_id),
        )
        for c in checkpoints
    )


def checkpoints(world, count: int) -> list[Checkpoint]:
    return Checkpoint.objects.bulk_create(
        Checkpoint(
            innovation=InnovationFactory(committee=world.committee),
            kind="follow_up",
            committee=world.committee,
            due_date=datetime.date(2026, 12, 14),
            source="manual",
        )
        for _ in range(count)
    )


def render(notifications) -> list[str]:
    """What a list shows: each notification's checkpoint, innovation and committee."""
    return [
        f"{n.verb}: {n.target.get_kind_display()} {n.target.due_date} "
        f"{n.target.innovation.title} ({n.target.committee.name})"
        for n in notifications
    ]


def test_the_notification_list_takes_the_same_queries_for_two_or_thirty(
    copenhagen, django_assert_num_queries
):
    politician = copenhagen.politician
    notify(politician, checkpoints(copenhagen, 2))
    with django_assert_num_queries(2) as few:  # notifications; checkpoints with the rest
        assert len(render(selectors.notifications_for(politician))) == 2
    notify(politician, checkpoints(copenhagen, 28))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(render(selectors.notifications_for(politician))) == 30


def explain(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_unread_count_uses_the_recipient_unread_index(copenhagen):
    some = checkpoints(copenhagen, 60)
    for person in (copenhagen.politician, copenhagen.chair, copenhagen.secretary):
        notify(person, some)
    Notification.objects.filter(recipient=copenhagen.chair).update(unread=False)
    Notification.objects.filter(pk__in=Notification.objects.filter(
        recipient=copenhagen.politician).values("pk")[:40]).update(unread=False)  # fmt: skip
    # a politician's history is mostly read: with only a few dozen rows the planner's choice
    # between this index and the plain recipient index was a coin toss on a loaded machine
    # while others have many unread ones
    for _ in range(40):
        notify(copenhagen.politician, some)
        notify(copenhagen.secretary, some)
    Notification.objects.filter(recipient=copenhagen.politician, unread=True).exclude(
        pk__in=Notification.objects.filter(recipient=copenhagen.politician, unread=True)
        .order_by("pk")
        .values("pk")[:20]
    ).update(unread=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    with CaptureQueriesContext(connection) as counted:
        assert selectors.unread_count(copenhagen.politician) == 20
    [query] = counted.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notificatio_recipie_8bedf2_idx" in plan, plan  # the (recipient, unread) index


def test_the_sweep_finds_due_checkpoints_through_the_partial_index(copenhagen):
    from reminders.sweep import _due_batch

    queryset = (
        Checkpoint.objects.filter(status="open", next_reminder_at__lte=local(2026, 12, 1, 8))
        .order_by("next_reminder_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))[:500]
    )
    plan = explain(queryset)
    assert "checkpoint_due_reminder_idx" in plan, plan
    assert _due_batch(local(2026, 12, 1, 8), 500, lock=False) == []


def test_the_backstop_finds_stuck_emails_through_the_index_of_emails_being_sent(copenhagen):
    from reminders.sweep import stuck_emails

    # given many reminders waiting for delivery and two e-mails a worker is sending
    waiting = [
        Reminder(
            checkpoint=checkpoint,
            recipient=copenhagen.politician,
            stage="due",
            scheduled_for=local(2026, 12, 14, 8),
            created_at=local(2026, 12, 14, 8),
            email_status="sending" if n < 2 else "pending",
            email_claimed_at=local(2026, 12, 14, 8) if n < 2 else None,
        )
        for n, checkpoint in enumerate(checkpoints(copenhagen, 200))
    ]
    Reminder.objects.bulk_create(waiting)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reminders_reminder")

    # then the reclaim reads only the e-mails being sent, not everything waiting
    queryset = stuck_emails(local(2026, 12, 14, 9))
    plan = explain(queryset)
    assert "reminder_email_sending_idx" in plan, plan
    assert queryset.count() == 2


def test_send_reminders_dry_run_records_nothing_and_at_records_as_of_that_time(copenhagen):
    [checkpoint] = checkpoints(copenhagen, 1)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(
        next_reminder_at=local(2026, 11, 30, 8)  # before-14 of 14 December
    )
    out = _call("send_reminders", "--at", "2026-11-30T08:00", "--dry-run")
    assert "would record 3 reminders (before-14: 3)" in out
    assert Reminder.objects.count() == 0
    out = _call("send_reminders", "--at", "2026-11-30T07:59")
    assert "recorded 0 reminders" in out
    out = _call("send_reminders", "--at", "2026-11-30T08:00", "--deliver")
    assert "recorded 3 reminders" in out and "Delivered 3 reminders" in out
    assert Reminder.objects.filter(notified_at__isnull=False).count() == 3
    with pytest.raises(CommandError, match="ISO 8601"):
        _call("send_reminders", "--at", "next monday")


def _call(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_beat_runs_the_sweep_on_a_plain_interval_not_a_crontab():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reminders-sweep"]["task"] == "reminders.sweep"
    assert isinstance(schedule["reminders-sweep"]["schedule"], float)
    assert schedule["reminders-sweep"]["schedule"] == 300.0
    assert isinstance(schedule["reminders-digests"]["schedule"], float)


def test_someone_without_an_organisation_sees_no_checkpoints(copenhagen):
    checkpoints(copenhagen, 2)
    assert selectors.checkpoints_visible_to(copenhagen.politician).count() == 2
    assert selectors.checkpoints_visible_to(copenhagen.politician, mine=True).count() == 2
    stranger = UserFactory(organisation=None, role="")
    assert selectors.checkpoints_visible_to(stranger).count() == 0
    aarhus_admin = UserFactory(
        organisation=Innovation.objects.first().organisation.__class__.objects.get(code="0751"),
        role="administrator",
    )
    assert selectors.checkpoints_visible_to(aarhus_admin).count() == 0


def test_a_sweep_takes_the_same_queries_for_five_or_fifty_due_checkpoints(copenhagen):
    from reminders.sweep import sweep

    def sweep_queries(count: int) -> int:
        due = checkpoints(copenhagen, count)
        Checkpoint.objects.filter(pk__in=[c.pk for c in due]).update(
            next_reminder_at=local(2026, 11, 30, 8)
        )
        with CaptureQueriesContext(connection) as queries:
            report = sweep(local(2026, 11, 30, 8), enqueue=False)
        assert report.reminders == count * 3
        Checkpoint.objects.all().delete()
        return len(queries.captured_queries)

    assert sweep_queries(5) == sweep_queries(50)


def test_people_mark_only_their_own_notifications_read(copenhagen):
    from reminders.services import mark_notifications_read

    some = checkpoints(copenhagen, 3)
    notify(copenhagen.politician, some)
    notify(copenhagen.chair, some)
    chairs = list(
        Notification.objects.filter(recipient=copenhagen.chair).values_list("pk", flat=True)
    )
    first = Notification.objects.filter(recipient=copenhagen.politician).first()
    # the chair's ids are not the politician's to mark
    assert mark_notifications_read(actor=copenhagen.politician, notification_ids=chairs) == 0
    assert mark_notifications_read(actor=copenhagen.politician, notification_ids=[first.pk]) == 1
    assert selectors.unread_count(copenhagen.politician) == 2
    assert mark_notifications_read(actor=copenhagen.politician) == 2
    assert selectors.unread_count(copenhagen.politician) == 0
    assert selectors.unread_count(copenhagen.chair) == 3
