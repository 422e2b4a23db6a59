"""``{% sso_buttons next %}``: the sign-in page's buttons for the configured identity providers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import oidc, saml

register = template.Library()


@register.inclusion_tag("sso/buttons.html")
def sso_buttons(next_url: str = "") -> dict:
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    buttons = []
    if saml.enabled():
        buttons.append(
            {
                "url": reverse("saml2_login") + query,
                "label": settings.SPOR_SAML_LABEL or _("Sign in with your organisation (SAML)"),
            }
        )
    if oidc.enabled():
        buttons.append(
            {
                "url": reverse("oidc_authentication_init") + query,
                "label": settings.SPOR_OIDC_LABEL
                or _("Sign in with your organisation (Microsoft Entra ID / OpenID Connect)"),
            }
        )
    return {"buttons": buttons}
