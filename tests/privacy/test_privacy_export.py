"""A person downloads what Spor holds about them; so does their organisation's administrator.

A politician's download holds what they follow and the notices of it, the member proposals
they made, the requests to examine reuse they made (an official's: those they examined) and
the briefings they were sent.

No one else does: a colleague of the same organisation, or an administrator of another,
gets 404 for the person's data on the web and in the API.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from politics.models import Briefing
from politics.services import raise_member_proposal, request_reuse_examination
from privacy.selectors import person_data
from reminders.following import follow_innovation

from ..catalogue_world import shared_innovation
from ..factories import MembershipFactory
from ..lifecycle import raise_need, record
from ..privacy_world import politician_with_history, secretary_with_history

pytestmark = pytest.mark.django_db


def web(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def downloads(actor, person=None) -> list[dict]:
    """The person's data as ``actor`` downloads it on the web and on the API (their own when
    ``person`` is not given)."""
    if person is None:
        page, endpoint = reverse("my_data"), "/api/v1/people/me/data/"
    else:
        page, endpoint = (
            reverse("person_data", args=[person.pk]),
            f"/api/v1/people/{person.pk}/data/",
        )
    on_the_web = web(actor).get(page)
    assert on_the_web.status_code == 200
    assert on_the_web["Content-Type"] == "application/json"
    assert "attachment" in on_the_web["Content-Disposition"]
    on_the_api = api(actor).get(endpoint)
    assert on_the_api.status_code == 200
    return [json.loads(on_the_web.content), on_the_api.json()]


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

    for data in downloads(history.person):
        assert_complete(data, history)


def test_the_organisations_administrator_downloads_a_persons_data(aarhus):
    history = secretary_with_history(aarhus)

    for data in downloads(aarhus.administrator, history.person):
        assert_complete(data, history)


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


# --- A politician: follows, notices, proposals, requests to examine reuse, briefings ---------


def assert_politicians_history(data: dict, history) -> None:
    assert [f["innovation_id"] for f in data["follows"]] == [history.followed.pk]
    notices = data["follow_notices"]
    assert history.notice.pk in [n["id"] for n in notices]
    assert {n["kind"] for n in notices} == {"decision", "move"}
    politics = data["politics"]
    [proposal] = politics["member_proposals"]
    assert proposal["id"] == history.proposal.pk
    assert proposal["proposal"] == history.proposal.proposal
    [made] = politics["reuse_requests_made"]
    assert made["id"] == history.reuse_request.pk
    assert made["reason"] == "Vi har samme udfordring i hjemmeplejen."
    assert politics["reuse_requests_examined"] == []
    assert [e["status"] for e in politics["reuse_request_events"]] == ["requested"]
    assert [b["id"] for b in politics["briefings"]] == [history.briefing.pk]


def test_a_politician_downloads_follows_notices_proposals_requests_and_briefings(
    aarhus, copenhagen
):
    history = politician_with_history(aarhus, copenhagen)

    for data in downloads(history.person):
        assert_politicians_history(data, history)


def test_only_the_administrator_downloads_the_politicians_and_the_examiners_data(
    aarhus, copenhagen
):
    history = politician_with_history(aarhus, copenhagen)
    pk = history.person.pk

    for data in downloads(aarhus.administrator, history.person):
        assert_politicians_history(data, history)

    # the official who examined the request finds it, and what they did to it, in theirs
    data = api(aarhus.administrator).get(f"/api/v1/people/{aarhus.official.pk}/data/").json()
    politics = data["politics"]
    assert [r["id"] for r in politics["reuse_requests_examined"]] == [history.reuse_request.pk]
    assert politics["reuse_requests_examined"][0]["examination"] == "Passer til vores hjemmepleje."
    assert [e["status"] for e in politics["reuse_request_events"]] == [
        "examining",
        "for_decision",
    ]
    assert politics["reuse_requests_made"] == [] and politics["briefings"] == []

    # nobody else: a fellow member of the committee, the examiner, another town's administrator
    for outsider in (aarhus.chair, aarhus.official, copenhagen.administrator):
        assert web(outsider).get(reverse("person_data", args=[pk])).status_code == 404
        assert api(outsider).get(f"/api/v1/people/{pk}/data/").status_code == 404


def test_more_history_costs_no_more_queries(aarhus, copenhagen):
    history = politician_with_history(aarhus, copenhagen)
    with CaptureQueriesContext(connection) as once:
        first = person_data(history.person, history.person)

    # a second of everything: a follow and its notices, a proposal, a request, a briefing
    second = raise_need(aarhus, title="Tryghedsopkald")
    follow_innovation(actor=history.person, innovation=second)
    record(aarhus, second, "mandate", apply=True)
    raise_member_proposal(
        actor=history.person,
        committee=aarhus.committee,
        title="Legepladser for alle",
        need="Der mangler tilgængelige legepladser.",
        proposal="Udvalget beder forvaltningen kortlægge legepladserne.",
    )
    request_reuse_examination(
        actor=history.person,
        origin=shared_innovation(copenhagen, title="Digital borgerservice"),
        committee=aarhus.committee,
        reason="Det kunne spare ventetid.",
    )
    seat = MembershipFactory(person=history.person, committee=aarhus.other_committee, role="member")
    Briefing.objects.create(
        membership=seat,
        person=history.person,
        committee=aarhus.other_committee,
        term_start=seat.valid_from,
        created_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as twice:
        more = person_data(history.person, history.person)

    assert len(more["follows"]) == 2 * len(first["follows"]) == 2
    assert len(more["follow_notices"]) == 2 * len(first["follow_notices"])
    for section in ("member_proposals", "reuse_requests_made", "briefings"):
        assert len(more["politics"][section]) == 2 * len(first["politics"][section]) == 2
    assert len(twice) == len(once)
