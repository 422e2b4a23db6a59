"""Test doubles for the network itself (not for Spor): a name service and a connection guard.

``FakeDNS`` answers for the names a test gives it and refuses every other name, so no test
ever asks a real resolver; literal addresses and ``localhost`` resolve as usual (no packet
leaves the machine for those). ``ConnectionGuard`` records every attempt to open a socket and
refuses it, which proves that a refusal happened before anything was sent.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator

_real_getaddrinfo = socket.getaddrinfo


class FakeDNS:
    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if name in self.names:
            return [_info(address, port) for address in self.names[name]]
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            if name != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, f"{name} is not in the test DNS") from None
        return _real_getaddrinfo(host, port, family, type, proto, flags)


def _info(address: str, port):
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port or 0), 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))


class ConnectionGuard:
    def __init__(self) -> None:
        self.attempts: list[object] = []

    def connect(self, sock, address):
        self.attempts.append(address)
        raise AssertionError(f"a connection to {address!r} was attempted")


def install_fake_dns(monkeypatch) -> FakeDNS:
    dns = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    return dns


@contextlib.contextmanager
def no_connections() -> Iterator[ConnectionGuard]:
    """Within the block, any Python socket that tries to connect fails (and is recorded)."""
    guard = ConnectionGuard()
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = lambda sock, address: guard.connect(sock, address)
    socket.socket.connect_ex = lambda sock, address: guard.connect(sock, address)
    try:
        yield guard
    finally:
        socket.socket.connect, socket.socket.connect_ex = original_connect, original_connect_ex
