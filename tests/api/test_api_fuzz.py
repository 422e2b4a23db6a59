"""The fuzzer: schemathesis generates requests for every operation of /api/schema/ and checks
that none answers 500, that every response conforms to the schema (status code, content
type, body), and that no operation that needs authentication answers without it.

In-process through the WSGI application, authenticated as Copenhagen's administrator, in
one database transaction per operation. Half of the generated ids are swapped for ids of
real records, so the detail and action endpoints are reached beyond their 404.
Run alone: ``pytest tests/api/test_api_fuzz.py``; ``SPOR_FUZZ_EXAMPLES`` sets the examples per
operation (default 10).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from api import services as webhook_services
from api.models import WebhookDelivery
from decisions import services as decision_services
from innovations.services import create_innovation
from workflow_project.wsgi import application

from ..factories import DecisionFactory, FollowUpFactory

EXAMPLES = int(os.environ.get("SPOR_FUZZ_EXAMPLES", "10"))


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # Like Django's test client: the request signals must not close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(copenhagen, aarhus) -> dict[str, list[int]]:
    """Real ids, by path, from both organisations (the other one's must answer 404)."""
    ids: dict[str, list[int]] = {}
    for town in (copenhagen, aarhus):
        innovation = create_innovation(
            actor=town.official,
            title="Velfærdsteknologi",
            need="Ventetid",
            committee=town.committee,
        )
        decision = DecisionFactory(innovation=innovation, recorded_by=town.secretary)
        follow_up = FollowUpFactory(innovation=innovation, recorded_by=town.secretary)
        correction = decision_services.record_correction(
            actor=town.secretary,
            decision=decision,
            reason="Forkert punkt",
            corrected_values={"agenda_item": "Punkt 9"},
        )
        webhook = webhook_services.register_webhook(
            actor=town.administrator, url="http://127.0.0.1:9/esdh", events=["decision.recorded"]
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=webhook, event_type="decision.recorded", payload={}
        )
        for prefix, pk in (
            ("/innovations/", innovation.pk),
            ("/decisions/", decision.pk),
            ("/follow-ups/", follow_up.pk),
            ("/corrections/", correction.pk),
            ("/committees/", town.committee.pk),
            ("/meetings/", town.meeting.pk),
            ("/organisations/", town.organisation.pk),
            ("/webhooks/deliveries/", delivery.pk),
            ("/webhooks/", webhook.pk),
        ):
            ids.setdefault(prefix, []).append(pk)
    return ids


# Serving the schema touches no database, so it loads at collection time. (Schemathesis'
# lazy ``from_fixture`` loader does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
@pytest.mark.fuzz
def test_every_operation_conforms_and_never_fails(case, copenhagen, records):
    token = Token.objects.get_or_create(user=copenhagen.administrator)[0].key
    if "id" in (case.path_parameters or {}):
        generated = case.path_parameters["id"]
        prefix = next((p for p in records if case.operation.path.startswith(f"/api/v1{p}")), None)
        if prefix and isinstance(generated, int) and generated % 2 == 0:
            real = records[prefix]
            case.path_parameters["id"] = real[generated // 2 % len(real)]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            ignored_auth,
        ],
    )
