"""The national mixed load test: locust against gunicorn on the national dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_scale_national \\
        .venv/bin/python benchmarks/load_test.py [--steps 20,40,80,120,160] [--step-seconds 60]

The database must hold the national dataset (``manage.py generate_scale_data``); the test
adds decisions, status reports and reminders to it. On 127.0.0.1 only, it starts:

- gunicorn (``--workers``, sync) with the production settings and ``/bench/minimal/``;
- a Celery worker and beat (the sweep every ``--sweep-seconds``) over a throwaway Redis,
  delivering e-mail to an SMTP sink in this process (aiosmtpd);
- then, for each step, a headless locust process with that many users (each waits 0.5 to
  1.5 s between requests), for ``--step-seconds``; the steps stop at the first with errors or
  a p95 above 500 ms.

It prints one table per step: requests/s, p50/p95/p99 and errors per request type, the
mixed total (without the minimal view), the minimal view, and what the sweep and delivery
did meanwhile. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")
os.environ.setdefault("SECRET_KEY", "spor-load-test-only")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor_scale_national")
VAR = Path(tempfile.mkdtemp(prefix="spor-load-"))
os.environ.setdefault("SPOR_VAR_DIR", str(VAR / "var"))

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.utils import timezone  # noqa: E402

from access.services import create_token  # noqa: E402
from decisions.models import Decision, TransitionLog  # noqa: E402
from innovations.models import Innovation  # noqa: E402
from organisations.models import Meeting, Membership, User  # noqa: E402
from organisations.services import create_meeting  # noqa: E402
from reminders import schedule  # noqa: E402
from reminders.models import Checkpoint, Reminder, ReminderPolicy  # noqa: E402
from tests.processes import RedisServer, SmtpSink, free_port, wait_until  # noqa: E402

MIXED_EXCLUDES = {"minimal Django view", "Aggregated"}


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # a backend Spor signs in with: a session naming another is anonymous (a sign-in redirect)
    store[BACKEND_SESSION_KEY] = "sso.backends.PasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


RUN_NAME = f"load test {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S}"


def token_for(person: User, purpose: str) -> str:
    """A named API token of this run for the person (created through the service)."""
    return create_token(actor=person, name=f"{RUN_NAME} {purpose}", days=1)[1]


def personas(count: int) -> dict:
    """Real people of the dataset, signed in (a session each) or with an API token."""
    today = timezone.localdate()
    politicians = []
    for person in User.objects.filter(role="politician", memberships__isnull=False).distinct()[
        :count
    ]:
        committees = Membership.objects.filter(person=person).values("committee")
        innovations = list(
            Innovation.objects.filter(committee__in=committees).values_list("pk", flat=True)[:40]
        )
        if innovations:
            politicians.append({"session": session_for(person), "innovations": innovations})
    secretaries = []
    wanted = max(10, count // 4)
    # secretaries of committees that still have innovations in ``need`` come first (earlier
    # runs mandated those of the first committees), so that decisions apply transitions
    with_need = Innovation.objects.filter(committee_id=OuterRef("committee_id"), state="need")
    for membership in (
        Membership.objects.filter(role="secretary")
        .select_related("person")
        .order_by(Exists(with_need).desc(), "pk")
    ):
        if len(secretaries) >= wanted:
            break
        committee = membership.committee_id
        # today's meeting of the committee, registered by its secretary through the service
        # if the dataset has none: evidence is dated at or after the innovation was raised, and
        # the innovations still in need were mostly raised after the last past meeting
        meeting = Meeting.objects.filter(committee_id=committee, date=today).first()
        if meeting is None:
            meeting = create_meeting(actor=membership.person, committee=committee, date=today)
        need = list(
            Innovation.objects.filter(
                committee_id=committee, state="need", created_at__date__lte=meeting.date
            ).values_list("pk", flat=True)[:500]
        )
        # a postponement builds on the last move: one raised and last moved by the meeting
        anyone = (
            Innovation.objects.filter(committee_id=committee, created_at__date__lte=meeting.date)
            .exclude(
                Exists(
                    TransitionLog.objects.filter(
                        innovation=OuterRef("pk"), at__date__gt=meeting.date
                    )
                )
            )
            .values_list("pk", flat=True)
            if meeting
            else Innovation.objects.none()
        )
        if meeting and anyone:
            secretaries.append(
                {
                    "token": token_for(membership.person, "secretary"),
                    "meeting": meeting.pk,
                    "need": need,
                    "any": anyone[0],
                }
            )
    officials = []
    for person in User.objects.filter(role="official")[: max(10, count // 4)]:
        owned = list(
            Innovation.objects.filter(
                owner=person, state__in=["exploring", "testing", "implementing"]
            ).values_list("pk", flat=True)[:50]
        )
        if owned:
            officials.append({"token": token_for(person, "official"), "innovations": owned})
    administrators = [
        {"session": session_for(person)}
        for person in User.objects.filter(role="administrator", organisation__isnull=False)[:40]
    ]
    integrations = [
        {
            "token": token_for(person, "integration"),
            "calendar": person.calendar_token,
        }
        for person in User.objects.filter(role__in=["official", "politician"]).order_by("-pk")[
            : max(10, count // 4)
        ]
    ]
    return {
        "politicians": politicians,
        "secretaries": secretaries,
        "officials": officials,
        "administrators": administrators,
        "integrations": integrations,
    }


def make_due(count: int) -> int:
    """Overdue since yesterday, the next reminder due now: the sweep records their reminders
    to every member of the committee, and delivery sends them, while the load runs."""
    ids = list(
        Checkpoint.objects.filter(status="open", responsible="committee")
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return Checkpoint.objects.filter(pk__in=ids).update(
        due_date=yesterday,
        # the moment of the "due" stage: the sweep records what a checkpoint waits for
        next_reminder_at=schedule.send_moment(yesterday, ReminderPolicy().send_hour),
    )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU seconds of the child processes waited for so far: each step's locust."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def refresh_need(persona_file: Path) -> None:
    """Drop from the secretaries' pools what an earlier step has mandated already, so each
    step's locust (which reads the file afresh) asks only for transitions still possible."""
    data = json.loads(persona_file.read_text())
    pooled = [pk for secretary in data["secretaries"] for pk in secretary["need"]]
    still = set(Innovation.objects.filter(pk__in=pooled, state="need").values_list("pk", flat=True))
    for secretary in data["secretaries"]:
        secretary["need"] = [pk for pk in secretary["need"] if pk in still]
    persona_file.write_text(json.dumps(data))


def start(name: str, command: list[str], environment: dict) -> subprocess.Popen:
    log = (VAR / f"{name}.log").open("ab")
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


def read_stats(prefix: Path) -> dict[str, dict]:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = row
    return rows


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, PostgreSQL "
        f"{version}, Python {platform.python_version()}; load average before the run "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="20,40,80,120,160,200")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sweep-seconds", type=int, default=30)
    parser.add_argument("--personas", type=int, default=200)
    parser.add_argument(
        "--keep-going", action="store_true", help="run every step, also past the limits"
    )
    parser.add_argument(
        "--make-due",
        type=int,
        default=300,
        help="open checkpoints made overdue and due for a reminder now, so the sweep and "
        "delivery have work during the run",
    )
    parser.add_argument(
        "--warmup-seconds", type=int, default=30, help="a first round at 5 users, not reported"
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    counts = {
        "innovations": Innovation.objects.count(),
        "people": User.objects.count(),
    }
    print(f"Dataset: {counts}")
    persona_file = VAR / "personas.json"
    persona_file.write_text(json.dumps(personas(args.personas)))
    last_reminder_before = (
        Reminder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    run_started = timezone.now()
    due = make_due(args.make_due)
    print(f"Made {due} open checkpoints due for a reminder now.")

    sink = SmtpSink().start()
    broker = RedisServer(VAR / "redis")
    broker.start()
    multiproc = VAR / "prometheus"
    multiproc.mkdir()
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "SPOR_SWEEP_INTERVAL_SECONDS": str(args.sweep_seconds),
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        "SPOR_METRICS_ALLOWED_NETWORKS": "127.0.0.1/32",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    processes = [
        start(
            "gunicorn",
            [
                python, "-m", "gunicorn", "workflow_project.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                "--config", "workflow_project/gunicorn.conf.py", "--access-logfile", "-",
            ],
            environment,
        ),
        start(
            "worker",
            [python, "-m", "celery", "-A", "workflow_project", "worker", "--concurrency", "1",
             "-Q", "celery", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
            environment,
        ),
        # beat's sweep and backstop have a queue and a worker of their own, as in production
        start(
            "sweeper",
            [python, "-m", "celery", "-A", "workflow_project", "worker", "--concurrency", "1",
             "-Q", "sweep", "--hostname", "sweeper@%h", "--without-gossip", "--without-mingle",
             "--loglevel", "WARNING"],
            environment,
        ),
        start(
            "beat",
            [python, "-m", "celery", "-A", "workflow_project", "beat", "--loglevel", "WARNING",
             "--schedule", str(VAR / "beat-schedule")],
            environment,
        ),
    ]  # fmt: skip
    import requests

    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _answers(requests, f"{base}/bench/minimal/"),
            timeout=120,
            interval=0.5,
            message="gunicorn did not start",
        )
        check_personas(requests, base, json.loads(persona_file.read_text()))
        locust = shutil.which("locust", path=str(Path(python).parent)) or "locust"
        steps = [int(step) for step in args.steps.split(",")]
        if args.warmup_seconds:
            steps = [0, *steps]
        for users in steps:
            refresh_need(persona_file)
            warmup = users == 0
            users = users or 5
            prefix = VAR / (f"step-{users}" if not warmup else "warmup")
            started = time.monotonic()
            machine_before, locust_before = machine_busy_seconds(), children_cpu_seconds()
            subprocess.run(
                [
                    locust, "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                    "--host", base, "--users", str(users), "--spawn-rate", str(max(5, users // 5)),
                    "--run-time", f"{args.warmup_seconds if warmup else args.step_seconds}s",
                    "--csv", str(prefix), "--only-summary",
                    "--stop-timeout", "10",
                ],
                env={**os.environ, "SPOR_LOAD_PERSONAS": str(persona_file)},
                check=False, capture_output=True, timeout=args.step_seconds + 120,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            if warmup:
                continue
            stats = read_stats(prefix)
            worst = report(users, stats, elapsed)
            busy = (machine_busy_seconds() - machine_before) / elapsed
            load_generator = (children_cpu_seconds() - locust_before) / elapsed
            print(
                f"CPU during the step: the machine {busy:.2f} of {os.cpu_count()} cores busy, "
                f"of which locust itself {load_generator:.2f}."
            )
            if (worst["errors"] or worst["p95"] > 500) and not args.keep_going:
                print(f"Stopped after {users} users: errors or p95 above 500 ms.")
                break
        recorded = Reminder.objects.filter(pk__gt=last_reminder_before)
        sent = recorded.filter(email_status="sent").count()
        print(
            f"Meanwhile: the sweep recorded {recorded.count()} reminders, of which {sent} "
            "were sent by e-mail; "
            f"the SMTP sink received {len(sink.messages)}."
        )
        recorded_decisions = Decision.objects.filter(recorded_at__gte=run_started)
        applied = TransitionLog.objects.filter(at__gte=run_started, transition="mandate").count()
        print(
            f"The secretaries recorded {recorded_decisions.count()} decisions, of which "
            f"{applied} applied a transition (mandate) and "
            f"{recorded_decisions.filter(outcome='postponed').count()} were postponements."
        )
        print(f"Logs and locust CSVs in {VAR}")
    finally:
        for process in processes:
            stop(process)
        broker.kill()
        sink.stop()


def check_personas(requests, base: str, people: dict) -> None:
    """Each kind of persona gets its own page (200), not a redirect to the sign-in: a load
    test of the sign-in page would measure the wrong thing."""
    samples = [
        ("politicians", "/my/follow-ups/"),
        ("administrators", "/portfolio/"),
        ("integrations", "/api/v1/innovations/"),
    ]
    for role, path in samples:
        persona = people[role][0]
        headers = {}
        if persona.get("session"):
            headers["Cookie"] = f"sessionid={persona['session']}"
        if persona.get("token"):
            headers["Authorization"] = f"Token {persona['token']}"
        response = requests.get(base + path, headers=headers, allow_redirects=False, timeout=30)
        if response.status_code != 200:
            raise SystemExit(f"{role} got {response.status_code} for {path}, not their page")


def _answers(requests, url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def report(users: int, stats: dict[str, dict], elapsed: float) -> dict:
    print(f"\n### {users} users\n")
    print("| request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    mixed_requests = mixed_failures = 0
    mixed_rate = 0.0
    worst = {"errors": 0, "p95": 0.0}
    for name, row in sorted(stats.items()):
        if name == "Aggregated":
            continue
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        print(
            f"| {name} | {requests} | {float(row['Requests/s']):.1f} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {failures} |"
        )
        if name not in MIXED_EXCLUDES:
            mixed_requests += requests
            mixed_failures += failures
            mixed_rate += float(row["Requests/s"])
    total = stats.get("Aggregated", {})
    worst["errors"] = mixed_failures
    worst["p95"] = float(total.get("95%") or 0)
    print(
        f"\nMixed (without the minimal view): {mixed_requests} requests, {mixed_rate:.1f} req/s, "
        f"{mixed_failures} errors; all requests p50/p95/p99 {total.get('50%')}/"
        f"{total.get('95%')}/{total.get('99%')} ms; step took {elapsed:.0f} s."
    )
    sys.stdout.flush()
    return worst


if __name__ == "__main__":
    main()
