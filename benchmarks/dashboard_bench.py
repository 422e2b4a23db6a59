"""Benchmark: the administrator's portfolio dashboard, large organisation against small.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_bench_dashboard \
        .venv/bin/python benchmarks/dashboard_bench.py [--repeat 15]

It drops and re-creates the database named in DATABASE_URL (the name must contain
"bench"), migrates it, and seeds two organisations in one database:

- Copenhagen: 8 committees, 5,000 innovations across the phases, 10,000 decisions,
  5,000 follow-ups and 50,000 checkpoints (open, overdue, completed);
- Aarhus: 2 committees, 50 innovations, 100 decisions, 50 follow-ups, 500 checkpoints.

Then, in one run, it times the server's handling of ``GET /portfolio/`` (the whole
request through Django's test client: middleware, the figures, the lists, the SVG charts,
the template) for each organisation's administrator, unfiltered and filtered by committee,
phase and period, and the portfolio CSV. The goal (issue 5): the large organisation's
dashboard takes at most 3x the small one's. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor_bench_dashboard")
os.environ.setdefault("SPOR_VAR_DIR", tempfile.mkdtemp(prefix="spor-bench-var-"))
os.environ.pop("REDIS_URL", None)

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg  # noqa: E402


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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from decisions.models import Decision, FollowUp  # noqa: E402
from innovations.models import Innovation, State  # noqa: E402
from organisations.models import Committee, Meeting, Organisation, Role, User  # noqa: E402
from reminders.models import Checkpoint  # noqa: E402

STATES = [
    State.NEED,
    State.EXPLORING,
    State.EXPLORING,
    State.TESTING,
    State.TESTING,
    State.IMPLEMENTING,
    State.EVALUATING,
    State.SPREADING,
    State.PAUSED,
    State.COMPLETED,
    State.STOPPED,
]
KINDS = ["follow_up", "documentation", "evaluation", "decision"]


def seed(code: str, *, committees: int, innovations: int, checkpoints_each: int) -> User:
    organisation = Organisation.objects.get(code=code)
    council = Committee.objects.get(organisation=organisation, is_council=True)
    committee_list = [council] + [
        Committee.objects.create(organisation=organisation, name=f"Udvalg {n}")
        for n in range(committees - 1)
    ]
    today = timezone.localdate()
    meetings = {
        committee.pk: Meeting.objects.bulk_create(
            [
                Meeting(committee=committee, date=today - datetime.timedelta(days=15 + 30 * m))
                for m in range(24)
            ]
        )
        for committee in committee_list
    }
    secretary = User.objects.create_user(
        username=f"{code}-secretary", organisation=organisation, role=Role.SECRETARY
    )
    administrator = User.objects.create_user(
        username=f"{code}-administrator",
        password="bench",
        organisation=organisation,
        role=Role.ADMINISTRATOR,
    )
    rows = Innovation.objects.bulk_create(
        [
            Innovation(
                title=f"Innovation {code}-{n}",
                need="Et behov, som borgerne har rejst.",
                organisation=organisation,
                committee=committee_list[n % len(committee_list)],
                owner=secretary,
                state=STATES[n % len(STATES)],
                shared=n % 9 == 0,
                innovation_types=["service"],
                intended_values=["quality", "efficiency"],
            )
            for n in range(innovations)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Decision.objects.bulk_create(
        [
            Decision(
                innovation=innovation,
                meeting=meetings[innovation.committee_id][(innovation.pk + k * 7) % 24],
                agenda_item=f"Punkt {k}",
                transition="",
                outcome="approved" if (innovation.pk + k) % 3 else "postponed",
                resolution="Udvalget godkender indstillingen.",
                votes_for=7,
                votes_against=2,
                recorded_by=secretary,
                recorded_at=now,
            )
            for innovation in rows
            for k in range(2)
        ],
        batch_size=5000,
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                innovation=innovation,
                meeting=meetings[innovation.committee_id][(innovation.pk * 3) % 24],
                agenda_item="Orientering",
                assessment="on_track",
                summary="Projektet følger planen.",
                recorded_by=secretary,
                recorded_at=now,
            )
            for innovation in rows
        ],
        batch_size=5000,
    )
    checkpoints = []
    for innovation in rows:
        for k in range(checkpoints_each):
            status = "completed" if k % 3 == 0 else "open"
            due = today + datetime.timedelta(days=(innovation.pk * 7 + k * 31) % 240 - 120)
            checkpoints.append(
                Checkpoint(
                    innovation=innovation,
                    kind=KINDS[k % len(KINDS)],
                    due_date=due,
                    committee_id=innovation.committee_id,
                    responsible="committee",
                    status=status,
                    source="rule",
                    state=innovation.state,
                    completed_at=now if status == "completed" else None,
                    closed_at=now if status == "completed" else None,
                )
            )
    Checkpoint.objects.bulk_create(checkpoints, batch_size=5000)
    with connection.cursor() as cursor:
        # Spread the phase entry and creation times over two years, as a real portfolio has.
        cursor.execute(
            "UPDATE innovations_innovation SET"
            " state_entered_at = now() - (id %% 700) * interval '1 day',"
            " created_at = now() - (300 + id %% 430) * interval '1 day'"
            " WHERE organisation_id = %s",
            [organisation.pk],
        )
    return administrator


def _get(client: Client, url: str, params: dict) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url, params)
    if hasattr(response, "streaming_content"):
        size = len(b"".join(response.streaming_content))
    else:
        size = len(response.content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, size


def timed_pair(requests: list[tuple[Client, str, dict]], repeat: int) -> list[tuple[float, int]]:
    """Median server time of each request, taken in turns so that a busy moment of the
    machine weighs on both organisations alike."""
    for client, url, params in requests:
        for _ in range(2):  # warm caches (content types, templates, connection)
            _get(client, url, params)
    samples: list[list[float]] = [[] for _ in requests]
    sizes = [0 for _ in requests]
    for _ in range(repeat):
        for index, (client, url, params) in enumerate(requests):
            elapsed, sizes[index] = _get(client, url, params)
            samples[index].append(elapsed)
    return [(statistics.median(times), size) for times, size in zip(samples, sizes, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    large = seed("0101", committees=8, innovations=5000, checkpoints_each=10)
    small = seed("0751", committees=2, innovations=50, checkpoints_each=10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeded = time.perf_counter() - started
    counts = {
        org: (
            Innovation.objects.filter(organisation__code=org).count(),
            Checkpoint.objects.filter(innovation__organisation__code=org).count(),
        )
        for org in ("0101", "0751")
    }

    today = timezone.localdate()
    cases = [
        ("dashboard", "/portfolio/", {}),
        (
            "dashboard, filtered",
            "/portfolio/",
            {
                "phase": "testing",
                "period_from": (today - datetime.timedelta(days=365)).isoformat(),
                "period_to": today.isoformat(),
                "stale_months": "3",
            },
        ),
        ("portfolio CSV", "/portfolio/innovations.csv", {}),
    ]
    results = []
    for label, url, params in cases:
        requests = []
        for person in (large, small):
            client = Client()
            client.force_login(person)
            query = dict(params)
            if label == "dashboard, filtered":
                query["committee"] = str(
                    Committee.objects.filter(organisation_id=person.organisation_id)
                    .exclude(is_council=True)
                    .values_list("pk", flat=True)
                    .first()
                )
            requests.append((client, url, query))
        (large_s, large_size), (small_s, small_size) = timed_pair(requests, args.repeat)
        results.append([label, large_s, large_size, small_s, small_size])

    print("## Portfolio dashboard (issue 5)\n")
    print(
        "Command: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_bench_dashboard "
        f".venv/bin/python benchmarks/dashboard_bench.py --repeat {args.repeat}`\n"
    )
    print(
        f"Machine: {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs), "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}; "
        f"seeded in {seeded:.0f} s.\n"
    )
    print(
        f"Large: Copenhagen, {counts['0101'][0]:,} innovations, {counts['0101'][1]:,} checkpoints. "
        f"Small: Aarhus, {counts['0751'][0]:,} innovations, {counts['0751'][1]:,} checkpoints. "
        f"Median of {args.repeat} requests each, large and small in turns, after 2 warm-up requests; server time, in-process.\n"
    )
    print("| request | large | small | large / small | goal |")
    print("|---|---|---|---|---|")
    for label, large_s, large_size, small_s, small_size in results:
        ratio = large_s / small_s
        goal = "≤ 3x" if label.startswith("dashboard") else "(grows with rows)"
        print(
            f"| {label} | {large_s * 1000:.1f} ms ({large_size // 1024} KB) "
            f"| {small_s * 1000:.1f} ms ({small_size // 1024} KB) | {ratio:.2f}x | {goal} |"
        )


if __name__ == "__main__":
    main()
