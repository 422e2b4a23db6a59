"""Strict parsing of settings from environment variables.

A bad value stops start-up with a message that names the variable, rather than
being silently replaced by a default.
"""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list of IP networks (``127.0.0.1/32, fd00::/8``), each checked."""
    networks = []
    for item in env_list(name, default or []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must be a comma-separated list of IP networks; got {item!r}"
            ) from exc
    return networks


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (or ``X-Forwarded-Proto=https``): the header a trusted proxy sets
    on requests that reached it over https, as Django's ``SECURE_PROXY_SSL_HEADER``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _sep, value = raw.partition("=")
    header, value = header.strip(), (value.strip() or "https")
    if not header or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"{name} must be a header name such as X-Forwarded-Proto (optionally =https); "
            f"got {raw!r}"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value
