"""Delivering a recorded reminder: the in-app notification exactly once, then the e-mail.

Both steps are idempotent and safe under any number of workers and re-deliveries:

- the notification is created in the same transaction that locks the Reminder row and sets
  ``notified_at``: a second attempt finds it set and does nothing;
- the e-mail is claimed with a conditional ``UPDATE ... SET email_status='sending' WHERE
  email_status='pending'``; only the worker whose update changed the row sends, then marks
  it sent. A failure puts it back to pending with the error and a retry time. A worker
  killed between the mail server's acceptance and the mark leaves it in "sending"; the
  sweep reclaims it later and it is sent again with the same Message-ID.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from innovations.models import Innovation

from .models import Checkpoint, CheckpointStatus, DigestRun, EmailStatus, Reminder
from .wording import due_wording

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8


class EmailFailed(Exception):
    """Sending an e-mail failed; the reminder is pending again and will be retried."""


def due_for_retry(now: datetime.datetime) -> Q:
    """E-mails whose retry time, if any, has come: a Celery retry and the backstop never
    start an attempt ahead of the backoff."""
    return Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now)


def backoff_seconds(attempts: int) -> int:
    """60 s, 120 s, 240 s ... at most 30 minutes: well inside the broker's visibility timeout."""
    return min(60 * 2 ** max(attempts - 1, 0), 1800)


# --- Links ----------------------------------------------------------------------------------


def checkpoint_url(checkpoint: Checkpoint) -> str:
    """Where the recipient acts on the checkpoint: the innovation's page, at the checkpoint."""
    path = reverse("innovation_detail", args=[checkpoint.innovation_id])
    return f"{settings.SITE_URL}{path}#checkpoint-{checkpoint.pk}"


def preferences_url() -> str:
    path = reverse("preferences")
    return f"{settings.SITE_URL}{path}"


def stage_text(stage: str, due_date: datetime.date, today: datetime.date | None = None) -> str:
    """How the reminder reads when it leaves: relative to the day it is sent ("due in 3 days,
    on 5.12.2026"), as the in-app notification reads relative to the day it is read
    (``reminders.wording``), with the date in the recipient's language's format."""
    when = due_wording(due_date, today or timezone.localdate())
    if stage.partition("-")[0] == "escalation":
        return _("%(when)s; escalated to the chair and the administrators") % {"when": when}
    return when


def reminder_context(reminder: Reminder) -> dict:
    checkpoint = reminder.checkpoint
    return {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "checkpoint": checkpoint,
        "innovation": checkpoint.innovation,
        "committee": checkpoint.committee,
        "kind": checkpoint.get_kind_display(),
        "when": stage_text(reminder.stage, checkpoint.due_date),
        "url": checkpoint_url(checkpoint),
        "preferences_url": preferences_url(),
    }


# --- One reminder ---------------------------------------------------------------------------


def _load(reminder_id: int, *, lock: bool) -> Reminder | None:
    queryset = Reminder.objects.select_related(
        "recipient", "checkpoint__innovation", "checkpoint__committee"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(pk=reminder_id).first()


def _notification_for(reminder: Reminder) -> Notification:
    """The in-app notification of a reminder, not yet saved."""
    checkpoint = reminder.checkpoint
    innovation = checkpoint.innovation
    with translation.override(reminder.recipient.language or settings.LANGUAGE_CODE):
        verb = _("%(kind)s %(when)s") % {
            "kind": checkpoint.get_kind_display(),
            "when": stage_text(reminder.stage, checkpoint.due_date),
        }
    innovation_type = ContentType.objects.get_for_model(Innovation)
    return Notification(
        recipient=reminder.recipient,
        actor_content_type=innovation_type,
        actor_object_id=str(innovation.pk),
        verb=verb[:255],
        description=innovation.title,
        target_content_type=ContentType.objects.get_for_model(Checkpoint),
        target_object_id=str(checkpoint.pk),
        action_object_content_type=innovation_type,
        action_object_object_id=str(innovation.pk),
        level="warning" if reminder.escalation else "info",
        data={
            "url": checkpoint_url(checkpoint),
            "checkpoint": checkpoint.pk,
            "innovation": innovation.pk,
            "kind": checkpoint.kind,
            "stage": reminder.stage,
            "due_date": checkpoint.due_date.isoformat(),
            "reminder": reminder.pk,
        },
    )


def notify_and_claim(reminder_id: int, *, claim: bool = True) -> tuple[Reminder | None, bool]:
    """In one transaction with the Reminder row locked: create the in-app notification unless
    it exists, and claim the e-mail if it is pending (``claim``).

    Returns the reminder (None if it is gone) and whether this call claimed its e-mail.
    """
    with transaction.atomic():
        reminder = _load(reminder_id, lock=True)
        if reminder is None:
            return None, False
        if reminder.checkpoint.status != CheckpointStatus.OPEN:
            _cancel_locked(reminder)
            return reminder, False
        now = timezone.now()
        fields: list[str] = []
        if reminder.notified_at is None and reminder.cancelled_at is None:
            notification = _notification_for(reminder)
            notification.save()
            reminder.notification_id = notification.pk
            reminder.notified_at = now
            fields += ["notified_at", "notification_id"]
        claimed = (
            claim
            and reminder.email_status == EmailStatus.PENDING
            and (reminder.email_retry_at is None or reminder.email_retry_at <= now)
        )
        if claimed:
            # Under the row lock this is the same claim as claim_email's conditional UPDATE.
            reminder.email_status = EmailStatus.SENDING
            reminder.email_claimed_at = now
            reminder.attempts += 1
            fields += ["email_status", "email_claimed_at", "attempts"]
        if fields:
            reminder.save(update_fields=fields)
    return reminder, claimed


def notify(reminder_id: int) -> Reminder | None:
    """Create the in-app notification, once. Returns the reminder, or None if it is gone."""
    reminder, _claimed = notify_and_claim(reminder_id, claim=False)
    return reminder


def _cancel_locked(reminder: Reminder) -> None:
    """The checkpoint closed before delivery: nothing more goes out for this reminder."""
    fields = []
    if reminder.notified_at is None and reminder.cancelled_at is None:
        reminder.cancelled_at = timezone.now()
        fields.append("cancelled_at")
    if reminder.email_status == EmailStatus.PENDING:
        reminder.email_status = EmailStatus.CANCELLED
        fields.append("email_status")
    if fields:
        reminder.save(update_fields=fields)


def claim_email(reminder_id: int) -> bool:
    """Take the e-mail for sending. True for exactly one caller while it is pending and due
    (its retry time, if any, has come)."""
    now = timezone.now()
    return bool(
        Reminder.objects.filter(
            due_for_retry(now), pk=reminder_id, email_status=EmailStatus.PENDING
        ).update(email_status=EmailStatus.SENDING, email_claimed_at=now, attempts=F("attempts") + 1)
    )


def record_accepted(queryset, **fields) -> None:
    """Record that the mail server accepted an e-mail, right after its "250".

    The one moment a crash or an outage can turn into a duplicate: so a database that is
    away (restarting, a failover) is waited for, up to one SMTP timeout, reconnecting,
    rather than leaving the row "sending" for the backstop to send again. Longer than that
    stays within the stuck limit (``SPOR_REMINDER_STUCK_SECONDS``, four SMTP timeouts).
    """
    deadline = time.monotonic() + settings.EMAIL_TIMEOUT
    pause = 0.25
    while True:
        try:
            queryset.filter(email_status=EmailStatus.SENDING).update(**fields)
            return
        except (OperationalError, InterfaceError):
            if db_connection.in_atomic_block or time.monotonic() > deadline:
                raise
            logger.warning("recording a sent e-mail: the database is away; trying again")
            db_connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 4.0)


def build_reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    with translation.override(reminder.recipient.language or settings.LANGUAGE_CODE):
        context = reminder_context(reminder)
        subject = render_to_string("reminders/email/reminder_subject.txt", context)
        text = render_to_string("reminders/email/reminder.txt", context)
        html = render_to_string("reminders/email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient.email],
        headers={"Message-ID": reminder.message_id},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_claimed_email(reminder: Reminder, *, connection=None) -> bool:
    """Send an e-mail this process claimed ("sending"), then record it as sent.

    On failure it goes back to pending with the error and a retry time, and ``EmailFailed``
    asks the caller to retry; after ``MAX_EMAIL_ATTEMPTS`` it is marked failed. Without a
    ``connection`` it opens its own and closes it only after the record, so the server's
    answer to QUIT is not waited for between the acceptance and the record.
    """
    if connection is None:
        connection = get_connection()
        try:
            return send_claimed_email(reminder, connection=connection)
        finally:
            _close_quietly(connection)
    try:
        message = build_reminder_email(reminder)
        message.connection = connection
        message.send(fail_silently=False)
    except Exception as exc:
        attempts = reminder.attempts
        give_up = attempts >= MAX_EMAIL_ATTEMPTS
        Reminder.objects.filter(pk=reminder.pk, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
            email_retry_at=timezone.now() + datetime.timedelta(seconds=backoff_seconds(attempts)),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("reminder %s: e-mail attempt %s failed: %s", reminder.pk, attempts, exc)
        if give_up:
            return False
        raise EmailFailed(str(exc)) from exc
    # The instant between the server's acceptance and this update is the one a crash can
    # hit: the row stays "sending", the backstop reclaims it, and the re-send carries the
    # same Message-ID.
    record_accepted(
        Reminder.objects.filter(pk=reminder.pk),
        email_status=EmailStatus.SENT,
        email_sent_at=timezone.now(),
        last_error="",
    )
    return True


def send_email(reminder_id: int, *, connection=None) -> bool:
    """Claim and send the reminder's e-mail if it is pending; True when this call sent it."""
    if not claim_email(reminder_id):
        return False
    reminder = _load(reminder_id, lock=False)
    if reminder.checkpoint.status != CheckpointStatus.OPEN:
        Reminder.objects.filter(pk=reminder_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.CANCELLED
        )
        return False
    return send_claimed_email(reminder, connection=connection)


def deliver_reminder(reminder_id: int, *, connection=None) -> None:
    """Notification in the app, then the e-mail. Raises ``EmailFailed`` to ask for a retry."""
    reminder, claimed = notify_and_claim(reminder_id)
    if claimed:
        send_claimed_email(reminder, connection=connection)


def notify_batch(reminder_ids: list[int]) -> list[Reminder]:
    """Create the missing in-app notifications of a batch in one transaction.

    The batch's rows are locked in id order (so two workers never deadlock); rows another
    worker holds right now are skipped, as that worker is delivering them. Returns the
    locked reminders, with their e-mail status as it was.
    """
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_related(
                "recipient", "checkpoint__innovation", "checkpoint__committee"
            )
            .select_for_update(of=("self",), skip_locked=True)
            .filter(pk__in=reminder_ids)
            .order_by("pk")
        )
        now = timezone.now()
        to_notify: list[Reminder] = []
        cancelled: list[Reminder] = []
        for reminder in reminders:
            if reminder.checkpoint.status != CheckpointStatus.OPEN:
                if reminder.notified_at is None and reminder.cancelled_at is None:
                    reminder.cancelled_at = now
                if reminder.email_status == EmailStatus.PENDING:
                    reminder.email_status = EmailStatus.CANCELLED
                cancelled.append(reminder)
            elif reminder.notified_at is None and reminder.cancelled_at is None:
                to_notify.append(reminder)
        if to_notify:
            notifications = Notification.objects.bulk_create(
                [_notification_for(reminder) for reminder in to_notify]
            )
            for reminder, notification in zip(to_notify, notifications, strict=True):
                reminder.notified_at = now
                reminder.notification_id = notification.pk
            Reminder.objects.bulk_update(to_notify, ["notified_at", "notification_id"])
        if cancelled:
            Reminder.objects.bulk_update(cancelled, ["cancelled_at", "email_status"])
    return reminders


def deliver_reminders(reminder_ids: list[int]) -> list[int]:
    """Deliver a batch: notifications set-based, then each e-mail claimed, sent and marked
    on its own (so a crash leaves at most the one e-mail in flight unrecorded).

    Returns the ids whose e-mail failed and must be retried.
    """
    reminders = notify_batch(reminder_ids)
    pending = [r for r in reminders if r.email_status == EmailStatus.PENDING]
    failed: list[int] = []
    if not pending:
        return failed
    connection = get_connection()
    try:
        for reminder in pending:
            if not claim_email(reminder.pk):
                continue
            reminder.attempts += 1
            try:
                send_claimed_email(reminder, connection=connection)
            except EmailFailed:
                failed.append(reminder.pk)
    finally:
        _close_quietly(connection)
    return failed


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # a broken SMTP connection cannot be closed cleanly; ignore
        logger.debug("closing the mail connection failed", exc_info=True)


def deliver_all_pending() -> int:
    """Deliver every reminder recorded and not yet delivered, in this process.

    For operators (``send_reminders --deliver``) and tests; workers do the same through
    ``reminders.queue.deliver_reminders``.
    """
    ids = list(
        Reminder.objects.filter(
            Q(notified_at__isnull=True, cancelled_at__isnull=True)
            | Q(email_status=EmailStatus.PENDING)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 200):
        deliver_reminders(ids[start : start + 200])
    return len(ids)


# --- The digest e-mail ----------------------------------------------------------------------


def send_digest_email(run_id: int) -> bool:
    """Send one daily digest e-mail, claimed like a reminder's."""
    claimed = DigestRun.objects.filter(pk=run_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return False
    run = DigestRun.objects.select_related("person").get(pk=run_id)
    reminders = list(
        run.reminders.select_related("checkpoint__innovation", "checkpoint__committee").order_by(
            "checkpoint__due_date", "pk"
        )
    )
    try:
        with translation.override(run.person.language or settings.LANGUAGE_CODE):
            items = [reminder_context(r) for r in reminders]
            context = {
                "person": run.person,
                "date": run.date,
                "items": items,
                # news of the innovations the person follows (reminders/following.py)
                "followed": list(
                    run.follow_notices.order_by("created_at", "pk").values_list("text", flat=True)
                ),
                "preferences_url": preferences_url(),
            }
            subject = render_to_string("reminders/email/digest_subject.txt", context)
            text = render_to_string("reminders/email/digest.txt", context)
            html = render_to_string("reminders/email/digest.html", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[run.person.email],
            headers={"Message-ID": run.message_id},
        )
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
    except Exception as exc:
        give_up = run.attempts >= MAX_EMAIL_ATTEMPTS
        DigestRun.objects.filter(pk=run_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        if give_up:
            return False
        raise EmailFailed(str(exc)) from exc
    record_accepted(
        DigestRun.objects.filter(pk=run_id),
        email_status=EmailStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return True
