"""A person downloads what Spor holds about them; so does their organisation's administrator.

No one else does: a colleague of the same organisation, or an administrator of another,
gets 404 for the person's data on the web and in the API.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from privacy.selectors import person_data

from ..privacy_world import secretary_with_history

pytestmark = pytest.mark.django_db


def web(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def assert_complete(data: dict, history) -> None:
    assert data["profile"]["email"] == "karen.privat@example.dk"
    assert data["profile"]["first_name"] == "Karen"
    assert data["profile"]["organisation"]["code"] == history.person.organisation.code
    assert "calendar_token" not in json.dumps(data)
    assert history.person.calendar_token not in json.dumps(data)
    assert [m["role"] for m in data["memberships"]] == ["secretary"]
    recorded = data["recorded"]
    assert [d["id"] for d in recorded["decisions"]] == [history.decision.pk]
    assert [i["id"] for i in recorded["innovations_created"]] == [history.innovation.pk]
    assert [c["id"] for c in recorded["checkpoints_created"]] == [history.checkpoint.pk]
    assert [n["id"] for n in data["notifications"]] == [history.notification.pk]
    assert [r["id"] for r in data["reminders"]] == [history.reminder.pk]


def test_a_person_downloads_their_own_data_on_the_web_and_the_api(aarhus):
    history = secretary_with_history(aarhus)

    response = web(history.person).get(reverse("my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert_complete(json.loads(response.content), history)

    response = api(history.person).get("/api/v1/people/me/data/")
    assert response.status_code == 200
    assert_complete(response.json(), history)


def test_the_organisations_administrator_downloads_a_persons_data(aarhus):
    history = secretary_with_history(aarhus)
    pk = history.person.pk

    response = web(aarhus.administrator).get(reverse("person_data", args=[pk]))
    assert response.status_code == 200
    assert_complete(json.loads(response.content), history)
    response = api(aarhus.administrator).get(f"/api/v1/people/{pk}/data/")
    assert response.status_code == 200
    assert_complete(response.json(), history)


def test_nobody_else_sees_a_persons_data(aarhus, copenhagen):
    history = secretary_with_history(aarhus)
    pk = history.person.pk
    for outsider in (aarhus.politician, aarhus.official, copenhagen.administrator):
        assert web(outsider).get(reverse("person_data", args=[pk])).status_code == 404
        assert api(outsider).get(f"/api/v1/people/{pk}/data/").status_code == 404
    assert Client().get(reverse("my_data")).status_code == 302
    assert APIClient().get("/api/v1/people/me/data/").status_code in (401, 403)


def test_the_export_costs_a_fixed_number_of_queries(aarhus, django_assert_max_num_queries):
    history = secretary_with_history(aarhus)
    with django_assert_max_num_queries(25):
        person_data(history.person, history.person)
