"""The list pages and the dashboard run the same number of queries for 5 and for 500 innovations."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, FollowUp
from innovations.models import Innovation, State
from organisations.models import Meeting

pytestmark = pytest.mark.django_db


def grow_portfolio(town, count: int) -> None:
    """``count`` more innovations, each with a decision, a follow-up, checkpoints and a
    notification, created in bulk."""
    from notifications.models import Notification

    from reminders.models import Checkpoint

    start = Innovation.objects.count()
    states = [State.NEED, State.EXPLORING, State.TESTING, State.IMPLEMENTING, State.PAUSED]
    innovations = Innovation.objects.bulk_create(
        [
            Innovation(
                title=f"Innovation {start + n}",
                need="Et behov.",
                organisation=town.organisation,
                committee=town.committee if n % 2 else town.other_committee,
                owner=town.official,
                state=states[n % len(states)],
                innovation_types=["service"],
                intended_values=["quality"],
            )
            for n in range(count)
        ]
    )
    meetings = [
        Meeting.objects.get_or_create(
            committee=committee, date=timezone.localdate() - datetime.timedelta(days=40)
        )[0]
        for committee in (town.committee, town.other_committee)
    ]
    now = timezone.now()
    Decision.objects.bulk_create(
        [
            Decision(
                innovation=innovation,
                meeting=meetings[0]
                if innovation.committee_id == town.committee.pk
                else meetings[1],
                agenda_item=f"Punkt {innovation.pk}",
                transition="",
                outcome="approved",
                resolution="Godkendt.",
                recorded_by=town.secretary,
                recorded_at=now,
            )
            for innovation in innovations
        ]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                innovation=innovation,
                meeting=meetings[0]
                if innovation.committee_id == town.committee.pk
                else meetings[1],
                agenda_item=f"Orientering {innovation.pk}",
                assessment="on_track",
                summary="Følger planen.",
                recorded_by=town.secretary,
                recorded_at=now,
            )
            for innovation in innovations
        ]
    )
    today = timezone.localdate()
    Checkpoint.objects.bulk_create(
        [
            Checkpoint(
                innovation=innovation,
                kind=kind,
                due_date=today + datetime.timedelta(days=offset),
                committee_id=innovation.committee_id,
                responsible="committee",
                source="manual",
                state=innovation.state,
            )
            for innovation in innovations
            for kind, offset in (("follow_up", -3), ("decision", 5))
        ]
    )
    innovation_type = ContentType.objects.get_for_model(Innovation)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=town.politician,
                actor_content_type=innovation_type,
                actor_object_id=str(innovation.pk),
                target_content_type=innovation_type,
                target_object_id=str(innovation.pk),
                verb="Opfølgning forfalder",
                description=innovation.title,
                data={"url": f"/innovations/{innovation.pk}/"},
            )
            for innovation in innovations
        ]
    )


def queries_for(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


PAGES = [
    ("administrator", "innovation_list", {}),
    ("administrator", "innovation_list", {"state": "exploring"}),
    ("administrator", "innovation_list", {"phase": "exploring"}),  # the former name
    ("administrator", "innovation_list", {"q": "a", "overdue": "true", "committee": "1"}),
    ("administrator", "innovation_list", {"committee": "abc"}),  # the form with its error
    ("official", "my_innovations", {}),
    ("secretary", "meeting_list", {}),
    ("secretary", "home", {}),
    ("politician", "my_follow_ups", {}),
    ("politician", "notifications", {}),
    ("politician", "home", {}),
    ("administrator", "dashboard", {}),
    ("administrator", "dashboard", {"phase": "testing", "stale_months": "1"}),
    ("administrator", "dashboard_portfolio_csv", {}),
    ("administrator", "dashboard_decisions_csv", {}),
]


def test_pages_run_a_constant_number_of_queries_for_5_and_500_innovations(client, copenhagen):
    grow_portfolio(copenhagen, 5)
    small = {}
    for persona, name, params in PAGES:
        client.force_login(getattr(copenhagen, persona))
        queries_for(client, reverse(name), params)  # warm the content-type cache
        small[(persona, name, str(params))] = queries_for(client, reverse(name), params)

    grow_portfolio(copenhagen, 495)
    assert Innovation.objects.filter(organisation=copenhagen.organisation).count() == 500
    for persona, name, params in PAGES:
        client.force_login(getattr(copenhagen, persona))
        large = queries_for(client, reverse(name), params)
        assert large == small[(persona, name, str(params))], (name, params, small, large)
        assert large < 40, (name, large)
