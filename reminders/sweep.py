"""The sweep: find what is due, record one Reminder per (checkpoint, recipient, stage), and
hand delivery to Celery after the transaction commits.

One plain function, ``sweep``, run by Celery beat on a plain interval, by the
``send_reminders`` management command, and by the tests. It is safe to run in many
processes at once:

- due checkpoints are taken in batches with ``SELECT ... FOR UPDATE SKIP LOCKED`` through
  the partial index on ``next_reminder_at`` (open checkpoints only), so two sweeps never
  work on the same checkpoint and the cost follows what is due, not what exists;
- reminders are inserted set-based with ``ON CONFLICT DO NOTHING`` under the unique
  (checkpoint, recipient, stage) constraint, so even a sweep that did read a stale row
  cannot record a reminder twice;
- delivery is enqueued with ``transaction.on_commit``; the database, not the broker, says
  what was recorded and not yet delivered, and every sweep re-enqueues that (Redis may
  lose its queue, a worker may be killed mid-delivery).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import logging
import time
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Membership, MembershipRole, ReminderDelivery, Role, User

from . import metrics, schedule
from .models import (
    Checkpoint,
    CheckpointStatus,
    EmailStatus,
    Reminder,
    ReminderPolicy,
    Responsible,
    SweepRun,
)
from .queue import deliver_reminders
from .services import policy_for

logger = logging.getLogger(__name__)

# Checkpoints per transaction: at 10,000 due, 2,000 takes a third less time than 500, and
# 5,000 a little less again (fewer round trips and commits); the row locks are held for a
# fraction of a second either way, and concurrent sweeps still split the work (SKIP LOCKED).
BATCH_SIZE = 5000
DELIVERY_CHUNK = 50


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclasses.dataclass
class PlannedReminder:
    checkpoint_id: int
    recipient_id: int
    stage: str
    scheduled_for: datetime.datetime
    escalation: bool
    email_status: str


class DueGroup(NamedTuple):
    """Due checkpoints that share all the sweep reads of them (due date, committee, who is
    responsible, next moment, organisation, owner), so they are planned and their
    recipients resolved once: plain values, as model instances for thousands of rows cost
    more than the query that reads them."""

    ids: list[int]  # ascending
    due_date: datetime.date
    committee_id: int | None
    responsible: str
    responsible_person_id: int | None
    next_reminder_at: datetime.datetime
    organisation_id: int
    owner_id: int | None


DUE_FIELDS = (  # the checkpoint's id, then what a DueGroup shares
    "pk",
    "due_date",
    "committee_id",
    "responsible",
    "responsible_person_id",
    "next_reminder_at",
    "innovation__organisation_id",
    "innovation__owner_id",
)


@dataclasses.dataclass
class SweepReport:
    now: datetime.datetime
    dry_run: bool = False
    checkpoints: int = 0
    reminders: int = 0  # recorded (or, in a dry run, that would be recorded)
    requeued: int = 0  # recorded earlier, not yet delivered, handed to Celery again
    reclaimed: int = 0  # e-mails stuck in "sending" (a worker died mid-send), to be re-sent
    handover_failed: int = 0  # recorded, but handing them to Celery failed (Redis down)
    by_stage: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    planned: list[PlannedReminder] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        stages = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_stage.items())) or "none"
        verb = "would record" if self.dry_run else "recorded"
        return (
            f"As of {self.now.isoformat()}: {self.checkpoints} checkpoints due, {verb} "
            f"{self.reminders} reminders ({stages}); re-enqueued {self.requeued} undelivered, "
            f"reclaimed {self.reclaimed} stuck e-mails."
        ) + (
            f" FAILED to hand {self.handover_failed} reminders to delivery (is the broker "
            "down?); the backstop hands them over again."
            if self.handover_failed
            else ""
        )


def sweep(
    now: datetime.datetime | None = None,
    *,
    dry_run: bool = False,
    enqueue: bool = True,
    batch_size: int = BATCH_SIZE,
) -> SweepReport:
    """Record and enqueue every reminder due by ``now`` (default: the current time)."""
    started = timezone.now()
    now = now or started
    started_monotonic = time.monotonic()
    report = SweepReport(now=now, dry_run=dry_run)
    policies: dict[int, ReminderPolicy] = {}
    after: tuple[datetime.datetime, int] | None = None
    while True:
        if dry_run:
            batch = _due_batch(now, batch_size, lock=False, after=after)
            if not batch:
                break
            after = max((group.next_reminder_at, group.ids[-1]) for group in batch)
            _process_batch(batch, now=now, policies=policies, report=report, write=False)
            continue
        with transaction.atomic():
            batch = _due_batch(now, batch_size, lock=True)
            if not batch:
                break
            ids = _process_batch(batch, now=now, policies=policies, report=report, write=True)
            if enqueue and ids:
                hand_over(ids, report)
    if not dry_run:
        requeue_undelivered(enqueue=enqueue, batch_size=batch_size, report=report)
        _record_run(SweepRun.Kind.SWEEP, started, report)
        metrics.observe_sweep(
            seconds=time.monotonic() - started_monotonic, due=report.checkpoints, ended=time.time()
        )
    logger.info("reminder sweep: %s", report.summary())
    return report


def _due_batch(
    now: datetime.datetime,
    size: int,
    *,
    lock: bool,
    after: tuple[datetime.datetime, int] | None = None,
) -> list[DueGroup]:
    """The next ``size`` due checkpoints (locked, skipping those another sweep holds, when
    ``lock``; after ``after`` in (next moment, id) order when given), in groups."""
    queryset = Checkpoint.objects.filter(
        status=CheckpointStatus.OPEN, next_reminder_at__lte=now
    ).order_by("next_reminder_at", "pk")
    if after is not None:
        moment, pk = after
        queryset = queryset.filter(
            Q(next_reminder_at__gt=moment) | Q(next_reminder_at=moment, pk__gt=pk)
        )
    if lock:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    rows = queryset.values_list(*DUE_FIELDS)[:size]
    # The same query, grouped by the database: a few rows with an array of ids each,
    # rather than a row (and a parsed date and moment) per checkpoint.
    sql, params = rows.query.sql_with_params()
    shared = ", ".join(DueGroup._fields[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            # Only Django's compiled SQL and our own column names are interpolated;
            # every value travels in params.
            f"WITH due (id, {shared}) AS ({sql}) "  # nosec B608
            f"SELECT array_agg(id ORDER BY id), {shared} FROM due GROUP BY {shared}",
            params,
        )
        return list(map(DueGroup._make, cursor.fetchall()))


def _policies_for(
    organisation_ids: Iterable[int], cache: dict[int, ReminderPolicy]
) -> dict[int, ReminderPolicy]:
    missing = set(organisation_ids) - set(cache)
    if missing:
        for policy in ReminderPolicy.objects.filter(organisation_id__in=missing):
            cache[policy.organisation_id] = policy
        for organisation_id in missing - set(cache):
            cache[organisation_id] = policy_for(organisation_id)
    return cache


def _process_batch(
    batch: list[DueGroup],
    *,
    now: datetime.datetime,
    policies: dict[int, ReminderPolicy],
    report: SweepReport,
    write: bool,
) -> list[int]:
    """Plan the stage of each checkpoint, record its reminders, advance its next moment."""
    _policies_for({group.organisation_id for group in batch}, policies)
    # What is due at one moment shares a few due dates: plan each (due date, organisation)
    # once. A plan is (the stage to send now or None, the next moment or None); checkpoints
    # and reminders refer to their plan by its index.
    plan_of: dict[tuple[datetime.date, int], int] = {}
    plans: list[tuple[schedule.Stage | None, datetime.datetime | None]] = []
    advance_ids: list[int] = []
    advance_plans: list[int] = []
    due: list[tuple[DueGroup, int]] = []
    for group in batch:
        key = (group.due_date, group.organisation_id)
        index = plan_of.get(key)
        if index is None:
            policy = policies[group.organisation_id]
            index = plan_of[key] = len(plans)
            plans.append(
                (
                    schedule.latest_stage_until(group.due_date, policy, now),
                    schedule.next_reminder_at(group.due_date, policy, now),
                )
            )
        stage = plans[index][0]
        # A stage earlier than the one the checkpoint waits for was sent already (or the
        # policy changed): only move on.
        if stage is not None and stage.send_at >= group.next_reminder_at:
            due.append((group, index))
        advance_ids.extend(group.ids)
        advance_plans.extend([index] * len(group.ids))
    report.checkpoints += len(advance_ids)

    recipients, people = _recipient_ids(
        [(group, plans[index][0].escalation) for group, index in due], schedule.local_date(now)
    )
    # The planned reminders as three columns: checkpoint, recipient, plan.
    planned_checkpoints: list[int] = []
    planned_people: list[int] = []
    planned_plans: list[int] = []
    per_plan = [0] * len(plans)
    for (group, index), persons in zip(due, recipients, strict=True):
        for person in persons:
            planned_checkpoints.extend(group.ids)
            planned_people.extend([person] * len(group.ids))
            planned_plans.extend([index] * len(group.ids))
        per_plan[index] += len(persons) * len(group.ids)
    report.reminders += len(planned_checkpoints)
    for (stage, _), count in zip(plans, per_plan, strict=True):
        if count:
            report.by_stage[stage.name] += count
    status = {pk: _initial_email_status(person) for pk, person in people.items()}

    if write:
        return _advance_and_record(
            advance_ids,
            advance_plans,
            plans,
            (planned_checkpoints, planned_people, planned_plans),
            status,
            recorded_at=timezone.now(),
        )

    planned = [
        PlannedReminder(
            checkpoint_id=checkpoint_id,
            recipient_id=person_id,
            stage=plans[index][0].name,
            scheduled_for=plans[index][0].send_at,
            escalation=plans[index][0].escalation,
            email_status=status[person_id],
        )
        for checkpoint_id, person_id, index in zip(
            planned_checkpoints, planned_people, planned_plans, strict=True
        )
    ]
    # A dry run: what would be recorded, nothing written.
    report.planned.extend(planned)
    return []


def _advance_and_record(
    checkpoint_ids: list[int],
    advance_plans: list[int],
    plans: list[tuple[schedule.Stage | None, datetime.datetime | None]],
    planned: tuple[list[int], list[int], list[int]],
    email_status: dict[int, str],
    *,
    recorded_at: datetime.datetime,
) -> list[int]:
    """PostgreSQL: advance the locked checkpoints and insert their reminders in one
    statement, each (checkpoint, recipient, stage) at most once ever; returns the ids of
    the reminders inserted now (those recorded earlier wait for the backstop).

    Rows travel as columns of integers that refer to the batch's few plans and people, so
    that neither Python nor the driver handles a stage, a moment or a status per row.
    """
    planned_checkpoints, planned_people, planned_plans = planned
    stages = [stage for stage, _ in plans]
    with connection.cursor() as cursor:
        # Only our own table names are interpolated into the SQL; every value is a parameter.
        cursor.execute(
            f"""
            WITH plan AS (
                SELECT * FROM unnest(
                    %s::varchar[], %s::boolean[], %s::timestamptz[], %s::timestamptz[]
                ) WITH ORDINALITY AS plan(stage, escalation, scheduled_for, next_at, n)
            ), advanced AS (
                UPDATE {Checkpoint._meta.db_table} AS checkpoint
                   SET next_reminder_at = plan.next_at
                  FROM unnest(%s::bigint[], %s::bigint[]) AS batch(id, n)
                  JOIN plan USING (n)
                 WHERE checkpoint.id = batch.id
            ), person AS (
                SELECT * FROM unnest(%s::bigint[], %s::varchar[]) AS person(id, email_status)
            )
            INSERT INTO {Reminder._meta.db_table} (
                checkpoint_id, recipient_id, stage, escalation, scheduled_for,
                email_status, created_at, queued_at, attempts, last_error
            )
            SELECT planned.checkpoint_id, planned.recipient_id, plan.stage, plan.escalation,
                   plan.scheduled_for, person.email_status, %s, %s, 0, ''
              FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[])
                   AS planned(checkpoint_id, recipient_id, n)
              JOIN plan USING (n)
              JOIN person ON person.id = planned.recipient_id
            ON CONFLICT (checkpoint_id, recipient_id, stage) DO NOTHING
            RETURNING id
            """,  # nosec B608
            [
                [s.name if s else None for s in stages],
                [s.escalation if s else None for s in stages],
                [s.send_at if s else None for s in stages],
                [next_at for _, next_at in plans],
                checkpoint_ids,
                [index + 1 for index in advance_plans],  # ORDINALITY counts from 1
                list(email_status),
                list(email_status.values()),
                recorded_at,
                recorded_at,
                planned_checkpoints,
                planned_people,
                [index + 1 for index in planned_plans],
            ],
        )
        return sorted(row[0] for row in cursor.fetchall())


def record_reminders(
    planned: list[PlannedReminder], *, recorded_at: datetime.datetime
) -> list[int]:
    """Insert the planned reminders, each (checkpoint, recipient, stage) at most once ever
    (databases other than PostgreSQL; there ``_advance_and_record`` does it).

    Returns the ids to hand to delivery: those inserted now, and also any recorded earlier
    for the same stages and not yet delivered.
    """
    if not planned:
        return []
    Reminder.objects.bulk_create(
        [
            Reminder(
                checkpoint_id=p.checkpoint_id,
                recipient_id=p.recipient_id,
                stage=p.stage,
                escalation=p.escalation,
                scheduled_for=p.scheduled_for,
                created_at=recorded_at,
                queued_at=recorded_at,
                email_status=p.email_status,
            )
            for p in planned
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return list(
        Reminder.objects.filter(
            checkpoint_id__in={p.checkpoint_id for p in planned},
            stage__in={p.stage for p in planned},
        )
        .filter(Q(notified_at__isnull=True, cancelled_at__isnull=True) | Q(email_status="pending"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _initial_email_status(person: User) -> str:
    if not person.email:
        return EmailStatus.NO_ADDRESS
    if person.reminder_delivery == ReminderDelivery.DIGEST:
        return EmailStatus.SKIPPED_DIGEST
    return EmailStatus.PENDING


# --- Recipients -----------------------------------------------------------------------------

COMMITTEE_ROLES = (
    MembershipRole.CHAIR,
    MembershipRole.VICE_CHAIR,
    MembershipRole.MEMBER,
    MembershipRole.SECRETARY,
)


def _recipient_ids(
    items: list[tuple[DueGroup, bool]], day: datetime.date
) -> tuple[list[list[int]], dict[int, User]]:
    """Who is reminded of each group of checkpoints (with whether it escalates) on ``day``,
    from the memberships valid that day: the ids of active people per item, and those
    people.

    A committee's checkpoint goes to its members, chair and secretary; the owner's
    (documentation, evaluation) to the owning official, or the committee's secretary when
    the innovation has no owner. An escalation adds the committee chair and the
    organisation's administrators. A fixed number of queries, whatever the number of items;
    the people are worked out once per (committee, person, escalation), not per checkpoint.
    """
    if not items:
        return [], {}
    committee_ids = {c.committee_id for c, _ in items if c.committee_id}
    memberships: dict[int, list[tuple[int, str]]] = collections.defaultdict(list)
    for committee_id, person_id, role in (
        Membership.objects.valid_on(day)
        .filter(committee_id__in=committee_ids, role__in=COMMITTEE_ROLES, person__is_active=True)
        .values_list("committee_id", "person_id", "role")
    ):
        memberships[committee_id].append((person_id, role))
    administrators: dict[int, list[int]] = collections.defaultdict(list)
    escalating_organisations = {c.organisation_id for c, esc in items if esc}
    if escalating_organisations:
        for organisation_id, person_id in User.objects.filter(
            organisation_id__in=escalating_organisations,
            role=Role.ADMINISTRATOR,
            is_active=True,
        ).values_list("organisation_id", "pk"):
            administrators[organisation_id].append(person_id)

    def people_for(
        committee_id: int | None, person: int | None, owner: bool, organisation_id: int, esc: bool
    ) -> list[int]:
        members = memberships.get(committee_id, [])
        people: list[int] = []
        if owner:
            if person:
                people.append(person)
            else:
                people.extend(p for p, role in members if role == MembershipRole.SECRETARY)
        else:
            people.extend(p for p, _ in members)
        if esc:
            people.extend(p for p, role in members if role == MembershipRole.CHAIR)
            people.extend(administrators.get(organisation_id, []))
        return list(dict.fromkeys(people))

    found: dict[tuple, list[int]] = {}
    keys: list[tuple] = []
    for group, escalation in items:
        owner = bool(group.responsible == Responsible.OWNER or group.responsible_person_id)
        person = (group.responsible_person_id or group.owner_id) if owner else None
        key = (group.committee_id, person, owner, group.organisation_id, escalation)
        if key not in found:
            found[key] = people_for(*key)
        keys.append(key)

    person_ids = {p for people in found.values() for p in people}
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=person_ids, is_active=True).only(
            "pk", "email", "reminder_delivery", "language"
        )
    }
    active = {key: [p for p in people if p in users] for key, people in found.items()}
    return [active[key] for key in keys], users


# --- The backstop ---------------------------------------------------------------------------


def stuck_after() -> datetime.timedelta:
    """How long an e-mail may be "sending" before it counts as a dead worker's: derived from
    the SMTP timeout (``SPOR_REMINDER_STUCK_SECONDS``, four timeouts by default)."""
    return datetime.timedelta(seconds=_setting("SPOR_REMINDER_STUCK_SECONDS", 120))


def backstop(*, enqueue: bool = True, batch_size: int = BATCH_SIZE) -> SweepReport:
    """The backstop alone (beat runs it every ``SPOR_BACKSTOP_INTERVAL_SECONDS``)."""
    started = timezone.now()
    report = SweepReport(now=started)
    requeue_undelivered(enqueue=enqueue, batch_size=batch_size, report=report)
    _record_run(SweepRun.Kind.BACKSTOP, started, report)
    logger.info("reminder backstop: %s", report.summary())
    return report


def requeue_undelivered(
    *, enqueue: bool = True, batch_size: int = BATCH_SIZE, report: SweepReport | None = None
) -> tuple[int, int]:
    """Hand Celery again every reminder recorded but not delivered a while ago, all of it in
    one pass (in batches of ``batch_size``, each its own transaction).

    "A while" is ``SPOR_REMINDER_REQUEUE_MINUTES`` since it was last handed over, so a long
    backlog is handed over again once per that period, not on every sweep. An e-mail waiting
    for its retry (``email_retry_at``) is handed over when that time has come.

    An e-mail claimed ("sending") longer ago than ``stuck_after()`` belongs to a worker that
    died mid-send: it goes back to "pending" and is sent again with the same Message-ID
    (docs/reliability.md lists every way an e-mail can arrive twice).
    """
    report = report if report is not None else SweepReport(now=timezone.now())
    now = timezone.now()
    grace_before = now - datetime.timedelta(minutes=_setting("SPOR_REMINDER_REQUEUE_MINUTES", 3))
    reclaimed = stuck_emails(now - stuck_after()).update(
        email_status=EmailStatus.PENDING, email_retry_at=None, queued_at=None
    )
    requeued = 0
    while True:
        with transaction.atomic():
            ids = _requeue_batch(now, grace_before, size=batch_size)
            if not ids:
                break
            requeued += len(ids)
            if enqueue:
                hand_over(ids, report)
    report.requeued += requeued
    report.reclaimed += reclaimed
    return requeued, reclaimed


def stuck_emails(claimed_before: datetime.datetime):
    """Reminders whose e-mail a worker claimed before ``claimed_before`` and never finished
    sending; through the partial index on e-mails being sent, so it costs nothing however
    many reminders wait for delivery."""
    return Reminder.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=claimed_before
    )


def _requeue_batch(
    now: datetime.datetime, grace_before: datetime.datetime, *, size: int
) -> list[int]:
    """The next ``size`` undelivered reminders not handed over since ``grace_before``, locked
    (skipping those another backstop holds) and marked as handed over ``now``: marked, they
    leave the selection, so the loop ends."""
    ids = list(
        Reminder.objects.filter(Q(queued_at__isnull=True) | Q(queued_at__lte=grace_before))
        .filter(
            Q(notified_at__isnull=True, cancelled_at__isnull=True)
            | (
                Q(email_status=EmailStatus.PENDING)
                & (Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now))
            )
        )
        .order_by("queued_at", "pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:size]
    )
    if ids:
        Reminder.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def hand_over(reminder_ids: list[int], report: SweepReport) -> None:
    """Enqueue delivery when the transaction commits; a failed hand-over (Redis down) is
    counted in the report, never raised into the commit: the rows are recorded, and the
    backstop hands them over again."""

    def enqueue() -> None:
        try:
            enqueue_delivery(reminder_ids)
        except Exception:
            report.handover_failed += len(reminder_ids)
            logger.exception("handing %s reminders to delivery failed", len(reminder_ids))

    transaction.on_commit(enqueue)


def enqueue_delivery(reminder_ids: list[int]) -> None:
    for start in range(0, len(reminder_ids), DELIVERY_CHUNK):
        deliver_reminders.delay(reminder_ids[start : start + DELIVERY_CHUNK])


def _record_run(kind: str, started: datetime.datetime, report: SweepReport) -> None:
    """Keep the proof that this run happened (``/readyz`` reads it); a week of them."""
    finished = timezone.now()
    SweepRun.objects.create(
        kind=kind,
        started_at=started,
        finished_at=finished,
        checkpoints=report.checkpoints,
        reminders=report.reminders,
        requeued=report.requeued,
        reclaimed=report.reclaimed,
        handover_failed=report.handover_failed,
    )
    SweepRun.objects.filter(finished_at__lt=finished - datetime.timedelta(days=7)).delete()
