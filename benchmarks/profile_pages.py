"""Time the pages of the mixed load in-process on the national dataset, with their queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spor_scale_national SECRET_KEY=x \\
        .venv/bin/python benchmarks/profile_pages.py   # TOP=3 shows the 3 slowest queries

Best of three per page, after one warm-up, as a politician and an administrator of the
dataset; what ``docs/benchmarks.md`` ("Profiled and fixed") reports. Never part of the suite.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.load_settings")
import django

django.setup()
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from innovations.models import Innovation  # noqa: E402
from organisations.models import Membership, User  # noqa: E402


def run(user, url: str) -> None:
    client = Client()
    client.force_login(user)
    client.get(url)
    best = None
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"{url:40s} {response.status_code} {best * 1000:7.1f} ms, "
        f"{len(queries.captured_queries)} queries, sql {sql * 1000:.1f} ms"
    )
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    for query in slowest[: int(os.environ.get("TOP", "0"))]:
        print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:400]}")


def main() -> None:
    politician = User.objects.filter(role="politician", memberships__isnull=False).first()
    administrator = User.objects.filter(role="administrator", organisation__isnull=False).first()
    committees = Membership.objects.filter(person=politician).values("committee")
    innovation = Innovation.objects.filter(committee__in=committees).first()
    for user, url in [
        (politician, "/my/follow-ups/"),
        (politician, "/my/notifications/"),
        (politician, f"/innovations/{innovation.pk}/"),
        (administrator, "/portfolio/"),
        (administrator, "/catalogue/?q=hjemmepleje"),
        (administrator, "/api/v1/innovations/"),
    ]:
        run(user, url)


if __name__ == "__main__":
    main()
