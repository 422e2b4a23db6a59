"""The reliability findings of issue 15, each reproduced as an operator or a worker meets it.

- beat's sweeps ran behind a delivery backlog and expired unrun: with 10,000 deliveries
  queued, a real beat, a delivery worker and the sweep worker, every sweep runs on time;
- the backstop handed over at most 5,000 undelivered reminders per run: it drains all;
- claiming ignored ``email_retry_at``: a retry never starts ahead of its backoff;
- ``send_reminders`` said it succeeded when Redis was down: it fails, non-zero;
- ``--at`` took 02:30 on the days summer time begins and ends: refused without an offset.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from reminders import delivery
from reminders.models import EmailStatus, Reminder, SweepRun
from reminders.sweep import DELIVERY_CHUNK, requeue_undelivered, sweep

from ..fault_world import seed_checkpoints_due_yesterday
from ..processes import Beat, Worker, database_url, free_port, publishing_to, wait_until
from ..processes import worker_environment as environment_for

real_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- The sweep behind a delivery backlog ----------------------------------------------------


@pytest.mark.celery_worker
@real_database
def test_with_ten_thousand_deliveries_queued_every_sweep_runs_on_time(
    copenhagen, broker, mail_server, tmp_path
):
    # given 10,000 reminders recorded and queued for delivery (200 tasks of 50) and a mail
    # server slow enough that the delivery worker needs minutes for them
    seed_checkpoints_due_yesterday(copenhagen, 10_000)
    with publishing_to(broker.url):
        assert sweep().reminders == 10_000
    assert broker.queue_length("celery") == 10_000 // DELIVERY_CHUNK
    mail_server.reply_delay = 0.05
    SweepRun.objects.all().delete()

    # when beat runs the sweep every 5 seconds, with one delivery worker and one worker for
    # beat's queue, as in every topology Spor documents
    interval = 5
    environment = environment_for(
        database_url=database_url(connection.settings_dict),
        broker_url=broker.url,
        smtp_port=mail_server.port,
        var_directory=tmp_path / "var",
        SPOR_SWEEP_INTERVAL_SECONDS=str(interval),
        SPOR_BACKSTOP_INTERVAL_SECONDS="60",
        SPOR_DIGEST_INTERVAL_SECONDS="60",
    )
    processes = [
        Worker("delivery", environment=environment, log_directory=tmp_path).start(),
        Worker("sweeper", environment=environment, log_directory=tmp_path, queues="sweep").start(),
        Beat("beat", environment=environment, log_directory=tmp_path).start(),
    ]
    try:
        runs = 5
        wait_until(
            lambda: SweepRun.objects.filter(kind="sweep").count() >= runs,
            timeout=runs * interval * 3 + 30,
            interval=0.5,
            message=lambda: (
                f"{SweepRun.objects.filter(kind='sweep').count()} sweeps ran\n"
                + "\n".join(p.log() for p in processes)
            ),
        )
        backlog = broker.queue_length("celery")
    finally:
        for process in processes:
            process.stop()

    # then every sweep ran on time, while the deliveries were still queued
    assert backlog > 100, f"the backlog drained ({backlog} left): the test proves nothing"
    started = list(
        SweepRun.objects.filter(kind="sweep")
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(started)]
    assert gaps and max(gaps) <= 2 * interval, f"sweeps started {gaps} seconds apart"


def test_beats_tasks_go_to_their_own_queue_and_delivery_to_the_default_one():
    from workflow_project.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        route = app.amqp.router.route({}, entry["task"])
        assert route["queue"].name == settings.SPOR_SWEEP_QUEUE, entry["task"]
    assert app.amqp.router.route({}, "reminders.deliver")["queue"].name == "celery"


# --- The backstop drains any backlog in one pass --------------------------------------------


@real_database
def test_the_backstop_hands_over_a_backlog_larger_than_one_batch_in_one_pass(copenhagen, broker):
    # given 12,000 reminders recorded but whose hand-over to Celery was lost
    seed_checkpoints_due_yesterday(copenhagen, 12_000)
    assert sweep(enqueue=False).reminders == 12_000
    # when the backstop runs once, after the requeue grace
    minutes = settings.SPOR_REMINDER_REQUEUE_MINUTES + 1
    with (
        publishing_to(broker.url),
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes)),
    ):
        requeued, _reclaimed = requeue_undelivered()
    # then all of them are handed to delivery, none twice
    assert requeued == 12_000
    assert broker.queue_length("celery") == 12_000 // DELIVERY_CHUNK
    assert not Reminder.objects.filter(queued_at__lt=timezone.now()).exists()


# --- Claim only what is due for a retry -----------------------------------------------------


def test_an_email_waiting_for_its_retry_is_not_claimed_before_its_time(copenhagen, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed_checkpoints_due_yesterday(copenhagen, 10)
    sweep(enqueue=False)
    # given an e-mail whose first attempt failed a minute ago, due again in a minute
    reminder = Reminder.objects.order_by("pk").first()
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk).update(
        attempts=1, email_retry_at=now + datetime.timedelta(minutes=1), last_error="451"
    )
    # when a delivery task for it runs now (the backstop's, or a Celery retry too early)
    delivery.deliver_reminders([reminder.pk])
    # then no attempt starts
    reminder.refresh_from_db()
    assert (reminder.email_status, reminder.attempts) == (EmailStatus.PENDING, 1)
    assert reminder.message_id not in {m.extra_headers.get("Message-ID") for m in mail.outbox}
    # and once its time has come, it is sent
    with time_machine.travel(now + datetime.timedelta(minutes=1, seconds=1)):
        delivery.deliver_reminders([reminder.pk])
    reminder.refresh_from_db()
    assert (reminder.email_status, reminder.attempts) == (EmailStatus.SENT, 2)


# --- send_reminders with the broker down ----------------------------------------------------


@real_database
def test_send_reminders_fails_when_the_hand_over_to_delivery_fails(copenhagen):
    seed_checkpoints_due_yesterday(copenhagen, 20)
    # given the broker refuses connections (nothing listens on the port)
    down = f"redis://127.0.0.1:{free_port()}/0"
    with publishing_to(down), pytest.raises(CommandError) as refused:
        call_command("send_reminders")
    # then the command fails (non-zero exit) and says the hand-over failed
    assert "FAILED to hand 20 reminders to delivery" in str(refused.value)
    # and the reminders are recorded, for the backstop to hand over
    assert Reminder.objects.count() == 20


# --- --at on the days the clocks change -----------------------------------------------------


@pytest.mark.parametrize(
    ("at", "problem"),
    [("2026-03-29T02:30", "no such time"), ("2026-10-25T02:30", "happens twice")],
)
def test_send_reminders_refuses_a_local_time_that_does_not_exist_or_exists_twice(db, at, problem):
    with pytest.raises(CommandError, match=problem):
        call_command("send_reminders", "--at", at, "--dry-run")


@pytest.mark.parametrize(
    "at", ["2026-03-29T02:30+01:00", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00"]
)
def test_send_reminders_takes_those_times_with_an_offset(db, at, capsys):
    call_command("send_reminders", "--at", at, "--dry-run")
    moment = datetime.datetime.fromisoformat(at)
    assert f"As of {moment.isoformat()}:" in capsys.readouterr().out
