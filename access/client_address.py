"""The client's address, as far as Spor can trust it.

Behind ``SPOR_TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it
received the request from to ``X-Forwarded-For``, the client is the entry that many places
from the right; everything left of it was written by the client and is ignored. With no
trusted proxy (the default) the address is the socket's peer, ``REMOTE_ADDR``, and
``X-Forwarded-For`` is ignored altogether. DRF's throttles use the same rule
(``NUM_PROXIES``), so the lockout and the throttle count the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.SPOR_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # the request did not pass through all our proxies: trust only the peer
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
