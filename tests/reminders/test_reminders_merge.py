"""A rule's checkpoint within the merge window of a decision's follow-up date is merged into
it: a mandate asking for a status in 91 days gets one follow-up, not two a day apart."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from decisions import services as decisions
from reminders.models import Checkpoint

from ..lifecycle import VALUE_DIRECTION, innovation_in, raise_need

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def mandate(world, innovation, follow_up_in_days: int):
    return decisions.record_decision(
        actor=world.secretary,
        innovation=innovation,
        meeting=world.meeting,
        agenda_item="Punkt 3",
        transition="mandate",
        outcome="approved",
        resolution="Udvalget giver mandat og ønsker en status.",
        value_direction=VALUE_DIRECTION,
        follow_up_date=today() + datetime.timedelta(days=follow_up_in_days),
        apply_transition=True,
    )


def open_follow_ups(innovation) -> list[tuple[str, int]]:
    return sorted(
        (c.source, (c.due_date - today()).days)
        for c in Checkpoint.objects.filter(innovation=innovation, status="open", kind="follow_up")
    )


def test_a_mandate_with_a_follow_up_date_a_day_from_the_rule_gets_one_follow_up(copenhagen):
    innovation = raise_need(copenhagen)
    mandate(copenhagen, innovation, 91)
    assert open_follow_ups(innovation) == [("decision", 91)]


def test_a_follow_up_date_far_from_the_rule_keeps_both(copenhagen):
    innovation = raise_need(copenhagen)
    mandate(copenhagen, innovation, 180)
    assert open_follow_ups(innovation) == [("decision", 180), ("rule", 90)]


def test_the_window_is_a_setting(copenhagen, settings):
    settings.SPOR_CHECKPOINT_MERGE_DAYS = 0
    innovation = raise_need(copenhagen)
    mandate(copenhagen, innovation, 91)
    assert open_follow_ups(innovation) == [("decision", 91), ("rule", 90)]


def test_a_later_decision_with_a_follow_up_date_near_the_rule_replaces_it(copenhagen):
    innovation = innovation_in(copenhagen, "exploring")
    assert open_follow_ups(innovation) == [("rule", 90)]
    decisions.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 5",
        transition="",
        outcome="approved",
        resolution="Udvalget ønsker en status.",
        follow_up_date=today() + datetime.timedelta(days=85),
    )
    assert open_follow_ups(innovation) == [("decision", 85)]
    merged = Checkpoint.objects.get(innovation=innovation, source="rule")
    assert merged.status == "cancelled" and merged.next_reminder_at is None


def test_a_bad_window_stops_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from workflow_project.env import env_int

    monkeypatch.setenv("SPOR_CHECKPOINT_MERGE_DAYS", "two weeks")
    with pytest.raises(ImproperlyConfigured):
        env_int("SPOR_CHECKPOINT_MERGE_DAYS", 14, minimum=0)
