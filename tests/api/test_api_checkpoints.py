"""Checkpoints and notifications over HTTP: what is due, what is overdue, who closes it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from notifications.models import Notification
from rest_framework.test import APIClient

from innovations.models import Innovation
from innovations.services import create_innovation
from reminders.services import create_checkpoint, local_today

from ..factories import api_key_for

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def due_in_ten_days(copenhagen):
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Velfærdsteknologi",
        need="Ventetid",
        committee=copenhagen.committee,
    )
    checkpoint = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="follow_up",
        due_date=local_today() + datetime.timedelta(days=10),
        title="Status til udvalget",
    )
    return innovation, checkpoint


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_checkpoint_becomes_overdue_and_shows_on_lists_and_dashboard(
    copenhagen, aarhus, due_in_ten_days
):
    innovation, checkpoint = due_in_ten_days
    politician = token_client(copenhagen.politician)
    outsider = token_client(aarhus.politician)

    # the committee's politician sees it among theirs; someone from Aarhus does not see it
    assert ids(politician.get("/api/v1/checkpoints/", {"mine": "true"})) == [checkpoint.pk]
    assert (
        ids(token_client(copenhagen.other_secretary).get("/api/v1/checkpoints/", {"mine": "true"}))
        == []
    )
    assert ids(outsider.get("/api/v1/checkpoints/")) == []
    assert outsider.get(f"/api/v1/checkpoints/{checkpoint.pk}/").status_code == 404
    assert ids(politician.get("/api/v1/checkpoints/", {"overdue": "true"})) == []

    # eleven days later it is overdue, everywhere it is counted
    later = datetime.datetime.combine(
        local_today() + datetime.timedelta(days=11), datetime.time(12), datetime.UTC
    )
    with time_machine.travel(later, tick=False):
        row = politician.get(f"/api/v1/checkpoints/{checkpoint.pk}/").json()
        assert row["overdue"] is True and row["status"] == "open"
        assert ids(politician.get("/api/v1/checkpoints/", {"overdue": "true"})) == [checkpoint.pk]
        due_before = (local_today() + datetime.timedelta(days=1)).isoformat()
        assert ids(politician.get("/api/v1/checkpoints/", {"due_before": due_before})) == [
            checkpoint.pk
        ]
        assert ids(politician.get("/api/v1/innovations/", {"overdue": "true"})) == [innovation.pk]
        assert ids(politician.get("/api/v1/innovations/", {"overdue": "false"})) == []
        portfolio = politician.get("/api/v1/dashboard/portfolio/").json()
        assert portfolio["overdue_checkpoints"] == 1
        assert outsider.get("/api/v1/dashboard/portfolio/").json()["overdue_checkpoints"] == 0

        timeline = politician.get(f"/api/v1/innovations/{innovation.pk}/timeline/").json()
        assert [item["type"] for item in timeline] == ["checkpoint"]
        assert timeline[0]["checkpoint"]["id"] == checkpoint.pk


def test_the_owner_completes_and_only_an_administrator_waives(copenhagen, due_in_ten_days):
    innovation, checkpoint = due_in_ten_days
    url = f"/api/v1/checkpoints/{checkpoint.pk}/"

    politician = token_client(copenhagen.politician)
    refused = politician.post(url + "complete/")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"} and refused.json()["detail"]  # the reason

    secretary = token_client(copenhagen.secretary)
    assert (
        secretary.post(url + "waive/", {"reason": "Ikke nødvendig"}, format="json").status_code
        == 403
    )

    admin = token_client(copenhagen.administrator)
    no_reason = admin.post(url + "waive/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert set(no_reason.json()["errors"]) == {"reason"}

    waived = admin.post(url + "waive/", {"reason": "Dækket af budgetopfølgningen"}, format="json")
    assert waived.status_code == 200
    assert waived.json()["status"] == "waived"
    assert waived.json()["waived_reason"] == "Dækket af budgetopfølgningen"

    again = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="documentation",
        due_date=local_today() + datetime.timedelta(days=5),
    )
    done = token_client(copenhagen.official).post(f"/api/v1/checkpoints/{again.pk}/complete/")
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["completed_by"] == copenhagen.official.pk


def notify(recipient, innovation, verb: str) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        actor_content_type=ContentType.objects.get_for_model(Innovation),
        actor_object_id=str(innovation.pk),
        verb=verb,
        data={"url": f"/innovations/{innovation.pk}/", "innovation": innovation.pk},
    )


def test_notifications_are_personal_and_can_be_read(copenhagen, due_in_ten_days):
    innovation, _checkpoint = due_in_ten_days
    first = notify(copenhagen.politician, innovation, "Opfølgning om 14 dage")
    notify(copenhagen.politician, innovation, "Opfølgning om 3 dage")
    someone_elses = notify(copenhagen.secretary, innovation, "Opfølgning i dag")

    politician = token_client(copenhagen.politician)
    listed = politician.get("/api/v1/notifications/").json()
    assert listed["count"] == 2
    assert listed["results"][0]["url"] == f"/innovations/{innovation.pk}/"
    assert politician.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 2}

    read = politician.post(f"/api/v1/notifications/{first.pk}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False
    assert politician.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 1}
    assert politician.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1

    assert politician.post(f"/api/v1/notifications/{someone_elses.pk}/read/").status_code == 404
    someone_elses.refresh_from_db()
    assert someone_elses.unread is True

    assert politician.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert politician.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 0}
    assert token_client(copenhagen.secretary).get("/api/v1/notifications/unread-count/").json() == {
        "unread_count": 1
    }
