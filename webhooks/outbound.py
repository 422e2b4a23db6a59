"""Requests Spor makes to URLs that administrators give it (webhooks), and only where allowed.

An administrator can type any URL, so a webhook is a way to make the server send requests
for them: to the cloud's metadata service, to Redis on the loopback, to the town hall's
intranet. Every request therefore goes through ``check_url`` and ``post``:

1. the scheme is ``https`` (``http`` only where ``SPOR_WEBHOOK_ALLOW_HTTP`` is on);
2. the host is resolved once, and every address it resolves to must be public: not
   loopback, private, link-local, shared (100.64/10), multicast, reserved, unspecified or
   otherwise non-global, in IPv4 or IPv6, with IPv4-mapped, 6to4 and NAT64 addresses judged
   by the IPv4 address they carry. Networks in ``SPOR_WEBHOOK_ALLOWED_NETWORKS`` are allowed
   whatever they are (an on-premise receiver);
3. ``post`` connects to an address that was checked, never resolving the name again (no
   DNS rebinding between the check and the connection), while the request carries the
   original ``Host`` header and TLS verifies the certificate against the host name (SNI);
4. redirects are never followed, and nothing of the answer but its status line is kept.
"""

from __future__ import annotations

import dataclasses
import http.client
import ipaddress
import socket
import urllib.parse

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052
NAT64_LOCAL_PREFIX = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215


class RefusedDestination(Exception):
    """The URL may not be requested: the message says why, in the user's language."""


class HostNotFound(RefusedDestination):
    """The host name does not resolve (now): refused at registration, retried at delivery."""


def _kind(reason: str) -> str:
    return {
        "unspecified": _("an unspecified address"),
        "loopback": _("a loopback address"),
        "link-local": _("a link-local address"),
        "multicast": _("a multicast address"),
        "shared": _("a shared address (carrier-grade NAT)"),
        "reserved": _("a reserved address"),
        "private": _("a private address"),
    }[reason]


@dataclasses.dataclass(frozen=True)
class Destination:
    """A URL whose host was resolved and every address checked."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX or address in NAT64_LOCAL_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why a request to this address is refused (a short name), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal_reason(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in SHARED_ADDRESS_SPACE:
        return "shared"
    if address.is_reserved:
        return "reserved"
    if address.is_private or getattr(address, "is_site_local", False):
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(str(network), strict=False)
        for network in getattr(settings, "SPOR_WEBHOOK_ALLOWED_NETWORKS", [])
    ]


def _normalised(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def check_address(raw: str) -> str:
    """Return the address to connect to, or raise ``RefusedDestination``."""
    address = _normalised(ipaddress.ip_address(raw.split("%", 1)[0]))
    if any(address in network for network in _allowed_networks()):
        return str(address)
    reason = refusal_reason(address)
    if reason is not None:
        raise RefusedDestination(
            _("Spor does not send to %(address)s: it is %(kind)s.")
            % {"address": address, "kind": _kind(reason)}
        )
    return str(address)


def _schemes() -> tuple[str, ...]:
    return ("https", "http") if getattr(settings, "SPOR_WEBHOOK_ALLOW_HTTP", False) else ("https",)


def check_url(url: str) -> Destination:
    """Parse, resolve and check a URL; every address the host resolves to must be allowed."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedDestination(_("Enter a valid URL.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in _schemes():
        raise RefusedDestination(
            _("The URL must start with https://.") if scheme == "http" else _("Enter an https URL.")
        )
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        raise RefusedDestination(_("Enter a valid URL."))
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise HostNotFound(_("The host %(host)s cannot be found.") % {"host": host}) from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        checked = check_address(sockaddr[0])
        if checked not in addresses:
            addresses.append(checked)
    if not addresses:
        raise HostNotFound(_("The host %(host)s cannot be found.") % {"host": host})
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Destination(scheme, host, port, path, tuple(addresses))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified against the host name (SNI and certificate)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    reason: str

    @property
    def status_line(self) -> str:
        return f"HTTP {self.status} {self.reason}".strip()[:200]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST to a checked address of the URL; no redirect is followed, no body is read back.

    Raises ``RefusedDestination`` before any connection when the URL is not allowed, and
    ``OSError``/``http.client.HTTPException`` when the receiver cannot be reached.
    """
    destination = check_url(url)
    connection_class = (
        _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    )
    last_error: OSError | None = None
    for address in destination.addresses:
        connection = connection_class(
            destination.host, destination.port, address=address, timeout=timeout
        )
        try:
            connection.request("POST", destination.path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.reason or "")
        except ConnectionRefusedError as exc:  # the next address may answer
            last_error = exc
        finally:
            connection.close()
    raise last_error or OSError("no address to connect to")


def get(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """GET a document (an identity provider's metadata) from a checked address of the URL.

    The same rules as ``post``: refused before any connection when the URL is not allowed, no
    redirect followed. Only a 200 answer of at most ``max_bytes`` is returned; anything else
    raises ``OSError`` (or ``http.client.HTTPException``).
    """
    destination = check_url(url)
    connection_class = (
        _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    )
    last_error: OSError | None = None
    for address in destination.addresses:
        connection = connection_class(
            destination.host, destination.port, address=address, timeout=timeout
        )
        try:
            connection.request("GET", destination.path, headers={"Accept": "application/xml"})
            response = connection.getresponse()
            if response.status != 200:
                raise OSError(Answer(response.status, response.reason or "").status_line)
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise OSError(f"the answer is larger than {max_bytes} bytes")
            return body
        except ConnectionRefusedError as exc:  # the next address may answer
            last_error = exc
        finally:
            connection.close()
    raise last_error or OSError("no address to connect to")
