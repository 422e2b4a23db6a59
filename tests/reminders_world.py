"""Helpers for the reminder stories: innovations with checkpoints, sweeps at given times."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine

from innovations.models import Innovation
from reminders import delivery, services
from reminders.models import Checkpoint, Reminder
from reminders.sweep import SweepReport, sweep

from .factories import InnovationFactory

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A wall-clock moment in Copenhagen, as an aware datetime."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


def owned_innovation(world, **kwargs) -> Innovation:
    """An innovation at the world's committee, owned by its official."""
    kwargs.setdefault("committee", world.committee)
    kwargs.setdefault("owner", world.official)
    return InnovationFactory(**kwargs)


def checkpoint_due(
    world, due: datetime.date, *, kind: str = "follow_up", innovation=None, **kwargs
) -> Checkpoint:
    """A secretary sets a checkpoint by hand (time must be before ``due``)."""
    return services.create_checkpoint(
        actor=world.secretary,
        innovation=innovation or owned_innovation(world),
        kind=kind,
        due_date=due,
        **kwargs,
    )


def sweep_and_deliver(now: datetime.datetime) -> SweepReport:
    """At ``now``, run the sweep and deliver in this process what it recorded."""
    with time_machine.travel(now, tick=False):
        report = sweep(enqueue=False)
        delivery.deliver_all_pending()
    return report


def stages_sent(checkpoint: Checkpoint, person=None) -> list[str]:
    reminders = Reminder.objects.filter(checkpoint=checkpoint)
    if person is not None:
        reminders = reminders.filter(recipient=person)
    return list(reminders.order_by("scheduled_for").values_list("stage", flat=True).distinct())
