"""SAML single logout, both ways, against the real IdP: signing out of Spor signs the person
out at the Context Handler, and a logout started there ends the Spor session."""

from __future__ import annotations

import urllib.parse

from django.contrib.auth import get_user

from .test_saml_sign_in import SUBJECT, sign_in


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_sign_out_in_spor_logs_out_at_the_idp_and_back(client, cph, saml_idp):
    sign_in(client, saml_idp)
    assert get_user(client).is_authenticated

    response = client.post("/sign-out/")  # the header's sign-out button

    # A page sends the browser on to the IdP: the form's policy would block a redirect there.
    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    refresh = response["Refresh"]
    assert refresh.startswith("0; url=")
    subject, back = saml_idp.answer_logout(refresh.removeprefix("0; url="))
    assert subject == SUBJECT
    assert back.startswith("http://testserver/sso/saml/ls/?SAMLResponse=")
    finished = client.get(local(back))
    assert finished.status_code == 302 and finished["Location"] == "/sign-in/"


def test_a_logout_started_at_the_idp_ends_the_spor_session(client, cph, saml_idp):
    sign_in(client, saml_idp)
    location = saml_idp.start_logout(
        subject=SUBJECT, sp_entity_id="http://testserver/sso/saml/metadata/"
    )

    response = client.get(local(location))

    assert not get_user(client).is_authenticated
    assert response.status_code == 302
    assert response["Location"].startswith("https://127.0.0.1:9443/context-handler/slo?")
    assert "SAMLResponse=" in response["Location"]
    assert client.get("/").status_code == 302  # back to the sign-in page


def test_a_password_user_signs_out_as_before(client, cph):
    client.force_login(cph.official, backend="sso.backends.PasswordBackend")
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert not get_user(client).is_authenticated


def test_without_the_saml_session_sign_out_still_ends_the_spor_session(client, cph, saml_idp):
    sign_in(client, saml_idp)
    client.cookies.pop("spor_saml")  # the SAML session's cookie has expired
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert not get_user(client).is_authenticated
