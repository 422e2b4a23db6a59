"""/sso/saml/... (djangosaml2's names: saml2_login, saml2_acs, saml2_ls, saml2_metadata) and
/sso/oidc/... (mozilla-django-oidc's: oidc_authentication_init, _callback, oidc_logout)."""

from django.urls import path

from . import views

urlpatterns = [
    path("saml/login/", views.SamlLoginView.as_view(), name="saml2_login"),
    path("saml/acs/", views.SamlAcsView.as_view(), name="saml2_acs"),
    path("saml/logout/", views.SamlSignOutView.as_view(), name="saml2_logout"),
    path("saml/ls/", views.SamlLogoutServiceView.as_view(), name="saml2_ls"),
    path("saml/ls/post/", views.SamlLogoutServiceView.as_view(), name="saml2_ls_post"),
    path("saml/metadata/", views.SamlMetadataView.as_view(), name="saml2_metadata"),
    path(
        "oidc/authenticate/", views.OidcAuthenticateView.as_view(), name="oidc_authentication_init"
    ),
    path("oidc/callback/", views.OidcCallbackView.as_view(), name="oidc_authentication_callback"),
    path("oidc/logout/", views.OidcSignOutView.as_view(), name="oidc_logout"),
]
