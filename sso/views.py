"""The single sign-on pages: djangosaml2's and mozilla-django-oidc's views, shaped for Spor
(OIOSAML 3 requests, a clear page when sign-in is refused), and the sign-out that also ends
the session at the identity provider."""

from __future__ import annotations

import logging

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djangosaml2 import views as saml_views
from mozilla_django_oidc import views as oidc_views
from saml2.response import IncorrectlySigned, UnsolicitedResponse
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from . import oidc, saml

logger = logging.getLogger(__name__)

SAML_BACKEND = "sso.backends.SamlBackend"
OIDC_BACKEND = "sso.backends.OidcBackend"


def refused(request, message: str, *, status: int = 403):
    return render(request, "sso/refused.html", {"message": message}, status=status)


def _refusal_message(request, exception) -> str:
    refusal = getattr(request, "sso_refusal", None)
    if refusal is not None:
        return refusal.message
    if isinstance(exception, ResponseLifetimeExceed | ToEarly):
        return _("The sign-in has expired. Start again from Spor's sign-in page.")
    if isinstance(exception, UnsolicitedResponse):
        return _(
            "Spor did not ask for this sign-in, or it was already used. Start again from "
            "Spor's sign-in page."
        )
    if isinstance(exception, SignatureError | IncorrectlySigned):
        return _("The sign-in was not signed by your organisation's identity provider.")
    return _("The sign-in could not be verified. Start again from Spor's sign-in page.")


class SamlEnabledMixin:
    def dispatch(self, request, *args, **kwargs):
        if not saml.enabled():
            raise Http404(_("SAML sign-in is not set up."))
        try:
            return super().dispatch(request, *args, **kwargs)
        except ImproperlyConfigured as exc:
            # The identity provider's metadata cannot be had (its URL is refused or down).
            logger.error("SAML is not available", extra={"error": str(exc)})
            return refused(
                request,
                _("Sign-in through SAML is not available right now. Try again later."),
                status=503,
            )


class SamlLoginView(SamlEnabledMixin, saml_views.LoginView):
    def load_sso_kwargs(self, sso_kwargs):
        level = saml.requested_level()
        if level:
            sso_kwargs["requested_authn_context"] = RequestedAuthnContext(
                authn_context_class_ref=[AuthnContextClassRef(text=level)],
                comparison="minimum",
            )


# The identity provider POSTs from its own site: no CSRF token (djangosaml2 exempts these
# views, and a subclass's own dispatch must say so again).
@method_decorator(csrf_exempt, name="dispatch")
class SamlAcsView(SamlEnabledMixin, saml_views.AssertionConsumerServiceView):
    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        return refused(request, _refusal_message(request, exception), status=403)


class SamlSignOutView(SamlEnabledMixin, saml_views.LogoutInitView):
    """Single logout started by Spor (the header's sign-out, a POST)."""

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class SamlLogoutServiceView(SamlEnabledMixin, saml_views.LogoutView):
    """The identity provider's logout request or answer."""


class SamlMetadataView(SamlEnabledMixin, saml_views.MetadataView):
    pass


class OidcEnabledMixin:
    def dispatch(self, request, *args, **kwargs):
        if not oidc.enabled():
            raise Http404(_("OpenID Connect sign-in is not set up."))
        return super().dispatch(request, *args, **kwargs)


class OidcAuthenticateView(OidcEnabledMixin, oidc_views.OIDCAuthenticationRequestView):
    pass


class OidcCallbackView(OidcEnabledMixin, oidc_views.OIDCAuthenticationCallbackView):
    def login_failure(self):
        return refused(self.request, _refusal_message(self.request, None))


class OidcSignOutView(OidcEnabledMixin, oidc_views.OIDCLogoutView):
    pass


@method_decorator(require_POST, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """Sign-out: a person who came through SAML or OpenID Connect is signed out at the
    identity provider too (single logout); everyone else as Django does it."""

    def post(self, request, *args, **kwargs):
        return _continue_at_the_provider(request, self._sign_out(request, *args, **kwargs))

    def _sign_out(self, request, *args, **kwargs):
        backend = request.session.get(BACKEND_SESSION_KEY)
        # Without the SAML session (its cookie expired) only Spor's session can be ended.
        if (
            backend == SAML_BACKEND
            and saml.enabled()
            and request.saml_session.get("_saml2_subject_id")
        ):
            return SamlSignOutView.as_view()(request)
        if backend == OIDC_BACKEND and oidc.enabled():
            return OidcSignOutView.as_view()(request)
        return super().post(request, *args, **kwargs)


def _continue_at_the_provider(request, response):
    """The sign-out form's page allows forms to go only to Spor (CSP ``form-action 'self'``),
    and browsers hold a form's redirects to it: a redirect on to the identity provider would
    be blocked. A page that sends the browser on (``Refresh``, and a link) is not a form."""
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if not location or url_has_allowed_host_and_scheme(
        location, allowed_hosts={request.get_host()}
    ):
        return response
    page = render(request, "sso/signing_out.html", {"url": location})
    page["Refresh"] = f"0; url={location}"
    return page
