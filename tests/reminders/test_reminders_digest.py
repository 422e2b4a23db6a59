"""A person who chose the daily digest gets one e-mail a day at 07:30 with all their
reminders, still sees each in the app at once, and gets nothing on a day with nothing due."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from reminders.digest import send_digests
from reminders.models import DigestRun, Reminder

from ..reminders_world import checkpoint_due, local, owned_innovation, sweep_and_deliver

pytestmark = pytest.mark.django_db


def deliver_digests(now: datetime.datetime) -> list[int]:
    from reminders import delivery

    with time_machine.travel(now, tick=False):
        created = send_digests(enqueue=False).created
    for run_id in created:
        delivery.send_digest_email(run_id)
    return created


def test_one_digest_a_day_with_every_reminder_and_none_without(copenhagen):
    politician = copenhagen.politician
    politician.reminder_delivery = "digest"
    politician.save(update_fields=["reminder_delivery"])
    with time_machine.travel(local(2026, 4, 1, 9)):
        first = checkpoint_due(
            copenhagen, datetime.date(2026, 4, 20), innovation=owned_innovation(
                copenhagen, title="Fælles indkøb af hjælpemidler")
        )  # fmt: skip
        second = checkpoint_due(
            copenhagen, datetime.date(2026, 4, 20), innovation=owned_innovation(
                copenhagen, title="Borgerpanel om klimatilpasning")
        )  # fmt: skip

    # when both are reminded three days before, at 08:00
    sweep_and_deliver(local(2026, 4, 17, 8))
    mine = Reminder.objects.filter(recipient=politician)
    # then the politician sees both in the app at once, but gets no immediate e-mail
    assert mine.count() == 2
    assert all(r.notified_at and r.email_status == "skipped_digest" for r in mine)
    assert politician.email not in {m.to[0] for m in mail.outbox}
    # while the chair, on immediate e-mails, got two
    assert [m.to for m in mail.outbox].count([copenhagen.chair.email]) == 2
    mail.outbox.clear()

    # when the digest beat runs later that day (the reminders came after 07:30) and the next
    # morning before 07:30, nothing is sent
    assert deliver_digests(local(2026, 4, 17, 9)) == []
    assert deliver_digests(local(2026, 4, 18, 7, 29)) == []
    # then at 07:30 one e-mail with both
    [run_id] = deliver_digests(local(2026, 4, 18, 7, 30))
    [digest] = mail.outbox
    assert digest.to == [politician.email]
    assert digest.extra_headers["Message-ID"] == DigestRun.objects.get(pk=run_id).message_id
    assert "Fælles indkøb af hjælpemidler" in digest.body
    assert "Borgerpanel om klimatilpasning" in digest.body
    assert "text/html" in [mimetype for _content, mimetype in digest.alternatives]
    assert set(mine.values_list("digest_id", flat=True)) == {run_id}

    # and a second beat the same morning sends nothing more
    assert deliver_digests(local(2026, 4, 18, 7, 35)) == []
    assert deliver_digests(local(2026, 4, 18, 16, 0)) == []
    # nor does the next morning, with nothing due since
    assert deliver_digests(local(2026, 4, 19, 7, 30)) == []
    assert len(mail.outbox) == 1

    # when the due-day reminders come on the 20th, the 21st's digest has them both
    sweep_and_deliver(local(2026, 4, 20, 8))
    mail.outbox.clear()
    assert len(deliver_digests(local(2026, 4, 21, 7, 45))) == 1
    [next_digest] = mail.outbox
    assert f"#checkpoint-{first.pk}" in next_digest.body
    assert f"#checkpoint-{second.pk}" in next_digest.body
    assert DigestRun.objects.filter(person=politician).count() == 2
