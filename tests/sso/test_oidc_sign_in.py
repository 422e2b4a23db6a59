"""OpenID Connect sign-in (as with Microsoft Entra ID) against a real provider on 127.0.0.1
(pyop): the code flow with PKCE, provisioning from the claims, role changes, logout, and the
tokens Spor must refuse."""

from __future__ import annotations

import urllib.parse

import pytest
from django.contrib.auth import get_user

from organisations.models import Role, User
from sso.models import ExternalIdentity

from .conftest import CPH_CVR, PRIVILEGE
from .oidc_provider import AFTER_LOGOUT, CLIENT_ID, authorize, path_and_query

ENTRA_ROLE = PRIVILEGE  # the same mapping rows serve an Entra app role's value


def sign_in(client, provider, *, role=Role.OFFICIAL, cvr=CPH_CVR, user_id="oid-4711"):
    provider.sign_in_as(
        user_id,
        roles=[ENTRA_ROLE.format(role)],
        given_name="Lars",
        family_name="Løkke",
        email="lars@example.dk",
        cvr=cvr,
    )
    response = client.get("/sso/oidc/authenticate/", {"next": "/innovations/"})
    assert response.status_code == 302
    location = response["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    callback = authorize(provider, location)
    return client.get(path_and_query(callback))


def test_first_sign_in_creates_the_person_from_the_claims(client, cph, oidc_provider):
    response = sign_in(client, oidc_provider)

    assert response.status_code == 302 and response["Location"] == "/innovations/"
    person = get_user(client)
    assert person.is_authenticated
    assert (person.organisation, person.role) == (cph.organisation, Role.OFFICIAL)
    assert (person.first_name, person.last_name, person.email) == (
        "Lars",
        "Løkke",
        "lars@example.dk",
    )
    identity = ExternalIdentity.objects.get(person=person)
    assert (identity.protocol, identity.issuer, identity.subject) == (
        "oidc",
        oidc_provider.base,
        "oid-4711",
    )


def test_a_role_changed_at_the_provider_changes_the_role_at_the_next_sign_in(
    client, cph, oidc_provider
):
    sign_in(client, oidc_provider, role=Role.OFFICIAL)
    client.logout()
    sign_in(client, oidc_provider, role=Role.SECRETARY)
    assert User.objects.get(external_identities__subject="oid-4711").role == Role.SECRETARY


def test_no_mapped_role_gets_the_page_and_no_account(client, cph, oidc_provider):
    oidc_provider.sign_in_as("oid-1", roles=["Some.Other.Role"], email="x@example.dk", cvr=CPH_CVR)
    response = client.get("/sso/oidc/authenticate/")
    response = client.get(path_and_query(authorize(oidc_provider, response["Location"])))
    assert response.status_code == 403
    assert "Du har ingen rolle i Spor" in response.content.decode()
    assert not User.objects.filter(email="x@example.dk").exists()


def test_a_token_for_another_client_is_refused(client, cph, oidc_provider, settings):
    # Spor believes it is another client: the provider's token names Spor's real client id.
    sign_in_location = client.get("/sso/oidc/authenticate/")
    oidc_provider.sign_in_as("oid-2", roles=[ENTRA_ROLE.format(Role.OFFICIAL)], cvr=CPH_CVR)
    callback = authorize(oidc_provider, sign_in_location["Location"])
    settings.OIDC_RP_CLIENT_ID = "another-client"
    response = client.get(path_and_query(callback))
    assert response.status_code in (400, 403)
    assert not get_user(client).is_authenticated


def test_a_token_from_another_issuer_is_refused(client, cph, oidc_provider, settings):
    settings.SPOR_OIDC_ISSUER = "https://login.microsoftonline.com/another-tenant/v2.0"
    response = sign_in(client, oidc_provider)
    assert response.status_code in (400, 403)
    assert not get_user(client).is_authenticated


def test_an_expired_id_token_is_refused(client, cph, oidc_provider):
    oidc_provider.provider.id_token_lifetime = -600  # issued already expired (a stale clock)
    response = sign_in(client, oidc_provider)
    assert response.status_code == 403
    assert not get_user(client).is_authenticated
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_callback_is_refused(client, cph, oidc_provider):
    oidc_provider.sign_in_as("oid-3", roles=[ENTRA_ROLE.format(Role.OFFICIAL)], cvr=CPH_CVR)
    callback = path_and_query(
        authorize(oidc_provider, client.get("/sso/oidc/authenticate/")["Location"])
    )
    assert client.get(callback).status_code == 302
    client.logout()
    replay = client.get(callback)
    assert replay.status_code in (302, 400, 403)
    assert not get_user(client).is_authenticated


def test_sign_out_ends_the_session_at_the_provider_too(client, cph, oidc_provider):
    sign_in(client, oidc_provider)
    response = client.post("/sign-out/")

    assert not get_user(client).is_authenticated
    assert response.status_code == 200
    location = response["Refresh"].removeprefix("0; url=")
    assert location.startswith(f"{oidc_provider.base}/logout?")
    assert "id_token_hint=" in location
    back = authorize(
        oidc_provider, location
    )  # the browser follows it; the provider sends it back to Spor
    assert back.startswith(AFTER_LOGOUT)
    assert oidc_provider.logged_out and oidc_provider.logged_out[0]


@pytest.mark.parametrize("path", ["/sso/oidc/authenticate/", "/sso/oidc/callback/"])
def test_oidc_is_off_when_not_configured(client, path, db):
    assert client.get(path).status_code == 404
