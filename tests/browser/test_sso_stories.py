"""Single sign-on in Chromium: a secretary of Copenhagen presses the SAML button on Spor's
sign-in page, signs in at the (test) Context Handler — pysaml2's IdP over HTTP on 127.0.0.1 —
and lands on her front page; a colleague without a Spor role gets the page that says so.
Both pages pass axe and work under the Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.test import Client

from organisations.models import Role, User

from ..sso.conftest import CPH_CVR, PRIVILEGE, cph  # noqa: F401 - the fixture
from ..sso.keys import make_key_pair
from ..sso.saml_idp import SamlIdpServer, attributes, privileges
from .conftest import assert_accessible, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def context_handler(tmp_path, settings, live_server, cph):  # noqa: F811
    server = SamlIdpServer(tmp_path).start()
    sp_keys = make_key_pair(tmp_path, "spor")
    settings.SITE_URL = live_server.url
    settings.SPOR_SAML_IDP_METADATA_FILE = server.idp.metadata_file
    settings.SPOR_SAML_KEY_FILE = sp_keys.key_file
    settings.SPOR_SAML_CERT_FILE = sp_keys.cert_file
    settings.SPOR_SAML_LABEL = "Log ind med KOMBIT"
    # The IdP (127.0.0.1) and Spor (localhost) are different sites, as in production: the
    # SAML cookie is SameSite=None, which Chromium keeps only when Secure (it is in
    # production; Chromium accepts Secure cookies from http://localhost).
    settings.SESSION_COOKIE_SECURE = True
    server.idp.trust(Client().get("/sso/saml/metadata/").content.decode())
    yield server
    server.stop()


def test_a_secretary_signs_in_through_the_context_handler(page, context_handler):
    context_handler.subject = "urn:uuid:7f0a2a62-browser"
    context_handler.attributes = attributes(
        cvr=CPH_CVR,
        privileges_b64=privileges(CPH_CVR, PRIVILEGE.format(Role.SECRETARY)),
        first="Sofie",
        last="Sekretær",
        email="sofie@example.dk",
    )
    page.goto("/sign-in/")
    assert_accessible(page)
    page.click("text=Log ind med KOMBIT")
    page.wait_for_selector("text=Fortsæt til Spor")
    page.click("text=Fortsæt til Spor")
    page.wait_for_load_state()
    assert "Sofie" in page.inner_text("header")
    screenshot(page, "sso-signed-in")
    person = User.objects.get(email="sofie@example.dk")
    assert (person.organisation_id, person.role) == (cph_id(), Role.SECRETARY)

    # Signing out in Spor signs her out at the Context Handler too, and back to Spor.
    page.click("header >> text=Log ud")
    page.wait_for_url("**/sign-in/")
    assert context_handler.logged_out == "urn:uuid:7f0a2a62-browser"
    assert_accessible(page)


def test_a_person_without_a_role_sees_why(page, context_handler):
    context_handler.subject = "urn:uuid:no-role"
    context_handler.attributes = attributes(
        cvr=CPH_CVR, privileges_b64=privileges(CPH_CVR, "http://other/role"), email="n@example.dk"
    )
    page.goto("/sign-in/")
    page.click("text=Log ind med KOMBIT")
    page.click("text=Fortsæt til Spor")
    page.wait_for_selector("text=Du kan ikke logge ind i Spor")
    assert "Du har ingen rolle i Spor" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "sso-refused")
    assert not User.objects.filter(email="n@example.dk").exists()


def cph_id() -> int:
    from organisations.models import Organisation

    return Organisation.objects.get(cvr=CPH_CVR).pk
