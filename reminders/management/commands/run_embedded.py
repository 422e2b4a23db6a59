"""Run the embedded default: the web server, a Celery worker and the scheduler, together.

On the PostgreSQL and Redis of ``DATABASE_URL`` and ``REDIS_URL`` (``scripts/run`` starts
embedded ones when they are unset); e-mails are written to ``var/mail/`` without
``EMAIL_HOST``. Two workers with the solo pool: one delivers (the default queue), the
other serves beat's queue (the sweep, the backstop, the digest: never behind a delivery
backlog) and runs beat inside itself (``--beat``). Stopping this command (Ctrl-C) stops
every child; if one stops, the others are stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server with a Celery worker and the scheduler, and stop them together."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="only the web server (reminders wait)"
        )

    def handle(self, *args, addrport: str, no_worker: bool, **options) -> None:
        python = sys.executable
        base = str(settings.BASE_DIR)
        commands = {"web": [python, "manage.py", "runserver", addrport]}
        if not no_worker:
            celery = [python, "-m", "celery", "-A", "workflow_project", "worker", "--pool=solo"]
            commands["worker"] = [
                *celery, "-Q", "celery", "--hostname", "worker@%h", "--loglevel=INFO",
            ]  # fmt: skip
            commands["sweeper"] = [
                *celery, "-Q", settings.SPOR_SWEEP_QUEUE, "--hostname", "sweeper@%h",
                "--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
                "--loglevel=INFO",
            ]  # fmt: skip
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(*_signal_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for name, command in commands.items():
                # Each child leads its own process group, so runserver's reloader and the
                # worker's children are stopped with it, and nothing else is.
                children[name] = subprocess.Popen(command, cwd=base, start_new_session=True)
                self.stdout.write(f"started {name} (pid {children[name].pid})")
            broker = settings.CELERY_BROKER_URL.split("@")[-1]
            self.stdout.write(f"Spor runs at http://{addrport}/ ; Celery broker: {broker}")
            while not stopping and all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
        finally:
            for name, child in children.items():
                _terminate(child)
                self.stdout.write(f"stopped {name}")


def _terminate(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=5)
