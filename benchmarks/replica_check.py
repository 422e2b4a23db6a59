"""Spor on a real streaming replica: the overview pages read it, every write goes to the primary.

    .venv/bin/python benchmarks/replica_check.py

On spare ports of 127.0.0.1 it makes a throwaway PostgreSQL primary (initdb) and a standby of
it (pg_basebackup -R, streaming replication), both in a temporary directory, never touching
the machine's own cluster. Then, in this process, with ``DATABASE_URL`` on the primary and
``DATABASE_REPLICA_URL`` on the standby: migrate, the national dataset at ``--scale``, wait
for the standby to replay it; an administrator's dashboard and the catalogue search read the
standby (their queries are captured on the ``replica`` connection, none on the primary's);
a secretary records a decision through the API (the standby is read-only, so any write routed
there would fail), and once replayed the dashboard on the standby counts it. Both clusters are
stopped and removed at the end. Needs PostgreSQL's server binaries (``PG_BIN``, by default
/usr/lib/postgresql/15/bin); run as root, it runs them as the ``postgres`` user.
"""

from __future__ import annotations

import argparse
import io
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def start_cluster(directory: Path, port: int) -> None:
    as_postgres(
        [
            str(PG_BIN / "pg_ctl"), "-D", str(directory), "-l", str(directory / "log"), "-w",
            "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {directory.parent}", "start",
        ]
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="spor-replica-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(work, owner.pw_uid, owner.pw_gid)
    primary, standby = work / "primary", work / "standby"
    primary_port, standby_port = free_port(), free_port()
    started: list[Path] = []
    try:
        as_postgres([str(PG_BIN / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres"])
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        start_cluster(primary, primary_port)
        started.append(primary)
        as_postgres(
            [
                str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
                "-U", "postgres", "-D", str(standby), "-R", "-X", "stream",
            ]
        )  # fmt: skip
        start_cluster(standby, standby_port)
        started.append(standby)
        print(f"primary on {primary_port}, streaming standby on {standby_port}")
        check(primary_port, standby_port, args.scale)
    finally:
        for directory in reversed(started):
            subprocess.run(
                ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                + [str(PG_BIN / "pg_ctl"), "-D", str(directory), "-m", "fast", "stop"],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(work, ignore_errors=True)


def check(primary_port: int, standby_port: int, scale: float) -> None:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={primary_port} user=postgres", autocommit=True) as c:
        c.execute("CREATE DATABASE spor_replica_check")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="workflow_project.settings",
        SECRET_KEY="spor-replica-check",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{primary_port}/spor_replica_check",
        DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{standby_port}/spor_replica_check",
        SPOR_VAR_DIR=tempfile.mkdtemp(prefix="spor-replica-var-"),
        ALLOWED_HOSTS="testserver",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from rest_framework.test import APIClient

    from innovations.models import Innovation
    from organisations.models import Meeting, Membership, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("generate_scale_data", "--scale", str(scale), stderr=io.StringIO())

    def replayed() -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (target,) = cursor.fetchone()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with connections["replica"].cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
            time.sleep(0.1)
        raise SystemExit("the standby did not catch up within 60 s")

    replayed()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica alias is not a standby"

    administrator = User.objects.filter(role="administrator", organisation__isnull=False).first()
    client = APIClient()
    client.force_login(administrator)

    def pages() -> tuple[int, int, bytes]:
        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections["replica"]) as on_standby,
        ):
            dashboard = client.get("/api/v1/dashboard/portfolio/")
            assert dashboard.status_code == 200, dashboard.content[:300]
            assert client.get("/catalogue/?q=hjemmepleje").status_code == 200
            assert client.get("/portfolio/").status_code == 200

        def touching(context) -> int:
            return sum('"innovations_innovation"' in q["sql"] for q in context.captured_queries)

        return touching(on_primary), touching(on_standby), dashboard.content

    primary_reads, standby_reads, before = pages()
    print(
        f"overview pages: {standby_reads} innovation queries on the standby, {primary_reads} on the primary"
    )
    assert standby_reads > 0 and primary_reads == 0

    # a secretary records a mandate; the standby is read-only, so this can only have
    # succeeded on the primary
    innovation = Innovation.objects.filter(state="need").first()
    secretary = Membership.objects.get(committee=innovation.committee, role="secretary")
    meeting = Meeting.objects.filter(
        committee=innovation.committee, date__lt=django.utils.timezone.localdate()
    ).first()
    api = APIClient()
    api.force_authenticate(secretary.person)
    with CaptureQueriesContext(connections["replica"]) as on_standby:
        recorded = api.post(
            "/api/v1/decisions/",
            {
                "innovation": innovation.pk, "meeting": meeting.pk, "agenda_item": "Punkt 1",
                "transition": "mandate", "outcome": "approved", "resolution": "Mandat.",
                "value_direction": "Tryghed først.", "apply_transition": True,
            },
            format="json",
        )  # fmt: skip
    assert recorded.status_code == 201, recorded.content[:300]
    assert not on_standby.captured_queries
    print("a secretary's decision: recorded on the primary, no query on the standby")

    replayed()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT state FROM innovations_innovation WHERE id = %s", [innovation.pk])
        assert cursor.fetchone()[0] == "exploring"
    _primary, _standby, after = pages()
    assert after != before
    print("after replay the standby has the new phase, and the dashboard read from it moved")
    connections.close_all()


if __name__ == "__main__":
    main()
