"""Checkpoints (what is due), the rules and policy that create and remind of them, and the
proof of every reminder sent.

A ``Checkpoint`` carries ``next_reminder_at``: the send moment of its next reminder stage,
or NULL when nothing more is to be sent. The sweep reads only the open checkpoints whose
moment has come, through a partial index, so its cost follows what is due and not how many
checkpoints exist. A ``Reminder`` row is the proof of one (checkpoint, recipient, stage):
unique, recorded before delivery, and marked as each channel delivers it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.querysets import OrganisationScopedQuerySet
from innovations.models import State


def default_days_before() -> list[int]:
    return [14, 3]


def validate_days_before(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 365 for d in value
    ):
        raise ValidationError(_("Give a list of whole numbers of days between 1 and 365."))


DAYS = [MinValueValidator(1), MaxValueValidator(365)]
LONG_DAYS = [MinValueValidator(1), MaxValueValidator(3650)]


class ReminderPolicy(models.Model):
    """When an organisation's reminders go out, relative to a checkpoint's due date."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="reminder_policy",
    )
    days_before = models.JSONField(
        _("days before the due date"),
        default=default_days_before,
        blank=True,
        validators=[validate_days_before],
    )
    on_due_day = models.BooleanField(_("on the due day"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("repeat every so many days when overdue"),
        null=True,
        blank=True,
        default=7,
        validators=DAYS,
    )
    escalate_after_days_overdue = models.PositiveSmallIntegerField(
        _("escalate after so many days overdue"),
        null=True,
        blank=True,
        default=14,
        validators=DAYS,
    )
    send_hour = models.PositiveSmallIntegerField(
        _("send at (hour, local time)"), default=8, validators=[MaxValueValidator(23)]
    )
    digest_time = models.TimeField(_("daily digest at (local time)"), default=datetime.time(7, 30))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(send_hour__gte=0) & Q(send_hour__lte=23),
                name="reminder_policy_send_hour_in_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Reminder policy')}: {self.organisation}"


class CheckpointKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    DOCUMENTATION = "documentation", _("Documentation")
    EVALUATION = "evaluation", _("Evaluation")
    DECISION = "decision", _("Decision")


# What a committee decides or follows up; documentation and evaluations are the owning
# official's to deliver.
COMMITTEE_KINDS = (CheckpointKind.DECISION, CheckpointKind.FOLLOW_UP)


class Responsible(models.TextChoices):
    COMMITTEE = "committee", _("The responsible committee")
    OWNER = "owner", _("The owning official")


class CheckpointRule(models.Model):
    """On entering ``state``, create a checkpoint of ``kind`` due after ``due_after_days``."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="checkpoint_rules",
    )
    state = models.CharField(_("on entering the phase"), max_length=20, choices=State.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=CheckpointKind.choices)
    due_after_days = models.PositiveIntegerField(_("due after (days)"), validators=LONG_DAYS)
    repeat_every_days = models.PositiveIntegerField(
        _("then every (days)"), null=True, blank=True, validators=LONG_DAYS
    )
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=Responsible.choices, default=Responsible.COMMITTEE
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation", "state", "kind"]
        verbose_name = _("checkpoint rule")
        verbose_name_plural = _("checkpoint rules")
        indexes = [models.Index(fields=["organisation", "state", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_after_days__gte=1), name="checkpoint_rule_due_after_positive"
            ),
            models.CheckConstraint(
                condition=Q(repeat_every_days__isnull=True) | Q(repeat_every_days__gte=1),
                name="checkpoint_rule_repeat_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.get_kind_display()} +{self.due_after_days}"


class CheckpointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    WAIVED = "waived", _("Waived")
    CANCELLED = "cancelled", _("Cancelled")


class CheckpointSource(models.TextChoices):
    RULE = "rule", _("Rule")
    DECISION = "decision", _("Decision")
    MANUAL = "manual", _("Set by hand")
    POSTPONED = "postponed", _("Postponed decision")


class CheckpointQuerySet(OrganisationScopedQuerySet):
    organisation_field = "innovation__organisation"

    def open(self) -> CheckpointQuerySet:
        return self.filter(status=CheckpointStatus.OPEN)

    def overdue(self, *, on: datetime.date) -> CheckpointQuerySet:
        """Due before ``on`` (a day in Copenhagen): the one definition of "overdue".

        With ``open()`` it is ``Checkpoint.is_overdue(on=...)`` for one checkpoint in hand;
        tests/web/test_web_overdue_status.py holds the two (and the web's
        ``due_status``) together."""
        return self.filter(due_date__lt=on)


class Checkpoint(models.Model):
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="checkpoints",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CheckpointKind.choices)
    title = models.CharField(_("what is due"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"))
    committee = models.ForeignKey(
        "organisations.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkpoints",
    )
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=Responsible.choices, default=Responsible.COMMITTEE
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CheckpointStatus.choices, default=CheckpointStatus.OPEN
    )
    source = models.CharField(_("source"), max_length=20, choices=CheckpointSource.choices)
    rule = models.ForeignKey(
        CheckpointRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkpoints",
    )
    state = models.CharField(
        _("belongs to the phase"), max_length=20, choices=State.choices, blank=True
    )
    origin_decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("set by decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkpoints",
    )
    answered_by_decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("answered by decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_checkpoints",
    )
    answered_by_follow_up = models.ForeignKey(
        "decisions.FollowUp",
        verbose_name=_("answered by follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_checkpoints",
    )
    waived_reason = models.TextField(_("why it was waived"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    next_reminder_at = models.DateTimeField(_("next reminder at"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        indexes = [
            # The sweep's only way in: open checkpoints whose next reminder has come.
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(status=CheckpointStatus.OPEN),
                name="checkpoint_due_reminder_idx",
            ),
            models.Index(fields=["innovation", "status"]),
            models.Index(fields=["committee", "status", "due_date"]),
            models.Index(fields=["responsible_person", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CheckpointStatus.OPEN) | Q(next_reminder_at__isnull=True),
                name="checkpoint_closed_sends_nothing",
            ),
            models.CheckConstraint(
                condition=~Q(status=CheckpointStatus.WAIVED) | ~Q(waived_reason=""),
                name="checkpoint_waived_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.innovation} – {self.due_date:%d.%m.%Y}"

    def is_overdue(self, *, on: datetime.date) -> bool:
        """One checkpoint's side of ``Checkpoint.objects.open().overdue(on=...)``."""
        return self.status == CheckpointStatus.OPEN and self.due_date < on

    def days_overdue(self, *, on: datetime.date) -> int:
        """How many days past its due date an overdue checkpoint is on ``on``; else 0."""
        return (on - self.due_date).days if self.is_overdue(on=on) else 0

    @property
    def is_open(self) -> bool:
        return self.status == CheckpointStatus.OPEN


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED_DIGEST = "skipped_digest", _("In the daily digest")
    NO_ADDRESS = "no_address", _("No e-mail address")
    CANCELLED = "cancelled", _("Not sent: the checkpoint was closed")


class Reminder(models.Model):
    """The proof of one reminder: one row per (checkpoint, recipient, stage), ever."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    stage = models.CharField(_("stage"), max_length=30)
    escalation = models.BooleanField(_("escalation"), default=False)
    scheduled_for = models.DateTimeField(_("due to be sent at"))
    created_at = models.DateTimeField(_("recorded at"))
    # When delivery was last handed to Celery: the backstop hands over again only what has
    # waited longer than that, so a long backlog is not enqueued again on every sweep.
    queued_at = models.DateTimeField(_("handed to the workers at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("in-app notification at"), null=True, blank=True)
    # The id of the django-notifications row (a plain id: that model is swappable).
    notification_id = models.BigIntegerField(_("in-app notification"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_retry_at = models.DateTimeField(_("retry e-mail at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.ForeignKey(
        "DigestRun",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
    )

    class Meta:
        ordering = ["-scheduled_for", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "recipient", "stage"], name="reminder_once_per_stage"
            ),
        ]
        indexes = [
            # The backstop: what was recorded but is not yet delivered on every channel.
            models.Index(
                fields=["queued_at"],
                condition=Q(notified_at__isnull=True, cancelled_at__isnull=True)
                | Q(email_status__in=["pending", "sending"]),
                name="reminder_undelivered_idx",
            ),
            # The backstop's reclaim: e-mails being sent, claimed too long ago. Empty but for
            # the few in flight, so the reclaim costs nothing whatever the backlog.
            models.Index(
                fields=["email_claimed_at"],
                condition=Q(email_status="sending"),
                name="reminder_email_sending_idx",
            ),
            # The digest: reminders waiting for their recipient's next digest.
            models.Index(
                fields=["recipient"],
                condition=Q(email_status="skipped_digest", digest__isnull=True),
                name="reminder_awaiting_digest_idx",
            ),
            models.Index(fields=["recipient", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} – {self.recipient} – {self.stage}"

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID, the same on every attempt, so mail clients fold a re-send."""
        domain = getattr(settings, "SPOR_MAIL_DOMAIN", "spor.local")
        return f"<reminder-{self.pk}-{self.stage}@{domain}>"


class DigestRun(models.Model):
    """One daily digest e-mail for one person on one local day, at most."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="digest_runs",
    )
    date = models.DateField(_("local date"))
    created_at = models.DateTimeField(_("created at"))
    email_status = models.CharField(
        _("e-mail"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="digest_once_per_day"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(email_status__in=["pending", "sending"]),
                name="digest_undelivered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date:%d.%m.%Y}"

    @property
    def message_id(self) -> str:
        domain = getattr(settings, "SPOR_MAIL_DOMAIN", "spor.local")
        return f"<digest-{self.pk}-{self.date:%Y%m%d}@{domain}>"


class SweepRun(models.Model):
    """One run of the sweep or of the backstop, when it finished and what it did: the proof
    that beat's scheduled work runs on time (``/readyz``), kept for a week."""

    class Kind(models.TextChoices):
        SWEEP = "sweep", _("sweep")
        BACKSTOP = "backstop", _("backstop")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(db_index=True)
    checkpoints = models.PositiveIntegerField(default=0)
    reminders = models.PositiveIntegerField(default=0)
    requeued = models.PositiveIntegerField(default=0)
    reclaimed = models.PositiveIntegerField(default=0)
    handover_failed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        indexes = [
            models.Index(fields=["kind", "-finished_at"], name="reminders_sweeprun_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.finished_at:%Y-%m-%d %H:%M:%S}"


class Follow(models.Model):
    """A person follows an innovation of their organisation, or a shared one of another:
    they are told of its decisions, moves and evaluations (``reminders.following``)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("following since"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["person", "innovation"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["innovation"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.innovation}"


class FollowNoticeKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    MOVE = "move", _("Move")
    EVALUATION = "evaluation", _("Evaluation")


class FollowNotice(models.Model):
    """The proof of one notice to one follower: unique per (recipient, event), recorded with
    its in-app notification in the transaction of the event, its e-mail sent after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="follow_notices",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="follow_notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FollowNoticeKind.choices)
    # What it is about, e.g. "decision-17", "move-42", "evaluation-3": one notice per event.
    event = models.CharField(_("event"), max_length=40)
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("recorded at"))
    notification_id = models.BigIntegerField(_("in-app notification"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # For a follower on the daily digest: the digest that carried it.
    digest = models.ForeignKey(
        "DigestRun",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_notices",
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("notice to a follower")
        verbose_name_plural = _("notices to followers")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="follow_notice_once"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(email_status="pending"),
                name="follow_notice_pending_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(email_status="skipped_digest", digest__isnull=True),
                name="follow_notice_awaiting_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"
