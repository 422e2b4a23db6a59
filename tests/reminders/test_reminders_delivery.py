"""Delivering a reminder: the e-mail's content and headers, retries after a failed send, a
worker that died mid-send, and reminders whose queued task was lost with Redis."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from notifications.models import Notification

from reminders import delivery
from reminders.models import Reminder
from reminders.sweep import sweep

from ..reminders_world import checkpoint_due, local, owned_innovation

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 10)
SEND = local(2026, 6, 7, 8)  # before-3


class RefusingBackend(LocmemBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no ``except Exception`` catches it."""


class AcceptsThenKilledBackend(LocmemBackend):
    """The server accepts the message, and the worker dies before recording that."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise WorkerKilled


@pytest.fixture
def reminded(copenhagen):
    """The owning official's documentation, reminded three days before it is due."""
    with time_machine.travel(local(2026, 6, 1, 9)):
        checkpoint = checkpoint_due(
            copenhagen,
            DUE,
            kind="documentation",
            responsible="owner",
            innovation=owned_innovation(copenhagen, title="Automatisk kørselsbevilling"),
        )
    with time_machine.travel(SEND, tick=False):
        sweep(enqueue=False)
    return Reminder.objects.get(checkpoint=checkpoint)


def test_the_email_says_what_is_due_where_and_how_to_change_preferences(reminded):
    with time_machine.travel(SEND, tick=False):
        assert delivery.deliver_reminders([reminded.pk]) == []
    [message] = mail.outbox
    reminded.refresh_from_db()
    assert message.to == [reminded.recipient.email]
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminded.pk}-before-3@spor.local>"
    assert "Automatisk kørselsbevilling" in message.subject
    assert "10.06.2026" in message.body
    assert f"#checkpoint-{reminded.checkpoint_id}" in message.body
    assert delivery.preferences_url() in message.body  # where to choose e-mails or a digest
    assert delivery.checkpoint_url(reminded.checkpoint) in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="da">' in html  # Danish unless the person chose otherwise
    assert (reminded.email_status, reminded.attempts) == ("sent", 1)
    assert reminded.email_sent_at is not None and reminded.notified_at is not None
    notification = Notification.objects.get(recipient=reminded.recipient)
    assert notification.target == reminded.checkpoint
    assert notification.action_object == reminded.checkpoint.innovation
    assert notification.data["url"].endswith(f"#checkpoint-{reminded.checkpoint_id}")


def test_the_email_speaks_the_recipients_language(reminded):
    reminded.recipient.language = "en"
    reminded.recipient.save(update_fields=["language"])
    delivery.deliver_reminders([reminded.pk])
    [(html, _mimetype)] = mail.outbox[0].alternatives
    assert '<html lang="en">' in html


def test_a_failed_send_is_retried_with_backoff_and_notifies_only_once(reminded, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_reminders_delivery.RefusingBackend"
    with time_machine.travel(SEND, tick=False):
        assert delivery.deliver_reminders([reminded.pk]) == [reminded.pk]
    reminded.refresh_from_db()
    assert (reminded.email_status, reminded.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in reminded.last_error
    assert reminded.email_retry_at == SEND + datetime.timedelta(seconds=60)
    assert reminded.notified_at is not None

    # the second attempt fails too and waits twice as long
    with time_machine.travel(SEND + datetime.timedelta(minutes=1), tick=False):
        assert delivery.deliver_reminders([reminded.pk]) == [reminded.pk]
    reminded.refresh_from_db()
    assert reminded.email_retry_at == SEND + datetime.timedelta(minutes=1, seconds=120)

    # when the server is back, the retry sends it once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_reminders([reminded.pk]) == []
    reminded.refresh_from_db()
    assert (reminded.email_status, reminded.attempts, reminded.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=reminded.recipient).count() == 1


def test_a_worker_killed_after_the_server_accepted_resends_once_with_the_same_message_id(
    reminded, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.test_reminders_delivery.AcceptsThenKilledBackend"
    with time_machine.travel(SEND, tick=False), pytest.raises(WorkerKilled):
        delivery.deliver_reminders([reminded.pk])
    reminded.refresh_from_db()
    assert reminded.email_status == "sending"  # accepted, not recorded
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # a sweep soon after leaves it alone: the worker may still be sending
    with time_machine.travel(SEND + datetime.timedelta(minutes=1), tick=False):
        assert sweep(enqueue=False).reclaimed == 0
    # a sweep after the stuck limit (four SMTP timeouts: 2 minutes) reclaims it, and it is
    # sent again, once
    assert settings.SPOR_REMINDER_STUCK_SECONDS == 4 * settings.EMAIL_TIMEOUT == 120
    with time_machine.travel(SEND + datetime.timedelta(minutes=3), tick=False):
        report = sweep(enqueue=False)
        assert (report.reclaimed, report.requeued) == (1, 1)
        delivery.deliver_reminders([reminded.pk])
        delivery.deliver_reminders([reminded.pk])
    reminded.refresh_from_db()
    assert (reminded.email_status, reminded.attempts) == ("sent", 2)
    # two copies reached the server, with one Message-ID, so the mail client shows one
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [reminded.message_id] * 2
    assert Notification.objects.filter(recipient=reminded.recipient).count() == 1


def test_reminders_whose_tasks_were_lost_are_handed_over_again(reminded):
    # given the sweep recorded the reminder but its task died with Redis: nothing delivered
    assert reminded.notified_at is None
    # a sweep within the grace period does not touch it (its task may just be queued)
    with time_machine.travel(SEND + datetime.timedelta(minutes=1), tick=False):
        assert sweep(enqueue=False).requeued == 0
    # the next one re-enqueues it
    with time_machine.travel(SEND + datetime.timedelta(minutes=5), tick=False):
        assert sweep(enqueue=False).requeued == 1
    # while the workers are busy with a backlog, it is not handed over again at every sweep,
    with time_machine.travel(SEND + datetime.timedelta(minutes=6), tick=False):
        assert sweep(enqueue=False).requeued == 0
    # only once the period has passed again
    with time_machine.travel(SEND + datetime.timedelta(minutes=9), tick=False):
        assert sweep(enqueue=False).requeued == 1
        delivery.deliver_reminders([reminded.pk])
        delivery.deliver_reminders([reminded.pk])  # the earlier hand-over arrives too
    with time_machine.travel(SEND + datetime.timedelta(minutes=20), tick=False):
        assert sweep(enqueue=False).requeued == 0
    assert len(mail.outbox) == 1


def test_the_delivery_task_retries_only_the_failed_emails_and_gives_up_after_eight(
    reminded, settings
):
    from reminders.queue import deliver_reminders

    settings.EMAIL_BACKEND = "tests.reminders.test_reminders_delivery.RefusingBackend"
    # run by Celery itself, in this process: its retries run at once, ahead of the backoff,
    # and start no attempt; each run at the e-mail's retry time makes one
    moment = SEND
    for attempt in range(1, 9):
        with time_machine.travel(moment, tick=False):
            deliver_reminders.apply(args=[[reminded.pk]])
        reminded.refresh_from_db()
        assert reminded.attempts == attempt
        moment = reminded.email_retry_at
    assert (reminded.email_status, reminded.attempts) == ("failed", 8)
    assert reminded.notified_at is not None  # the app notification went out regardless
    assert Notification.objects.filter(recipient=reminded.recipient).count() == 1
    # a failed e-mail is not handed over again by later sweeps
    with time_machine.travel(SEND + datetime.timedelta(days=1), tick=False):
        assert sweep(enqueue=False).requeued == 0
