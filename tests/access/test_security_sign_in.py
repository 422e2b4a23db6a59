"""Someone guesses passwords: on the sign-in page, the admin's and the API's token endpoint.

After ``AXES_FAILURE_LIMIT`` failures of one username from one client address, that pair is
locked out for the cool-off, with a Danish message saying when to try again; the client
address is the connection's unless the operator configured trusted proxies, so a forged
``X-Forwarded-For`` changes nothing. An administrator can unlock a person.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password"  # tests.factories.UserFactory
LIMIT = 5


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    cache.clear()  # the token endpoint's throttle counts in the cache


def sign_in_page(client: Client, username: str, password: str, **extra):
    return client.post("/sign-in/", {"username": username, "password": password}, **extra)


def test_the_sign_in_page_locks_a_username_out_from_an_address_and_says_until_when(copenhagen):
    client = Client()
    username = copenhagen.secretary.username
    moment = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Copenhagen
    with time_machine.travel(moment, tick=False):
        for _ in range(LIMIT - 1):
            assert sign_in_page(client, username, "wrong").status_code == 200
        locked = sign_in_page(client, username, "wrong")
        assert locked.status_code == 429
        # now even the right password is refused, with when to try again, in Danish
        again = sign_in_page(client, username, PASSWORD)
    assert again.status_code == 429
    page = again.content.decode()
    assert "For mange mislykkede log ind" in page
    assert "kl. 10:15" in page
    assert again["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session

    # another address is not locked out (the key is the username and the address)
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    with time_machine.travel(moment, tick=False):
        assert sign_in_page(elsewhere, username, PASSWORD).status_code == 302

    # after the cool-off the right password works again from the first address
    with time_machine.travel(moment + datetime.timedelta(minutes=16), tick=False):
        assert sign_in_page(client, username, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(copenhagen):
    client = Client()
    username = copenhagen.secretary.username
    statuses = [
        sign_in_page(client, username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(LIMIT + 2)
    ]
    assert statuses == [200] * (LIMIT - 1) + [429] * 3


def test_the_admin_login_is_locked_out_too(copenhagen):
    client = Client()
    username = copenhagen.administrator.username
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": username, "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "For mange mislykkede log ind" in response.content.decode()


def test_the_token_endpoint_locks_out_with_json_and_retry_after(copenhagen):
    api = APIClient()
    username = copenhagen.secretary.username
    for _ in range(LIMIT - 1):
        wrong = api.post(
            "/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json"
        )
        assert wrong.status_code == 400
    api.post("/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json")
    locked = api.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 429
    assert "token" not in locked.json()
    assert "For mange mislykkede log ind" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 15 * 60
    assert datetime.datetime.fromisoformat(locked.json()["retry_after"]) > timezone.now()


def test_the_token_throttle_counts_the_connection_not_a_forged_header(copenhagen):
    api = APIClient()
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": f"nobody-{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(12)
    ]
    assert statuses == [400] * 10 + [429, 429]


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_clients(copenhagen, settings):
    settings.SPOR_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    username = copenhagen.secretary.username
    proxy = Client(REMOTE_ADDR="10.0.0.2")  # our reverse proxy
    # the attacker at 203.0.113.7 writes anything left of what the proxy appended
    for n in range(LIMIT):
        sign_in_page(proxy, username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    assert (
        sign_in_page(
            proxy, username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"
        ).status_code
        == 429
    )
    # the secretary, at another address behind the same proxy, signs in
    assert (
        sign_in_page(proxy, username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code
        == 302
    )

    api = APIClient(REMOTE_ADDR="10.0.0.2")
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": f"nobody-{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.8",
        ).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    other = api.post(
        "/api/v1/auth/token/",
        {"username": "nobody", "password": "x"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )
    assert other.status_code == 400


def test_an_administrator_unlocks_a_person_of_their_organisation(copenhagen, aarhus):
    username = copenhagen.secretary.username
    client = Client()
    for _ in range(LIMIT):
        sign_in_page(client, username, "wrong")
    assert sign_in_page(client, username, PASSWORD).status_code == 429

    # another municipality's administrator cannot (the person is not in their admin)
    outsider = Client()
    call_command("grant_admin_access", aarhus.administrator.username)
    outsider.force_login(aarhus.administrator)
    outsider.post(
        "/admin/organisations/user/",
        {"action": "unlock_sign_in", "_selected_action": [copenhagen.secretary.pk]},
    )
    assert sign_in_page(client, username, PASSWORD).status_code == 429

    admin = Client()
    call_command("grant_admin_access", copenhagen.administrator.username)
    admin.force_login(copenhagen.administrator)
    response = admin.post(
        "/admin/organisations/user/",
        {"action": "unlock_sign_in", "_selected_action": [copenhagen.secretary.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert sign_in_page(client, username, PASSWORD).status_code == 302
