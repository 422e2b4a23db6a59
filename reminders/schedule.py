"""When each reminder stage of a checkpoint is sent: pure functions, no database.

A stage is named after its place relative to the due date (``before-14``, ``before-3``,
``due``, ``overdue-1``, ``escalation-1``, ...) and sent on its local day at the policy's hour
in Europe/Copenhagen. The local moment is turned into UTC with ``zoneinfo``, so 08:00 stays
08:00 on both sides of the changes to and from summer time; Celery's crontab is not used
for this (it skips or repeats runs at those changes).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")
UTC = datetime.UTC
# A checkpoint overdue this long stops reminding: it has been escalated for over a year.
MAX_OVERDUE_DAYS = 400


class PolicyLike(Protocol):
    days_before: list[int]
    on_due_day: bool
    overdue_every_days: int | None
    escalate_after_days_overdue: int | None
    send_hour: int


@dataclasses.dataclass(frozen=True)
class Stage:
    name: str
    day: datetime.date
    send_at: datetime.datetime  # aware, UTC
    escalation: bool = False


def local_moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The UTC instant of a local wall-clock time in Europe/Copenhagen on ``day``."""
    return datetime.datetime.combine(day, at, tzinfo=LOCAL_ZONE).astimezone(UTC)


def send_moment(day: datetime.date, hour: int) -> datetime.datetime:
    return local_moment(day, datetime.time(hour))


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_ZONE).date()


def stages(due_date: datetime.date, policy: PolicyLike) -> Iterator[Stage]:
    """Every stage of a checkpoint due on ``due_date``, in the order they are sent."""
    hour = policy.send_hour
    seen_days: set[datetime.date] = set()

    def make(name: str, day: datetime.date, escalation: bool = False) -> Stage | None:
        if day in seen_days:  # two stages on one day: the first one (the nearer) wins
            return None
        seen_days.add(day)
        return Stage(name, day, send_moment(day, hour), escalation)

    for days in sorted({int(d) for d in (policy.days_before or []) if int(d) > 0}, reverse=True):
        stage = make(f"before-{days}", due_date - datetime.timedelta(days=days))
        if stage:
            yield stage
    if policy.on_due_day:
        stage = make("due", due_date)
        if stage:
            yield stage
    every = policy.overdue_every_days or 0
    escalate_after = policy.escalate_after_days_overdue
    overdue_days: list[tuple[int, bool]] = []
    if every > 0:
        step = every
        while step <= MAX_OVERDUE_DAYS:
            overdue_days.append((step, False))
            step += every
    if escalate_after is not None and escalate_after > 0:
        # Escalation replaces the plain overdue reminders from its first day on, and
        # repeats at the overdue rhythm (or once, when overdue reminders do not repeat).
        overdue_days = [(d, False) for d, _ in overdue_days if d < escalate_after]
        step = escalate_after
        while step <= MAX_OVERDUE_DAYS:
            overdue_days.append((step, True))
            if every <= 0:
                break
            step += every
    overdue_count = escalation_count = 0
    for days, escalation in sorted(overdue_days):
        if escalation:
            escalation_count += 1
            name = f"escalation-{escalation_count}"
        else:
            overdue_count += 1
            name = f"overdue-{overdue_count}"
        stage = make(name, due_date + datetime.timedelta(days=days), escalation)
        if stage:
            yield stage


def next_stage_after(
    due_date: datetime.date, policy: PolicyLike, moment: datetime.datetime
) -> Stage | None:
    """The first stage sent strictly after ``moment``, or None when nothing more is due."""
    for stage in stages(due_date, policy):
        if stage.send_at > moment:
            return stage
    return None


def latest_stage_until(
    due_date: datetime.date, policy: PolicyLike, moment: datetime.datetime
) -> Stage | None:
    """The last stage whose send moment has come by ``moment``.

    After an outage the sweep sends only this one, not every stage it missed.
    """
    latest = None
    for stage in stages(due_date, policy):
        if stage.send_at > moment:
            break
        latest = stage
    return latest


def next_reminder_at(
    due_date: datetime.date, policy: PolicyLike, now: datetime.datetime
) -> datetime.datetime | None:
    stage = next_stage_after(due_date, policy, now)
    return stage.send_at if stage else None
