"""Real Celery workers deliver what the sweep recorded, exactly once.

Two worker processes (prefork, two children each) consume from the test's Redis; they read
and write the test database. The sweep hands them the due reminders after its commit, and
then every id is handed to them a second time (as a backstop sweep racing a slow worker
would): each reminder still makes one notification and one e-mail.
"""

from __future__ import annotations

import datetime
import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from notifications.models import Notification

from reminders.models import Checkpoint, Reminder
from reminders.sweep import enqueue_delivery, sweep
from workflow_project.celery import app as celery_app

from ..factories import InnovationFactory
from ..reminders_world import local

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
NOW = local(2026, 9, 14, 8)
CHECKPOINTS = 60  # three committee members each: 180 reminders


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(name: str, var_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
        "DATABASE_URL": database_url(),  # pytest-django's test database
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": "spor-worker-test",
        "SPOR_VAR_DIR": str(var_dir),  # e-mails are written to var_dir/mail
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_HOST": "",
    }
    log = open(var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workflow_project", "worker",
         "--pool=prefork", "--concurrency=2", "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def wait_for(condition, *, timeout: float, what: str, logs: list[Path]) -> None:
    """Poll the database until ``condition`` holds (this waits for workers, not for time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    output = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{output}")


def message_ids(mail_dir: Path) -> list[str]:
    ids = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                ids.append(email.message_from_string(chunk.strip())["Message-ID"])
    return ids


def test_two_real_workers_deliver_every_due_reminder_exactly_once(copenhagen, tmp_path):
    celery_app.control.purge()  # nothing left over from earlier runs on this Redis database
    innovations = [
        InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
        for _ in range(6)
    ]
    Checkpoint.objects.bulk_create(
        Checkpoint(
            innovation=innovations[n % len(innovations)],
            kind="follow_up",
            committee=copenhagen.committee,
            due_date=datetime.date(2026, 9, 14),
            source="manual",
            state="exploring",
            next_reminder_at=NOW,
        )
        for n in range(CHECKPOINTS)
    )
    expected = CHECKPOINTS * 3  # the politician, the chair and the secretary

    # given the sweep recorded the due reminders and handed them to Celery on commit
    report = sweep(NOW)
    assert report.reminders == expected
    # and every id is handed over a second time, as a racing backstop would
    enqueue_delivery(list(Reminder.objects.values_list("pk", flat=True)))

    # when two workers start on the queue
    workers = [start_worker(f"spor-test-{n}", tmp_path) for n in (1, 2)]
    logs = [tmp_path / f"spor-test-{n}.log" for n in (1, 2)]
    try:
        wait_for(
            lambda: (
                Reminder.objects.filter(email_status="sent", notified_at__isnull=False).count()
                == expected
            ),
            timeout=120,
            what=f"{expected} delivered reminders",
            logs=logs,
        )
        # (the duplicate messages are consumed too before the counts are final)
        wait_for(
            lambda: celery_app.connection().default_channel.client.llen("celery") == 0,
            timeout=60,
            what="the queue to drain",
            logs=logs,
        )
    finally:
        for worker in workers:
            stop(worker)

    # then each reminder made exactly one notification and one e-mail, with its own Message-ID
    assert Notification.objects.count() == expected
    sent = message_ids(tmp_path / "mail")
    assert len(sent) == expected
    assert set(sent) == {r.message_id for r in Reminder.objects.all()}
    assert all(r.attempts == 1 for r in Reminder.objects.all())
