"""Politicians act, through the REST API: a member proposal, a request to examine reuse,
following, the committee's report (JSON and CSV) and the briefing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from innovations.models import State

from ..catalogue_world import shared_innovation
from ..factories import api_key_for
from ..lifecycle import innovation_in, raise_need, record

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def test_a_politician_raises_a_member_proposal_and_the_secretary_sees_it_due(copenhagen):
    response = api(copenhagen.politician).post(
        "/api/v1/proposals/",
        {
            "committee": copenhagen.committee.pk,
            "title": "Grønne skolegårde",
            "need": "Asfalt og ingen skygge.",
            "proposal": "Forvaltningen bedes undersøge løsninger.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["innovation_state"] == State.NEED
    assert body["due_date"] == copenhagen.meeting.date.isoformat()
    due = api(copenhagen.secretary).get("/api/v1/checkpoints/", {"mine": "true"}).json()
    assert body["checkpoint"] in [c["id"] for c in due["results"]]
    assert api(copenhagen.administrator).get(f"/api/v1/proposals/{body['id']}/").status_code == 200


def test_an_official_cannot_propose_and_another_organisation_sees_nothing(copenhagen, aarhus):
    response = api(copenhagen.official).post(
        "/api/v1/proposals/",
        {"committee": copenhagen.committee.pk, "title": "x", "need": "y", "proposal": "z"},
        format="json",
    )
    assert response.status_code == 403
    api(copenhagen.politician).post(
        "/api/v1/proposals/",
        {"committee": copenhagen.committee.pk, "title": "x", "need": "y", "proposal": "z"},
        format="json",
    )
    assert api(aarhus.politician).get("/api/v1/proposals/").json()["count"] == 0


def test_a_reuse_request_from_the_catalogue_to_the_committees_decision(copenhagen, aarhus):
    origin = shared_innovation(aarhus, title="Skærmbesøg")
    asked = api(copenhagen.politician).post(
        "/api/v1/reuse-requests/",
        {"origin": origin.pk, "committee": copenhagen.committee.pk, "reason": "Samme behov."},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    official = api(copenhagen.official)
    assert official.post(f"/api/v1/reuse-requests/{pk}/start/").json()["status"] == "examining"
    examined = official.post(
        f"/api/v1/reuse-requests/{pk}/examination/", {"examination": "Passer."}, format="json"
    )
    assert examined.json()["status"] == "for_decision"
    from innovations.models import Innovation

    own = Innovation.objects.get(pk=examined.json()["innovation"])
    record(copenhagen, own, "mandate", outcome="rejected")
    detail = api(copenhagen.politician).get(f"/api/v1/reuse-requests/{pk}/").json()
    assert detail["status"] == "decided"
    assert [e["status"] for e in detail["events"]] == [
        "requested",
        "examining",
        "for_decision",
        "decided",
    ]
    # another organisation does not learn the request exists
    assert api(aarhus.administrator).get(f"/api/v1/reuse-requests/{pk}/").status_code == 404
    # a second examination of a decided request is refused
    again = official.post(
        f"/api/v1/reuse-requests/{pk}/examination/", {"examination": "Igen."}, format="json"
    )
    assert again.status_code == 400


def test_follow_and_unfollow(copenhagen, aarhus):
    innovation = raise_need(copenhagen)
    client = api(copenhagen.politician)
    assert client.post(f"/api/v1/innovations/{innovation.pk}/follow/").status_code == 201
    assert [f["innovation"] for f in client.get("/api/v1/follows/").json()["results"]] == [
        innovation.pk
    ]
    record(copenhagen, innovation, "mandate", apply=True)
    notes = client.get("/api/v1/notifications/").json()
    assert notes["count"] == 2
    assert client.delete(f"/api/v1/innovations/{innovation.pk}/follow/").status_code == 204
    # another organisation's unshared innovation: 404, as if it did not exist
    assert (
        api(aarhus.politician).post(f"/api/v1/innovations/{innovation.pk}/follow/").status_code
        == 404
    )


def test_the_committee_report_and_briefing(copenhagen, aarhus):
    innovation_in(copenhagen, "exploring", title="Mandat")
    client = api(copenhagen.politician)
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    url = f"/api/v1/committees/{copenhagen.committee.pk}/report/"
    body = client.get(url, {"start": start}).json()
    assert [m["innovation"]["title"] for m in body["mandates"]] == ["Mandat"]
    assert body["mandates"][0]["value_direction"]
    csv_response = client.get(url + "csv/", {"start": start})
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode("utf-8").startswith("\ufeff")
    machine = client.get(url + "csv/", {"start": start, "format": "rfc4180"})
    assert machine.content.decode().startswith("section,")
    assert client.get(url, {"start": "soon"}).status_code == 400
    briefing = client.get(f"/api/v1/committees/{copenhagen.committee.pk}/briefing/").json()
    assert [m["innovation"]["title"] for m in briefing["mandates"]] == ["Mandat"]
    # another organisation's committee: 404
    assert api(aarhus.politician).get(url).status_code == 404
