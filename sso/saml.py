"""Spor as a SAML 2.0 service provider in the OIOSAML 3 profile (djangosaml2 on pysaml2).

OIOSAML 3 (KOMBIT's Context Handler, NemLog-in for employees) asks for: signed
authentication and logout requests, signed assertions, RSA-SHA256 and SHA-256 digests,
persistent name ids, the level of assurance (NSIS) requested, encrypted assertions accepted.
The configuration is built from the settings at each request (``SAML_CONFIG_LOADER``); the
identity provider's metadata comes from a file, or from a URL fetched through the outbound
guard (``webhooks/outbound.py``: https, no internal addresses, no redirects) and cached.
"""

from __future__ import annotations

import hashlib
import logging

import saml2
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from saml2 import saml
from saml2.config import SPConfig
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from webhooks import outbound

logger = logging.getLogger(__name__)

NSIS_LEVEL_PREFIX = "https://data.gov.dk/concept/core/nsis/loa/"
METADATA_MAX_BYTES = 5 * 1024 * 1024


def enabled() -> bool:
    return bool(settings.SPOR_SAML_IDP_METADATA_FILE or settings.SPOR_SAML_IDP_METADATA_URL)


def _absolute(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def entity_id() -> str:
    return settings.SPOR_SAML_ENTITY_ID or _absolute("saml2_metadata")


def idp_metadata() -> dict:
    """pysaml2's ``metadata`` setting: the operator's file, or the URL's document."""
    if settings.SPOR_SAML_IDP_METADATA_FILE:
        return {"local": [settings.SPOR_SAML_IDP_METADATA_FILE]}
    return {"inline": [fetch_metadata(settings.SPOR_SAML_IDP_METADATA_URL)]}


def fetch_metadata(url: str) -> str:
    """The metadata document at the URL, fetched through the outbound guard and cached for
    ``SPOR_SAML_IDP_METADATA_CACHE_SECONDS``; the last good copy serves while the URL fails."""
    key = "sso:saml:metadata:" + hashlib.sha256(url.encode()).hexdigest()
    fresh = cache.get(key)
    if fresh is not None:
        return fresh
    try:
        document = outbound.get(url, timeout=10, max_bytes=METADATA_MAX_BYTES).decode("utf-8")
    except (outbound.RefusedDestination, OSError, UnicodeDecodeError) as exc:
        last_good = cache.get(key + ":last-good")
        if last_good is None:
            raise ImproperlyConfigured(
                f"The identity provider's metadata cannot be fetched from {url}: {exc}"
            ) from exc
        logger.warning("identity provider metadata not refreshed", extra={"error": str(exc)})
        return last_good
    cache.set(key, document, settings.SPOR_SAML_IDP_METADATA_CACHE_SECONDS)
    cache.set(key + ":last-good", document, None)
    return document


def config() -> dict:
    """The pysaml2 service-provider configuration, from the settings."""
    if not (settings.SPOR_SAML_KEY_FILE and settings.SPOR_SAML_CERT_FILE):
        raise ImproperlyConfigured(
            "SAML needs SPOR_SAML_KEY_FILE and SPOR_SAML_CERT_FILE (Spor's signing key)."
        )
    key_pair = {"key_file": settings.SPOR_SAML_KEY_FILE, "cert_file": settings.SPOR_SAML_CERT_FILE}
    result: dict = {
        "entityid": entity_id(),
        "xmlsec_binary": settings.SPOR_SAML_XMLSEC_BINARY,
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SPOR_SAML_CLOCK_SKEW_SECONDS,
        "service": {
            "sp": {
                "name": "Spor",
                "name_id_format": [saml.NAMEID_FORMAT_PERSISTENT],
                "endpoints": {
                    "assertion_consumer_service": [
                        (_absolute("saml2_acs"), saml2.BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (_absolute("saml2_ls"), saml2.BINDING_HTTP_REDIRECT),
                        (_absolute("saml2_ls_post"), saml2.BINDING_HTTP_POST),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
        "metadata": idp_metadata(),
        **key_pair,
        "encryption_keypairs": [key_pair],
        "organization": {
            "name": [("Spor", "da")],
            "display_name": [("Spor", "da")],
            "url": [(settings.SITE_URL, "da")],
        },
    }
    if settings.SPOR_SAML_CONTACT_EMAIL:
        result["contact_person"] = [
            {"contact_type": "technical", "email_address": settings.SPOR_SAML_CONTACT_EMAIL}
        ]
    return result


def sp_config(request=None) -> SPConfig:
    """djangosaml2's ``SAML_CONFIG_LOADER``."""
    conf = SPConfig()
    conf.load(config())
    return conf


def requested_level() -> str:
    level = settings.SPOR_SAML_NSIS_LEVEL
    return f"{NSIS_LEVEL_PREFIX}{level}" if level else ""
