"""An administrator tries to make Spor's server request things it must not (SSRF).

Every refused address is refused before a socket connects: the connection guard fails the
test on any attempt. Names resolve through the test's own DNS; nothing is ever sent to
169.254.169.254, 10.x or any address but a receiver on 127.0.0.1, reached through the
allow-list as an on-premise receiver would be.
"""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading

import pytest
from rest_framework.test import APIClient

from core.errors import ValidationFailed
from webhooks import delivery as webhook_delivery
from webhooks import services
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from ..network import no_connections

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "internal-answer-that-must-never-be-shown"


class Receiver(http.server.ThreadingHTTPServer):
    """Records what reached it; answers with ``status`` and ``reply`` (and ``location``)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        self.reply = b"ok"
        self.location = ""
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        server: Receiver = self.server
        self.rfile.read(int(self.headers["Content-Length"]))
        server.received.append({"path": self.path, "host": self.headers["Host"]})
        self.send_response(server.status)
        if server.location:
            self.send_header("Location", server.location)
        self.send_header("Content-Length", str(len(server.reply)))
        self.end_headers()
        self.wfile.write(server.reply)

    def log_message(self, *args):
        pass


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def receiver():
    server = _serve(Receiver())
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def dns(fake_dns):
    return fake_dns


@pytest.fixture
def on_premise(settings):
    """An installation whose receiver runs on this machine, allowed by the operator."""
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
    return settings


def admin_api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


REFUSED_URLS = [
    # (url, kind the message names)
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://127.0.0.1:6379/", "loopback"),
    ("http://127.8.9.10/", "loopback"),
    ("http://[::1]:6379/", "loopback"),
    ("http://localhost:5432/", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/admin", "private"),
    ("http://[fd12:3456::1]/", "private"),
    ("http://100.64.0.1/", "shared"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://0.0.0.0:8000/", "unspecified"),
    ("http://[::]/", "unspecified"),
    # IPv4 wrapped in IPv6 is judged by the IPv4 address it carries
    ("http://[::ffff:127.0.0.1]:6379/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[::ffff:a00:1]/", "private"),
    ("http://[2002:a9fe:a9fe::1]/", "link-local"),  # 6to4 of 169.254.169.254
    ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 of 10.0.0.1
]

KIND_IN_DANISH = {
    "link-local": "link-local",
    "loopback": "loopback",
    "private": "privat",
    "shared": "delt",
    "multicast": "multicast",
    "reserved": "reserveret",
    "unspecified": "uspecificeret",
}


@pytest.mark.parametrize(("url", "kind"), REFUSED_URLS)
def test_registering_an_internal_address_is_refused_before_any_connection(
    copenhagen, settings, url, kind
):
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True  # so the address itself is what is judged
    with no_connections() as guard:
        response = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/", {"url": url, "events": ["decision.recorded"]}, format="json"
        )
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["errors"]["url"])
    assert KIND_IN_DANISH[kind] in message, message
    assert guard.attempts == []
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://2130706433/", "http://127.1/", "http://0x7f.1/"])
def test_odd_spellings_of_loopback_are_refused_before_any_connection(copenhagen, settings, url):
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
    with no_connections() as guard:
        response = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/", {"url": url, "events": ["decision.recorded"]}, format="json"
        )
    assert response.status_code == 400 and guard.attempts == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("100.100.100.200", "shared"),
        ("::1", "loopback"),
        ("fd00:ec2::254", "private"),
    ],
)
def test_a_name_that_resolves_to_an_internal_address_is_refused(copenhagen, dns, address, kind):
    dns.names["metadata.esdh.test"] = [address]
    with no_connections() as guard:
        response = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/",
            {"url": "https://metadata.esdh.test/hook", "events": ["decision.recorded"]},
            format="json",
        )
    assert response.status_code == 400
    assert KIND_IN_DANISH[kind] in " ".join(response.json()["errors"]["url"])
    assert guard.attempts == []


def test_one_internal_address_among_public_ones_is_enough_to_refuse(copenhagen, dns):
    dns.names["mixed.esdh.test"] = ["93.184.215.14", "10.0.0.7"]
    with no_connections() as guard, pytest.raises(ValidationFailed) as refused:
        services.register_webhook(
            actor=copenhagen.administrator,
            url="https://mixed.esdh.test/",
            events=["decision.recorded"],
        )
    assert "10.0.0.7" in str(refused.value.errors["url"])
    assert guard.attempts == []


def test_changing_the_url_to_an_internal_address_is_refused_too(copenhagen, dns):
    dns.names["esdh.example.dk"] = ["93.184.215.14"]
    api = admin_api(copenhagen.administrator)
    with no_connections() as guard:
        created = api.post(
            "/api/v1/webhooks/",
            {"url": "https://esdh.example.dk/spor", "events": ["decision.recorded"]},
            format="json",
        )
        assert created.status_code == 201
        changed = api.patch(
            f"/api/v1/webhooks/{created.json()['id']}/",
            {"url": "https://[::ffff:169.254.169.254]/latest/"},
            format="json",
        )
    assert changed.status_code == 400 and guard.attempts == []
    assert WebhookEndpoint.objects.get().url == "https://esdh.example.dk/spor"


def test_plain_http_is_refused_unless_the_operator_allows_it(copenhagen, dns, settings):
    dns.names["esdh.example.dk"] = ["93.184.215.14"]
    with no_connections():
        refused = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/",
            {"url": "http://esdh.example.dk/spor", "events": ["decision.recorded"]},
            format="json",
        )
        assert refused.status_code == 400
        assert "https://" in refused.json()["errors"]["url"][0]

        settings.SPOR_WEBHOOK_ALLOW_HTTP = True
        accepted = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/",
            {"url": "http://esdh.example.dk/spor", "events": ["decision.recorded"]},
            format="json",
        )
    assert accepted.status_code == 201, accepted.content


def test_an_internal_address_is_refused_at_delivery_too_without_connecting(copenhagen, settings):
    # an endpoint stored before the rule (or by a migration) points at the metadata service
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
    endpoint = WebhookEndpoint.objects.create(
        organisation=copenhagen.organisation,
        url="http://169.254.169.254/latest/meta-data/iam/",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    with no_connections() as guard:
        after = webhook_delivery.send_delivery(delivery.pk)
    assert guard.attempts == []
    assert after.status == DeliveryStatus.FAILED  # refused for good, not retried
    assert "169.254.169.254" in after.error and after.response_code is None


def test_a_name_rebound_to_an_internal_address_after_registration_is_refused(
    copenhagen, dns, on_premise, receiver
):
    # registered while the name pointed at the allowed on-premise receiver
    dns.names["journal.esdh.test"] = ["127.0.0.1"]
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url=f"http://journal.esdh.test:{receiver.port}/spor",
        events=["decision.recorded"],
    )
    # then the name's owner points it at the cloud's metadata service
    dns.names["journal.esdh.test"] = ["169.254.169.254"]
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    with no_connections() as guard:
        after = webhook_delivery.send_delivery(delivery.pk)
    assert guard.attempts == [] and receiver.received == []
    assert after.status == DeliveryStatus.FAILED and "169.254.169.254" in after.error


def test_the_checked_address_is_the_one_connected_to_with_the_original_host_header(
    copenhagen, dns, on_premise, receiver
):
    dns.names["journal.esdh.test"] = ["127.0.0.1"]
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url=f"http://journal.esdh.test:{receiver.port}/spor?kilde=spor",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    dns.lookups.clear()
    after = webhook_delivery.send_delivery(delivery.pk)
    assert after.status == DeliveryStatus.DELIVERED
    # one lookup of the name per delivery: the connection goes to the checked address
    assert dns.lookups.count("journal.esdh.test") == 1
    assert set(dns.lookups) <= {"journal.esdh.test", "127.0.0.1"}
    assert receiver.received == [
        {"path": "/spor?kilde=spor", "host": f"journal.esdh.test:{receiver.port}"}
    ]


def test_a_redirect_is_not_followed(copenhagen, on_premise, receiver):
    elsewhere = _serve(Receiver())
    try:
        receiver.status = 307
        receiver.location = f"http://127.0.0.1:{elsewhere.port}/internal"
        endpoint = services.register_webhook(
            actor=copenhagen.administrator,
            url=f"http://127.0.0.1:{receiver.port}/spor",
            events=["decision.recorded"],
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="decision.recorded", payload={}
        )
        after = webhook_delivery.send_delivery(delivery.pk)
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()
    assert len(receiver.received) == 1 and elsewhere.received == []
    assert after.status == DeliveryStatus.FAILED
    assert after.response_code == 307 and after.error == "HTTP 307 Temporary Redirect"


def test_the_receivers_answer_is_neither_stored_nor_shown(
    copenhagen, on_premise, receiver, admin_client
):
    receiver.status = 500
    receiver.reply = SECRET_ANSWER.encode()
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url=f"http://127.0.0.1:{receiver.port}/spor",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    after = webhook_delivery.send_delivery(delivery.pk)
    assert after.status == DeliveryStatus.RETRYING
    assert after.error == "HTTP 500 Internal Server Error"

    stored = WebhookDelivery.objects.filter(pk=delivery.pk).values().get()
    assert SECRET_ANSWER not in repr(stored)
    api = admin_api(copenhagen.administrator)
    for url in ("/api/v1/webhooks/deliveries/", f"/api/v1/webhooks/deliveries/{delivery.pk}/"):
        assert SECRET_ANSWER not in api.get(url).content.decode()
    page = admin_client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and SECRET_ANSWER not in page.content.decode()


@pytest.fixture
def tls_receiver(tmp_path):
    """An https receiver on 127.0.0.1 with a self-signed certificate; records the SNI name."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=journal.esdh.test", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = Receiver()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.server_names = []
    context.sni_callback = lambda _sock, name, _ctx: server.server_names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


def test_https_verifies_the_certificate_against_the_host_name(
    copenhagen, dns, settings, tls_receiver
):
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns.names["journal.esdh.test"] = ["127.0.0.1"]
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url=f"https://journal.esdh.test:{tls_receiver.port}/spor",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    after = webhook_delivery.send_delivery(delivery.pk)
    # the name went to the receiver as SNI, and its self-signed certificate was not trusted
    assert tls_receiver.server_names == ["journal.esdh.test"]
    assert tls_receiver.received == []
    assert after.status == DeliveryStatus.RETRYING
    assert "CERTIFICATE_VERIFY_FAILED" in after.error


def test_the_allow_list_lets_an_on_premise_receiver_through(copenhagen, on_premise, receiver):
    endpoint = services.register_webhook(
        actor=copenhagen.administrator,
        url=f"http://127.0.0.1:{receiver.port}/spor",
        events=["decision.recorded"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="decision.recorded", payload={}
    )
    assert webhook_delivery.send_delivery(delivery.pk).status == DeliveryStatus.DELIVERED
    # and only the listed network: another loopback address stays refused
    with no_connections() as guard:
        refused = admin_api(copenhagen.administrator).post(
            "/api/v1/webhooks/",
            {"url": f"http://127.0.0.2:{receiver.port}/", "events": ["decision.recorded"]},
            format="json",
        )
    assert refused.status_code == 400 and guard.attempts == []
