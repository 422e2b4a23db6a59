"""Reads from a replica: the overview pages read it, everything that writes stays on the primary.

The replica here is a second database alias on a connection of its own (to the same test
database, so it holds the same rows); which connection each query went to is what the router
decides, and that is what these stories check. ``benchmarks/replica_check.py`` runs the same
pages against a real streaming standby.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Iterator

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.db_router import REPLICA, replica_reads
from decisions import services as decision_services
from innovations.models import Innovation

from .catalogue_world import shared_innovation
from .factories import InnovationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def replica(settings, django_db_blocker) -> Iterator[None]:
    config = copy.deepcopy(connections.settings["default"])
    connections.settings[REPLICA] = config
    settings.DATABASES = {**settings.DATABASES, REPLICA: config}
    # Django's test case refuses connections to aliases it did not set up, and this one is
    # made after that: a second connection to the same test database, allowed by hand.
    connect = django_db_blocker._real_ensure_connection
    connections[REPLICA].ensure_connection = types.MethodType(connect, connections[REPLICA])
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


class Both:
    """The queries on the primary and on the replica while the block runs."""

    def __enter__(self) -> Both:
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections[REPLICA]).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    @staticmethod
    def touching(context: CaptureQueriesContext, table: str) -> list[str]:
        return [q["sql"] for q in context.captured_queries if f'"{table}"' in q["sql"]]


READ_ONLY_PAGES = [
    ("administrator", "/portfolio/"),
    ("administrator", "/portfolio/innovations.csv"),
    ("administrator", "/portfolio/decisions.csv"),
    ("politician", "/catalogue/?q=hjemmepleje"),
    ("politician", "/barometer/"),
    ("politician", "/barometer.csv"),
    ("administrator", "/api/v1/dashboard/portfolio/"),
    ("politician", "/api/v1/catalogue/?q=hjemmepleje"),
    ("politician", "/api/v1/barometer/"),
    ("politician", "/api/v1/barometer/csv/"),
]


@pytest.mark.parametrize(("persona", "url"), READ_ONLY_PAGES)
def test_the_overviews_read_the_replica(replica, copenhagen, persona, url):
    # given a portfolio with something shared in the catalogue
    InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    shared_innovation(copenhagen, title="Skærmbesøg i hjemmeplejen")
    client = APIClient()
    client.force_login(getattr(copenhagen, persona))

    # when the page is loaded (and a streamed export read to its end)
    with Both() as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]

    # then the innovations were read from the replica, and not from the primary
    assert Both.touching(queries.replica, "innovations_innovation"), url
    assert not Both.touching(queries.primary, "innovations_innovation"), url
    if "catalogue" in url:
        # (the page marks the words found; the API escapes what is not ASCII)
        assert "Skærmbesøg".encode() in body or b"Sk\\u00e6rmbes\\u00f8g" in body


def test_the_innovation_page_and_the_follow_ups_read_the_primary(replica, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    client = APIClient()
    client.force_login(copenhagen.politician)
    with Both() as queries:
        assert client.get(f"/innovations/{innovation.pk}/").status_code == 200
        assert client.get("/my/follow-ups/").status_code == 200
    assert not queries.replica.captured_queries
    assert Both.touching(queries.primary, "innovations_innovation")


def test_a_secretary_recording_a_decision_touches_only_the_primary(replica, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    api = APIClient()
    api.force_authenticate(copenhagen.secretary)
    with Both() as queries:
        recorded = api.post(
            "/api/v1/decisions/",
            {
                "innovation": innovation.pk,
                "meeting": copenhagen.meeting.pk,
                "agenda_item": "Punkt 7",
                "transition": "mandate",
                "outcome": "approved",
                "resolution": "Udvalget giver mandat.",
                "value_direction": "Borgeren skal hurtigere tilbage til hverdagen.",
                "apply_transition": True,
            },
            format="json",
        )
    assert recorded.status_code == 201, recorded.content
    assert not queries.replica.captured_queries
    innovation.refresh_from_db()
    assert innovation.state == "exploring"


def test_a_service_called_while_reading_from_the_replica_still_reads_the_primary(
    replica, copenhagen
):
    # a write that happens inside a replica-reading block (by mistake) reads what it is
    # about to change from the primary: it runs in a transaction
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    with Both() as queries, replica_reads():
        decision_services.record_decision(
            actor=copenhagen.secretary,
            innovation=Innovation.objects.using("default").get(pk=innovation.pk),
            meeting=copenhagen.meeting,
            agenda_item="Punkt 8",
            outcome="approved",
            transition="mandate",
            resolution="Udvalget giver mandat.",
            value_direction="Tryghed først.",
            apply_transition=True,
        )
    assert not queries.replica.captured_queries
    assert Innovation.objects.get(pk=innovation.pk).state == "exploring"


def test_without_a_replica_everything_reads_the_primary(copenhagen):
    assert REPLICA not in connections.settings
    client = APIClient()
    client.force_login(copenhagen.administrator)
    InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get("/portfolio/").status_code == 200
    assert Both.touching(primary, "innovations_innovation")
