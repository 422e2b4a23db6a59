"""The world of the fault tests: a throwaway Redis, an SMTP server, real Celery workers on the
test database, and due checkpoints. Fixtures shared by tests/test_reminders_faults.py,
tests/reminders/test_reliability_findings.py and tests/test_faults.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from innovations.models import Innovation
from reminders import schedule
from reminders.models import Checkpoint

from .factories import InnovationFactory
from .processes import RedisServer, SmtpSink, Worker, database_url, worker_environment


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def mail_server():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def start_worker(broker, mail_server, tmp_path):
    """Start a real ``celery worker`` (concurrency 1) on the test database and Redis."""
    started: list[Worker] = []

    def start(name: str) -> Worker:
        environment = worker_environment(
            database_url=database_url(connection.settings_dict),
            broker_url=broker.url,
            smtp_port=mail_server.port,
            var_directory=tmp_path / "var",
        )
        worker = Worker(name, environment=environment, log_directory=tmp_path).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def seed_checkpoints_due_yesterday(world, count: int) -> None:
    """``count`` documentation checkpoints due yesterday, each reminding the owning official.

    Due yesterday, their "due" reminder (yesterday 08:00) has come whatever the time of day
    the test runs, and the next one (a week later) has not.
    """
    yesterday = schedule.local_date(timezone.now()) - datetime.timedelta(days=1)
    innovations = Innovation.objects.bulk_create(
        InnovationFactory.build(committee=world.committee, owner=world.official)
        for _ in range(count // 10)
    )
    Checkpoint.objects.bulk_create(
        Checkpoint(
            innovation=innovations[n % len(innovations)],
            kind="documentation",
            responsible="owner",
            committee=world.committee,
            due_date=yesterday,
            source="manual",
            state="testing",
            next_reminder_at=schedule.send_moment(yesterday, 8),
        )
        for n in range(count)
    )
