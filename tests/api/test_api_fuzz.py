"""The fuzzer: schemathesis generates requests for every operation of /api/schema/ and checks
with every check schemathesis has: none answers 500, every response conforms to the schema
(status code, content type, headers, body), invalid data is refused and valid data accepted,
no operation that needs authentication answers without it, and the rest
(``CHECKS.get_all()``).

In-process through the WSGI application, authenticated as Copenhagen's administrator, in
one database transaction per operation. Half of the generated ids are swapped for ids of
real records, so the detail and action endpoints are reached beyond their 404.
Run alone: ``pytest tests/api/test_api_fuzz.py``; ``SPOR_FUZZ_EXAMPLES`` sets the examples per
operation (default 3, so the whole run stays under about three minutes).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from decisions import services as decision_services
from innovations.services import create_innovation
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery
from workflow_project.wsgi import application

from ..factories import DecisionFactory, FollowUpFactory, api_key_for

EXAMPLES = int(os.environ.get("SPOR_FUZZ_EXAMPLES", "3"))

# Every check schemathesis has, including negative_data_rejection (invalid input is refused
# with 4xx) and positive_data_acceptance (valid input is not refused with 400).
load_all_checks()
ALL_CHECKS = CHECKS.get_all()
POSITIVE_DATA_ACCEPTANCE = next(c for c in ALL_CHECKS if c.__name__ == "positive_data_acceptance")

# Requests the schema cannot call invalid but a rule of the domain refuses (400 with the field
# named): for these operations alone, "valid data is accepted" is not checked. Every other
# check runs on them, and every check on all the others. Keep this list short and true.
DOMAIN_RULES = {
    "GET /api/v1/barometer/": "the period must end on or after its first day",
    "GET /api/v1/barometer/csv/": "the period must end on or after its first day",
    "POST /api/v1/committees/": "a committee's name is unique in its organisation",
    "POST /api/v1/tokens/": "a token's name is unique among its owner's live tokens",
    "POST /api/v1/corrections/": "the corrected record must exist and be yours to see",
    "POST /api/v1/decisions/": "the innovation and the meeting must exist and be yours",
    "POST /api/v1/follow-ups/": "the innovation and the meeting must exist and be yours",
    "POST /api/v1/innovations/": "the committee must be one of your organisation's",
    "POST /api/v1/meetings/": "the committee must be yours; minutes_url as Django validates URLs",
    "POST /api/v1/webhooks/": "an empty events list sent as a form arrives as no field",
    "POST /api/v1/catalogue/{id}/reuse/": "a null committee sent as a form arrives as text",
    "POST /api/v1/innovations/{id}/documents/": "a file or a link, one of the two",
    "POST /api/v1/innovations/{id}/share/": "the first sharing names a contact role",
    "POST /api/v1/proposals/": "the committee must be one the politician sits on",
    "POST /api/v1/reuse-requests/": "the origin must be a shared innovation of another organisation",
    "PUT /api/v1/meetings/by-external-id/{external_id}/": "the committee must be the token's own",
    "GET /api/v1/decisions/": "an empty filter value is refused: say one value, or leave it out",
}


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
def records(copenhagen, aarhus, settings) -> dict[str, list[int]]:
    """Real ids, by path, from both organisations (the other one's must answer 404)."""
    settings.SPOR_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # an on-premise receiver
    settings.SPOR_WEBHOOK_ALLOW_HTTP = True
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
    token = api_key_for(copenhagen.administrator)
    if "id" in (case.path_parameters or {}):
        generated = case.path_parameters["id"]
        prefix = next((p for p in records if case.operation.path.startswith(f"/api/v1{p}")), None)
        if prefix and isinstance(generated, int) and generated % 2 == 0:
            real = records[prefix]
            case.path_parameters["id"] = real[generated // 2 % len(real)]
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=ALL_CHECKS,
        excluded_checks=[POSITIVE_DATA_ACCEPTANCE] if case.operation.label in DOMAIN_RULES else [],
    )
