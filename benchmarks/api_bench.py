"""Benchmark: the REST API next to plain Django views doing the same database work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_bench \
        .venv/bin/python benchmarks/api_bench.py --seed [--requests 1000] [--concurrency 8]

``--seed`` drops and re-creates the database named in DATABASE_URL (the name must contain
"bench"), migrates it and seeds a national-size dataset with ``bulk_create``: the 103
organisations, a committee and a meeting each, 100,000 innovations in every phase
(Copenhagen holds 6,000 of them, 4,000 in ``need`` as the pool the write scenario consumes).
Without ``--seed`` it reuses the database (each run consumes part of the pool).

Then it starts gunicorn (``--workers`` sync workers, ``benchmarks.api_settings``: the
project plus the baseline views of ``benchmarks/api_baseline.py``) on 127.0.0.1, and a
small load generator (threads, ``http.client``, a new connection per request as gunicorn's
sync workers close them) measures, in one run, for each scenario the API and its baseline:

- list: ``GET /api/v1/innovations/`` (count + the first page of 50 of Copenhagen's 6,000)
  against ``GET /bench/baseline/innovations/``;
- record: ``POST /api/v1/decisions/`` with an approved mandate and ``apply_transition``
  (one decision and one transition per request, each on its own innovation) against
  ``POST /bench/baseline/decisions/`` (the same service call).

Each measurement: 50 warm-up requests, then ``--requests`` requests (at most ``--seconds``),
in ``--rounds`` rounds that alternate the API and the baseline.
Goal (issue 4): the API at least 0.75x the baseline's requests per second in both, and the
list's p95 under 50 ms. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")
# plain http on the loopback: production's redirect to https would answer every request 301
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECRET_KEY", "spor-benchmark-only-" + secrets.token_hex(8))
# Fixed keys of the benchmark's two API tokens (named tokens, stored hashed like any other).
SECRETARY_KEY = "spor_" + "b" * 43
ADMINISTRATOR_KEY = "spor_" + "a" * 43
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/spor_bench")
os.environ.setdefault("SPOR_VAR_DIR", tempfile.mkdtemp(prefix="spor-api-bench-var-"))
os.environ.pop("REDIS_URL", None)  # no webhooks registered: nothing is sent anyway

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg  # noqa: E402

INNOVATIONS = 100_000
COPENHAGEN = "0101"
COPENHAGEN_INNOVATIONS = 6_000
POOL = 4_000
STATES = ["need", "exploring", "testing", "implementing", "evaluating", "spreading", "paused",
          "completed", "stopped"]  # fmt: skip


def recreate_database() -> None:
    settings = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = settings["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed() -> None:
    import datetime

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from access.models import ApiToken
    from access.services import hash_key
    from innovations.models import Innovation
    from organisations.models import Committee, Meeting, Membership, Organisation, Role, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rng = random.Random(4)
    organisations = list(Organisation.objects.order_by("code"))
    assert len(organisations) == 103, len(organisations)
    today = timezone.localdate()
    with transaction.atomic():
        committees = Committee.objects.bulk_create(
            Committee(organisation=org, name="Sundheds- og Omsorgsudvalget")
            for org in organisations
        )
        # today: evidence is dated at or after the innovation was raised (seeded today)
        Meeting.objects.bulk_create(Meeting(committee=c, date=today) for c in committees)
        by_org = {c.organisation_id: c for c in committees}
        copenhagen = next(o for o in organisations if o.code == COPENHAGEN)
        secretary = User.objects.create_user(
            "bench-secretary", password="bench", organisation=copenhagen, role=Role.SECRETARY
        )
        administrator = User.objects.create_user(
            "bench-administrator",
            password="bench",
            organisation=copenhagen,
            role=Role.ADMINISTRATOR,
        )
        Membership.objects.create(
            person=secretary,
            committee=by_org[copenhagen.pk],
            role="secretary",
            valid_from=datetime.date(2026, 1, 1),
        )
        # the committee's nine voting members: the votes recorded (7, 2, 0) are at most theirs
        for number in range(9):
            member = User.objects.create_user(
                f"bench-member-{number}", organisation=copenhagen, role=Role.POLITICIAN
            )
            Membership.objects.create(
                person=member,
                committee=by_org[copenhagen.pk],
                role="member",
                valid_from=datetime.date(2026, 1, 1),
            )
        for person, key in ((secretary, SECRETARY_KEY), (administrator, ADMINISTRATOR_KEY)):
            ApiToken.objects.create(
                owner=person,
                organisation=copenhagen,
                name="Benchmark",
                prefix=key[:13],
                key_hash=hash_key(key),
                expires_at=timezone.now() + datetime.timedelta(days=1),
            )
    others = [o for o in organisations if o.pk != copenhagen.pk]
    plan: list[tuple[object, str]] = []
    plan += [(copenhagen, "need")] * POOL
    plan += [(copenhagen, rng.choice(STATES)) for _ in range(COPENHAGEN_INNOVATIONS - POOL)]
    plan += [(others[i % len(others)], rng.choice(STATES)) for i in range(INNOVATIONS - len(plan))]
    batch: list[Innovation] = []
    for number, (org, state) in enumerate(plan):
        batch.append(
            Innovation(
                title=("Pulje " if number < POOL else "Projekt ") + str(number),
                need="Borgerne venter for længe på hjælp.",
                organisation=org,
                committee=by_org[org.pk],
                state=state,
                paused_from="testing" if state == "paused" else "",
                innovation_types=["service"],
                intended_values=["quality", "efficiency"],
                collaborators=["citizens"],
                shared=rng.random() < 0.1,
            )
        )
        if len(batch) == 5000:
            Innovation.objects.bulk_create(batch)
            batch = []
    if batch:
        Innovation.objects.bulk_create(batch)
    with django.db.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {Innovation.objects.count():,} innovations in {time.perf_counter() - started:.1f} s"
    )


def pool_ids(n: int) -> list[int]:
    from decisions.models import Decision
    from innovations.models import Innovation

    ids = list(
        Innovation.objects.filter(
            organisation__code=COPENHAGEN, state="need", title__startswith="Pulje"
        )
        .exclude(pk__in=Decision.objects.values("innovation_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )
    if len(ids) < n:
        sys.exit(f"only {len(ids)} innovations left in the pool, {n} needed: run with --seed")
    return ids


# --- Load generator -------------------------------------------------------------------------


class Result:
    def __init__(self, name: str, latencies: list[float], seconds: float, errors: int) -> None:
        self.name = name
        self.latencies = sorted(latencies)
        self.seconds = seconds
        self.errors = errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: int) -> float:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[p - 1] * 1000


def load(
    port: int,
    make_request,  # (index) -> (method, path, body bytes | None, token)
    *,
    count: int,
    concurrency: int,
    max_seconds: float,
    expect: int,
) -> tuple[list[float], float, int]:
    indexes: queue.Queue[int] = queue.Queue()
    for i in range(count):
        indexes.put(i)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            try:
                index = indexes.get_nowait()
            except queue.Empty:
                return
            method, path, body, token = make_request(index)
            headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == expect
            except OSError:
                ok = False
            finally:
                connection.close()
            elapsed = time.perf_counter() - began
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors[0]


def list_request(path: str):
    def make(index: int):
        return "GET", path, None, ADMINISTRATOR_KEY

    return make


def record_request(path: str, innovations: list[int], meeting: int):
    def make(index: int):
        body = {
            "innovation": innovations[index],
            "meeting": meeting,
            "agenda_item": f"Punkt {index}",
            "transition": "mandate",
            "outcome": "approved",
            "resolution": "Udvalget giver mandat til at undersøge løsninger.",
            "votes_for": 7,
            "votes_against": 2,
            "votes_abstaining": 0,
            "value_direction": "Borgeren skal hurtigere tilbage til hverdagen.",
            "apply_transition": True,
        }
        return "POST", path, json.dumps(body).encode(), SECRETARY_KEY

    return make


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.api_settings", DB_CONN_MAX_AGE="600")
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "workflow_project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--pythonpath",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request(
                "GET", "/api/v1/workflow/", headers={"Authorization": "Token " + ADMINISTRATOR_KEY}
            )
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    process.terminate()
    sys.exit("gunicorn did not start")


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1]
    return f"{os.cpu_count()} CPUs ({cpu}), memory: {' '.join(memory.split()[1:2])} total"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of API and baseline")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--scenarios", default="list,record", help="comma-separated: list, record (default both)"
    )
    args = parser.parse_args()

    if args.seed:
        recreate_database()
    django.setup()
    if args.seed:
        seed()

    from innovations.models import Innovation
    from organisations.models import Meeting

    warm = 50
    wanted = set(args.scenarios.split(","))
    innovations = pool_ids(2 * (args.requests + warm) if "record" in wanted else 0)
    api_pool = innovations[: args.requests + warm]
    baseline_pool = innovations[args.requests + warm :]
    meeting = Meeting.objects.get(
        committee__organisation__code=COPENHAGEN, committee__is_council=False
    ).pk
    total = Innovation.objects.count()
    django.db.connections.close_all()

    server = start_gunicorn(args.port, args.workers)
    results: list[tuple[str, Result, Result]] = []
    try:
        scenarios = [
            (
                "list innovations (count + page of 50)",
                list_request("/api/v1/innovations/"),
                list_request("/bench/baseline/innovations/"),
                200,
            ),
            (
                "record decision + apply transition",
                record_request("/api/v1/decisions/", api_pool, meeting),
                record_request("/bench/baseline/decisions/", baseline_pool, meeting),
                201,
            ),
        ]
        scenarios = [
            sc for sc, key in zip(scenarios, ("list", "record"), strict=True) if key in wanted
        ]
        for name, api_make, baseline_make, expect in scenarios:
            makers = {"api": api_make, "baseline": baseline_make}
            for make in makers.values():
                load(args.port, make, count=warm, concurrency=args.concurrency, max_seconds=30,
                     expect=expect)  # fmt: skip
            # Alternate the two in rounds, so a change in the machine's other load during the
            # run falls on both alike.
            collected = {label: ([], 0.0, 0) for label in makers}
            chunk = -(-args.requests // args.rounds)
            for round_number in range(args.rounds):
                for label, make in makers.items():
                    offset = warm + round_number * chunk

                    def shifted(index: int, make=make, offset=offset):
                        return make(index + offset)

                    count = min(chunk, args.requests - round_number * chunk)
                    latencies, seconds, errors = load(
                        args.port,
                        shifted,
                        count=count,
                        concurrency=args.concurrency,
                        max_seconds=args.seconds / args.rounds,
                        expect=expect,
                    )
                    before = collected[label]
                    collected[label] = (
                        before[0] + latencies,
                        before[1] + seconds,
                        before[2] + errors,
                    )
            measured = {label: Result(label, *collected[label]) for label in makers}
            results.append((name, measured["api"], measured["baseline"]))
    finally:
        server.terminate()
        server.wait(timeout=30)

    load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"machine: {machine()}; PostgreSQL on the same machine; {total:,} innovations")
    print(f"load average after the run: {load_average}")
    print(
        f"gunicorn {args.workers} sync workers; load generator: {args.concurrency} threads, "
        f"{args.requests} requests per measurement (in {args.rounds} alternating rounds) "
        f"after {warm} warm-up requests"
    )
    print()
    print(
        "| scenario | endpoint | requests/s | p50 ms | p95 ms | p99 ms | errors | API / baseline |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, api, baseline in results:
        ratio = api.rps / baseline.rps
        for result, label in ((api, "API"), (baseline, "baseline")):
            print(
                f"| {name} | {label} | {result.rps:.1f} | {result.percentile(50):.1f} | "
                f"{result.percentile(95):.1f} | {result.percentile(99):.1f} | {result.errors} | "
                f"{f'{ratio:.2f}x' if label == 'API' else ''} |"
            )
    print()
    for name, api, baseline in results:
        ratio = api.rps / baseline.rps
        print(f"{name}: API {ratio:.2f}x the baseline's throughput (goal >= 0.75x)")
        if name.startswith("list"):
            print(f"{name}: API p95 {api.percentile(95):.1f} ms (goal < 50 ms)")


if __name__ == "__main__":
    main()
