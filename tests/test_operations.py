"""Operable processes: /healthz and /readyz as an orchestrator calls them, logs as an operator
reads them, and a worker stopped with SIGTERM (as `docker stop` does) in the middle of a task.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import signal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from reminders.models import EmailStatus, Reminder, SweepRun
from reminders.sweep import DELIVERY_CHUNK, sweep
from workflow_project.logs import ContextFilter, JsonFormatter

from .fault_world import seed_checkpoints_due_yesterday
from .processes import free_port, publishing_to, wait_until

real_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ELSEWHERE = {"HTTP_HOST": "10.0.3.7:8000"}  # the orchestrator's address, not in ALLOWED_HOSTS


def a_sweep_ran(seconds_ago: float = 0) -> None:
    moment = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    SweepRun.objects.create(kind="sweep", started_at=moment, finished_at=moment)


def test_healthz_answers_whatever_the_host_without_touching_the_database(client):
    # (without the db fixture, any query would fail the test)
    response = client.get("/healthz", **ELSEWHERE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_every_part_is(client, db):
    a_sweep_ran(seconds_ago=30)
    response = client.get("/readyz", **ELSEWHERE)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "migrations", "sweep", "undelivered"}


def test_readyz_names_a_sweep_that_has_not_run_for_twice_its_interval(client, db, settings):
    a_sweep_ran(seconds_ago=2 * settings.SPOR_SWEEP_INTERVAL_SECONDS + 5)
    response = client.get("/readyz", **ELSEWHERE)
    assert response.status_code == 503
    assert response.json()["failing"] == ["sweep"]
    assert "last finished" in response.json()["checks"]["sweep"]["error"]


def test_readyz_names_a_reminder_left_undelivered_too_long(client, copenhagen, settings):
    a_sweep_ran()
    seed_checkpoints_due_yesterday(copenhagen, 10)
    sweep(enqueue=False)
    old = timezone.now() - datetime.timedelta(minutes=settings.SPOR_READYZ_UNDELIVERED_MINUTES + 1)
    Reminder.objects.filter(pk=Reminder.objects.order_by("pk").first().pk).update(created_at=old)
    response = client.get("/readyz", **ELSEWHERE)
    assert response.status_code == 503
    assert response.json()["failing"] == ["undelivered"]


def test_readyz_names_redis_when_it_does_not_answer(client, db, settings):
    a_sweep_ran()
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz", **ELSEWHERE)
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


def test_readyz_names_migrations_not_applied(client, db):
    a_sweep_ran()
    # the newest migration of reminders, as if the code were deployed before its migrate
    ((_app, newest),) = MigrationLoader(connection).graph.leaf_nodes("reminders")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'reminders' AND name = %s", [newest]
        )
    response = client.get("/readyz", **ELSEWHERE)
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert f"reminders.{newest}" in response.json()["checks"]["migrations"]["error"]
    # and the command for container health checks says the same, exiting non-zero
    with pytest.raises(CommandError, match="not ready: migrations"):
        call_command("readyz", "--only", "migrations", stdout=io.StringIO())


def test_a_request_logs_one_json_line_with_its_id_person_and_organisation(client, copenhagen):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    client.force_login(copenhagen.secretary)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-1234-abcd")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-1234-abcd"
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(events) == 1, events
    event = events[0]
    assert event["level"] == "WARNING" and "Not Found" in event["message"]
    assert event["request_id"] == "req-1234-abcd"
    assert event["user_id"] == copenhagen.secretary.pk
    assert event["organisation"] == copenhagen.organisation.pk


def test_a_request_without_a_usable_id_gets_one(client, db):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert len(response["X-Request-ID"]) == 32


# --- SIGTERM to a worker mid-task -----------------------------------------------------------


@pytest.mark.faults
@pytest.mark.celery_worker
@real_database
def test_a_worker_stopped_with_sigterm_mid_task_finishes_it_and_loses_nothing(
    copenhagen, broker, mail_server, start_worker
):
    # given three batches of 50 reminders queued, and a mail server slow to accept the 10th
    seed_checkpoints_due_yesterday(copenhagen, 3 * DELIVERY_CHUNK)
    mail_server.hold_message = 10
    with publishing_to(broker.url):
        sweep()
    worker = start_worker("first")
    wait_until(
        mail_server.holding.is_set,
        timeout=60,
        message=lambda: f"the worker did not get going\n{worker.log()}",
    )
    # when it gets SIGTERM (as `docker stop` sends) while it waits for that answer
    os.kill(worker.process.pid, signal.SIGTERM)
    mail_server.release()
    worker.process.wait(timeout=60)
    # then it finished the batch it had started before it exited, and nothing is "sending"
    assert Reminder.objects.filter(email_status=EmailStatus.SENT).count() == DELIVERY_CHUNK
    assert not Reminder.objects.filter(email_status=EmailStatus.SENDING).exists()
    # and the next worker delivers the rest from the queue, without any backstop
    start_worker("second")
    wait_until(
        lambda: (
            Reminder.objects.filter(email_status=EmailStatus.SENT).count() == 3 * DELIVERY_CHUNK
        ),
        timeout=60,
        message="the queued batches were lost with the stopped worker",
    )
    assert len(mail_server.messages) == 3 * DELIVERY_CHUNK, "an e-mail was sent twice"
