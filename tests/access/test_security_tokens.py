"""API tokens as an integration, its owner, their administrator and an attacker meet them.

A token is named (one per integration), stored as a SHA-256 fingerprint with a short
prefix, expires, and is revoked by its owner, by the organisation's administrators, by a
password change and by deactivation. The key is shown once.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import ApiToken

from ..factories import api_key_for

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    status = with_key(key).get("/api/v1/workflow/").status_code
    assert status in (200, 401), status
    return status == 200


def test_the_token_endpoint_gives_a_new_named_expiring_token_stored_only_hashed(copenhagen):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": copenhagen.secretary.username, "password": PASSWORD, "name": "Dagsorden"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    key = body["token"]
    assert body["name"] == "Dagsorden"
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert timezone.now() + datetime.timedelta(days=89) < expires
    assert expires <= timezone.now() + datetime.timedelta(days=90)
    assert works(key)

    # the database holds a fingerprint and a prefix, never the key
    row = ApiToken.objects.values().get()
    assert key not in repr(row)
    assert key.startswith(row["prefix"]) and len(row["prefix"]) < 16
    assert row["last_used_at"] is not None

    # asking again gives another token, not the same one
    second = APIClient().post(
        "/api/v1/auth/token/",
        {"username": copenhagen.secretary.username, "password": PASSWORD},
        format="json",
    )
    assert second.json()["token"] != key and ApiToken.objects.count() == 2


def test_an_expired_token_is_refused(copenhagen):
    key = api_key_for(copenhagen.secretary)
    assert works(key)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        assert not works(key)


def test_made_up_and_truncated_keys_are_refused(copenhagen):
    key = api_key_for(copenhagen.secretary)
    for attempt in (key[:-1], key + "x", key[:13] + "A" * (len(key) - 13), "spor_", ""):
        assert with_key(attempt).get("/api/v1/workflow/").status_code == 401


def test_the_owner_lists_and_revokes_through_the_api_and_the_key_is_shown_once(copenhagen):
    api = with_key(api_key_for(copenhagen.secretary, "Sessions"))
    created = api.post("/api/v1/tokens/", {"name": "ESDH", "days": 30}, format="json")
    assert created.status_code == 201, created.content
    key = created.json()["token"]
    assert works(key)

    listed = api.get("/api/v1/tokens/").json()["results"]
    assert {t["name"] for t in listed} == {"Sessions", "ESDH"}
    assert key not in str(listed)

    revoked = api.post(f"/api/v1/tokens/{created.json()['id']}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_because"] == "owner"
    assert not works(key)


def test_administrators_see_and_revoke_their_organisations_tokens_only(copenhagen, aarhus):
    key = api_key_for(copenhagen.secretary, "Dagsordensystem")
    token = ApiToken.objects.get(name="Dagsordensystem")

    # a colleague who is not an administrator neither sees nor revokes it
    colleague = with_key(api_key_for(copenhagen.politician))
    assert "Dagsordensystem" not in str(colleague.get("/api/v1/tokens/").json())
    assert colleague.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    # nor does another municipality's administrator
    outsider = with_key(api_key_for(aarhus.administrator))
    assert "Dagsordensystem" not in str(outsider.get("/api/v1/tokens/").json())
    assert outsider.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    assert works(key)

    admin = with_key(api_key_for(copenhagen.administrator))
    listed = admin.get("/api/v1/tokens/").json()["results"]
    assert "Dagsordensystem" in {t["name"] for t in listed}
    revoked = admin.post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert revoked.json()["revoked_because"] == "administrator"
    assert not works(key)


def test_a_password_reset_revokes_the_persons_tokens(copenhagen):
    person = copenhagen.secretary
    person.email = "sekretaer@kk.dk"
    person.save(update_fields=["email"])
    key = api_key_for(person)
    client = Client()
    client.post("/password/reset/", {"email": person.email})
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Nyt-kodeord-2026!", "new_password2": "Nyt-kodeord-2026!"},
    )
    person.refresh_from_db()
    assert person.check_password("Nyt-kodeord-2026!")
    assert not works(key)
    assert ApiToken.objects.get().revoked_because == "password_changed"


def test_a_password_changed_in_the_admin_revokes_the_persons_tokens(copenhagen, admin_client):
    key = api_key_for(copenhagen.official)
    response = admin_client.post(
        f"/admin/organisations/user/{copenhagen.official.pk}/password/",
        {
            "password1": "Andet-kodeord-2026!",
            "password2": "Andet-kodeord-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content
    assert not works(key)


def test_deactivation_revokes_the_persons_tokens(copenhagen):
    key = api_key_for(copenhagen.official)
    person = copenhagen.official
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert ApiToken.objects.get().revoked_because == "deactivated"
    person.is_active = True
    person.save(update_fields=["is_active"])
    assert not works(key)  # coming back does not bring the old tokens back


def test_the_web_page_shows_the_key_once_and_revokes(copenhagen):
    client = Client()
    client.force_login(copenhagen.secretary)
    created = client.post("/my/tokens/", {"name": "ESDH Acadre", "days": 60})
    assert created.status_code == 200
    key = re.search(r'value="(spor_[^"]+)"', created.content.decode()).group(1)
    assert works(key)
    # the list shows the token by its name and prefix, never the key again
    again = client.get("/my/tokens/").content.decode()
    assert "ESDH Acadre" in again and key not in again
    token = ApiToken.objects.get(name="ESDH Acadre")
    assert token.prefix in again

    # a colleague cannot revoke it from the web either
    outsider = Client()
    outsider.force_login(copenhagen.politician)
    assert outsider.post(f"/my/tokens/{token.pk}/revoke/").status_code == 404

    assert client.post(f"/my/tokens/{token.pk}/revoke/").status_code == 302
    assert not works(key)


def test_the_upgrade_drops_drf_plain_tokens(copenhagen):
    # an installation from before: DRF's table with a plain key in it
    call_command("migrate", "access", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz,"
            " user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s)",
            ["9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", copenhagen.secretary.pk],
        )
    call_command("migrate", "access", verbosity=0)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not works("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")
