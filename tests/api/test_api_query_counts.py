"""Every list endpoint runs the same number of queries for 5 rows as for 100."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from notifications.models import Notification
from rest_framework.test import APIClient

from decisions.models import Correction, Decision, FollowUp, TransitionLog
from innovations.models import Innovation
from organisations.models import Committee, Meeting
from reminders.models import Checkpoint
from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..factories import api_key_for

pytestmark = pytest.mark.django_db


def innovations(town, n: int) -> list[Innovation]:
    return Innovation.objects.bulk_create(
        Innovation(
            title=f"Projekt {i}",
            need="Et behov",
            organisation=town.organisation,
            committee=town.committee,
            owner=town.official,
            created_by=town.official,
            innovation_types=["service"],
        )
        for i in range(n)
    )


def the_innovation(town) -> Innovation:
    found = Innovation.objects.filter(organisation=town.organisation, title="Tidslinjen").first()
    return found or Innovation.objects.create(
        title="Tidslinjen",
        need="Et behov",
        organisation=town.organisation,
        committee=town.committee,
    )


def decisions(town, n: int) -> list[Decision]:
    innovation = the_innovation(town)
    now = timezone.now()
    made = Decision.objects.bulk_create(
        Decision(
            innovation=innovation,
            meeting=town.meeting,
            agenda_item=f"Punkt {i}",
            transition="",
            outcome="postponed",
            resolution="Udsat.",
            recorded_by=town.secretary,
            recorded_at=now,
        )
        for i in range(n)
    )
    Correction.objects.bulk_create(
        Correction(
            decision=d,
            reason="Stavefejl",
            corrected_values={"agenda_item": "Punkt"},
            recorded_by=town.secretary,
            recorded_at=now,
        )
        for d in made
    )
    return made


def follow_ups(town, n: int) -> list[FollowUp]:
    innovation = the_innovation(town)
    now = timezone.now()
    return FollowUp.objects.bulk_create(
        FollowUp(
            innovation=innovation,
            meeting=town.meeting,
            agenda_item=f"Orientering {i}",
            assessment="on_track",
            summary="Følger planen.",
            recorded_by=town.secretary,
            recorded_at=now,
        )
        for i in range(n)
    )


def timeline_rows(town, n: int) -> None:
    decisions(town, n)
    checkpoints(town, n)
    made = follow_ups(town, n)
    innovation = the_innovation(town)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            innovation=innovation,
            transition="pause",
            source="need",
            target="paused",
            actor=town.secretary,
            at=timezone.now(),
            follow_up=made[i] if i % 2 else None,
        )
        for i in range(n)
    )


def committees(town, n: int) -> None:
    start = Committee.objects.filter(organisation=town.organisation).count()
    Committee.objects.bulk_create(
        Committee(organisation=town.organisation, name=f"Udvalg {start + i}") for i in range(n)
    )


def meetings(town, n: int) -> None:
    start = Meeting.objects.filter(committee=town.committee).count()
    Meeting.objects.bulk_create(
        Meeting(
            committee=town.committee, date=datetime.date(2020, 1, 1) + datetime.timedelta(start + i)
        )
        for i in range(n)
    )


def webhooks(town, n: int) -> None:
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(
            organisation=town.organisation,
            url=f"https://esdh.example.dk/{i}",
            events=["decision.recorded"],
        )
        for i in range(n)
    )


def deliveries(town, n: int) -> None:
    endpoint = WebhookEndpoint.objects.filter(organisation=town.organisation).first()
    endpoint = endpoint or WebhookEndpoint.objects.create(
        organisation=town.organisation, url="https://esdh.example.dk/", events=["decision.recorded"]
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_type="decision.recorded", payload={"i": i})
        for i in range(n)
    )


def checkpoints(town, n: int) -> None:
    innovation = the_innovation(town)
    Checkpoint.objects.bulk_create(
        Checkpoint(
            innovation=innovation,
            kind="follow_up",
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            committee=town.committee,
            responsible_person=town.official if i % 2 else None,
            completed_by=town.secretary if i % 3 else None,
            source="manual",
            status="open",
        )
        for i in range(n)
    )


def notifications(town, n: int) -> None:
    innovation = the_innovation(town)
    kind = ContentType.objects.get_for_model(Innovation)
    Notification.objects.bulk_create(
        Notification(
            recipient=town.administrator,
            actor_content_type=kind,
            actor_object_id=str(innovation.pk),
            verb=f"Påmindelse {i}",
            data={"url": "/"},
        )
        for i in range(n)
    )


@dataclasses.dataclass
class Listing:
    name: str
    path: Callable[[object], str]
    add: Callable[[object, int], object] | None  # None: fixed reference data, vary the page
    rows: Callable[[dict], int] = lambda body: len(body["results"])

    def __str__(self) -> str:
        return self.name


LISTINGS = [
    Listing("organisations", lambda town: "/api/v1/organisations/", None),
    Listing("committees", lambda town: "/api/v1/committees/", committees),
    Listing("meetings", lambda town: "/api/v1/meetings/", meetings),
    Listing("innovations", lambda town: "/api/v1/innovations/", innovations),
    Listing("decisions", lambda town: "/api/v1/decisions/", decisions),
    Listing("follow-ups", lambda town: "/api/v1/follow-ups/", follow_ups),
    Listing("corrections", lambda town: "/api/v1/corrections/", decisions),
    Listing(
        "timeline",
        lambda town: f"/api/v1/innovations/{the_innovation(town).pk}/timeline/",
        timeline_rows,
        rows=len,
    ),
    Listing("checkpoints", lambda town: "/api/v1/checkpoints/", checkpoints),
    Listing("notifications", lambda town: "/api/v1/notifications/", notifications),
    Listing("webhooks", lambda town: "/api/v1/webhooks/", webhooks),
    Listing("webhook deliveries", lambda town: "/api/v1/webhooks/deliveries/", deliveries),
]


def queries_for(client: APIClient, path: str, listing: Listing, page_size: int) -> tuple[int, int]:
    client.get(path, {"page_size": page_size})  # warm the process-wide caches (content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), listing.rows(response.json())


@pytest.mark.parametrize("listing", LISTINGS, ids=str)
def test_list_query_count_does_not_grow_with_rows(listing: Listing, copenhagen):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(copenhagen.administrator)}")
    path = listing.path(copenhagen)

    if listing.add is None:
        few, few_rows = queries_for(client, path, listing, 5)
        many, many_rows = queries_for(client, path, listing, 100)
        assert (few_rows, many_rows) == (5, 100)
    else:
        listing.add(copenhagen, 5)
        few, few_rows = queries_for(client, path, listing, 200)
        listing.add(copenhagen, 95)
        many, many_rows = queries_for(client, path, listing, 200)
        assert many_rows >= few_rows + 95
    assert few == many, f"{listing}: {few} queries for {few_rows} rows, {many} for {many_rows}"
