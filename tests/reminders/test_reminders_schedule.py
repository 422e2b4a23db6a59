"""Each reminder stage goes out at 08:00 Copenhagen time on its day, and only then.

Also across the last Sundays of March and October 2026, when the clocks change: a scheduler
that reasons in UTC offsets (or Celery's crontab) sends an hour early or late there.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine

from reminders import schedule
from reminders.models import Reminder, ReminderPolicy
from reminders.sweep import sweep

from ..reminders_world import checkpoint_due, local, stages_sent

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_default_stages_are_named_and_sent_at_eight_local():
    policy = ReminderPolicy(days_before=[14, 3], on_due_day=True, overdue_every_days=7,
                            escalate_after_days_overdue=14, send_hour=8)  # fmt: skip
    due = datetime.date(2026, 6, 15)
    first = list(zip(range(7), schedule.stages(due, policy), strict=False))
    assert [(s.name, s.day.isoformat(), s.escalation) for _, s in first] == [
        ("before-14", "2026-06-01", False),
        ("before-3", "2026-06-12", False),
        ("due", "2026-06-15", False),
        ("overdue-1", "2026-06-22", False),
        ("escalation-1", "2026-06-29", True),
        ("escalation-2", "2026-07-06", True),
        ("escalation-3", "2026-07-13", True),
    ]
    # summer time: 08:00 in Copenhagen is 06:00 UTC
    assert first[0][1].send_at == datetime.datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def test_send_moments_follow_the_clock_changes():
    # last Sunday of March 2026: 02:00 CET becomes 03:00 CEST
    assert schedule.send_moment(datetime.date(2026, 3, 28), 8) == datetime.datetime(
        2026, 3, 28, 7, 0, tzinfo=UTC
    )
    assert schedule.send_moment(datetime.date(2026, 3, 29), 8) == datetime.datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    # last Sunday of October 2026: 03:00 CEST becomes 02:00 CET
    assert schedule.send_moment(datetime.date(2026, 10, 24), 8) == datetime.datetime(
        2026, 10, 24, 6, 0, tzinfo=UTC
    )
    assert schedule.send_moment(datetime.date(2026, 10, 25), 8) == datetime.datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )


def _stage_fires_exactly_at(checkpoint, stage: str, moment: datetime.datetime) -> None:
    before = set(stages_sent(checkpoint))
    with time_machine.travel(moment - datetime.timedelta(minutes=1), tick=False):
        sweep(enqueue=False)
    assert set(stages_sent(checkpoint)) == before, f"{stage} went out before {moment}"
    with time_machine.travel(moment, tick=False):
        sweep(enqueue=False)
    assert set(stages_sent(checkpoint)) == before | {stage}, f"{stage} did not go out at {moment}"


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        pytest.param(
            datetime.date(2026, 3, 29),
            [
                ("before-14", local(2026, 3, 15, 8)),  # winter time
                ("before-3", local(2026, 3, 26, 8)),
                ("due", local(2026, 3, 29, 8)),  # the day summer time starts
                ("overdue-1", local(2026, 4, 5, 8)),
                ("escalation-1", local(2026, 4, 12, 8)),
            ],
            id="last-sunday-of-march",
        ),
        pytest.param(
            datetime.date(2026, 10, 25),
            [
                ("before-14", local(2026, 10, 11, 8)),  # summer time
                ("before-3", local(2026, 10, 22, 8)),
                ("due", local(2026, 10, 25, 8)),  # the day summer time ends
                ("overdue-1", local(2026, 11, 1, 8)),
            ],
            id="last-sunday-of-october",
        ),
    ],
)
def test_each_stage_fires_at_eight_local_time_and_only_then(copenhagen, due, expected):
    # given a follow-up set at the committee a month before it is due
    with time_machine.travel(local(due.year, due.month, 1, 9) - datetime.timedelta(days=30)):
        checkpoint = checkpoint_due(copenhagen, due)
    # then every stage goes out at 08:00 Copenhagen time on its day, not a minute before
    for stage, moment in expected:
        _stage_fires_exactly_at(checkpoint, stage, moment)
    # and each went to the committee: members, chair and secretary; the escalation also
    # to the organisation's administrator
    people = {copenhagen.politician.pk, copenhagen.chair.pk, copenhagen.secretary.pk}
    for stage, _moment in expected:
        recipients = set(
            Reminder.objects.filter(checkpoint=checkpoint, stage=stage).values_list(
                "recipient_id", flat=True
            )
        )
        if stage.startswith("escalation"):
            assert recipients == people | {copenhagen.administrator.pk}
        else:
            assert recipients == people


def test_sweeps_every_five_minutes_through_the_night_of_the_change_send_once(copenhagen):
    # given a follow-up due on the morning summer time ends, set after its before-3 moment
    with time_machine.travel(local(2026, 10, 23, 9)):
        checkpoint = checkpoint_due(copenhagen, datetime.date(2026, 10, 25))
    # when beat sweeps every five minutes from 00:00 to 10:00 local time (eleven wall hours)
    moment = local(2026, 10, 25, 0).astimezone(UTC)
    end = local(2026, 10, 25, 10).astimezone(UTC)
    first_sent = None
    while moment <= end:
        with time_machine.travel(moment, tick=False):
            report = sweep(enqueue=False)
        if report.reminders and first_sent is None:
            first_sent = moment
        moment += datetime.timedelta(minutes=5)
    # then the due-day reminder went out once, at 08:00 CET = 07:00 UTC, not at 07:00 CET
    assert first_sent == datetime.datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    assert Reminder.objects.filter(checkpoint=checkpoint, stage="due").count() == 3
    assert Reminder.objects.filter(checkpoint=checkpoint).count() == 3


def test_after_an_outage_only_the_latest_stage_goes_out(copenhagen):
    # given a checkpoint whose before-14 and before-3 moments passed while nothing ran
    with time_machine.travel(local(2026, 5, 1, 9)):
        checkpoint = checkpoint_due(copenhagen, datetime.date(2026, 5, 20))
    # when the first sweep after the outage runs on the due day
    with time_machine.travel(local(2026, 5, 20, 9), tick=False):
        sweep(enqueue=False)
    # then only the due-day reminder went out, not the two it missed
    assert stages_sent(checkpoint) == ["due"]
    # and the next is the first overdue reminder
    checkpoint.refresh_from_db()
    assert checkpoint.next_reminder_at == local(2026, 5, 27, 8)


def test_a_later_send_hour_moves_every_stage(copenhagen):
    with time_machine.travel(local(2026, 5, 1, 9)):
        from reminders.services import update_policy

        update_policy(actor=copenhagen.administrator, organisation=copenhagen.organisation,
                      send_hour=10, days_before=[7])  # fmt: skip
        checkpoint = checkpoint_due(copenhagen, datetime.date(2026, 5, 20))
    checkpoint.refresh_from_db()
    assert checkpoint.next_reminder_at == local(2026, 5, 13, 10)
    _stage_fires_exactly_at(checkpoint, "before-7", local(2026, 5, 13, 10))
