"""An organisation switches its Spor passwords off: its people sign in only through single
sign-on, its administrators keep a password (break-glass), and other organisations are not
touched. Tried where a password is taken: the sign-in page, the admin and the API's token
endpoint."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.errors import PermissionDenied
from sso import services
from sso.models import SignInPolicy

PASSWORD = "demo-password"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def passwords_off(cph):
    services.set_local_passwords(
        actor=cph.administrator, organisation=cph.organisation, allowed=False
    )
    return cph


def sign_in_page(client, user):
    return client.post("/sign-in/", {"username": user.username, "password": PASSWORD}, follow=True)


def test_a_secretary_is_refused_a_password_sign_in_and_told_to_use_single_sign_on(
    client, passwords_off
):
    response = sign_in_page(client, passwords_off.secretary)
    page = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Din organisation logger ind via single sign-on" in page


def test_the_administrator_keeps_the_break_glass_password(client, passwords_off):
    response = client.post(
        "/sign-in/", {"username": passwords_off.administrator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(passwords_off.administrator.pk)


def test_another_organisation_keeps_its_passwords(client, passwords_off, aarhus):
    response = client.post(
        "/sign-in/", {"username": aarhus.secretary.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_api_token_endpoint_refuses_the_password_too(passwords_off):
    api = APIClient()
    refused = api.post(
        "/api/v1/auth/token/",
        {"username": passwords_off.official.username, "password": PASSWORD},
        format="json",
    )
    assert refused.status_code in (400, 401)
    allowed = api.post(
        "/api/v1/auth/token/",
        {"username": passwords_off.administrator.username, "password": PASSWORD},
        format="json",
    )
    assert allowed.status_code in (200, 201)


def test_only_the_organisations_administrators_switch_passwords_off(cph, aarhus):
    with pytest.raises(PermissionDenied):
        services.set_local_passwords(
            actor=cph.secretary, organisation=cph.organisation, allowed=False
        )
    with pytest.raises(PermissionDenied):
        services.set_local_passwords(
            actor=aarhus.administrator, organisation=cph.organisation, allowed=False
        )
    assert not SignInPolicy.objects.exists()


def test_switching_passwords_off_is_an_audit_event(passwords_off):
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(object_repr=str(passwords_off.organisation)).latest("at")
    assert event.actor == passwords_off.administrator
    assert event.changes.get("local_passwords") == [None, False]


def test_the_sign_in_page_offers_the_single_sign_on_buttons(client, cph, saml_idp, oidc_provider):
    page = client.get("/sign-in/?next=/innovations/").content.decode()
    assert 'href="/sso/saml/login/?next=%2Finnovations%2F"' in page
    assert 'href="/sso/oidc/authenticate/?next=%2Finnovations%2F"' in page
    assert "Log ind med din organisation (SAML)" in page


def test_without_single_sign_on_the_sign_in_page_has_no_buttons(client, db):
    page = client.get("/sign-in/").content.decode()
    assert "/sso/" not in page
