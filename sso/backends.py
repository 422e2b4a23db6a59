"""The authentication backends: passwords (where the organisation allows them), SAML and
OpenID Connect. The two single sign-on backends only turn a verified assertion or ID token
into claims and call ``services.sign_in``; a refusal is kept on the request for the page
that explains it (``views.refused``)."""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import claims, oidc, saml, selectors, services

logger = logging.getLogger(__name__)


class _SessionUserWithOrganisation:
    """The signed-in person is read with their organisation: every page's header names it,
    which was one more query per page. Who may be the session's person stays each backend's
    own rule (``user_can_authenticate``: Django's for passwords and SAML)."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id)
        found = user.first()
        return found if found is not None and self.user_can_authenticate(found) else None


class PasswordBackend(_SessionUserWithOrganisation, ModelBackend):
    """Django's password check, refused where the organisation signs in only through single
    sign-on (its administrators keep their password: the break-glass way in)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or selectors.may_use_password(user):
            return user
        # On the web pages (not the API's token endpoint) the person is told why.
        if request is not None and not request.path.startswith("/api/"):
            messages.error(
                request,
                _(
                    "Your organisation signs in through single sign-on. Use the button for "
                    "your organisation's sign-in instead of a password."
                ),
            )
        return None


def _refuse(request, refusal: services.SignInRefused):
    request.sso_refusal = refusal
    raise PermissionDenied(refusal.message) from refusal


class SamlBackend(_SessionUserWithOrganisation, Saml2Backend):
    def authenticate(
        self, request, session_info=None, attribute_mapping=None, assertion_info=None, **kwargs
    ):
        if request is None or session_info is None or not saml.enabled():
            return None
        assertion_info = assertion_info or {}
        expires = parse_datetime(str(assertion_info.get("not_on_or_after") or ""))
        try:
            services.remember_assertion(
                assertion_id=str(assertion_info.get("assertion_id") or ""),
                not_on_or_after=expires or timezone.now(),
            )
            return services.sign_in(claims=claims.from_saml(session_info))
        except services.SignInRefused as refusal:
            _refuse(request, refusal)


class OidcBackend(_SessionUserWithOrganisation, OIDCAuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        return True  # mozilla-django-oidc's own get_user asks nothing more of the person

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs or not oidc.enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            # A token for another client or issuer, expired, badly signed; a provider that
            # refuses the code (used before, or not ours).
            logger.warning("OpenID Connect sign-in refused", extra={"error": str(exc)})
            _refuse(
                request,
                services.SignInRefused(
                    _("The sign-in could not be verified. Start again from Spor's sign-in page.")
                ),
            )

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.SPOR_OIDC_ISSUER or None,
                options={"require": ["exp", "iat", "sub"]},
                leeway=settings.SPOR_SAML_CLOCK_SKEW_SECONDS,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The ID token is not valid: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = (
            self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        )
        try:
            return services.sign_in(claims=claims.from_oidc(payload, userinfo))
        except services.SignInRefused as refusal:
            _refuse(self.request, refusal)
