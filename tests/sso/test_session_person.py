"""The person of a session, as each sign-in backend reads them on every page: with their
organisation (the header names it) and, for passwords and SAML, only while they are active."""

from __future__ import annotations

import pytest

from sso.backends import OidcBackend, PasswordBackend, SamlBackend


@pytest.mark.parametrize("backend", [PasswordBackend, SamlBackend, OidcBackend])
def test_the_session_person_comes_with_their_organisation_in_one_query(
    backend, cph, django_assert_num_queries
):
    with django_assert_num_queries(1):
        person = backend().get_user(cph.secretary.pk)
        assert person == cph.secretary
        assert person.organisation == cph.organisation


@pytest.mark.parametrize("backend", [PasswordBackend, SamlBackend])
def test_a_deactivated_person_is_nobody_to_a_password_or_saml_session(backend, cph):
    cph.secretary.is_active = False
    cph.secretary.save(update_fields=["is_active"])

    assert backend().get_user(cph.secretary.pk) is None
    assert backend().get_user(10**9) is None


def test_a_signed_in_page_reads_the_organisation_with_the_person(client, cph):
    client.post("/sign-in/", {"username": cph.secretary.username, "password": "demo-password"})

    page = client.get("/")

    assert page.status_code == 200
    assert cph.organisation.name in page.content.decode()
