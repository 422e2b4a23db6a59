"""Who may do what over HTTP: every endpoint x every persona x own / other organisation.

Each case names an endpoint, how to build its request against a municipality's records,
and the status each persona of Copenhagen gets for Copenhagen's records ("own") and for
Aarhus's ("other"). Each request runs in a savepoint that is rolled back, so every persona
meets the same world. Another organisation's records answer 404 in a URL (their existence
is never revealed) and 400 as a reference in a body (indistinguishable from a missing id).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from notifications.models import Notification
from rest_framework.test import APIClient

from decisions import services as decision_services
from innovations.models import Innovation
from innovations.services import create_innovation
from reminders.services import create_checkpoint, local_today
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery

from ..factories import DecisionFactory, FollowUpFactory, api_key_for

pytestmark = pytest.mark.django_db

ROLES = [
    "secretary",
    "council_secretary",
    "other_secretary",
    "politician",
    "chair",
    "official",
    "administrator",
]
SECRETARY_OR_ADMIN = {"secretary", "administrator"}
MOVERS = {"secretary", "council_secretary", "administrator"}  # may apply transitions
EDITORS = {"secretary", "council_secretary", "other_secretary", "official", "administrator"}


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def only(roles: set[str], yes: int, no: int) -> dict[str, int]:
    return {role: yes if role in roles else no for role in ROLES}


@dataclasses.dataclass
class World:
    """One municipality's records that the requests point at."""

    town: object
    innovation: object
    decision: object
    follow_up: object
    correction: object
    webhook: object
    delivery: object
    checkpoint: object
    notification: object  # the administrator's


@pytest.fixture(autouse=True)
def _webhook_receivers(settings, fake_dns):
    """The worlds' receiver is on-premise (127.0.0.1 over http); the case system's name
    resolves to a public address (nothing is sent to it in these tests)."""
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
    fake_dns.names["esdh.example.dk"] = ["93.184.215.14"]


def build_world(town) -> World:
    innovation = create_innovation(
        actor=town.official, title="Velfærdsteknologi", need="Ventetid", committee=town.committee
    )
    decision = DecisionFactory(innovation=innovation, recorded_by=town.secretary)
    follow_up = FollowUpFactory(innovation=innovation, recorded_by=town.secretary)
    correction = decision_services.record_correction(
        actor=town.secretary,
        decision=decision,
        reason="Forkert punktnummer",
        corrected_values={"agenda_item": "Punkt 9"},
    )
    webhook = webhook_services.register_webhook(
        actor=town.administrator, url="http://127.0.0.1:9/esdh", events=["decision.recorded"]
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook, event_type="decision.recorded", payload={"decision": {"id": 1}}
    )
    checkpoint = create_checkpoint(
        actor=town.secretary,
        innovation=innovation,
        kind="follow_up",
        due_date=local_today() + datetime.timedelta(days=30),
    )
    notification = Notification.objects.create(
        recipient=town.administrator,
        actor_content_type=ContentType.objects.get_for_model(Innovation),
        actor_object_id=str(innovation.pk),
        verb="Opfølgning om 14 dage",
    )
    return World(
        town,
        innovation,
        decision,
        follow_up,
        correction,
        webhook,
        delivery,
        checkpoint,
        notification,
    )


@dataclasses.dataclass
class Case:
    name: str
    method: str
    path: Callable[[World], str]
    own: dict[str, int]
    other: dict[str, int] | None  # None: the endpoint has no records of an organisation
    body: Callable[[World, World], dict] | None = None  # (target world, caller's world)

    def __str__(self) -> str:
        return self.name


def meeting_body(target: World, mine: World) -> dict:
    return {"committee": target.town.committee.pk, "date": "2026-01-05"}


def innovation_body(target: World, mine: World) -> dict:
    return {"title": "Ny idé", "need": "Et behov", "committee": target.town.committee.pk}


def decision_body(target: World, mine: World) -> dict:
    return {
        "innovation": target.innovation.pk,
        "meeting": target.town.meeting.pk,
        "agenda_item": "Punkt 2",
        "outcome": "postponed",
        "resolution": "Udsat til næste møde.",
    }


def follow_up_body(target: World, mine: World) -> dict:
    return {
        "innovation": target.innovation.pk,
        "meeting": target.town.meeting.pk,
        "agenda_item": "Punkt 3",
        "assessment": "on_track",
        "summary": "Projektet følger planen.",
    }


def correction_body(target: World, mine: World) -> dict:
    return {
        "decision": target.decision.pk,
        "reason": "Ordlyden var forkert",
        # a change of wording: permission is the point here, not the vote rules
        "corrected_values": {"resolution": "Udvalget godkender indstillingen med rettelser."},
    }


def transition_body(target: World, mine: World) -> dict:
    return {"decision": target.decision.pk}


def webhook_body(target: World, mine: World) -> dict:
    return {"url": "https://esdh.example.dk/spor", "events": ["transition.applied"]}


ADMIN_ONLY_200 = only({"administrator"}, 200, 403)
ADMIN_OTHER_404 = only({"administrator"}, 404, 403)

CASES = [
    Case("organisations list", "get", lambda w: "/api/v1/organisations/", everyone(200), None),
    Case(
        "organisation detail",
        "get",
        lambda w: f"/api/v1/organisations/{w.town.organisation.pk}/",
        everyone(200),
        everyone(200),  # public reference data
    ),
    Case("committees list", "get", lambda w: "/api/v1/committees/", everyone(200), None),
    Case(
        "committee detail",
        "get",
        lambda w: f"/api/v1/committees/{w.town.committee.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "committee create",
        "post",
        lambda w: "/api/v1/committees/",
        only({"administrator"}, 201, 403),
        None,
        body=lambda t, m: {"name": "Børne- og Ungeudvalget"},
    ),
    Case("meetings list", "get", lambda w: "/api/v1/meetings/", everyone(200), None),
    Case(
        "meeting detail",
        "get",
        lambda w: f"/api/v1/meetings/{w.town.meeting.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "meeting create",
        "post",
        lambda w: "/api/v1/meetings/",
        only(SECRETARY_OR_ADMIN, 201, 403),
        everyone(404),
        body=meeting_body,
    ),
    Case("innovations list", "get", lambda w: "/api/v1/innovations/", everyone(200), None),
    Case(
        "innovation detail",
        "get",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "innovation create",
        "post",
        lambda w: "/api/v1/innovations/",
        only(EDITORS, 201, 403),
        only(EDITORS, 400, 403),  # another organisation's committee is not a choice
        body=innovation_body,
    ),
    Case(
        "innovation change",
        "patch",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/",
        only(EDITORS, 200, 403),  # the official owns it
        everyone(404),
        body=lambda t, m: {"solution": "En app"},
    ),
    Case(
        "innovation replace",
        "put",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/",
        everyone(405),
        everyone(405),
        body=innovation_body,
    ),
    Case(
        "transitions",
        "get",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/transitions/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "apply transition",
        "post",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/transitions/mandate/",
        only(MOVERS, 200, 403),
        everyone(404),
        body=transition_body,
    ),
    Case(
        "timeline",
        "get",
        lambda w: f"/api/v1/innovations/{w.innovation.pk}/timeline/",
        everyone(200),
        everyone(404),
    ),
    Case("decisions list", "get", lambda w: "/api/v1/decisions/", everyone(200), None),
    Case(
        "decision detail",
        "get",
        lambda w: f"/api/v1/decisions/{w.decision.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "decision record",
        "post",
        lambda w: "/api/v1/decisions/",
        only(SECRETARY_OR_ADMIN, 201, 403),
        everyone(400),
        body=decision_body,
    ),
    *[
        Case(
            f"decision {method}",
            method,
            lambda w: f"/api/v1/decisions/{w.decision.pk}/",
            everyone(405),
            everyone(405),
            body=decision_body,
        )
        for method in ("put", "patch", "delete")
    ],
    Case("follow-ups list", "get", lambda w: "/api/v1/follow-ups/", everyone(200), None),
    Case(
        "follow-up detail",
        "get",
        lambda w: f"/api/v1/follow-ups/{w.follow_up.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "follow-up record",
        "post",
        lambda w: "/api/v1/follow-ups/",
        only(SECRETARY_OR_ADMIN, 201, 403),
        everyone(400),
        body=follow_up_body,
    ),
    *[
        Case(
            f"follow-up {method}",
            method,
            lambda w: f"/api/v1/follow-ups/{w.follow_up.pk}/",
            everyone(405),
            everyone(405),
            body=follow_up_body,
        )
        for method in ("put", "patch", "delete")
    ],
    Case("corrections list", "get", lambda w: "/api/v1/corrections/", everyone(200), None),
    Case(
        "correction detail",
        "get",
        lambda w: f"/api/v1/corrections/{w.correction.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "correction record",
        "post",
        lambda w: "/api/v1/corrections/",
        only(SECRETARY_OR_ADMIN, 201, 403),
        everyone(400),
        body=correction_body,
    ),
    Case(
        "correction delete",
        "delete",
        lambda w: f"/api/v1/corrections/{w.correction.pk}/",
        everyone(405),
        everyone(405),
    ),
    Case("checkpoints list", "get", lambda w: "/api/v1/checkpoints/", everyone(200), None),
    Case(
        "checkpoint detail",
        "get",
        lambda w: f"/api/v1/checkpoints/{w.checkpoint.pk}/",
        everyone(200),
        everyone(404),
    ),
    Case(
        "checkpoint complete",
        "post",
        lambda w: f"/api/v1/checkpoints/{w.checkpoint.pk}/complete/",
        # a follow-up checkpoint is the committee's: evidence or a waiver closes it, no hand
        everyone(403),
        everyone(404),
    ),
    Case(
        "checkpoint waive",
        "post",
        lambda w: f"/api/v1/checkpoints/{w.checkpoint.pk}/waive/",
        only({"administrator"}, 200, 403),
        everyone(404),
        body=lambda t, m: {"reason": "Dækket af budgetopfølgningen"},
    ),
    Case("notifications list", "get", lambda w: "/api/v1/notifications/", everyone(200), None),
    Case(
        "notifications unread count",
        "get",
        lambda w: "/api/v1/notifications/unread-count/",
        everyone(200),
        None,
    ),
    Case(
        "notification read",
        "post",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/read/",
        only({"administrator"}, 200, 404),  # one's own only; anyone else's does not exist
        everyone(404),
    ),
    Case(
        "notifications read all",
        "post",
        lambda w: "/api/v1/notifications/read-all/",
        everyone(200),
        None,
    ),
    Case("portfolio", "get", lambda w: "/api/v1/dashboard/portfolio/", everyone(200), None),
    Case("workflow", "get", lambda w: "/api/v1/workflow/", everyone(200), None),
    Case("webhooks list", "get", lambda w: "/api/v1/webhooks/", ADMIN_ONLY_200, None),
    Case(
        "webhook register",
        "post",
        lambda w: "/api/v1/webhooks/",
        only({"administrator"}, 201, 403),
        None,
        body=webhook_body,
    ),
    Case(
        "webhook detail",
        "get",
        lambda w: f"/api/v1/webhooks/{w.webhook.pk}/",
        ADMIN_ONLY_200,
        ADMIN_OTHER_404,
    ),
    Case(
        "webhook change",
        "patch",
        lambda w: f"/api/v1/webhooks/{w.webhook.pk}/",
        ADMIN_ONLY_200,
        ADMIN_OTHER_404,
        body=lambda t, m: {"active": False},
    ),
    Case(
        "webhook delete",
        "delete",
        lambda w: f"/api/v1/webhooks/{w.webhook.pk}/",
        only({"administrator"}, 204, 403),
        ADMIN_OTHER_404,
    ),
    Case("deliveries list", "get", lambda w: "/api/v1/webhooks/deliveries/", ADMIN_ONLY_200, None),
    Case(
        "delivery detail",
        "get",
        lambda w: f"/api/v1/webhooks/deliveries/{w.delivery.pk}/",
        ADMIN_ONLY_200,
        ADMIN_OTHER_404,
    ),
    Case(
        "delivery replay",
        "post",
        lambda w: f"/api/v1/webhooks/deliveries/{w.delivery.pk}/replay/",
        only({"administrator"}, 202, 403),
        ADMIN_OTHER_404,
    ),
]


class _Rollback(Exception):
    pass


def request_in_savepoint(client: APIClient, method: str, path: str, body: dict | None) -> int:
    """The status of one request, whose writes are then rolled back."""
    status = None
    with contextlib.suppress(_Rollback), transaction.atomic():
        kwargs = {"format": "json"} if body is not None else {}
        response = getattr(client, method)(path, body, **kwargs)
        status = response.status_code
        raise _Rollback
    return status


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permission_matrix(case: Case, copenhagen, aarhus):
    assert copenhagen.meeting.date == timezone.localdate()  # evidence is recorded at it
    own, other = build_world(copenhagen), build_world(aarhus)
    mismatches = []

    anonymous = APIClient()
    body = case.body(own, own) if case.body else None
    got = request_in_savepoint(anonymous, case.method, case.path(own), body)
    if got != 401:
        mismatches.append(("anonymous", "own", 401, got))

    for role in ROLES:
        client = APIClient()
        user = getattr(copenhagen, role)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
        scopes = [("own", own, case.own)]
        if case.other is not None:
            scopes.append(("other", other, case.other))
        for scope, target, expected in scopes:
            body = case.body(target, own) if case.body else None
            got = request_in_savepoint(client, case.method, case.path(target), body)
            if got != expected[role]:
                mismatches.append((role, scope, expected[role], got))

    assert mismatches == [], "\n".join(
        f"{case.name}: {role} on {scope} records: expected {want}, got {got}"
        for role, scope, want, got in mismatches
    )
