"""/metrics, scraped over HTTP from gunicorn with two workers, as Prometheus would.

The story: an operator runs Spor under gunicorn with PROMETHEUS_MULTIPROC_DIR and a bearer
token. Requests land on either worker; the sweep runs in another process (the command); the
delivery in a third (this one). Whichever worker answers the scrape, the figures are the sum
of all of them, and the reminders' figures move as the sweep records and delivery delivers.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
import time_machine
from django.conf import settings
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from reminders import delivery
from reminders.models import Reminder
from webhooks.models import WebhookDelivery, WebhookEndpoint
from workflow_project.metrics import celery_queue_names

from .processes import ROOT, database_url, free_port, wait_until, worker_environment
from .reminders_world import checkpoint_due

TOKEN = "scrape-me-4a1c9e"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


class Gunicorn:
    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.environment = environment
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "workflow_project.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                    "--config", "workflow_project/gunicorn.conf.py",
                ],
                cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

        # (probed at /healthz, not at the sign-in page whose requests a test counts: a probe
        # that timed out while a worker booted is still answered, and counted, later)
        def answers() -> bool:
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, interval=0.2, message=lambda: self.log.read_text())
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Gunicorn, dict[str, str]]]:
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    environment = worker_environment(
        database_url=database_url(connection.settings_dict),
        broker_url=settings.REDIS_URL,
        smtp_port=free_port(),
        var_directory=tmp_path / "var",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        SPOR_METRICS_TOKEN=TOKEN,
        SPOR_METRICS_ALLOWED_NETWORKS="",
    )
    server = Gunicorn(environment, tmp_path / "gunicorn.log").start()
    try:
        yield server, environment
    finally:
        server.stop()
        redis.Redis.from_url(settings.REDIS_URL).delete(*celery_queue_names())


def scrape(server: Gunicorn) -> dict:
    response = requests.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return samples(response.text)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scrape_refused_without_the_token(served):
    server, _environment = served
    assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 403
    wrong = requests.get(
        f"{server.url}/metrics", headers={"Authorization": "Bearer guess"}, timeout=10
    )
    assert wrong.status_code == 403
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    assert "spor_" not in wrong.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_from_every_worker_counted_under_their_url_name(served):
    server, _environment = served
    before = scrape(server)
    # when twenty people open the sign-in page and two an innovation that they may not see
    with requests.Session() as browser:
        for _ in range(20):
            assert browser.get(f"{server.url}/sign-in/", timeout=10).status_code == 200
    for pk in (17, 18):
        requests.get(f"{server.url}/innovations/{pk}/", allow_redirects=False, timeout=10)

    # then every scrape, whichever worker answers it, counts all of them, by URL name
    for _ in range(4):
        after = scrape(server)
        name = "spor_http_request_duration_seconds_count"
        login = {"route": "login", "method": "GET", "status": "2xx"}
        assert value(after, name, **login) - value(before, name, **login) == 20
        detail = {"route": "innovation_detail", "method": "GET", "status": "3xx"}
        assert value(after, name, **detail) == 2
        assert not [key for key in after if ("route", "/innovations/17/") in key[1]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counters_move_after_a_sweep_and_a_delivery(served, copenhagen):
    server, environment = served
    # given a follow-up due today, set three weeks ago: its reminders are due now
    today = datetime.date.today()
    with time_machine.travel(datetime.datetime.now() - datetime.timedelta(days=21)):
        checkpoint_due(copenhagen, today)
    endpoint = WebhookEndpoint.objects.create(
        organisation=copenhagen.organisation, url="https://esdh.example/spor", events=["a"]
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}, status="failed"
    )
    before = scrape(server)
    assert value(before, "spor_reminders_recorded_total") == 0
    assert value(before, "spor_reminder_sweep_duration_seconds_count") == 0
    assert value(before, "spor_webhook_deliveries", status="failed") == 1
    assert value(before, "spor_webhook_deliveries", status="delivered") == 0

    # when the sweep runs in a process of its own (the operator's command)
    subprocess.run(
        [sys.executable, "manage.py", "send_reminders"],
        cwd=ROOT, env=environment, check=True, capture_output=True, timeout=120,
    )  # fmt: skip

    # then the scrape shows the sweep, what it recorded, and the delivery waiting in Redis
    recorded = Reminder.objects.count()
    assert recorded >= 2  # the committee's members
    swept = scrape(server)
    assert value(swept, "spor_reminder_sweep_duration_seconds_count") == 1
    assert value(swept, "spor_reminder_sweep_due_checkpoints_total") == 1
    assert value(swept, "spor_reminder_sweep_last_due_checkpoints") == 1
    assert value(swept, "spor_reminders_recorded_total") == recorded
    assert value(swept, "spor_reminders_delivered_total", channel="in_app") == 0
    assert value(swept, "spor_reminder_oldest_undelivered_age_seconds") > 0
    broker = redis.Redis.from_url(settings.REDIS_URL)
    assert broker.llen("celery") >= 1
    assert value(swept, "spor_celery_queue_length", queue="celery") == broker.llen("celery")
    assert value(swept, "spor_celery_broker_up") == 1

    # when delivery runs (here, in this process)
    delivery.deliver_all_pending()

    # then both channels moved, and nothing waits any more
    delivered = scrape(server)
    assert value(delivered, "spor_reminders_delivered_total", channel="in_app") == recorded
    assert value(delivered, "spor_reminders_delivered_total", channel="email") == recorded
    assert value(delivered, "spor_reminders_failed_total", channel="email") == 0
    assert value(delivered, "spor_reminder_oldest_undelivered_age_seconds") == 0


@pytest.mark.django_db
def test_allowed_networks_and_nothing_configured(client, settings):
    # nothing configured: refused to everyone, even on the machine itself
    settings.SPOR_METRICS_TOKEN = ""
    settings.SPOR_METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403

    # an allowed network: answered from inside it, refused from outside
    settings.SPOR_METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    inside = client.get("/metrics", REMOTE_ADDR="10.20.3.4")
    assert inside.status_code == 200
    assert b"spor_reminders_recorded_total" in inside.content
    assert client.get("/metrics", REMOTE_ADDR="10.21.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_malformed_network_stops_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
            "SPOR_METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, the office",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SPOR_METRICS_ALLOWED_NETWORKS" in result.stderr
