"""Benchmark: the reminder sweep next to hand-written SQL, and delivery throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_bench_sweep \
        .venv/bin/python benchmarks/sweep_bench.py [--repeat 3] [--deliver 2000]

It drops and re-creates the database named in DATABASE_URL (the name must contain
"bench"), migrates it, and then, in one run:

1. seeds 100,000 checkpoints, 10,000 of them with a reminder due, with one
   ``INSERT ... SELECT generate_series`` (60 % of the rest open and due later, 40 % closed);
   times ``sweep()`` and a hand-written SQL statement that selects the same due set,
   advances the same checkpoints and inserts the same 10,000 reminder rows; each run
   commits, is checked to have written the same rows, and is undone before the next;
2. adds 900,000 checkpoints that are not due (1,000,000 in all, the same 10,000 due) and
   times both again;
3. measures delivery: real ``celery worker`` processes (prefork, concurrency 1) over a
   throwaway redis-server deliver ``--deliver`` recorded reminders, in-app notification
   and e-mail to a local SMTP server (aiosmtpd, in this process); once with one worker and
   once with two.

Goals (issue 3): the sweep takes at most 1.5x the raw SQL, and at 1,000,000 checkpoints
at most 1.5x its time at 100,000. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")
# plain http on the loopback: production's redirect to https would answer every request 301
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRET_KEY", "spor-benchmark-only")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor_bench_sweep")
os.environ.setdefault("SPOR_VAR_DIR", tempfile.mkdtemp(prefix="spor-bench-var-"))
os.environ.pop("REDIS_URL", None)  # the delivery part starts a Redis of its own

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg  # noqa: E402

DUE = 10_000
SMALL = 100_000
LARGE = 1_000_000
NOW_DAY = datetime.date(2026, 9, 14)


def recreate_database(url: str) -> None:
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


recreate_database(os.environ["DATABASE_URL"])
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from notifications.models import Notification  # noqa: E402

from innovations.models import Innovation  # noqa: E402
from organisations.models import Committee, Organisation, Role, User  # noqa: E402
from reminders import schedule  # noqa: E402
from reminders.models import Checkpoint, EmailStatus, Reminder  # noqa: E402
from reminders.sweep import enqueue_delivery, sweep  # noqa: E402

NOW = schedule.send_moment(NOW_DAY, 8) + datetime.timedelta(minutes=5)
DUE_AT = schedule.send_moment(NOW_DAY, 8)


# --- Seeding --------------------------------------------------------------------------------


def seed_world(innovations: int = 2_000, owners: int = 50) -> None:
    from tests.factories import InnovationFactory

    organisation = Organisation.objects.get(code="0101")
    committee = Committee.objects.create(organisation=organisation, name="Benchmarkudvalget")
    people = User.objects.bulk_create(
        User(
            username=f"bench-official-{n}",
            email=f"bench-official-{n}@example.dk",
            organisation=organisation,
            role=Role.OFFICIAL,
        )
        for n in range(owners)
    )
    Innovation.objects.bulk_create(
        InnovationFactory.build(committee=committee, owner=people[n % owners])
        for n in range(innovations)
    )


INSERT_CHECKPOINTS = """
WITH world AS (
    SELECT array_agg(id ORDER BY id) AS innovations, min(committee_id) AS committee
      FROM innovations_innovation
), rows AS (
    SELECT g,
           (g <= %(due)s) AS due,
           (g > %(due)s AND g %% 10 < 6) AS later
      FROM generate_series(%(first)s, %(last)s) AS g
)
INSERT INTO reminders_checkpoint (
    innovation_id, kind, title, due_date, committee_id, responsible, status, source, state,
    waived_reason, completed_at, closed_at, next_reminder_at, sequence, created_at, updated_at
)
SELECT world.innovations[1 + g %% cardinality(world.innovations)],
       'documentation', '',
       CASE WHEN due THEN %(today)s::date
            WHEN later THEN %(today)s::date + 4 + g %% 400
            ELSE %(today)s::date - g %% 400 END,
       world.committee, 'owner',
       CASE WHEN due OR later THEN 'open' ELSE 'completed' END,
       'manual', 'testing', '',
       CASE WHEN due OR later THEN NULL ELSE now() END,
       CASE WHEN due OR later THEN NULL ELSE now() END,
       CASE WHEN due THEN %(due_at)s
            WHEN later THEN ((%(today)s::date + 1 + g %% 400) + time '08:00')
                            AT TIME ZONE 'Europe/Copenhagen'
            ELSE NULL END,
       0, now(), now()
  FROM rows, world
"""


def insert_checkpoints(first: int, last: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            INSERT_CHECKPOINTS,
            {"first": first, "last": last, "due": DUE, "today": NOW_DAY, "due_at": DUE_AT},
        )
    vacuum()


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_checkpoint, reminders_reminder")


# --- The two ways of recording the due reminders ---------------------------------------------

# The floor: what the sweep does for this data, as one statement a person would write for it.
# The due set through the partial index, each checkpoint advanced to its next stage (a week
# after the due date, 08:00 local), one reminder for its owner at the "due" stage.
RAW_SQL = """
WITH due AS (
    UPDATE reminders_checkpoint AS c
       SET next_reminder_at = ((c.due_date + 7) + time '08:00') AT TIME ZONE 'Europe/Copenhagen'
      FROM innovations_innovation AS i
     WHERE c.status = 'open' AND c.next_reminder_at <= %(now)s AND i.id = c.innovation_id
 RETURNING c.id AS checkpoint_id,
           COALESCE(c.responsible_person_id, i.owner_id) AS recipient_id,
           (c.due_date + time '08:00') AT TIME ZONE 'Europe/Copenhagen' AS scheduled_for
)
INSERT INTO reminders_reminder (
    checkpoint_id, recipient_id, stage, escalation, scheduled_for, created_at, queued_at,
    email_status, attempts, last_error
)
SELECT due.checkpoint_id, due.recipient_id, 'due', false, due.scheduled_for, now(), now(),
       CASE WHEN u.email = '' THEN 'no_address'
            WHEN u.reminder_delivery = 'digest' THEN 'skipped_digest'
            ELSE 'pending' END,
       0, ''
  FROM due JOIN organisations_user AS u ON u.id = due.recipient_id AND u.is_active
ON CONFLICT (checkpoint_id, recipient_id, stage) DO NOTHING
"""


def run_sweep() -> int:
    return sweep(NOW, enqueue=False).reminders


def run_raw_sql() -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"now": NOW})
        return cursor.rowcount


def written() -> tuple[frozenset, frozenset]:
    reminders = frozenset(
        Reminder.objects.values_list(
            "checkpoint_id", "recipient_id", "stage", "scheduled_for", "email_status"
        )
    )
    advanced = frozenset(
        Checkpoint.objects.filter(reminders__isnull=False).values_list("pk", "next_reminder_at")
    )
    return reminders, advanced


def undo() -> None:
    """Back to the seeded state: no reminders, the due set due again."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reminders_checkpoint SET next_reminder_at = %(due_at)s "
            "WHERE id IN (SELECT checkpoint_id FROM reminders_reminder)",
            {"due_at": DUE_AT},
        )
        cursor.execute("DELETE FROM reminders_reminder")
    vacuum()


def cpu_seconds() -> float:
    """CPU time of this process and of its PostgreSQL backend: unlike the wall clock, it
    does not grow when other work on the machine competes for the cores."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compare(label: str, repeat: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of each way, alternating, ``repeat`` times."""
    times: dict[str, list[float]] = {"sweep": [], "sql": [], "sweep cpu": [], "sql cpu": []}
    reference = None
    for _ in range(repeat):
        for name, run in (("sweep", run_sweep), ("sql", run_raw_sql)):
            cpu = cpu_seconds()
            started = time.perf_counter()
            count = run()
            times[name].append(time.perf_counter() - started)
            times[f"{name} cpu"].append(cpu_seconds() - cpu)
            if count != DUE:
                sys.exit(f"{label} {name}: recorded {count} reminders, expected {DUE}")
            result = written()
            if reference is None:
                reference = result
            elif result != reference:
                sys.exit(f"{label} {name}: did not write the same rows as the others")
            undo()
    return times


# --- Delivery -------------------------------------------------------------------------------


def reset_delivery(ids: list[int]) -> None:
    Notification.objects.filter(
        pk__in=Reminder.objects.filter(pk__in=ids).values("notification_id")
    ).delete()
    Reminder.objects.filter(pk__in=ids).update(
        notified_at=None,
        notification_id=None,
        email_status=EmailStatus.PENDING,
        email_claimed_at=None,
        email_sent_at=None,
        attempts=0,
    )
    vacuum()


def deliver(
    rounds: list[list[int]], workers: int, *, broker, mail_server, log_directory: Path
) -> list[float]:
    """Reminders delivered per second by ``workers`` worker processes, from the moment the
    ids are handed to Redis until the database shows every one notified and e-mailed; one
    rate per round (the first round warms the workers up and is not reported)."""
    from tests.processes import Worker, database_url, publishing_to, wait_until, worker_environment

    reset_delivery([pk for ids in rounds for pk in ids])
    environment = worker_environment(
        database_url=database_url(connection.settings_dict),
        broker_url=broker.url,
        smtp_port=mail_server.port,
        var_directory=log_directory / "var",
    )
    started = [
        Worker(f"bench-{workers}-{n}", environment=environment, log_directory=log_directory).start()
        for n in range(workers)
    ]
    rates = []
    try:
        with publishing_to(broker.url) as app:
            names = {w.hostname for w in started}

            def all_answer() -> bool:
                replies = app.control.ping(destination=list(names), timeout=0.5)
                return {name for reply in replies for name in reply} >= names

            wait_until(all_answer, timeout=60, message="the workers did not start")
            for ids in rounds:
                received_before = len(mail_server.messages)
                delivered = Reminder.objects.filter(
                    pk__in=ids, notified_at__isnull=False, email_status=EmailStatus.SENT
                )
                began = time.perf_counter()
                enqueue_delivery(ids)
                wait_until(
                    lambda delivered=delivered, ids=ids: delivered.count() == len(ids),
                    timeout=600,
                    interval=0.1,
                    message=lambda delivered=delivered, ids=ids: (
                        f"only {delivered.count()} of {len(ids)} delivered"
                    ),
                )
                rates.append(len(ids) / (time.perf_counter() - began))
                assert len(mail_server.messages) - received_before == len(ids)
                assert Notification.objects.filter(
                    pk__in=Reminder.objects.filter(pk__in=ids).values("notification_id")
                ).count() == len(ids)
    finally:
        for worker in started:
            worker.stop()
    return rates[1:]


# --- Report ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    total = memory.splitlines()[1].split()[1] if memory else "?"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"nproc {os.cpu_count()}, {cpu}, {total} RAM, Python {platform.python_version()}, "
        f"PostgreSQL {postgres}; {load()}"
    )


def load() -> str:
    """Other work on the machine skews the timings: say how busy it was."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def line(label: str, times: dict[str, list[float]]) -> dict[str, float]:
    median = {name: statistics.median(values) for name, values in times.items()}

    def runs(name: str) -> str:
        return ", ".join(f"{t:.3f}" for t in times[name])

    print(
        f"{label}: wall sweep {median['sweep']:.3f} s ({runs('sweep')}) | raw SQL "
        f"{median['sql']:.3f} s ({runs('sql')}) | sweep/SQL {median['sweep'] / median['sql']:.2f}x"
        f"\n{' ' * len(label)}  CPU  sweep {median['sweep cpu']:.3f} s ({runs('sweep cpu')}) | "
        f"raw SQL {median['sql cpu']:.3f} s ({runs('sql cpu')}) | sweep/SQL "
        f"{median['sweep cpu'] / median['sql cpu']:.2f}x | {load()}",
        flush=True,
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument("--deliver", type=int, default=1000, help="reminders a round")
    parser.add_argument("--skip-delivery", action="store_true")
    options = parser.parse_args()
    began = time.perf_counter()

    call_command("migrate", verbosity=0)
    print(machine(), flush=True)
    seed_world()
    insert_checkpoints(1, SMALL)
    print(f"seeded {Checkpoint.objects.count():,} checkpoints, {DUE:,} due", flush=True)
    small = line(f"{SMALL:,} checkpoints", compare("small", options.repeat))

    insert_checkpoints(SMALL + 1, LARGE)
    print(f"seeded {Checkpoint.objects.count():,} checkpoints, {DUE:,} due", flush=True)
    large = line(f"{LARGE:,} checkpoints", compare("large", options.repeat))

    for clock in ("", " cpu"):
        name = "wall" if not clock else "CPU"
        ratios = [m[f"sweep{clock}"] / m[f"sql{clock}"] for m in (small, large)]
        growth = large[f"sweep{clock}"] / small[f"sweep{clock}"]
        print(
            f"goals ({name}): sweep/SQL {ratios[0]:.2f}x at {SMALL:,}, {ratios[1]:.2f}x at "
            f"{LARGE:,} (<= 1.5x: {'met' if max(ratios) <= 1.5 else 'MISSED'}); sweep at "
            f"{LARGE:,} / at {SMALL:,} {growth:.2f}x (<= 1.5x: "
            f"{'met' if growth <= 1.5 else 'MISSED'})",
            flush=True,
        )

    if not options.skip_delivery:
        from tests.processes import RedisServer, SmtpSink

        sweep(NOW, enqueue=False)  # the 10,000 reminders, recorded
        vacuum()
        ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
        warm_up, n = 100, options.deliver
        rounds = [ids[:warm_up], ids[warm_up : warm_up + n], ids[warm_up + n : warm_up + 2 * n]]
        with tempfile.TemporaryDirectory(prefix="spor-bench-") as scratch:
            broker = RedisServer(Path(scratch) / "redis")
            broker.start()
            mail_server = SmtpSink().start()
            try:
                for workers in (1, 2):
                    rates = deliver(
                        rounds,
                        workers,
                        broker=broker,
                        mail_server=mail_server,
                        log_directory=Path(scratch),
                    )
                    print(
                        f"delivery, {workers} worker{'s' if workers > 1 else ''} "
                        f"(prefork, concurrency 1): "
                        f"{', '.join(f'{rate:.1f}' for rate in rates)} reminders/s "
                        f"({n:,} reminders a round, in-app + e-mail over SMTP to aiosmtpd) "
                        f"| {load()}",
                        flush=True,
                    )
            finally:
                mail_server.stop()
                broker.kill()
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
