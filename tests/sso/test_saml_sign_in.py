"""SAML 2.0 (OIOSAML 3) sign-in against a real identity provider (pysaml2's IdP side): the
browser's round trip as it happens with KOMBIT's Context Handler, and every refusal."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEvent
from organisations.models import Role, User
from sso.models import ExternalIdentity

from .conftest import CPH_CVR, PRIVILEGE
from .saml_idp import attributes, privileges

SUBJECT = "https://data.gov.dk/model/core/eid/professional/uuid/7f0a2a62-1111-4b2e-9c43-5b1b"


def start(client, idp, next_url="/"):
    """The person presses the SAML button: Spor redirects to the IdP with a signed request."""
    response = client.get("/sso/saml/login/", {"next": next_url})
    assert response.status_code == 302
    return idp.receive(response["Location"])


def finish(client, saml_response, relay_state):
    return client.post("/sso/saml/acs/", {"SAMLResponse": saml_response, "RelayState": relay_state})


def sign_in(client, idp, *, role=Role.SECRETARY, cvr=CPH_CVR, subject=SUBJECT, **kwargs):
    request, relay_state = start(client, idp)
    saml_response = idp.respond(
        request,
        subject=subject,
        attributes=attributes(cvr=cvr, privileges_b64=privileges(cvr, PRIVILEGE.format(role))),
        **kwargs,
    )
    return finish(client, saml_response, relay_state)


def test_the_sp_metadata_is_served_at_a_fixed_url_signed_requests_and_sha256(client, saml_idp):
    metadata = client.get("/sso/saml/metadata/").content.decode()
    assert 'entityID="http://testserver/sso/saml/metadata/"' in metadata
    assert 'AuthnRequestsSigned="true"' in metadata
    assert 'WantAssertionsSigned="true"' in metadata
    assert "http://testserver/sso/saml/acs/" in metadata
    assert "http://testserver/sso/saml/ls/" in metadata
    assert 'use="signing"' in metadata and 'use="encryption"' in metadata


def test_the_request_asks_for_nsis_substantial(client, cph, saml_idp):
    request, _relay = start(client, saml_idp)
    assert request.requested_authn_context.authn_context_class_ref[0].text == (
        "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    )


def test_first_sign_in_creates_the_person_in_the_organisation_of_the_cvr_number(
    client, cph, saml_idp
):
    response = sign_in(client, saml_idp)

    assert response.status_code == 302
    person = get_user(client)
    assert person.is_authenticated
    assert person.organisation == cph.organisation
    assert person.role == Role.SECRETARY
    assert (person.first_name, person.last_name, person.email) == (
        "Mette",
        "Frederiksen",
        "mette@example.dk",
    )
    assert not person.has_usable_password()
    identity = ExternalIdentity.objects.get(person=person)
    assert identity.protocol == "saml" and identity.subject == SUBJECT
    # Provisioning and the sign-in are audit events of the organisation.
    events = AuditEvent.objects.filter(organisation=cph.organisation, actor=person)
    assert events.filter(
        content_type=ContentType.objects.get_for_model(User), action="created"
    ).exists()
    assert events.filter(
        content_type=ContentType.objects.get_for_model(ExternalIdentity), action="created"
    ).exists()
    assert client.get("/").status_code == 200


def test_the_idp_posts_without_a_csrf_token_as_a_browser_would(cph, saml_idp):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert sign_in(browser, saml_idp).status_code == 302
    assert get_user(browser).is_authenticated


def test_a_role_changed_at_the_idp_changes_the_spor_role_at_the_next_sign_in(client, cph, saml_idp):
    sign_in(client, saml_idp, role=Role.SECRETARY)
    client.logout()
    sign_in(client, saml_idp, role=Role.ADMINISTRATOR)

    person = User.objects.get(external_identities__subject=SUBJECT)
    assert person.role == Role.ADMINISTRATOR
    # an administrator by the identity provider's role gets the admin, and loses it with it
    assert person.is_staff and person.groups.filter(name="Spor-administratorer").exists()
    assert User.objects.filter(external_identities__isnull=False).count() == 1
    change = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        action="changed",
        changes__has_key="role",
    ).get()
    assert change.changes["role"] == [Role.SECRETARY, Role.ADMINISTRATOR]

    client.logout()
    sign_in(client, saml_idp, role=Role.OFFICIAL)
    person.refresh_from_db()
    assert person.role == Role.OFFICIAL
    assert not person.is_staff and not person.groups.exists()


def test_an_account_the_administrator_made_before_is_taken_over_by_its_e_mail(
    client, cph, saml_idp
):
    existing = cph.official
    User.objects.filter(pk=existing.pk).update(email="mette@example.dk")
    sign_in(client, saml_idp, role=Role.OFFICIAL)
    assert get_user(client).pk == existing.pk


def test_a_person_with_no_mapped_role_gets_a_clear_danish_page_and_no_account(
    client, cph, saml_idp
):
    request, relay_state = start(client, saml_idp)
    saml_response = saml_idp.respond(
        request,
        subject=SUBJECT,
        attributes=attributes(
            cvr=CPH_CVR, privileges_b64=privileges(CPH_CVR, "http://other.example/role/x")
        ),
    )
    response = finish(client, saml_response, relay_state)

    assert response.status_code == 403
    assert "Du har ingen rolle i Spor" in response.content.decode()
    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="mette@example.dk").exists()


def test_privileges_of_another_organisation_give_no_role_here(client, cph, saml_idp):
    request, relay_state = start(client, saml_idp)
    mixed = attributes(
        cvr=CPH_CVR, privileges_b64=privileges("55133018", PRIVILEGE.format(Role.ADMINISTRATOR))
    )
    response = finish(
        client, saml_idp.respond(request, subject=SUBJECT, attributes=mixed), relay_state
    )
    assert response.status_code == 403
    assert not get_user(client).is_authenticated


def test_an_unknown_cvr_number_is_refused_with_a_page(client, cph, saml_idp):
    response = sign_in(client, saml_idp, cvr="12345678")
    assert response.status_code == 403
    assert "CVR-nummer 12345678" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_an_unsigned_assertion_is_refused(client, cph, saml_idp):
    response = sign_in(client, saml_idp, sign_assertion=False)
    assert response.status_code == 403
    assert "ikke underskrevet af din organisations identitetsudbyder" in response.content.decode()
    assert not get_user(client).is_authenticated
    assert not User.objects.filter(external_identities__isnull=False).exists()


def test_an_assertion_for_another_service_is_refused(client, cph, saml_idp):
    response = sign_in(client, saml_idp, audience="https://another-service.example.dk/saml")
    assert response.status_code == 403
    assert "kunne ikke bekræftes" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_an_expired_assertion_is_refused(client, cph, saml_idp):
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
        request, relay_state = start(client, saml_idp)
        saml_response = saml_idp.respond(
            request,
            subject=SUBJECT,
            attributes=attributes(
                cvr=CPH_CVR, privileges_b64=privileges(CPH_CVR, PRIVILEGE.format(Role.OFFICIAL))
            ),
        )
        clock.shift(datetime.timedelta(minutes=10))  # the IdP's assertions live 5 minutes
        response = finish(client, saml_response, relay_state)
    assert response.status_code == 403
    assert "udløbet" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_replayed_assertion_is_refused_in_the_same_and_in_a_new_session(
    client, cph, saml_idp, django_user_model
):
    request, relay_state = start(client, saml_idp)
    saml_response = saml_idp.respond(
        request,
        subject=SUBJECT,
        attributes=attributes(
            cvr=CPH_CVR, privileges_b64=privileges(CPH_CVR, PRIVILEGE.format(Role.OFFICIAL))
        ),
    )
    assert finish(client, saml_response, relay_state).status_code == 302
    client.logout()

    # The same browser posts the captured response again.
    again = finish(client, saml_response, relay_state)
    assert again.status_code == 403
    assert not get_user(client).is_authenticated

    # An attacker starts a sign-in of their own and posts the captured response to it.
    from django.test import Client

    attacker = Client()
    start(attacker, saml_idp)
    stolen = finish(attacker, saml_response, relay_state)
    assert stolen.status_code == 403
    assert not get_user(attacker).is_authenticated


def test_a_closed_account_is_not_opened_by_the_idp(client, cph, saml_idp):
    sign_in(client, saml_idp)
    client.logout()
    User.objects.filter(external_identities__subject=SUBJECT).update(is_active=False)
    response = sign_in(client, saml_idp)
    assert response.status_code == 403
    assert not get_user(client).is_authenticated


@pytest.mark.parametrize("path", ["/sso/saml/login/", "/sso/saml/metadata/"])
def test_saml_is_off_without_idp_metadata(client, path, db):
    assert client.get(path).status_code == 404
