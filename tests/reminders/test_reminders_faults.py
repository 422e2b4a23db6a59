"""Faults in reminder delivery, with the real processes: PostgreSQL, a redis-server that keeps
nothing on disk, Celery worker subprocesses and an SMTP server.

- A worker killed with SIGKILL in the middle of a delivery batch, at the instant its mail
  server has accepted an e-mail but not yet said so: after a new worker and the next sweep,
  every reminder is delivered, each in-app notification exists once, and each e-mail arrived
  once except the one caught in that instant, which arrived twice with the same Message-ID.
- Redis restarted in the middle of a run, its queue lost: the next sweep finds in the
  database what was recorded and not delivered, and every reminder is delivered once.
- A pool process killed mid-task: ``acks_late`` with ``reject_on_worker_lost`` runs the
  batch again at once, and only what was not yet delivered goes out.
- Nothing is scheduled far ahead in the broker, and beat runs the sweep on a plain interval.

Time: we wait for the other processes by polling the database with a deadline; the next
sweep "some minutes later" is run with the clock moved by ``time_machine``.
"""

from __future__ import annotations

import collections
import datetime
import json
import os
import signal

import pytest
import time_machine
from celery import current_app
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from notifications.models import Notification

import reminders.tasks  # noqa: F401  (registers beat's tasks, which the checks below read)
from reminders import delivery
from reminders.models import EmailStatus, Reminder
from reminders.queue import deliver_digest, deliver_reminders
from reminders.sweep import DELIVERY_CHUNK, backstop, sweep

from ..fault_world import seed_checkpoints_due_yesterday
from ..processes import SmtpSink, publishing_to, wait_until

pytestmark = pytest.mark.faults  # part of the fault harness (scripts/faults)

# The workers read and write the test database: it must hold committed rows.
real_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DUE = 150  # three delivery batches of 50
DEADLINE = 60  # seconds for the workers to get through everything


# --- The world: tests/fault_world.py -------------------------------------------------------


def later(minutes: float = 0, seconds: float = 0):
    """The wall clock of this process that long from now (the workers keep the real one)."""
    moment = timezone.now() + datetime.timedelta(minutes=minutes, seconds=seconds)
    return time_machine.travel(moment, tick=True)


def counts() -> dict[str, int]:
    reminders = Reminder.objects.all()
    return {
        "recorded": reminders.count(),
        "notified": reminders.filter(notified_at__isnull=False).count(),
        "sent": reminders.filter(email_status=EmailStatus.SENT).count(),
        "sending": reminders.filter(email_status=EmailStatus.SENDING).count(),
        "pending": reminders.filter(email_status=EmailStatus.PENDING).count(),
    }


def everything_delivered() -> bool:
    return (
        Reminder.objects.filter(notified_at__isnull=False, email_status=EmailStatus.SENT).count()
        == Reminder.objects.count()
    )


def notifications_per_reminder() -> collections.Counter:
    return collections.Counter(
        data["reminder"] for data in Notification.objects.values_list("data", flat=True)
    )


def assert_one_notification_per_reminder() -> None:
    per_reminder = notifications_per_reminder()
    reminder_ids = set(Reminder.objects.values_list("pk", flat=True))
    missing = reminder_ids - set(per_reminder)
    twice = {pk: n for pk, n in per_reminder.items() if n != 1}
    assert not missing, f"{len(missing)} reminders have no in-app notification"
    assert not twice, f"in-app notifications for one reminder more than once: {twice}"
    assert Notification.objects.count() == len(reminder_ids)
    linked = Reminder.objects.values_list("notification_id", flat=True)
    assert set(linked) == set(Notification.objects.values_list("pk", flat=True))


def emails_per_reminder(sink: SmtpSink) -> dict[int, list]:
    """The messages the mail server accepted, by reminder, told apart by the link in their
    body (not by their Message-ID, which is what we check)."""
    reminder_of = dict(Reminder.objects.values_list("checkpoint_id", "pk"))
    by_reminder: dict[int, list] = collections.defaultdict(list)
    for received in sink.messages:
        by_reminder[reminder_of[received.checkpoint_id]].append(received)
    return by_reminder


# --- A worker killed mid-batch --------------------------------------------------------------


@pytest.mark.celery_worker
@real_database
def test_a_worker_killed_mid_batch_loses_nothing_and_resends_only_the_email_in_flight(
    copenhagen, broker, mail_server, start_worker
):
    # given 150 reminders due, recorded by the sweep and queued in Redis in three batches
    seed_checkpoints_due_yesterday(copenhagen, DUE)
    with publishing_to(broker.url):
        first = sweep()
    assert (first.reminders, first.requeued) == (DUE, 0)
    assert broker.queue_length() == DUE // DELIVERY_CHUNK, "each reminder handed over once"

    # and a mail server that accepts the 70th e-mail but is slow to say so
    held = 70
    mail_server.hold_message = held
    worker = start_worker("first")

    # when the worker is killed with SIGKILL while it waits for that answer: the database
    # shows some but not all delivered, and the one e-mail the server holds still "sending"
    def caught_in_the_instant() -> bool:
        now = counts()
        return mail_server.holding.is_set() and now["sent"] == held - 1 and now["sending"] == 1

    wait_until(
        caught_in_the_instant,
        timeout=DEADLINE,
        message=lambda: f"never caught mid-send: {counts()}\n{worker.log()}",
    )
    caught = Reminder.objects.get(email_status=EmailStatus.SENDING)
    worker.kill()
    mail_server.release()
    at_the_kill = counts()
    # (notifications go out a batch at a time, e-mails one by one)
    assert held <= at_the_kill["notified"] < DUE, at_the_kill
    assert (at_the_kill["sent"], at_the_kill["sending"]) == (held - 1, 1), at_the_kill
    assert at_the_kill["pending"] == DUE - held, at_the_kill
    assert [m.message_id for m in mail_server.messages][-1] == caught.message_id

    # and the backstop runs at the latest once an e-mail claimed for sending that long counts
    # as stuck (derived from the SMTP timeout) plus its own interval: within 5 minutes of the
    # kill at the default settings
    recovery_after = settings.SPOR_REMINDER_STUCK_SECONDS + settings.SPOR_BACKSTOP_INTERVAL_SECONDS
    assert recovery_after <= 4 * 60, "at most 4 minutes to the backstop, then delivery"
    with publishing_to(broker.url), later(seconds=recovery_after):
        recovery = backstop()
    assert recovery.reclaimed == 1, "the e-mail caught in flight goes back to pending"
    assert recovery.requeued == DUE - (held - 1), "everything not delivered is queued again"
    start_worker("second")

    # then every reminder is delivered on both channels
    wait_until(
        everything_delivered,
        timeout=DEADLINE,
        message=lambda: f"not everything was delivered: {counts()}",
    )
    # and each in-app notification exists exactly once
    assert_one_notification_per_reminder()
    # and every e-mail arrived exactly once, except the one caught between the server's
    # acceptance and its record, which arrived twice with the same Message-ID
    by_reminder = emails_per_reminder(mail_server)
    assert set(by_reminder) == set(Reminder.objects.values_list("pk", flat=True))
    resent = {pk: copies for pk, copies in by_reminder.items() if len(copies) > 1}
    message_ids = {pk: {c.message_id for c in copies} for pk, copies in resent.items()}
    assert list(resent) == [caught.pk], (
        f"{len(mail_server.messages)} e-mails accepted for {DUE} reminders; re-sent: "
        f"{ {pk: len(c) for pk, c in resent.items()} } with Message-IDs {message_ids}"
    )
    assert len(resent[caught.pk]) == 2, f"re-sent more than once: {len(resent[caught.pk])}"
    assert message_ids[caught.pk] == {caught.message_id}, (
        f"the re-sent e-mail must carry the same Message-ID: {message_ids[caught.pk]}"
    )
    assert len(mail_server.messages) == DUE + 1
    for pk, copies in by_reminder.items():
        assert {c.message_id for c in copies} == {Reminder.objects.get(pk=pk).message_id}


# --- Redis restarted mid-run ----------------------------------------------------------------


@pytest.mark.celery_worker
@real_database
def test_redis_restarted_mid_run_loses_its_queue_and_the_next_sweep_delivers_the_rest_once(
    copenhagen, broker, mail_server, start_worker, settings
):
    # given 150 reminders recorded and queued, and a worker going through them at the pace
    # of a busy mail server
    seed_checkpoints_due_yesterday(copenhagen, DUE)
    mail_server.reply_delay = 0.02
    with publishing_to(broker.url):
        assert sweep().reminders == DUE
    worker = start_worker("first")

    # when Redis is killed and restarted while the second batch is being delivered
    wait_until(
        lambda: counts()["notified"] >= DELIVERY_CHUNK + 10,
        timeout=DEADLINE,
        message=lambda: f"the worker did not get going: {counts()}\n{worker.log()}",
    )
    broker.restart()
    # then its queue is gone: the third batch with it
    assert broker.queue_length() == 0
    at_the_restart = counts()
    assert at_the_restart["notified"] < DUE, at_the_restart

    # when the next sweep runs a few minutes later, when what was recorded and not delivered
    # counts as lost (the worker reconnects to Redis by itself). Only this process's clock
    # moves: the e-mail the live worker is sending right now must not look stuck to it.
    settings.SPOR_REMINDER_STUCK_SECONDS = 3600
    with publishing_to(broker.url), later(minutes=settings.SPOR_REMINDER_REQUEUE_MINUTES + 2):
        recovery = sweep()
    assert recovery.reminders == 0
    assert recovery.requeued >= DELIVERY_CHUNK, "at least the lost batch is queued again"

    # then every reminder is delivered, each in-app notification and e-mail exactly once
    wait_until(
        everything_delivered,
        timeout=DEADLINE,
        message=lambda: f"not everything was delivered: {counts()}\n{worker.log()}",
    )
    assert_one_notification_per_reminder()
    by_reminder = emails_per_reminder(mail_server)
    twice = {pk: len(copies) for pk, copies in by_reminder.items() if len(copies) != 1}
    assert len(by_reminder) == DUE and not twice, (
        f"{len(mail_server.messages)} e-mails accepted for {DUE} reminders; more than once: {twice}"
    )


# --- A pool process killed mid-task ---------------------------------------------------------


@pytest.mark.celery_worker
@real_database
def test_a_killed_pool_process_has_its_batch_run_again_at_once(
    copenhagen, broker, mail_server, start_worker
):
    # given one batch of 50 reminders queued, and a mail server holding its answer to the 10th
    seed_checkpoints_due_yesterday(copenhagen, DELIVERY_CHUNK)
    mail_server.hold_message = 10
    with publishing_to(broker.url):
        assert sweep().reminders == DELIVERY_CHUNK
    worker = start_worker("only")
    wait_until(
        lambda: mail_server.holding.is_set() and counts()["sending"] == 1,
        timeout=DEADLINE,
        message=lambda: f"never caught mid-send: {counts()}\n{worker.log()}",
    )
    caught = Reminder.objects.get(email_status=EmailStatus.SENDING)

    # when the pool process running the task is killed (the worker itself lives on)
    children = worker.pool_children()
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    mail_server.release()

    # then the worker rejects the message back to the queue and runs the batch again at
    # once, without waiting for any sweep: all but the caught e-mail are delivered
    wait_until(
        lambda: counts()["sent"] == DELIVERY_CHUNK - 1,
        timeout=DEADLINE,
        message=lambda: f"the batch did not run again: {counts()}\n{worker.log()}",
    )
    assert worker.alive()
    assert_one_notification_per_reminder()
    # and the caught e-mail waits, still "sending", for the sweep to reclaim it
    caught.refresh_from_db()
    assert caught.email_status == EmailStatus.SENDING
    assert len(mail_server.messages) == DELIVERY_CHUNK


# --- Nothing far ahead in the broker --------------------------------------------------------


def test_every_reminder_task_is_acknowledged_late_and_rejected_when_its_worker_is_lost():
    tasks = {
        name: task for name, task in current_app.tasks.items() if name.startswith("reminders.")
    }
    assert {"reminders.sweep", "reminders.deliver", "reminders.deliver_digest"} <= set(tasks)
    for name, task in tasks.items():
        # acks_late alone does not run again a task whose worker process was killed
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True), name


@real_database
def test_the_sweep_queues_only_immediate_work(copenhagen, broker):
    # given reminders due
    seed_checkpoints_due_yesterday(copenhagen, 120)
    # when the sweep hands them to Celery
    with publishing_to(broker.url):
        sweep()
    # then every message in Redis is for now: no ETA, no countdown, no expiry
    messages = [json.loads(raw) for raw in broker.queued_messages()]
    assert len(messages) == 3
    for message in messages:
        headers = message["headers"]
        assert headers["task"] == "reminders.deliver"
        assert headers.get("eta") is None, headers
        assert headers.get("countdown") is None, headers


def test_an_email_retry_waits_less_than_the_brokers_visibility_timeout():
    # A task held by a worker with an ETA beyond the visibility timeout is handed out again
    # and again by Redis: the longest retry wait stays well inside it.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    waits = [delivery.backoff_seconds(n) for n in range(1, deliver_reminders.max_retries + 2)]
    assert max(waits) <= visibility / 2, (waits, visibility)
    assert deliver_digest.retry_backoff_max <= visibility / 2


def test_beat_runs_the_sweep_on_a_plain_interval_not_a_crontab():
    sweeps = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] == "reminders.sweep"
    }
    assert sweeps, "beat must run the reminder sweep"
    for name, entry in sweeps.items():
        every = entry["schedule"]
        assert not isinstance(every, crontab), f"{name}: crontab skips or repeats at DST"
        seconds = every.total_seconds() if isinstance(every, datetime.timedelta) else every
        assert 0 < seconds <= 5 * 60, f"{name}: every {seconds} s"
