"""A case-management system (ESDH) journals Spor's decisions through a signed webhook.

The receiving end is a real HTTP server on 127.0.0.1, started by the test; it verifies the
signature the way docs/api.md tells integrators to.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from innovations.services import create_innovation
from reminders.services import create_checkpoint, local_today
from webhooks import delivery as webhook_delivery
from webhooks import events, services
from webhooks.models import DeliveryStatus, WebhookDelivery
from workflow_project.celery import app as celery_app

from ..factories import api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_premise_receiver(settings):
    """The receiver runs on this machine: the operator allows its network and plain http."""
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True


class Receiver(http.server.ThreadingHTTPServer):
    """Records each POST; answers with the next status in ``statuses`` (then 200)."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.received: list[dict] = []
        self.statuses: list[int] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/esdh/spor"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        server: Receiver = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Spor-Timestamp"]
        expected = hmac.new(
            server.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        server.received.append(
            {
                "headers": dict(self.headers),
                "body": json.loads(body),
                "signature_valid": hmac.compare_digest(expected, self.headers["X-Spor-Signature"]),
            }
        )
        status = server.statuses.pop(0) if server.statuses else 200
        reply = b'{"journalised": true}' if status == 200 else b"busy"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_celery():
    """Tasks run in-process, so the delivery happens within the test."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def test_recorded_decision_reaches_the_case_system_signed(
    copenhagen, receiver, eager_celery, django_capture_on_commit_callbacks
):
    # given the administrator registered the case system for decisions and transitions
    admin = token_client(copenhagen.administrator)
    registered = admin.post(
        "/api/v1/webhooks/",
        {"url": receiver.url, "events": ["decision.recorded", "transition.applied"]},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    receiver.secret = registered.json()["secret"]
    assert "secret" not in admin.get(f"/api/v1/webhooks/{registered.json()['id']}/").json()

    # when the secretary records an approved mandate and applies it
    secretary = token_client(copenhagen.secretary)
    innovation = secretary.post(
        "/api/v1/innovations/",
        {"title": "Digital post", "need": "Borgere", "committee": copenhagen.committee.pk},
        format="json",
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        decision = secretary.post(
            "/api/v1/decisions/",
            {
                "innovation": innovation["id"],
                "meeting": copenhagen.meeting.pk,
                "agenda_item": "Punkt 4",
                "transition": "mandate",
                "outcome": "approved",
                "resolution": "Mandat givet.",
                "value_direction": "Nemmere for borgerne.",
                "apply_transition": True,
            },
            format="json",
        ).json()

    # then the case system got both events, signed with its secret, after the commit
    assert [r["body"]["type"] for r in receiver.received] == [
        "decision.recorded",
        "transition.applied",
    ]
    assert all(r["signature_valid"] for r in receiver.received)
    first = receiver.received[0]
    assert first["body"]["data"]["decision"]["id"] == decision["id"]
    assert first["body"]["data"]["decision"]["outcome"] == "approved"
    assert first["headers"]["X-Spor-Event-Id"] == first["body"]["id"]
    assert abs(int(first["headers"]["X-Spor-Timestamp"]) - time.time()) < 60
    assert receiver.received[1]["body"]["data"]["transition"]["target"] == "exploring"

    # and each delivery is recorded with the response's status (never its body)
    deliveries = admin.get("/api/v1/webhooks/deliveries/").json()["results"]
    assert {d["status"] for d in deliveries} == {"delivered"}
    assert {d["response_code"] for d in deliveries} == {200}
    assert "response_body" not in deliveries[0] and deliveries[0]["error"] == ""
    assert all(d["attempts"] == 1 for d in deliveries)


def test_a_tampered_body_fails_verification(copenhagen, receiver):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["decision.recorded"]
    )
    receiver.secret = "not-the-secret"
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={"decision": {"id": 1}}
    )
    webhook_delivery.send_delivery(delivery.pk)
    assert receiver.received[0]["signature_valid"] is False


def test_a_failing_receiver_is_retried_with_backoff_and_then_replayed(copenhagen, receiver):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["decision.recorded"]
    )
    receiver.secret = endpoint.secret
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={"decision": {"id": 7}}
    )
    receiver.statuses = [503, 503]

    # the first attempt meets a 503 and waits 30 seconds before the next
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False):
        first = webhook_delivery.send_delivery(delivery.pk)
        assert first.status == DeliveryStatus.RETRYING
        assert first.response_code == 503 and first.error == "HTTP 503 Service Unavailable"
        assert first.next_attempt_at == timezone.now() + timezone.timedelta(seconds=30)
        # not before its time
        assert webhook_delivery.send_delivery(delivery.pk) is None
    with time_machine.travel("2026-03-02 09:00:31 +00:00", tick=False):
        second = webhook_delivery.send_delivery(delivery.pk)
        assert second.status == DeliveryStatus.RETRYING
        assert second.next_attempt_at == timezone.now() + timezone.timedelta(seconds=120)
    with time_machine.travel("2026-03-02 09:02:32 +00:00", tick=False):
        third = webhook_delivery.send_delivery(delivery.pk)
    assert third.status == DeliveryStatus.DELIVERED and third.attempts == 3
    assert len(receiver.received) == 3
    assert len({r["headers"]["X-Spor-Event-Id"] for r in receiver.received}) == 1

    # an administrator replays it: the same event, as a new delivery
    admin = token_client(copenhagen.administrator)
    replay = admin.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay/")
    assert replay.status_code == 202
    assert replay.json()["replay_of"] == delivery.pk
    assert replay.json()["event_id"] == str(delivery.event_id)
    webhook_delivery.send_delivery(replay.json()["id"])
    assert receiver.received[-1]["headers"]["X-Spor-Event-Id"] == str(delivery.event_id)
    assert receiver.received[-1]["signature_valid"]


def test_a_client_error_is_not_retried(copenhagen, receiver):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["decision.recorded"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    receiver.statuses = [410]
    assert webhook_delivery.send_delivery(delivery.pk).status == DeliveryStatus.FAILED


def test_an_unreachable_receiver_is_recorded_as_an_error(copenhagen):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url="http://127.0.0.1:9/closed",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    after = webhook_delivery.send_delivery(delivery.pk)
    assert after.status == DeliveryStatus.RETRYING
    assert after.response_code is None and after.error


def test_events_are_only_recorded_for_the_organisation_and_subscribed_types(
    copenhagen, aarhus, receiver
):
    services.register_webhook(
        actor=aarhus.administrator, url=receiver.url, events=["decision.recorded"]
    )
    services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["follow_up.recorded"]
    )
    secretary = token_client(copenhagen.secretary)
    innovation = secretary.post(
        "/api/v1/innovations/",
        {"title": "Digital post", "need": "Borgere", "committee": copenhagen.committee.pk},
        format="json",
    ).json()
    secretary.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation["id"],
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 4",
            "outcome": "postponed",
            "resolution": "Udsat.",
        },
        format="json",
    )
    assert not WebhookDelivery.objects.exists()


def test_an_overdue_checkpoint_is_announced_once(copenhagen, aarhus, receiver):
    # given Copenhagen's case system wants overdue checkpoints, and Aarhus has no webhook
    endpoint = services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["checkpoint.overdue"]
    )
    receiver.secret = endpoint.secret
    checkpoints = []
    for town in (copenhagen, aarhus):
        innovation = create_innovation(
            actor=town.official, title="Digital post", need="Borgere", committee=town.committee
        )
        checkpoints.append(
            create_checkpoint(
                actor=town.secretary,
                innovation=innovation,
                kind="follow_up",
                due_date=local_today() + datetime.timedelta(days=10),
            )
        )

    # nothing is overdue yet
    assert events.emit_overdue_checkpoint_events() == 0

    # eleven days later the sweep announces Copenhagen's, once, however often it runs
    later = datetime.datetime.combine(
        local_today() + datetime.timedelta(days=11), datetime.time(12), datetime.UTC
    )
    with time_machine.travel(later, tick=False):
        assert events.emit_overdue_checkpoint_events() == 1
        assert events.emit_overdue_checkpoint_events() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "checkpoint.overdue"
    assert delivery.payload["checkpoint"]["id"] == checkpoints[0].pk
    assert delivery.payload["checkpoint"]["due_date"] == checkpoints[0].due_date.isoformat()

    webhook_delivery.send_delivery(delivery.pk)
    assert receiver.received[0]["body"]["type"] == "checkpoint.overdue"
    assert receiver.received[0]["signature_valid"]


def test_a_delivery_whose_task_was_lost_is_handed_over_again(copenhagen, receiver, eager_celery):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator, url=receiver.url, events=["decision.recorded"]
    )
    receiver.secret = endpoint.secret
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False):
        # recorded, but the broker was down when the transaction committed
        lost = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="decision.recorded", payload={"decision": {"id": 3}}
        )
        assert services.requeue_stalled_deliveries() == 0  # too fresh to call lost
    with time_machine.travel("2026-03-02 09:06 +00:00", tick=False):
        assert services.requeue_stalled_deliveries() == 1
    lost.refresh_from_db()
    assert lost.status == DeliveryStatus.DELIVERED
    assert [r["body"]["data"] for r in receiver.received] == [{"decision": {"id": 3}}]


def test_the_admin_shows_webhooks_and_deliveries_without_the_secret(
    copenhagen, admin_client, fake_dns
):
    fake_dns.names["esdh.example.dk"] = ["93.184.215.14"]
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url="https://esdh.example.dk/spor",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={"decision": {"id": 1}}
    )
    for url in (
        "/admin/webhooks/webhookendpoint/",
        f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
        "/admin/webhooks/webhookdelivery/",
        f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert endpoint.secret not in response.content.decode()
