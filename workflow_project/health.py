"""Health of a Spor process, for load balancers, container health checks and operators.

- ``/healthz`` (liveness): the process answers; nothing else is asked, so a database outage
  never gets healthy web processes restarted;
- ``/readyz`` (readiness): PostgreSQL answers, Redis answers (when configured), every
  migration is applied, the reminder sweep finished within twice its interval, and the
  oldest undelivered reminder is younger than ``SPOR_READYZ_UNDELIVERED_MINUTES``.

Both answer JSON, 200 or 503 with the failing parts named. They are served by a middleware
placed first, before the host check, sessions and authentication: a health check comes from
the orchestrator by an address that is not in ``ALLOWED_HOSTS``, and must not touch a
session. ``manage.py readyz`` runs the same checks (exit 1 when one fails).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone

from reminders.models import EmailStatus, Reminder, SweepRun

PATHS = {"/healthz", "/readyz"}


def _database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def _redis() -> str | None:
    if not settings.REDIS_URL:
        return None  # the embedded mode: no Redis
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return None


def _migrations() -> str | None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        return f"{len(plan)} migrations not applied: {names}"
    return None


def _sweep() -> str | None:
    limit = 2 * settings.SPOR_SWEEP_INTERVAL_SECONDS
    last = (
        SweepRun.objects.filter(kind=SweepRun.Kind.SWEEP)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return "the reminder sweep has not run yet (is beat running, and a worker on -Q sweep?)"
    age = (timezone.now() - last).total_seconds()
    if age > limit:
        return f"the reminder sweep last finished {age:.0f} s ago (limit {limit} s)"
    return None


def _undelivered() -> str | None:
    limit = datetime.timedelta(minutes=settings.SPOR_READYZ_UNDELIVERED_MINUTES)
    oldest = (
        Reminder.objects.filter(
            Q(notified_at__isnull=True, cancelled_at__isnull=True)
            | Q(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING])
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is not None and timezone.now() - oldest > limit:
        minutes = (timezone.now() - oldest).total_seconds() / 60
        return (
            f"the oldest undelivered reminder was recorded {minutes:.0f} minutes ago "
            f"(limit {limit.total_seconds() / 60:.0f})"
        )
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": _database,
    "redis": _redis,
    "migrations": _migrations,
    "sweep": _sweep,
    "undelivered": _undelivered,
}
# Without the database, nothing that reads it can be judged.
NEEDS_DATABASE = {"migrations", "sweep", "undelivered"}


def readiness(only: list[str] | None = None) -> tuple[bool, dict]:
    """Run the checks (``only`` some); return whether all passed and the JSON body."""
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        if name in NEEDS_DATABASE and not results.get("database", {"ok": True})["ok"]:
            results[name] = {"ok": False, "error": "the database does not answer"}
            continue
        started = time.monotonic()
        try:
            problem = check()
        except Exception as exc:  # every failure is an answer here, never a 500
            problem = f"{type(exc).__name__}: {exc}"[:500]
        results[name] = {"ok": problem is None, "ms": round((time.monotonic() - started) * 1000)}
        if problem:
            results[name]["error"] = problem
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "failing" if failing else "ok", "failing": failing, "checks": results}
    return not failing, body


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before any other middleware runs."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            # (a connection a failed check left broken is closed at request_finished)
            ready, body = readiness()
            return JsonResponse(body, status=200 if ready else 503)
        return self.get_response(request)
