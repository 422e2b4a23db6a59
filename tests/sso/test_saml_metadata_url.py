"""The identity provider's metadata from a URL the operator sets: fetched through the outbound
guard (webhooks/outbound.py), here from a server on 127.0.0.1 that the allow-list lets through;
any other address is refused before a connection is made."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.network import no_connections


@pytest.fixture
def metadata_server(saml_idp):
    document = Path(saml_idp.metadata_file).read_bytes()
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = requests
    yield server
    server.shutdown()
    server.server_close()


def use_url(settings, url):
    settings.SPOR_SAML_IDP_METADATA_FILE = ""
    settings.SPOR_SAML_IDP_METADATA_URL = url
    cache.clear()


def test_metadata_from_an_allowed_url_is_fetched_once_and_used(
    client, cph, saml_idp, metadata_server, settings
):
    use_url(settings, f"http://127.0.0.1:{metadata_server.server_port}/idp/metadata")
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    first = client.get("/sso/saml/login/")
    second = client.get("/sso/saml/login/")

    assert first.status_code == second.status_code == 302
    assert first["Location"].startswith("https://127.0.0.1:9443/context-handler/sso?")
    assert metadata_server.requests == ["/idp/metadata"]  # cached after the first


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/idp/metadata",  # loopback, not on the allow-list
        "https://169.254.169.254/latest/meta-data",  # the cloud's metadata service
        "https://10.0.0.1/idp/metadata",
    ],
)
def test_a_refused_url_is_never_connected_to(client, cph, saml_idp, metadata_server, settings, url):
    use_url(settings, url.format(port=metadata_server.server_port))
    with no_connections() as guard:
        response = client.get("/sso/saml/login/")
    assert guard.attempts == []
    assert metadata_server.requests == []
    assert response.status_code == 503
    assert "ikke tilgængeligt lige nu" in response.content.decode()
