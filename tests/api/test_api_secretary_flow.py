"""A committee secretary works through the API with a token, as an agenda system would."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the token endpoint's throttle counts in the cache


def sign_in(username: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # messages follow Accept-Language
    response = client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": "demo-password"},
        format="json",
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_secretary_raises_a_need_records_the_mandate_and_sees_the_trail(copenhagen):
    api = sign_in(copenhagen.secretary.username)

    # the secretary raises a need at the committee
    created = api.post(
        "/api/v1/innovations/",
        {
            "title": "Digital genoptræning",
            "need": "Lange ventelister til genoptræning",
            "committee": copenhagen.committee.pk,
            "innovation_types": ["service"],
            "intended_values": ["quality", "citizen_satisfaction"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    innovation = created.json()
    assert innovation["state"] == "need"
    assert innovation["organisation"] == copenhagen.organisation.pk
    url = f"/api/v1/innovations/{innovation['id']}/"

    # the mandate is not yet available, and the engine says why
    options = {o["name"]: o for o in api.get(url + "transitions/").json()}
    assert set(options) == {"mandate", "pause", "stop"}
    assert options["mandate"]["available"] is False
    assert options["mandate"]["requires"] == "decision"
    assert options["mandate"]["target"] == "exploring"
    assert options["mandate"]["reasons"] == [
        "needs an approved decision on “Give a mandate” with a value direction"
    ]

    # the committee gives the mandate; the secretary records it and applies it in one call
    recorded = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation["id"],
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 7",
            "transition": "mandate",
            "outcome": "approved",
            "resolution": "Udvalget giver mandat til at undersøge løsninger.",
            "votes_for": 1,  # the committee has two members with a vote
            "votes_against": 1,
            "votes_abstaining": 0,
            "value_direction": "Borgeren skal hurtigere tilbage til hverdagen.",
            "apply_transition": True,
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    decision = recorded.json()
    assert decision["applied"] is True
    assert decision["innovation_state"] == "exploring"
    assert decision["committee"] == copenhagen.committee.pk

    # the innovation is exploring, with the committee's value direction
    now = api.get(url).json()
    assert now["state"] == "exploring"
    assert now["value_direction"] == "Borgeren skal hurtigere tilbage til hverdagen."

    # and the timeline shows the decision and the transition, each with its type and time
    timeline = api.get(url + "timeline/").json()
    # (entering exploring set the committee's first follow-up, due later: it comes last)
    assert [item["type"] for item in timeline] == ["decision", "transition", "checkpoint"]
    assert timeline[2]["checkpoint"]["kind"] == "follow_up"
    assert timeline[2]["checkpoint"]["status"] == "open"
    assert all(item["at"] for item in timeline)
    assert timeline[0]["decision"]["id"] == decision["id"]
    assert timeline[1]["transition"]["source"] == "need"
    assert timeline[1]["transition"]["target"] == "exploring"
    assert timeline[1]["transition"]["decision"] == decision["id"]


def test_a_rejected_decision_is_recorded_and_the_transition_then_answers_409(copenhagen):
    api = sign_in(copenhagen.secretary.username)
    innovation = api.post(
        "/api/v1/innovations/",
        {"title": "Ny cykelsti", "need": "Utrygge skoleveje", "committee": copenhagen.committee.pk},
        format="json",
    ).json()
    rejected = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation["id"],
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 3",
            "transition": "mandate",
            "outcome": "rejected",
            "resolution": "Udvalget afviser.",
            "apply_transition": True,
        },
        format="json",
    )
    assert rejected.status_code == 201
    assert rejected.json()["applied"] is False
    assert rejected.json()["innovation_state"] == "need"

    moved = api.post(
        f"/api/v1/innovations/{innovation['id']}/transitions/mandate/",
        {"decision": rejected.json()["id"]},
        format="json",
    )
    assert moved.status_code == 409
    body = moved.json()
    assert set(body) == {"detail", "reasons"}
    assert body["reasons"] == [
        "the decision was not approved (outcome: Rejected); "
        "needs an approved decision on “Give a mandate” with a value direction"
    ]


def test_a_recorded_decision_cannot_be_changed_or_deleted(copenhagen):
    api = sign_in(copenhagen.secretary.username)
    innovation = api.post(
        "/api/v1/innovations/",
        {"title": "Ny cykelsti", "need": "Utrygge skoleveje", "committee": copenhagen.committee.pk},
        format="json",
    ).json()
    decision = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation["id"],
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 3",
            "outcome": "postponed",
            "resolution": "Udsat.",
        },
        format="json",
    ).json()
    url = f"/api/v1/decisions/{decision['id']}/"
    assert api.put(url, {"outcome": "approved"}, format="json").status_code == 405
    assert api.patch(url, {"outcome": "approved"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert api.get(url).json()["outcome"] == "postponed"


def test_wrong_password_is_a_400_with_the_error_shape_and_no_token(copenhagen):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": copenhagen.secretary.username, "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert "token" not in response.json()


def test_the_token_endpoint_is_throttled(copenhagen):
    client = APIClient()
    # a new username each time: the lockout of one username (test_security_sign_in) is apart
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": f"nobody-{n}", "password": "x"}, format="json"
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_without_credentials_the_api_answers_401(copenhagen):
    response = APIClient().get("/api/v1/innovations/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert response["WWW-Authenticate"] == "Token"


def test_a_move_on_a_stale_view_answers_409_and_bad_input_400_by_field(copenhagen):
    api = sign_in(copenhagen.secretary.username)
    innovation = api.post(
        "/api/v1/innovations/",
        {"title": "Ny cykelsti", "need": "Utrygge skoleveje", "committee": copenhagen.committee.pk},
        format="json",
    ).json()

    # the secretary acts on what she saw: "exploring"; the innovation is still in "need"
    stale = api.post(
        f"/api/v1/innovations/{innovation['id']}/transitions/pause/",
        {"expected_state": "exploring"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["reasons"] == ["it is now in the phase Need"]

    # a decision with a bad outcome, no resolution and negative votes: every field says why
    invalid = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation["id"],
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 1",
            "outcome": "maybe",
            "votes_for": -1,
        },
        format="json",
    )
    assert invalid.status_code == 400
    assert set(invalid.json()) == {"detail", "errors"}
    assert set(invalid.json()["errors"]) == {"outcome", "resolution", "votes_for"}

    # and an unknown transition is not there at all
    unknown = api.post(
        f"/api/v1/innovations/{innovation['id']}/transitions/fly/", {}, format="json"
    )
    assert unknown.status_code == 404
