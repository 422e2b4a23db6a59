"""Prometheus metrics: ``/metrics``, the request latency middleware, and the figures read
from the database and the broker at scrape time.

What a process observes (request latency here, the sweep's duration and due count in
``reminders.metrics``) is kept in that process; under gunicorn and Celery, set
``PROMETHEUS_MULTIPROC_DIR`` to one empty directory for every web and worker process of a
host (emptied before they start), and the scrape adds up the files of all of them. What
lives in the database (reminders recorded, delivered and failed by channel, e-mail retries,
webhook deliveries by status, the oldest undelivered reminder) and in Redis (queue lengths)
is read when scraped, so it is the same whichever process answers and needs no bookkeeping.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from reminders.models import EmailStatus, Reminder
from webhooks.models import DeliveryStatus, WebhookDelivery

from .celery import app

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "spor_http_request_duration_seconds",
    "Time from the request's arrival to the view's response, by URL name.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2.5, 5, 10),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# kombu's Redis transport keeps a queue's messages of priority p > 0 under "<queue>\x06\x16<p>"
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


class RequestMetricsMiddleware:
    """Observe each request's latency under its resolved URL name (never the raw path, so
    ``/innovations/17/`` and ``/innovations/18/`` are one series)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        REQUEST_LATENCY.labels(
            route=match.view_name if match else "unresolved",
            method=request.method if request.method in _METHODS else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


def _allowed(request: HttpRequest) -> bool:
    token = settings.SPOR_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").strip(), token)
    networks = settings.SPOR_METRICS_ALLOWED_NETWORKS
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in networks)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        if settings.SPOR_METRICS_TOKEN:
            response["WWW-Authenticate"] = "Bearer"
        return response
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    registry.register(QueueCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class _ThisProcess:
    """The default registry (this process's metrics), when not in multi-process mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class DatabaseCollector:
    """Figures kept in the database, read at scrape time (two aggregate queries)."""

    def collect(self) -> Iterator[Metric]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*),
                       count(notified_at),
                       count(*) FILTER (WHERE email_status = %s),
                       count(*) FILTER (WHERE email_status = %s),
                       coalesce(sum(greatest(attempts - 1, 0)), 0)
                FROM reminders_reminder
                """,
                [EmailStatus.SENT, EmailStatus.FAILED],
            )
            recorded, in_app, email_sent, email_failed, retries = cursor.fetchone()
        yield CounterMetricFamily(
            "spor_reminders_recorded", "Reminders recorded by the sweep.", value=recorded
        )
        delivered = CounterMetricFamily(
            "spor_reminders_delivered", "Reminders delivered, by channel.", labels=["channel"]
        )
        delivered.add_metric(["in_app"], in_app)
        delivered.add_metric(["email"], email_sent)
        yield delivered
        failed = CounterMetricFamily(
            "spor_reminders_failed",
            "Reminders given up on, by channel (an in-app notification is retried until made).",
            labels=["channel"],
        )
        failed.add_metric(["email"], email_failed)
        yield failed
        yield CounterMetricFamily(
            "spor_reminder_email_retries",
            "E-mail attempts after a reminder's first.",
            value=int(retries),
        )

        # The same condition as the backstop's partial index, so this reads only that index.
        oldest = (
            Reminder.objects.filter(
                Q(notified_at__isnull=True, cancelled_at__isnull=True)
                | Q(email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING])
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "spor_reminder_oldest_undelivered_age_seconds",
            "Age of the oldest reminder not yet delivered on every channel (0 when none).",
            value=max(age, 0.0),
        )

        counts = dict(
            WebhookDelivery.objects.order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        deliveries = GaugeMetricFamily(
            "spor_webhook_deliveries", "Webhook deliveries by status.", labels=["status"]
        )
        for status in DeliveryStatus.values:
            deliveries.add_metric([status], counts.get(status, 0))
        yield deliveries


class QueueCollector:
    """The length of each Celery queue on a Redis broker (LLEN of its keys)."""

    def collect(self) -> Iterator[Metric]:
        broker = settings.CELERY_BROKER_URL
        if not broker.startswith(("redis://", "rediss://", "unix://")):
            return
        up = GaugeMetricFamily("spor_celery_broker_up", "Whether the broker answered the scrape.")
        lengths = GaugeMetricFamily(
            "spor_celery_queue_length", "Messages waiting in each Celery queue.", labels=["queue"]
        )
        names = celery_queue_names()
        client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
        try:
            with client.pipeline(transaction=False) as pipe:
                for name in names:
                    for step in _PRIORITY_STEPS:
                        pipe.llen(name if step == 0 else f"{name}{_PRIORITY_SEPARATOR}{step}")
                results = pipe.execute()
        except redis.RedisError as exc:
            logger.warning("metrics: the broker did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        finally:
            client.close()
        up.add_metric([], 1)
        yield up
        steps = len(_PRIORITY_STEPS)
        for index, name in enumerate(names):
            lengths.add_metric([name], sum(results[index * steps : (index + 1) * steps]))
        yield lengths


def celery_queue_names() -> list[str]:
    """The default queue and every queue named in the routes or the declared queues."""
    names = {app.conf.task_default_queue}
    for queue in app.conf.task_queues or ():
        names.add(queue.name)
    routes = app.conf.task_routes
    if isinstance(routes, dict):
        for route in routes.values():
            if isinstance(route, dict) and route.get("queue"):
                names.add(route["queue"])
    return sorted(names)
