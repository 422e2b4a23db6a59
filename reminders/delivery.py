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

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from innovations.models import Innovation

from .models import Checkpoint, CheckpointStatus, DigestRun, EmailStatus, Reminder

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8


class EmailFailed(Exception):
    """Sending an e-mail failed; the reminder is pending again and will be retried."""


def backoff_seconds(attempts: int) -> int:
    """60 s, 120 s, 240 s ... at most 30 minutes: well inside the broker's visibility timeout."""
    return min(60 * 2 ** max(attempts - 1, 0), 1800)


# --- Links ----------------------------------------------------------------------------------


def _reverse_first(names: list[str], *args) -> str | None:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def checkpoint_url(checkpoint: Checkpoint) -> str:
    """Where the recipient acts on the checkpoint: the innovation's page, at the checkpoint."""
    path = (
        _reverse_first(
            ["innovation-detail", "innovations:detail", "web:innovation-detail"],
            checkpoint.innovation_id,
        )
        or f"/innovations/{checkpoint.innovation_id}/"
    )
    return f"{settings.SITE_URL}{path}#checkpoint-{checkpoint.pk}"


def preferences_url() -> str:
    path = _reverse_first(["preferences", "web:preferences", "profile"]) or "/profile/"
    return f"{settings.SITE_URL}{path}"


def stage_text(stage: str, due_date: datetime.date) -> str:
    kind, _sep, number = stage.partition("-")
    if kind == "before":
        return _("due in %(days)s days, on %(date)s") % {
            "days": number,
            "date": due_date.strftime("%d.%m.%Y"),
        }
    if kind == "due":
        return _("due today, %(date)s") % {"date": due_date.strftime("%d.%m.%Y")}
    if kind == "escalation":
        return _("overdue since %(date)s; escalated to the chair and the administrators") % {
            "date": due_date.strftime("%d.%m.%Y")
        }
    return _("overdue since %(date)s") % {"date": due_date.strftime("%d.%m.%Y")}


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


def notify(reminder_id: int) -> Reminder | None:
    """Create the in-app notification, once. Returns the reminder, or None if it is gone."""
    with transaction.atomic():
        reminder = _load(reminder_id, lock=True)
        if reminder is None:
            return None
        if reminder.checkpoint.status != CheckpointStatus.OPEN:
            _cancel_locked(reminder)
            return reminder
        if reminder.notified_at is not None or reminder.cancelled_at is not None:
            return reminder
        checkpoint = reminder.checkpoint
        innovation = checkpoint.innovation
        with translation.override(reminder.recipient.language or settings.LANGUAGE_CODE):
            verb = _("%(kind)s %(when)s") % {
                "kind": checkpoint.get_kind_display(),
                "when": stage_text(reminder.stage, checkpoint.due_date),
            }
        innovation_type = ContentType.objects.get_for_model(Innovation)
        notification = Notification.objects.create(
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
        reminder.notified_at = timezone.now()
        reminder.notification_id = notification.pk
        reminder.save(update_fields=["notified_at", "notification_id"])
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
    """Take the e-mail for sending. True for exactly one caller while it is pending."""
    return bool(
        Reminder.objects.filter(pk=reminder_id, email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.SENDING,
            email_claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    )


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


def send_email(reminder_id: int, *, connection=None) -> bool:
    """Send the reminder's e-mail if it is pending; True when this call sent it."""
    if not claim_email(reminder_id):
        return False
    reminder = _load(reminder_id, lock=False)
    try:
        if reminder.checkpoint.status != CheckpointStatus.OPEN:
            Reminder.objects.filter(pk=reminder_id, email_status=EmailStatus.SENDING).update(
                email_status=EmailStatus.CANCELLED
            )
            return False
        message = build_reminder_email(reminder)
        message.connection = connection
        message.send(fail_silently=False)
    except Exception as exc:
        attempts = reminder.attempts
        give_up = attempts >= MAX_EMAIL_ATTEMPTS
        Reminder.objects.filter(pk=reminder_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
            email_retry_at=timezone.now() + datetime.timedelta(seconds=backoff_seconds(attempts)),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("reminder %s: e-mail attempt %s failed: %s", reminder_id, attempts, exc)
        if give_up:
            return False
        raise EmailFailed(str(exc)) from exc
    Reminder.objects.filter(pk=reminder_id, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), last_error=""
    )
    return True


def deliver_reminder(reminder_id: int, *, connection=None) -> None:
    """Notification in the app, then the e-mail. Raises ``EmailFailed`` to ask for a retry."""
    reminder = notify(reminder_id)
    if reminder is None or reminder.email_status != EmailStatus.PENDING:
        return
    send_email(reminder_id, connection=connection)


def deliver_reminders(reminder_ids: list[int]) -> list[int]:
    """Deliver a batch over one mail connection; returns the ids whose e-mail must be retried."""
    failed: list[int] = []
    connection = get_connection()
    try:
        for reminder_id in reminder_ids:
            try:
                deliver_reminder(reminder_id, connection=connection)
            except EmailFailed:
                failed.append(reminder_id)
    finally:
        try:
            connection.close()
        except Exception:  # a broken SMTP connection cannot be closed cleanly; ignore
            logger.debug("closing the mail connection failed", exc_info=True)
    return failed


def deliver_all_pending() -> int:
    """Deliver every reminder recorded and not yet delivered, in this process.

    For operators (``send_reminders --deliver``) and tests; workers do the same through
    ``reminders.tasks.deliver_reminders``.
    """
    from django.db.models import Q

    ids = list(
        Reminder.objects.filter(
            Q(notified_at__isnull=True, cancelled_at__isnull=True)
            | Q(email_status=EmailStatus.PENDING)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deliver_reminders(ids)
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
    now = timezone.now()
    DigestRun.objects.filter(pk=run_id, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, sent_at=now, last_error=""
    )
    return True
