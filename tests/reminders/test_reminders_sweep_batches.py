"""One sweep over a morning of mixed checkpoints, in batches smaller than what is due: each
checkpoint's people get the stage due now, once, and it moves on to its next stage. What the
sweep records is what its dry run says it would."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from reminders.models import Checkpoint, Reminder
from reminders.sweep import sweep

from ..reminders_world import checkpoint_due, local, owned_innovation

pytestmark = pytest.mark.django_db

MORNING = local(2026, 6, 3, 8, 5)


def test_a_mixed_morning_in_small_batches_reminds_each_person_once(copenhagen):
    world = copenhagen
    with time_machine.travel(local(2026, 5, 1, 9)):
        # two committee follow-ups due in a fortnight (before-14 today)
        follow_ups = [checkpoint_due(world, datetime.date(2026, 6, 17)) for _ in range(2)]
        # documentation due today, for its owner
        documentation = checkpoint_due(
            world, datetime.date(2026, 6, 3), kind="documentation", responsible="owner"
        )
        # documentation 14 days overdue: escalated to the chair and the administrators
        overdue = checkpoint_due(
            world, datetime.date(2026, 5, 20), kind="documentation", responsible="owner"
        )
        # documentation of an innovation nobody owns: the committee's secretary
        unowned = checkpoint_due(
            world,
            datetime.date(2026, 6, 3),
            kind="documentation",
            responsible="owner",
            innovation=owned_innovation(world, owner=None),
        )
        # due next week: not today
        later = checkpoint_due(world, datetime.date(2026, 6, 24))
    Checkpoint.objects.filter(pk=overdue.pk).update(next_reminder_at=local(2026, 6, 3, 8))

    # when an operator first asks what would be sent, then the sweep runs in batches of two
    with time_machine.travel(MORNING, tick=False):
        preview = sweep(dry_run=True, batch_size=2)
        report = sweep(enqueue=False, batch_size=2)

    # then each person got the stage due now, once
    committee = {world.politician.pk, world.chair.pk, world.secretary.pk}
    expected = {(c.pk, p, "before-14") for c in follow_ups for p in committee}
    expected |= {(documentation.pk, world.official.pk, "due")}
    expected |= {
        (overdue.pk, p, "escalation-1")
        for p in (world.official.pk, world.chair.pk, world.administrator.pk)
    }
    expected |= {(unowned.pk, world.secretary.pk, "due")}
    recorded = set(Reminder.objects.values_list("checkpoint_id", "recipient_id", "stage"))
    assert recorded == expected
    assert (report.checkpoints, report.reminders) == (5, len(expected))
    assert report.by_stage == {"before-14": 6, "due": 2, "escalation-1": 3}
    assert not Reminder.objects.filter(checkpoint=later).exists()

    # and the dry run had said exactly that, with the same e-mail plans
    assert {
        (p.checkpoint_id, p.recipient_id, p.stage, p.email_status) for p in preview.planned
    } == set(Reminder.objects.values_list("checkpoint_id", "recipient_id", "stage", "email_status"))
    assert {p.scheduled_for for p in preview.planned} == set(
        Reminder.objects.values_list("scheduled_for", flat=True)
    )

    # and each checkpoint waits for its next stage, at 08:00 local
    def next_at(checkpoint) -> datetime.datetime:
        checkpoint.refresh_from_db()
        return checkpoint.next_reminder_at

    assert {next_at(c) for c in follow_ups} == {local(2026, 6, 14, 8)}  # before-3
    assert next_at(documentation) == next_at(unowned) == local(2026, 6, 10, 8)  # overdue-1
    assert next_at(overdue) == local(2026, 6, 10, 8)  # escalation-2

    # and a second sweep the same morning records nothing more
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        again = sweep(enqueue=False, batch_size=2)
    assert (again.checkpoints, again.reminders) == (0, 0)
    assert Reminder.objects.count() == len(expected)
