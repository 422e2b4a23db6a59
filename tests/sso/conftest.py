"""Single sign-on fixtures: Copenhagen with its CVR number and role mappings, a real SAML
identity provider (pysaml2) and a real OpenID provider (pyop on 127.0.0.1)."""

from __future__ import annotations

import pytest

from organisations.models import Organisation, Role
from sso.models import RoleMapping

from .keys import make_key_pair
from .saml_idp import SamlIdp

CPH_CVR = "64942212"
AARHUS_CVR = "55133018"
PRIVILEGE = "http://spor.example.dk/roles/usersystemrole/{}/1"


@pytest.fixture
def cph(copenhagen):
    Organisation.objects.filter(pk=copenhagen.organisation.pk).update(cvr=CPH_CVR)
    Organisation.objects.filter(code="0751").update(cvr=AARHUS_CVR)
    copenhagen.organisation.refresh_from_db()
    for role in (Role.ADMINISTRATOR, Role.SECRETARY, Role.OFFICIAL, Role.POLITICIAN):
        RoleMapping.objects.create(
            organisation=copenhagen.organisation, idp_value=PRIVILEGE.format(role), role=role
        )
    return copenhagen


@pytest.fixture
def saml_idp(tmp_path, settings, client, db) -> SamlIdp:
    idp = SamlIdp.create(tmp_path)
    sp_keys = make_key_pair(tmp_path, "spor")
    settings.SITE_URL = "http://testserver"
    settings.SPOR_SAML_IDP_METADATA_FILE = idp.metadata_file
    settings.SPOR_SAML_KEY_FILE = sp_keys.key_file
    settings.SPOR_SAML_CERT_FILE = sp_keys.cert_file
    metadata = client.get("/sso/saml/metadata/")
    assert metadata.status_code == 200
    idp.trust(metadata.content.decode())
    return idp


@pytest.fixture
def oidc_provider(tmp_path, settings, db):
    from .oidc_provider import OidcProvider

    provider = OidcProvider(make_key_pair(tmp_path, "op", ip="127.0.0.1")).start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    yield provider
    provider.stop()
