"""The meeting system pushes a committee's meeting and agenda with an integration token."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agenda.models import AgendaItem
from audit.models import AuditEvent
from decisions import services as decision_services
from organisations.models import Meeting
from tests.factories import InnovationFactory, api_key_for

pytestmark = pytest.mark.django_db


def integration(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user, 'FirstAgenda')}")
    return client


def agenda(committee, day: datetime.date, **extra) -> dict:
    return {
        "committee": committee.pk,
        "date": day.isoformat(),
        "start_time": "16:00",
        "location": "Rådhuset, mødelokale 2",
        "items": [
            {
                "external_id": "fa-item-1",
                "number": "1",
                "title": "Godkendelse af dagsorden",
            },
            {
                "external_id": "fa-item-2",
                "number": "2",
                "title": "Velfærdsteknologi i hjemmeplejen – mandat",
                "case_number": "24/12345",
                "kle_code": "27.24.00",
            },
            {
                "external_id": "fa-item-3",
                "number": "3",
                "title": "Personalesag",
                "closed": True,
            },
        ],
        **extra,
    }


URL = "/api/v1/meetings/by-external-id/{}/"


def test_a_pushed_agenda_creates_the_meeting_and_links_items_by_case_number(copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, case_number="24/12345")
    api = integration(copenhagen.secretary)
    day = timezone.localdate() + datetime.timedelta(days=7)

    response = api.put(URL.format("FA-2026-0142"), agenda(copenhagen.committee, day), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["external_id"] == "FA-2026-0142"
    assert body["location"] == "Rådhuset, mødelokale 2"
    assert body["start_time"] == "16:00:00"
    assert [item["number"] for item in body["items"]] == ["1", "2", "3"]
    assert body["items"][1]["innovation"] == innovation.pk  # found by its case number
    assert body["items"][1]["kle_code"] == "27.24.00"
    assert body["items"][2]["closed"] is True
    meeting = Meeting.objects.get(external_id="FA-2026-0142")
    assert meeting.committee == copenhagen.committee and meeting.date == day
    assert api.get(f"/api/v1/meetings/{meeting.pk}/agenda/").json() == body
    assert api.get(URL.format("FA-2026-0142")).json() == body


def test_a_resent_agenda_changes_nothing(copenhagen):
    api = integration(copenhagen.secretary)
    day = timezone.localdate() + datetime.timedelta(days=7)
    payload = agenda(copenhagen.committee, day)
    first = api.put(URL.format("FA-1"), payload, format="json")
    assert first.status_code == 201
    rows = (Meeting.objects.count(), AgendaItem.objects.count())
    events = AuditEvent.objects.count()
    ids = list(AgendaItem.objects.order_by("pk").values_list("pk", "number", "title"))

    again = api.put(URL.format("FA-1"), payload, format="json")
    third = api.put(URL.format("FA-1"), payload, format="json")

    assert again.status_code == 200 and third.status_code == 200
    assert again.json() == first.json() == third.json()
    assert (Meeting.objects.count(), AgendaItem.objects.count()) == rows
    assert AuditEvent.objects.count() == events
    assert list(AgendaItem.objects.order_by("pk").values_list("pk", "number", "title")) == ids


def test_a_changed_agenda_updates_renumbers_and_removes_items(copenhagen):
    api = integration(copenhagen.secretary)
    day = timezone.localdate() + datetime.timedelta(days=7)
    api.put(URL.format("FA-1"), agenda(copenhagen.committee, day), format="json")
    changed = agenda(copenhagen.committee, day, location="Byrådssalen")
    # item 3 is dropped, item 2 becomes 1 and the old 1 becomes 2: a swap of numbers
    changed["items"] = [
        {**changed["items"][1], "number": "1"},
        {**changed["items"][0], "number": "2"},
    ]
    events = AuditEvent.objects.count()

    response = api.put(URL.format("FA-1"), changed, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["location"] == "Byrådssalen"
    assert [(i["external_id"], i["number"]) for i in body["items"]] == [
        ("fa-item-2", "1"),
        ("fa-item-1", "2"),
    ]
    assert not AgendaItem.objects.filter(external_id="fa-item-3").exists()
    assert AuditEvent.objects.count() > events


def test_a_meeting_with_evidence_keeps_its_date_and_its_items_with_evidence(copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, case_number="24/12345")
    api = integration(copenhagen.secretary)
    today = timezone.localdate()
    api.put(URL.format("FA-9"), agenda(copenhagen.committee, today), format="json")
    meeting = Meeting.objects.get(external_id="FA-9")
    item = AgendaItem.objects.get(external_id="fa-item-2")
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=meeting,
        agenda_entry=item,
        outcome="approved",
        transition="mandate",
        resolution="Udvalget giver mandat.",
        value_direction="Mere tid til borgerne.",
    )

    moved = api.put(
        URL.format("FA-9"),
        agenda(copenhagen.committee, today + datetime.timedelta(days=1)),
        format="json",
    )
    assert moved.status_code == 400
    assert "date" in moved.json()["errors"]
    meeting.refresh_from_db()
    assert meeting.date == today

    without_item = agenda(copenhagen.committee, today)
    without_item["items"] = [without_item["items"][0]]
    kept = api.put(URL.format("FA-9"), without_item, format="json")
    assert kept.status_code == 200, kept.content
    assert AgendaItem.objects.filter(pk=item.pk).exists()  # evidence rests on it

    closing = agenda(copenhagen.committee, today)
    closing["items"][1]["closed"] = True
    refused = api.put(URL.format("FA-9"), closing, format="json")
    assert refused.status_code == 400
    assert "items[1].closed" in refused.json()["errors"]


def test_the_push_needs_an_integration_token_and_the_committees_secretary(copenhagen, client):
    day = timezone.localdate() + datetime.timedelta(days=7)
    payload = agenda(copenhagen.committee, day)

    client.force_login(copenhagen.secretary)  # a browser session is not an integration
    assert client.put(URL.format("X"), payload, content_type="application/json").status_code == 403

    other = integration(copenhagen.other_secretary)
    assert other.put(URL.format("X"), payload, format="json").status_code == 403

    anonymous = APIClient()
    assert anonymous.put(URL.format("X"), payload, format="json").status_code == 401
    assert not Meeting.objects.filter(external_id="X").exists()


def test_bad_input_is_refused_whole_and_says_where(copenhagen):
    api = integration(copenhagen.secretary)
    day = timezone.localdate() + datetime.timedelta(days=7)
    payload = agenda(copenhagen.committee, day)
    payload["items"][2]["kle_code"] = "not a code"

    response = api.put(URL.format("FA-bad"), payload, format="json")

    assert response.status_code == 400
    assert "items[2].kle_code" in response.json()["errors"]
    assert not Meeting.objects.filter(external_id="FA-bad").exists()
    assert not AgendaItem.objects.exists()


def test_another_organisations_innovation_cannot_be_put_on_the_agenda(copenhagen, aarhus):
    theirs = InnovationFactory(committee=aarhus.committee)
    api = integration(copenhagen.secretary)
    payload = agenda(copenhagen.committee, timezone.localdate())
    payload["items"][0]["innovation"] = theirs.pk

    response = api.put(URL.format("FA-x"), payload, format="json")

    assert response.status_code == 400
    assert "items[0].innovation" in response.json()["errors"]


def test_a_meeting_registered_by_hand_is_adopted_by_the_meeting_system(copenhagen):
    api = integration(copenhagen.secretary)
    meeting = copenhagen.meeting  # today's, registered by hand, no external id

    response = api.put(
        URL.format("FA-adopt"), agenda(copenhagen.committee, meeting.date), format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["id"] == meeting.pk
    meeting.refresh_from_db()
    assert meeting.external_id == "FA-adopt"


def test_a_decision_recorded_through_the_api_is_taken_on_a_pushed_item(copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, case_number="24/12345")
    api = integration(copenhagen.secretary)
    today = timezone.localdate()
    pushed = api.put(URL.format("FA-api"), agenda(copenhagen.committee, today), format="json")
    item = pushed.json()["items"][1]

    recorded = api.post(
        "/api/v1/decisions/",
        {
            "innovation": innovation.pk,
            "meeting": pushed.json()["id"],
            "agenda_entry": item["id"],
            "outcome": "approved",
            "transition": "mandate",
            "resolution": "Udvalget giver mandat.",
            "value_direction": "Mere tid til borgerne.",
            "votes_by_group": {"A": {"for": 4}, "V": {"for": 2, "against": 1}},
            "apply_transition": True,
        },
        format="json",
    )

    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert body["agenda_entry"] == item["id"]
    assert body["agenda_item"] == "2. Velfærdsteknologi i hjemmeplejen – mandat"
    assert (body["case_number"], body["kle_code"]) == ("24/12345", "27.24.00")
    assert (body["votes_for"], body["votes_against"], body["votes_abstaining"]) == (6, 1, 0)
    assert body["on_closed_item"] is False and body["applied"] is True
