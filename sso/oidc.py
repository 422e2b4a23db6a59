"""Spor as an OpenID Connect relying party (mozilla-django-oidc), e.g. of Microsoft Entra ID.

mozilla-django-oidc checks the ID token's signature, expiry and nonce; Spor also checks its
audience (our client id) and issuer (``SPOR_OIDC_ISSUER``), which the library leaves out.
"""

from __future__ import annotations

import urllib.parse

from django.conf import settings
from django.shortcuts import resolve_url


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def end_session_url(request) -> str:
    """``OIDC_OP_LOGOUT_URL_METHOD``: RP-initiated logout at the provider, back to sign-in."""
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if not settings.SPOR_OIDC_END_SESSION_ENDPOINT:
        return after
    query = {"post_logout_redirect_uri": after, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        query["id_token_hint"] = id_token
    return f"{settings.SPOR_OIDC_END_SESSION_ENDPOINT}?{urllib.parse.urlencode(query)}"
