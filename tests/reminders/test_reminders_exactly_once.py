"""Two sweeps at the same moment, then two deliverers over the same 2,000 due reminders:
every reminder is recorded once, notified once and e-mailed once.

Each thread has its own database connection; a barrier releases them together.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from notifications.models import Notification

from innovations.models import Innovation
from reminders import delivery
from reminders.models import Checkpoint, Reminder
from reminders.sweep import sweep

from ..factories import InnovationFactory
from ..reminders_world import local

DUE = 2000
NOW = local(2026, 9, 14, 8)  # a Monday morning


def seed_due_checkpoints(world, count: int) -> None:
    """``count`` documentation checkpoints due today, each reminding its owning official."""
    innovations = Innovation.objects.bulk_create(
        InnovationFactory.build(committee=world.committee, owner=world.official)
        for _ in range(count // 10)
    )
    Checkpoint.objects.bulk_create(
        Checkpoint(
            innovation=innovations[n % len(innovations)],
            kind="documentation",
            responsible="owner",
            committee=world.committee,
            due_date=datetime.date(2026, 9, 14),
            source="manual",
            state="testing",
            next_reminder_at=NOW,
        )
        for n in range(count)
    )


def run_together(*targets) -> list:
    """Run the targets in threads released together (one target: twice)."""
    if len(targets) == 1:
        targets = targets * 2
    barrier = threading.Barrier(len(targets), timeout=30)
    results: list = []

    def work(target) -> None:
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # reported by the main thread
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_and_two_deliverers_deliver_each_reminder_exactly_once(copenhagen):
    seed_due_checkpoints(copenhagen, DUE)

    # when two sweeps run at the same moment over the 2,000 due checkpoints
    reports = run_together(lambda: sweep(NOW, enqueue=False, batch_size=200))

    # then between them they took every checkpoint once and recorded 2,000 reminders
    assert sum(r.checkpoints for r in reports) == DUE
    assert sum(r.reminders for r in reports) == DUE
    assert Reminder.objects.count() == DUE
    assert not Checkpoint.objects.filter(next_reminder_at__lte=NOW).exists()

    # when two deliverers each work through every recorded reminder at the same time, from
    # both ends, so they meet and cross in the middle
    ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
    run_together(
        lambda: delivery.deliver_reminders(ids), lambda: delivery.deliver_reminders(ids[::-1])
    )

    # then each reminder made one notification and one e-mail, and says so
    assert Notification.objects.count() == DUE
    assert Notification.objects.values("target_object_id").distinct().count() == DUE
    assert len(mail.outbox) == DUE
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == DUE
    assert Reminder.objects.filter(email_status="sent", notified_at__isnull=False).count() == DUE

    # and a later sweep at the same moment finds nothing more to do
    again = sweep(NOW, enqueue=False)
    assert (again.checkpoints, again.reminders) == (0, 0)
