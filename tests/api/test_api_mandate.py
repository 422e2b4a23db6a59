"""The mandate card over HTTP, as an agenda system and a case system would use it: the card
recorded with the mandate decision, amended, read in every version; follow-ups with readings;
the involvement log; the evaluation against the card, in the catalogue and the portfolio."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from decisions.mandate import MandateCard
from innovations import services as innovation_services

from ..factories import api_key_for
from ..lifecycle import raise_need
from ..mandate_world import card, indicators_of, mandated_in

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def as_json(data: dict) -> dict:
    out = dict(data)
    out["budget"] = str(out["budget"])
    out["deadline"] = out["deadline"].isoformat()
    return out


def test_the_secretary_records_a_mandate_with_its_card_and_amends_it(copenhagen):
    innovation = raise_need(copenhagen)
    api = api_for(copenhagen.secretary)

    created = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 3",
            "transition": "mandate",
            "outcome": "approved",
            "resolution": "Udvalget giver mandat.",
            "apply_transition": True,
            "mandate_card": as_json(card()),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["innovation_state"] == "exploring"

    amended = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 9",
            "transition": "amend_mandate",
            "outcome": "approved",
            "resolution": "Udvalget hæver budgettet.",
            "apply_transition": True,
            "mandate_card": {"budget": "1500000", "involve": ["citizens", "companies"]},
        },
        format="json",
    )
    assert amended.status_code == 201, amended.content
    assert amended.json()["innovation_state"] == "exploring"

    mandate = api.get(f"/api/v1/innovations/{innovation.pk}/mandate/").json()
    first, second = mandate["versions"]
    assert (first["version"], second["version"]) == (1, 2)
    assert second["changed_fields"] == ["budget", "involve"]
    assert second["budget"] == "1500000.00" and first["budget"] == "1250000.50"
    assert [i["name"] for i in second["indicators"]] == [i["name"] for i in first["indicators"]]
    detail = api.get(f"/api/v1/innovations/{innovation.pk}/").json()
    assert detail["frame_budget"] == "1500000.00"  # reading the frame stays


def test_a_broken_card_is_a_400_and_records_nothing(copenhagen):
    innovation = raise_need(copenhagen)
    broken = as_json(card(follow_up_months=99))
    broken["indicators"] = [{"name": "Ventetid", "unit": "dage", "baseline": "14"}]
    response = api_for(copenhagen.secretary).post(
        "/api/v1/decisions/",
        {
            "innovation": innovation.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 3",
            "transition": "mandate",
            "outcome": "approved",
            "resolution": "Mandat.",
            "mandate_card": broken,
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "mandate_card.indicators.0.baseline_date" in errors
    assert "mandate_card.follow_up_months" in errors
    assert not MandateCard.objects.exists()


def test_the_frame_cannot_be_patched_on_the_innovation(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    response = api_for(copenhagen.administrator).patch(
        f"/api/v1/innovations/{innovation.pk}/", {"frame_budget": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "mandate card" in response.json()["errors"]["frame_budget"][0]


def test_follow_ups_and_the_involvement_log_over_http(copenhagen, aarhus):
    innovation = mandated_in(copenhagen, "testing")
    at_home, waiting = indicators_of(innovation)
    logged = api_for(copenhagen.official).post(
        f"/api/v1/innovations/{innovation.pk}/involvement/",
        {
            "date": innovation.created_at.date().isoformat(),
            "form": "test",
            "title": "Test af faste teams",
            "participants": {"citizens": 20, "staff": 4},
            "learned": "Færre nye ansigter.",
            "platform_url": "https://decidim.example.dk/processes/7",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content
    assert logged.json()["phase"] == "testing"
    refused = api_for(copenhagen.politician).post(
        f"/api/v1/innovations/{innovation.pk}/involvement/",
        {
            "date": "2026-01-01",
            "form": "visit",
            "title": "x",
            "participants": {"staff": 1},
            "learned": "x",
        },
        format="json",
    )
    assert refused.status_code == 403
    assert (
        api_for(aarhus.secretary).get(f"/api/v1/innovations/{innovation.pk}/involvement/")
    ).status_code == 404

    recorded = api_for(copenhagen.secretary).post(
        "/api/v1/follow-ups/",
        {
            "innovation": innovation.pk,
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 6",
            "assessment": "on_track",
            "summary": "Følger planen.",
            "readings": {str(at_home.pk): {"value": "66"}, str(waiting.pk): {"value": "9.5"}},
            "serves": "yes",
            "serves_why": "Borgerne oplever mere tryghed.",
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    mandate = api_for(copenhagen.politician).get(f"/api/v1/innovations/{innovation.pk}/mandate/")
    (check,) = mandate.json()["follow_ups"]
    assert check["serves"] == "yes"
    assert check["involvement"]["participants"] == {"citizens": 20, "staff": 4}
    assert {r["value"] for r in check["readings"]} == {"66.0000", "9.5000"}


def test_the_evaluation_against_the_card_in_the_catalogue_and_the_portfolio(copenhagen, aarhus):
    innovation = mandated_in(copenhagen, "evaluating")
    at_home, waiting = indicators_of(innovation)
    evaluated = api_for(copenhagen.official).post(
        f"/api/v1/innovations/{innovation.pk}/evaluations/",
        {
            "method": "internal",
            "effects": {
                "quality": {"effect": "improved", "basis": "measured", "text": "Bedre."},
                "citizen_satisfaction": {"effect": "unknown", "text": "Ikke målt."},
            },
            "learning": "Faste teams virker.",
            "results": {str(at_home.pk): "72", str(waiting.pk): {"value": "6", "note": "Maj"}},
            "verdict": "realised",
            "verdict_why": "Flere bliver hjemme.",
        },
        format="json",
    )
    assert evaluated.status_code == 201, evaluated.content
    against = evaluated.json()["against_mandate"]
    assert against["met"] and against["verdict"] == "realised"
    assert [i["measured"] for i in against["indicators"]] == ["72", "6"]

    portfolio = api_for(copenhagen.administrator).get("/api/v1/dashboard/portfolio/").json()
    assert portfolio["mandates"] == {"evaluated": 1, "met": 1, "percent": 100}

    innovation_services.share_innovation(
        actor=copenhagen.administrator, innovation=innovation, contact_role="Innovation"
    )
    entry = api_for(aarhus.politician).get(f"/api/v1/catalogue/{innovation.pk}/").json()
    assert entry["against_mandate"]["met"] is True
    assert entry["against_mandate"]["indicators"][1]["name"] == "Ventetid på hjælp"
    listed = api_for(aarhus.politician).get("/api/v1/catalogue/").json()["results"]
    assert listed[0]["against_mandate"]["verdict"] == "realised"
