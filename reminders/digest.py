"""The daily digest: one e-mail a day with every reminder of a person who chose the digest.

``send_digests`` is a plain function run by beat on a plain interval (every few minutes):
for each person with reminders waiting for a digest whose local time has passed the
organisation's digest time (07:30 by default), it creates the day's ``DigestRun`` (unique
per person and local day: at most one a day, whatever the number of beats), assigns to it
the reminders recorded up to that digest time, and enqueues the e-mail on commit. A beat
that missed 07:30 catches up later that day. A person with nothing waiting gets nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import User

from . import schedule
from .models import (
    CheckpointStatus,
    DigestRun,
    EmailStatus,
    FollowNotice,
    Reminder,
    ReminderPolicy,
)
from .queue import deliver_digest
from .sweep import stuck_after

logger = logging.getLogger(__name__)

DEFAULT_DIGEST_TIME = datetime.time(7, 30)


@dataclasses.dataclass
class DigestReport:
    now: datetime.datetime
    created: list[int] = dataclasses.field(default_factory=list)  # DigestRun ids
    requeued: int = 0


def send_digests(now: datetime.datetime | None = None, *, enqueue: bool = True) -> DigestReport:
    now = now or timezone.now()
    today = schedule.local_date(now)
    report = DigestReport(now=now)
    waiting = (
        Reminder.objects.filter(email_status=EmailStatus.SKIPPED_DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    # Followers on the digest get the news of the innovations they follow in it too.
    following = (
        FollowNotice.objects.filter(email_status=EmailStatus.SKIPPED_DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    people = list(
        User.objects.filter(Q(pk__in=waiting) | Q(pk__in=following)).only("pk", "organisation_id")
    )
    digest_times = dict(
        ReminderPolicy.objects.filter(
            organisation_id__in={p.organisation_id for p in people}
        ).values_list("organisation_id", "digest_time")
    )
    already = set(
        DigestRun.objects.filter(person__in=people, date=today).values_list("person_id", flat=True)
    )
    for person in people:
        digest_time = digest_times.get(person.organisation_id) or DEFAULT_DIGEST_TIME
        cutoff = schedule.local_moment(today, digest_time)
        if person.pk in already or now < cutoff:
            continue
        run_id = _create_run(person.pk, today, now, cutoff)
        if run_id is None:
            continue
        report.created.append(run_id)
        if enqueue:
            _enqueue(run_id)
    report.requeued = requeue_undelivered_digests(enqueue=enqueue)
    return report


def _create_run(
    person_id: int, day: datetime.date, now: datetime.datetime, cutoff: datetime.datetime
) -> int | None:
    """Today's digest of what was recorded for the person up to today's digest time.

    Reminders recorded later (say at 08:00, after a 07:30 digest) wait for tomorrow's.
    """
    waiting = Reminder.objects.filter(
        recipient_id=person_id,
        email_status=EmailStatus.SKIPPED_DIGEST,
        digest__isnull=True,
        created_at__lte=cutoff,
    )
    notices = FollowNotice.objects.filter(
        recipient_id=person_id,
        email_status=EmailStatus.SKIPPED_DIGEST,
        digest__isnull=True,
        created_at__lte=cutoff,
    )
    if not waiting.exists() and not notices.exists():
        return None
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(person_id=person_id, date=day, created_at=now)
            waiting = waiting.select_for_update(skip_locked=True)
            Reminder.objects.filter(
                pk__in=waiting.exclude(checkpoint__status=CheckpointStatus.OPEN).values("pk")
            ).update(email_status=EmailStatus.CANCELLED)
            assigned = Reminder.objects.filter(
                pk__in=waiting.filter(checkpoint__status=CheckpointStatus.OPEN).values("pk")
            ).update(digest=run)
            assigned += FollowNotice.objects.filter(
                pk__in=notices.select_for_update(skip_locked=True).values("pk")
            ).update(digest=run)
            if not assigned:
                # Everything waiting closed meanwhile: no digest today after all.
                transaction.set_rollback(True)
                return None
    except IntegrityError:
        return None  # another process made today's digest for this person
    return run.pk


def requeue_undelivered_digests(*, enqueue: bool = True) -> int:
    now = timezone.now()
    stuck_before = now - stuck_after()
    grace_before = now - datetime.timedelta(
        minutes=int(getattr(settings, "SPOR_REMINDER_REQUEUE_MINUTES", 3))
    )
    DigestRun.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=stuck_before
    ).update(email_status=EmailStatus.PENDING)
    ids = list(
        DigestRun.objects.filter(
            email_status=EmailStatus.PENDING, created_at__lte=grace_before
        ).values_list("pk", flat=True)[:1000]
    )
    if enqueue:
        for run_id in ids:
            _enqueue(run_id)
    return len(ids)


def _enqueue(run_id: int) -> None:
    transaction.on_commit(lambda: deliver_digest.delay(run_id), robust=True)
