"""Real processes for the tests (and the benchmark) whose behaviour is about them.

- ``RedisServer``: a throwaway redis-server on a spare port that keeps nothing on disk
  (``--save "" --appendonly no``, as on our machines), so a restart loses its queue;
- ``Worker``: a Celery worker subprocess in its own process group, started with the
  production settings against the test database, the throwaway Redis and an SMTP server;
- ``SmtpSink``: an SMTP server on 127.0.0.1 that records every message it accepts, with
  its Message-ID, and can hold back its "250" answer to one message: the sender cannot know
  that the server accepted it;
- ``publishing_to``: send this process's Celery tasks to the throwaway Redis;
- ``wait_until``: poll for a condition with a deadline (we wait for other processes to do
  something, never for time to pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email
import email.policy
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import redis
from aiosmtpd.controller import Controller
from celery import Celery, current_app

ROOT = Path(__file__).resolve().parent.parent
REDIS_PORTS = range(6381, 6390)


def wait_until(
    condition: Callable[[], object],
    *,
    timeout: float,
    message: str | Callable[[], str],
    interval: float = 0.02,
):
    """Return ``condition()``'s first truthy value; fail with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def _port_is_free(port: int) -> bool:
    """Nothing listens on it. (Connections of a server stopped a moment ago may linger in
    TIME_WAIT; redis-server binds with SO_REUSEADDR, and so does this probe.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for another process, from a Django connection's settings."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own, as volatile as the machine's: a restart empties it."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or next((p for p in REDIS_PORTS if _port_is_free(p)), None)
        if self.port is None:
            raise RuntimeError(f"no free port for a test Redis in {REDIS_PORTS}")
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / f"redis-{self.starts}.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                return bool(self.client().ping())
            except redis.RedisError:
                return False

        wait_until(answers, timeout=10, message=f"redis-server on {self.port} did not start")

    def kill(self) -> None:
        """SIGKILL: whatever it held in memory, the queue included, is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def queue_length(self, queue: str = "celery") -> int:
        return int(self.client().llen(queue))

    def queued_messages(self, queue: str = "celery") -> list[bytes]:
        return list(self.client().lrange(queue, 0, -1))


# --- Celery ---------------------------------------------------------------------------------


@contextlib.contextmanager
def publishing_to(broker_url: str) -> Iterator[Celery]:
    """Tasks sent from this thread go to ``broker_url`` (the project's tasks are shared)."""
    app = Celery("spor-test-publisher", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


class Worker:
    """``celery worker`` in its own process group; killed, it takes its pool children along."""

    def __init__(
        self,
        name: str,
        *,
        environment: dict[str, str],
        log_directory: Path,
        concurrency: int = 1,
        queues: str = "celery",
    ) -> None:
        self.name = name
        self.environment = environment
        self.concurrency = concurrency
        self.queues = queues
        self.log_path = log_directory / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def hostname(self) -> str:
        return f"{self.name}@spor-test"

    def start(self) -> Worker:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workflow_project",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--hostname",
                self.hostname,
                "--queues",
                self.queues,
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pool_children(self) -> list[int]:
        """The pids of the pool processes that run the tasks."""
        if self.process is None:
            return []
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def kill(self) -> None:
        """SIGKILL to the worker and its pool at once, as when its machine dies."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        """A warm shutdown; SIGKILL to what is left of the group if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        pid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)

        def exited() -> bool:
            # Not reaped (WNOWAIT): while the leader is a zombie the group id stays ours.
            return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None

        with contextlib.suppress(AssertionError):
            wait_until(exited, timeout=20, interval=0.05, message="no warm shutdown")
        # Pool children that outlived their parent would keep database connections open.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


class Beat(Worker):
    """``celery beat`` in its own process group, with its schedule file in the log folder."""

    def start(self) -> Beat:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workflow_project",
                "beat",
                "--schedule",
                str(self.log_path.with_suffix(".schedule")),
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self


def worker_environment(
    *,
    database_url: str,
    broker_url: str,
    smtp_port: int,
    var_directory: Path,
    **extra: str,
) -> dict[str, str]:
    """The production settings, pointed at the given database, Redis and SMTP server."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "PYTEST"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="workflow_project.settings",
        DATABASE_URL=database_url,
        REDIS_URL=broker_url,
        CELERY_BROKER_URL=broker_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SECRET_KEY="spor-worker-test-key",
        SPOR_VAR_DIR=str(var_directory),
        DEBUG="0",
        # served over plain http on the loopback, with no TLS-terminating proxy in front
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    environment.update(extra)
    return environment


# --- SMTP -----------------------------------------------------------------------------------


CHECKPOINT_LINK = re.compile(r"#checkpoint-(\d+)")


@dataclasses.dataclass(frozen=True)
class Received:
    """One message as the SMTP server accepted it."""

    number: int
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    text: str

    @property
    def checkpoint_id(self) -> int | None:
        """The checkpoint the message links to, read from its body (not its Message-ID)."""
        found = CHECKPOINT_LINK.search(self.text)
        return int(found.group(1)) if found else None


class SmtpSink:
    """An SMTP server that records each message when its data has arrived, then answers.

    ``reply_delay`` slows every answer (a busy mail server). ``hold_message=n`` records the
    n-th message and withholds the "250" until ``release()``: the message is accepted by the
    server, but the sender does not know it yet.
    """

    def __init__(self, *, reply_delay: float = 0.0, hold_message: int | None = None) -> None:
        self.reply_delay = reply_delay
        self.hold_message = hold_message
        self.holding = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self.controller: Controller | None = None

    @property
    def port(self) -> int:
        assert self.controller is not None
        return self.controller.port

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def start(self) -> SmtpSink:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self.controller is not None:
            self.controller.stop()

    def release(self) -> None:
        self._released.set()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        with self._lock:
            number = len(self._messages) + 1
            self._messages.append(
                Received(
                    number=number,
                    message_id=str(message["Message-ID"]),
                    recipients=tuple(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                    text=body.get_content() if body is not None else "",
                )
            )
        if number == self.hold_message:
            self.holding.set()
            deadline = time.monotonic() + 60
            while not self._released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        elif self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 OK: queued"


# --- A PostgreSQL cluster of our own --------------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster on a spare port of 127.0.0.1 (initdb, pg_ctl), so a
    test may stop and start it; never the machine's shared server. ``scripts/faults`` makes
    one and passes it to the tests in ``SPOR_FAULTS_PGDATA``, ``SPOR_FAULTS_PGPORT`` and
    ``SPOR_FAULTS_PGBIN``. As root, its commands run as the ``postgres`` user."""

    def __init__(self, data: Path, port: int, binaries: Path) -> None:
        self.data = data
        self.port = port
        self.binaries = binaries

    @classmethod
    def from_environment(cls) -> PostgresCluster | None:
        data = os.environ.get("SPOR_FAULTS_PGDATA")
        if not data:
            return None
        return cls(
            Path(data),
            int(os.environ["SPOR_FAULTS_PGPORT"]),
            Path(os.environ.get("SPOR_FAULTS_PGBIN", "/usr/lib/postgresql/15/bin")),
        )

    def _run(self, *arguments: str) -> None:
        command = [str(self.binaries / arguments[0]), *arguments[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as a crash (every connection cut, recovery on the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / "postgres.log"),
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data.parent}",
            "-w", "start",
        )  # fmt: skip

    def answers(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(1)
            return probe.connect_ex(("127.0.0.1", self.port)) == 0
